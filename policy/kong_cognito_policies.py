"""Guardrails for stacks of this project: Cognito app clients and user pools, Kong's openid-connect
plugin, and the Ingress's `konghq.com/plugins` annotation.

Importing this module declares policies and nothing else: `__main__.py` packs `POLICIES`, and the
tests call each policy's `validate` directly. Every check reads the resource's inputs as Pulumi sends
them to policy packs: camelCase names, numbers as floats, secrets already unwrapped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any, Final
from urllib.parse import urlsplit

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

PACK_NAME = "kong-cognito-oidc"

USER_POOL = "aws:cognito/userPool:UserPool"
USER_POOL_CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
KONG_PLUGINS = (
    "kubernetes:configuration.konghq.com/v1:KongPlugin",
    "kubernetes:configuration.konghq.com/v1:KongClusterPlugin",
)
INGRESS_PATCHES = (
    "kubernetes:networking.k8s.io/v1:IngressPatch",
    "kubernetes:networking.k8s.io/v1beta1:IngressPatch",
    "kubernetes:extensions/v1beta1:IngressPatch",
)

OPENID_CONNECT = "openid-connect"
# OAuth flows by which a person signs in through the hosted UI (client_credentials is a machine's).
USER_SIGN_IN_FLOWS = frozenset({"code", "implicit"})
# The claim of a Cognito access token that names its app client.
CLIENT_ID_CLAIM = "client_id"
INLINE_SECRET_KEYS = ("client_secret", "session_secret")
# The Redis password of Redis sessions: a field before Kong 3.8, inside the shared `redis` record from 3.8.
INLINE_SECRET_PATHS = (*((key,) for key in INLINE_SECRET_KEYS), ("session_redis_password",), ("redis", "password"))
PLUGINS_ANNOTATION = "konghq.com/plugins"
PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce"
MINIMUM_PASSWORD_LENGTH = 12
COGNITO_DEFAULT_PASSWORD_LENGTH = 8

PRODUCTION_WORDS_KEY = "productionStackWords"
DEFAULT_PRODUCTION_WORDS: Final = ("prod", "production", "prd")

ATTACHMENT_HINT = (
    "Use this project's IngressPluginAttachment (components/ingress_plugin_attachment.py): "
    "it adds only its own plugin name to the list and removes only that name on destroy."
)


class _Unknown:
    """A value the engine learns only during the update (it is unknown in a preview)."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN: Final = _Unknown()


def plain(value: Any) -> Any:
    """`value` as plain dicts and lists, with UNKNOWN where the value is not known yet.

    The SDK wraps props in proxies that raise UnknownValueError when an unknown value is read
    (pulumi_policy/proxy.py); left uncaught, that skips the whole policy for the resource.
    """
    if isinstance(value, str | bytes):
        return value
    if isinstance(value, Mapping):
        return {key: _read(value, key) for key in value}
    if isinstance(value, Sequence):
        return [_read(value, index) for index in range(len(value))]
    return value


def _read(container: Any, key: Any) -> Any:
    try:
        return plain(container[key])
    except UnknownValueError:
        return UNKNOWN


def _shown(value: Any) -> str:
    """A non-secret value as it should appear in a message."""
    if value is None:
        return "not set"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def stack_name(urn: str) -> str:
    """The stack part of `urn:pulumi:<stack>::<project>::<type>::<name>` ("" if not a Pulumi URN).

    Stack names cannot contain "::", so the first segment is the stack whatever the type
    (parent-qualified `a$b`) or the resource name holds.
    """
    head = urn.split("::", 1)[0]
    return head.removeprefix("urn:pulumi:") if head.startswith("urn:pulumi:") else ""


def production_word(stack: str, words: Collection[str]) -> str | None:
    """The word that marks `stack` as production: a whole segment between -, _, . (prod-eu, eu.prod)."""
    wanted = {word.lower() for word in words}
    for segment in re.split(r"[^a-z0-9]+", stack.lower()):
        if segment in wanted:
            return segment
    return None


def _production_words(config: Mapping[str, Any]) -> list[str]:
    words = config.get(PRODUCTION_WORDS_KEY)
    if not isinstance(words, list):
        return list(DEFAULT_PRODUCTION_WORDS)
    return [word for word in words if isinstance(word, str) and word]


Check = Callable[[ResourceValidationArgs, dict[str, Any]], Iterator[str]]


def _for_types(resource_types: Collection[str], check: Check) -> ResourceValidation:
    """A validate function that runs `check` on resources of those types and reports each message."""

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type not in resource_types:
            return
        for message in check(args, plain(args.props)):
            report_violation(message, None)

    return validate


def _known_strings(value: Any) -> list[str] | None:
    """The list's strings, or None if the list or any element is unknown (or it is no list)."""
    if not isinstance(value, list) or any(element is UNKNOWN for element in value):
        return None
    return [element for element in value if isinstance(element, str)]


