"""Every name that reaches a URN, pinned literally: a change here replaces resources in users' stacks."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from components import naming
from components.settings.model import Route


def test_the_project_and_component_types() -> None:
    assert naming.PROJECT == "kong-cognito-oidc"
    assert naming.COGNITO_SIGN_IN_TYPE == "kong-cognito-oidc:index:CognitoSignIn"
    assert naming.KONG_OIDC_PLUGIN_TYPE == "kong-cognito-oidc:index:KongOidcPlugin"
    assert naming.INGRESS_PLUGIN_ATTACHMENT_TYPE == "kong-cognito-oidc:index:IngressPluginAttachment"
    assert naming.FEDERATED_GROUPS_TYPE == "kong-cognito-oidc:index:FederatedGroups"
    assert naming.SIGN_IN_DOMAIN_TYPE == "kong-cognito-oidc:index:SignInDomain"
    assert (naming.ANNOTATION_MODULE, naming.ANNOTATION_NAME) == ("kong", "IngressPluginAnnotation")


def test_the_components_and_their_children() -> None:
    assert (naming.COGNITO, naming.KONG_OIDC, naming.INGRESS) == ("cognito", "kong-oidc", "ingress")
    assert naming.child("cognito", "users") == "cognito-users"
    assert naming.user_group("cognito", "staff") == "cognito-group-staff"
    assert naming.identity_provider("cognito", "Okta") == "cognito-idp-Okta"
    assert naming.child("cognito", naming.SIGN_IN_DOMAIN) == "cognito-sign-in-domain"
    assert naming.child("cognito", naming.BRANDING) == "cognito-branding"


@pytest.mark.parametrize(
    ("namespace", "expected"), [("default", "kong-oidc-secrets"), ("shop", "kong-oidc-secrets-shop")]
)
def test_the_original_namespace_keeps_its_secrets_name(namespace: str, expected: str) -> None:
    assert naming.namespace_secret("kong-oidc", namespace, original_namespace="default") == expected


def test_routes_are_named_after_their_ingress_and_the_original_keeps_the_bare_name() -> None:
    assert naming.route_resource("ingress", "default", "demo", original=True) == "ingress"
    assert naming.route_resource("ingress", "shop", "web", original=False) == "ingress-shop.web"
    assert naming.default_plugin("oidc", "demo", original=True) == "oidc"
    assert naming.default_plugin("oidc", "web", original=False) == "oidc-web"


def test_an_httproutes_resources_never_meet_an_ingresses_of_the_same_namespace_and_name() -> None:
    assert naming.route_resource("ingress", "shop", "web", original=False, kind="HTTPRoute") == (
        "ingress-HTTPRoute.shop.web"
    )
    # Even marked original, an HTTPRoute never takes the bare name an Ingress kept from before `routes`.
    assert naming.route_resource("ingress", "default", "demo", original=True, kind="HTTPRoute") == (
        "ingress-HTTPRoute.default.demo"
    )
    assert naming.route_resource("ingress", "shop", "web", original=False, kind="Ingress") == "ingress-shop.web"


def test_a_routes_resources_are_named_by_its_kind() -> None:
    ingress = Route("web", "shop", "shop.example.org", "/", "oidc-web", False, "https://shop.example.org/")
    assert ingress.resource_name("ingress") == "ingress-shop.web"
    assert replace(ingress, kind="HTTPRoute").resource_name("ingress") == "ingress-HTTPRoute.shop.web"
    # The KongPlugin is the same object whichever kind lists it: its name ignores the kind.
    assert replace(ingress, kind="HTTPRoute").plugin_resource_name("kong-oidc-plugin") == "kong-oidc-plugin-shop.web"


def test_the_owner_of_a_stacks_plugins() -> None:
    assert naming.stack_owner("kong-cognito-oidc", "prod") == "kong-cognito-oidc/prod"


def test_derived_domain_prefix_names_the_stack() -> None:
    assert naming.derived_domain_prefix("dev", "1a2b3c4d") == "kong-oidc-dev-1a2b3c4d"
    assert naming.derived_domain_prefix("acme/Prod_EU", "1a2b3c4d") == "kong-oidc-acme-prod-eu-1a2b3c4d"


@pytest.mark.parametrize(
    "stack",
    ["dev", "prod", "aws-prod", "Team_Cognito.Staging", "amazonamazon", "awawss", "x" * 80, "---"],
)
def test_derived_domain_prefix_always_satisfies_cognito(stack: str) -> None:
    prefix = naming.derived_domain_prefix(stack, "1a2b3c4d")
    # Cognito's rules, stated here independently of domain_prefix_problem (which the function itself calls).
    assert re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", prefix), prefix
    assert not any(word in prefix for word in ("aws", "amazon", "cognito")), prefix
    assert prefix.startswith("kong-oidc-")
    assert prefix.endswith("-1a2b3c4d")


def test_the_api_clients_component_and_its_children() -> None:
    assert naming.API_CLIENTS_TYPE == "kong-cognito-oidc:index:ApiClients"
    assert naming.API_CLIENTS == "api-clients"
    assert naming.RESOURCE_SERVER_NAME == "kong-cognito-oidc"
    assert naming.api_client("api-clients", "billing-job") == "api-clients-client-billing-job"


@pytest.mark.parametrize(
    ("pulumi_name", "expected"),
    [
        ("sign-in-kong-oidc-secrets", "sign-in-kong-oidc-secrets"),
        ("signIn-kong-oidc-secrets-route.app", "signin-kong-oidc-secrets-route.app"),
        ("My_App-kong-oidc-secrets-shop", "my-app-kong-oidc-secrets-shop"),
    ],
)
def test_the_packages_secrets_get_object_names_the_api_server_takes(pulumi_name: str, expected: str) -> None:
    assert naming.object_name(pulumi_name) == expected