# --- Cognito app client ---------------------------------------------------------------------------


def url_problem(url: str) -> str | None:
    """Why Cognito (or a browser client) should not get `url` as a redirect; None if fine."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "it is not a valid URL; use an absolute https:// URL."
    if parts.scheme == "https":
        return None if host else "it has no host; use an absolute https:// URL."
    if parts.scheme == "http":
        if host == "localhost":
            return None
        return (
            "Cognito accepts plain http only for http://localhost, for testing; "
            "serve the app over https and register its https:// URL."
        )
    if not parts.scheme:
        return "it is not an absolute URL; use an absolute https:// URL."
    return (
        f'the "{parts.scheme}" scheme is for native apps (or unsafe); '
        "this project's clients sign in in a browser through Kong and need https:// URLs."
    )


_URL_ARGUMENTS = {
    "callbackUrls": "callback_urls",
    "logoutUrls": "logout_urls",
    "defaultRedirectUri": "default_redirect_uri",
}


def check_redirect_urls(args: ResourceValidationArgs, props: dict[str, Any]) -> Iterator[str]:
    for prop, argument in _URL_ARGUMENTS.items():
        value = props.get(prop)
        listed = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, url in listed:
            if not isinstance(url, str):
                continue  # absent or unknown
            problem = url_problem(url)
            if problem:
                where = prop if index is None else f"{prop}[{index}]"
                yield f"{where} is {_shown(url)}: {problem} (UserPoolClient argument {argument})"


def check_hosted_ui_flags(args: ResourceValidationArgs, props: dict[str, Any]) -> Iterator[str]:
    flows = _known_strings(props.get("allowedOauthFlows"))
    if not flows:
        return  # no OAuth flows (not a hosted-UI client), or not known yet
    enabled = props.get("allowedOauthFlowsUserPoolClient")
    if enabled is not True and enabled is not UNKNOWN:
        yield (
            f"allowedOauthFlowsUserPoolClient is {_shown(enabled)} while allowedOauthFlows is {flows}: "
            "Cognito then refuses OAuth requests from this client. Set allowed_oauth_flows_user_pool_client=True."
        )
    if not set(flows) & USER_SIGN_IN_FLOWS:
        return  # a machine client (client_credentials): no one signs in through the hosted UI with it
    listed = props.get("supportedIdentityProviders")
    providers = [] if listed is None else _known_strings(listed)
    if providers == []:
        shown = "not set" if listed is None else "[]"
        yield (
            f"supportedIdentityProviders is {shown}: the client lists no identity provider, so the hosted UI offers "
            'no sign-in at all. List "COGNITO" (the user pool\'s own users) and/or the company identity providers in '
            "supported_identity_providers."
        )


def check_no_implicit_flow(args: ResourceValidationArgs, props: dict[str, Any]) -> Iterator[str]:
    flows = props.get("allowedOauthFlows")
    if isinstance(flows, list) and "implicit" in flows:
        yield (
            'allowedOauthFlows includes "implicit": that grant returns tokens in the URL fragment, '
            "where browser history and scripts on the page can read them, and gives no refresh token. "
            'Kong\'s openid-connect plugin uses the authorization code flow: set allowed_oauth_flows=["code"].'
        )


# --- Cognito user pool ----------------------------------------------------------------------------


def check_password_length(args: ResourceValidationArgs, props: dict[str, Any]) -> Iterator[str]:
    password_policy = props.get("passwordPolicy")
    if password_policy is UNKNOWN:
        return
    length = password_policy.get("minimumLength") if isinstance(password_policy, dict) else None
    if length is UNKNOWN:
        return
    fix = f'set password_policy={{"minimum_length": {MINIMUM_PASSWORD_LENGTH}, ...}} on the UserPool.'
    if length is None:
        yield (
            f"passwordPolicy.minimumLength is not set, so Cognito requires only "
            f"{COGNITO_DEFAULT_PASSWORD_LENGTH} characters: {fix}"
        )
    elif isinstance(length, bool) or not isinstance(length, int | float) or length < MINIMUM_PASSWORD_LENGTH:
        yield f"passwordPolicy.minimumLength is {_shown(length)}, below {MINIMUM_PASSWORD_LENGTH}: {fix}"


def check_production_deletion_protection(args: ResourceValidationArgs, props: dict[str, Any]) -> Iterator[str]:
    stack = stack_name(args.urn)
    word = production_word(stack, _production_words(args.get_config()))
    if word is None:
        return
    protection = props.get("deletionProtection")
    if protection is UNKNOWN or protection == "ACTIVE":
        return
    yield (
        f'stack "{stack}" counts as production (its name has the word "{word}") and deletionProtection is '
        f"{_shown(protection)}: one `pulumi destroy` or replacement would delete every user account. "
        'Run `pulumi config set deletionProtection true` (the program then sets deletion_protection="ACTIVE").'
    )


def _self_sign_up(pool: dict[str, Any]) -> bool | None:
    """Whether anyone may create an account in the pool; None while not known (a preview)."""
    config = pool.get("adminCreateUserConfig")
    if config is UNKNOWN:
        return None
    admin_only = config.get("allowAdminCreateUserOnly") if isinstance(config, dict) else None
    if admin_only is UNKNOWN:
        return None
    return admin_only is not True  # Cognito's default lets anyone sign up


def _requires_groups(plugin: dict[str, Any]) -> bool:
    config = plugin.get("config")
    required = config.get("groups_required") if isinstance(config, dict) else None
    return required is UNKNOWN or (isinstance(required, list) and len(required) > 0)


def _admits_only_listed_clients(plugin: dict[str, Any]) -> bool:
    """Bearer tokens only, of the app clients in audience_required: a signed-up user has no token of those."""
    config = plugin.get("config")
    if not isinstance(config, dict):
        return False
    audiences = config.get("audience_required")
    return (
        config.get("auth_methods") == ["bearer"]
        and config.get("audience_claim") == [CLIENT_ID_CLAIM]
        and isinstance(audiences, list)
        and len(audiences) > 0
    )


def check_production_self_sign_up(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    resources = [(resource, plain(resource.props)) for resource in args.resources]
    plugins = [
        props
        for resource, props in resources
        if resource.resource_type in KONG_PLUGINS and props.get("plugin") == OPENID_CONNECT
    ]
    ungated = [props for props in plugins if not (_requires_groups(props) or _admits_only_listed_clients(props))]
    for resource, props in resources:
        if resource.resource_type != USER_POOL:
            continue
        stack = stack_name(resource.urn)
        word = production_word(stack, _production_words(args.get_config()))
        if word is None or not _self_sign_up(props) or (plugins and not ungated):
            continue
        report_violation(
            f'stack "{stack}" counts as production (its name has the word "{word}") and its user pool lets anyone '
            "sign up, while "
            + (
                f"{len(ungated)} of its {len(plugins)} openid-connect plugins require no group"
                if plugins
                else "no plugin requires a group"
            )
            + ": whoever can reach the sign-in page can create an account and reach the app. Either set "
            "`pulumi config set selfSignUp false` (only users an administrator creates), or `allowedGroups` "
            "(Kong then lets through only members of those groups, which an administrator grants).",
            resource.urn,
        )


# --- Kong -----------------------------------------------------------------------------------------


def check_no_inline_oidc_secrets(args: ResourceValidationArgs, props: dict[str, Any]) -> Iterator[str]:
    if props.get("plugin") != OPENID_CONNECT:
        return
    config = props.get("config")
    if not isinstance(config, dict):
        return
    for path in INLINE_SECRET_PATHS:
        found: Any = config
        for key in path:
            found = found.get(key) if isinstance(found, dict) else None
        if found is not None or (len(path) == 1 and path[0] in config):
            # Never echo the value: it is the secret.
            yield (
                f"config.{'.'.join(path)} is set in the plugin object, where anyone who can read KongPlugins sees it. "
                f'Put it in a Kubernetes Secret and reference it with configPatches (path "/{"/".join(path)}", '
                "valueFrom.secretKeyRef), or move the whole config to a Secret with configFrom."
            )


# --- Ingress annotation ---------------------------------------------------------------------------


def _plugins_patch_force(props: dict[str, Any]) -> bool | None:
    """Whether an IngressPatch forces its konghq.com/plugins annotation; None if it does not set it or is unknown."""
    metadata = props.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    if not isinstance(annotations, dict) or PLUGINS_ANNOTATION not in annotations:
        return None
    force = annotations.get(PATCH_FORCE_ANNOTATION)
    if force is UNKNOWN:
        return None
    return isinstance(force, str) and force.lower() == "true"


def check_no_forced_plugins_patch(args: ResourceValidationArgs, props: dict[str, Any]) -> Iterator[str]:
    if _plugins_patch_force(props) is True:
        yield (
            f'sets {PLUGINS_ANNOTATION} with {PATCH_FORCE_ANNOTATION}: "true": server-side apply then takes over '
            "the whole list, dropping plugins others put there, and destroying the patch removes the annotation "
            f"with every plugin in it. {ATTACHMENT_HINT}"
        )


def check_plugins_patch(args: ResourceValidationArgs, props: dict[str, Any]) -> Iterator[str]:
    if _plugins_patch_force(props) is False:
        yield (
            f"sets {PLUGINS_ANNOTATION} by server-side apply: it conflicts with whoever set the annotation "
            "before (kubectl, Helm, another stack), and when it applies it replaces the whole list with its own "
            f"value and removes it on destroy. {ATTACHMENT_HINT}"
        )


PRODUCTION_WORDS_SCHEMA = PolicyConfigSchema(
    properties={
        PRODUCTION_WORDS_KEY: {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "default": list(DEFAULT_PRODUCTION_WORDS),
            "description": "Stack-name segments that mark a production stack, e.g. prod matches prod-eu.",
        }
    }
)

POLICIES: list[ResourceValidationPolicy | StackValidationPolicy] = [
    ResourceValidationPolicy(
        name="cognito-redirect-urls-https",
        description=(
            "Cognito app-client callback URLs, sign-out URLs and default redirect URI use https:// "
            "(plain http only for http://localhost). Checks aws:cognito UserPoolClient inputs; "
            "URLs not known until the update are skipped."
        ),
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_for_types([USER_POOL_CLIENT], check_redirect_urls),
    ),
    ResourceValidationPolicy(
        name="cognito-hosted-ui-client-flags",
        description=(
            "A Cognito app client with OAuth flows sets allowedOauthFlowsUserPoolClient, and one with a "
            "sign-in flow (code or implicit) lists an identity provider (COGNITO or a company's), without which the "
            "hosted UI refuses it or offers no sign-in."
        ),
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_for_types([USER_POOL_CLIENT], check_hosted_ui_flags),
    ),
    ResourceValidationPolicy(
        name="cognito-no-implicit-flow",
        description="Cognito app clients do not allow the OAuth implicit flow (tokens in the URL fragment).",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_for_types([USER_POOL_CLIENT], check_no_implicit_flow),
    ),
    ResourceValidationPolicy(
        name="cognito-password-min-length",
        description=(
            f"Cognito user pools require passwords of at least {MINIMUM_PASSWORD_LENGTH} characters "
            f"(without a password policy Cognito requires {COGNITO_DEFAULT_PASSWORD_LENGTH})."
        ),
        # The threshold is a judgement call; raise to mandatory in the pack's config if wanted.
        enforcement_level=EnforcementLevel.ADVISORY,
        validate=_for_types([USER_POOL], check_password_length),
    ),
    ResourceValidationPolicy(
        name="cognito-prod-deletion-protection",
        description=(
            "Cognito user pools of production stacks have deletion protection on. A stack counts as "
            f"production when a segment of its name (split at -, _ and .) is one of {PRODUCTION_WORDS_KEY}."
        ),
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=PRODUCTION_WORDS_SCHEMA,
        validate=_for_types([USER_POOL], check_production_deletion_protection),
    ),
    StackValidationPolicy(
        name="cognito-prod-self-sign-up-needs-groups",
        description=(
            "A user pool of a production stack allows self sign-up only if every openid-connect plugin of the "
            "stack requires a group (groups_required) or takes only bearer tokens of listed app clients; "
            "otherwise anyone who reaches the sign-in page can sign up "
            f"and pass. Production stacks as for cognito-prod-deletion-protection ({PRODUCTION_WORDS_KEY})."
        ),
        # Open sign-up with groups granted by an admin is a valid design; the advice is to look twice.
        enforcement_level=EnforcementLevel.ADVISORY,
        config_schema=PRODUCTION_WORDS_SCHEMA,
        validate=check_production_self_sign_up,
    ),
    ResourceValidationPolicy(
        name="kong-oidc-secrets-not-inline",
        description=(
            "KongPlugins and KongClusterPlugins of plugin openid-connect carry no client_secret, "
            "session_secret or Redis password (session_redis_password, redis.password) in config; those come from "
            "a Secret. Sees objects declared through the "
            "Kubernetes provider, not ones applied by other tools."
        ),
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_for_types(KONG_PLUGINS, check_no_inline_oidc_secrets),
    ),
    ResourceValidationPolicy(
        name="ingress-plugins-annotation-not-forced",
        description=(
            f"No IngressPatch force-patches the {PLUGINS_ANNOTATION} annotation ({PATCH_FORCE_ANNOTATION}). "
            "Sees IngressPatch resources of the Kubernetes provider; not kubectl, Helm or other tools."
        ),
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_for_types(INGRESS_PATCHES, check_no_forced_plugins_patch),
    ),
    ResourceValidationPolicy(
        name="ingress-plugins-annotation-patch",
        description=(
            f"An IngressPatch that sets {PLUGINS_ANNOTATION} (without force) owns the whole list or "
            "conflicts with its other writers; the project's IngressPluginAttachment edits only its entry."
        ),
        enforcement_level=EnforcementLevel.ADVISORY,
        validate=_for_types(INGRESS_PATCHES, check_plugins_patch),
    ),
]
