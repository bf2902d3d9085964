"""docs/permissions.md lists what each command calls, and the GitHub Actions roles grant it.

Whoever deploys writes their IAM policy and Kubernetes role from that page: a resource type
the program declares without a row, or a provider call missing from a column, is a denied
`make up` (or a denied refreshed preview) in their first hour. The provider calls below are
read from the Terraform AWS provider's code that pulumi-aws runs, as the page says.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

import pytest
from program_harness import PROJECT, ROOT, dev_stack_config, run_program

from components.ingress_plugin_attachment import IngressPluginAttachmentProvider
from components.kong.oidc_plugin import CONFIG_PATCH_PATHS
from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION
from components.kubernetes.route_objects import KubernetesRouteObjectApi, ObjectKind
from components.vocabulary import ROUTE_KINDS

PAGE = ROOT / "docs" / "permissions.md"
GITHUB_ACTIONS = ROOT / "docs" / "github-actions.md"
OPERATIONS = ("make preview", "make up", "make destroy")


@dataclass(frozen=True)
class Calls:
    """The cognito-idp operations of one resource's read, create, update and delete functions."""

    read: frozenset[str]
    create: frozenset[str]
    update: frozenset[str]
    delete: frozenset[str]


def _calls(read: str, create: str, update: str, delete: str) -> Calls:
    """Each argument lists API operations; without a service prefix, Cognito's (cognito-idp)."""
    return Calls(
        *(
            frozenset(name if ":" in name else f"cognito-idp:{name}" for name in names.split())
            for names in (read, create, update, delete)
        )
    )


# hashicorp/terraform-provider-aws, internal/service/{cognitoidp,iam,lambda}/: each function's calls, waits included.
PROVIDER_CALLS = {
    # user_pool.go: the read gets the tags with DescribeUserPool; tags change through the tagging interceptor.
    # MFA is set apart from the rest (SetUserPoolMfaConfig), at create when on and at update when changed;
    # a schema that grows (the groups attribute) is AddCustomAttributes.
    "aws:cognito/userPool:UserPool": _calls(
        read="DescribeUserPool GetUserPoolMfaConfig",
        create="CreateUserPool SetUserPoolMfaConfig",
        update="UpdateUserPool SetUserPoolMfaConfig AddCustomAttributes TagResource UntagResource ListTagsForResource",
        delete="DeleteUserPool",
    ),
    # user_pool_domain.go: create, update and delete wait on DescribeUserPoolDomain. A custom domain's
    # certificate is set on a CloudFront distribution, which Cognito does with the caller's
    # cloudfront:UpdateDistribution (Cognito's developer guide, adding a custom domain).
    "aws:cognito/userPoolDomain:UserPoolDomain": _calls(
        read="DescribeUserPoolDomain",
        create="CreateUserPoolDomain DescribeUserPoolDomain cloudfront:UpdateDistribution",
        update="UpdateUserPoolDomain DescribeUserPoolDomain cloudfront:UpdateDistribution",
        delete="DeleteUserPoolDomain DescribeUserPoolDomain",
    ),
    # managed_login_branding.go: the read finds the style's client among the pool's clients.
    "aws:cognito/managedLoginBranding:ManagedLoginBranding": _calls(
        read="DescribeManagedLoginBranding ListUserPoolClients DescribeManagedLoginBrandingByClient",
        create="CreateManagedLoginBranding DescribeManagedLoginBranding",
        update="UpdateManagedLoginBranding DescribeManagedLoginBranding",
        delete="DeleteManagedLoginBranding",
    ),
    # acm/certificate.go: create waits for the validation records (DescribeCertificate); tags go with the
    # request and change through the tagging interceptor (only with aws:defaultTags: the stack sets none).
    "aws:acm/certificate:Certificate": _calls(
        read="acm:DescribeCertificate acm:ListTagsForCertificate",
        create="acm:RequestCertificate acm:AddTagsToCertificate acm:DescribeCertificate",
        update="acm:AddTagsToCertificate acm:RemoveTagsFromCertificate",
        delete="acm:DeleteCertificate",
    ),
    # acm/certificate_validation.go: create waits for ISSUED; delete does nothing.
    "aws:acm/certificateValidation:CertificateValidation": _calls(
        read="acm:DescribeCertificate", create="acm:DescribeCertificate", update="", delete=""
    ),
    # route53/record.go: every step reads the zone; a change waits for INSYNC (GetChange).
    "aws:route53/record:Record": _calls(
        read="route53:GetHostedZone route53:ListResourceRecordSets",
        create="route53:GetHostedZone route53:ChangeResourceRecordSets route53:GetChange",
        update="route53:GetHostedZone route53:ChangeResourceRecordSets route53:GetChange",
        delete="route53:GetHostedZone route53:ListResourceRecordSets "
        "route53:ChangeResourceRecordSets route53:GetChange",
    ),
    # user_pool_client.go
    "aws:cognito/userPoolClient:UserPoolClient": _calls(
        read="DescribeUserPoolClient",
        create="CreateUserPoolClient",
        update="UpdateUserPoolClient",
        delete="DeleteUserPoolClient",
    ),
    # user_group.go: create and update end with a read (GetGroup).
    "aws:cognito/userGroup:UserGroup": _calls(
        read="GetGroup", create="CreateGroup GetGroup", update="UpdateGroup GetGroup", delete="DeleteGroup"
    ),
    # resource_server.go: create and update end with a read (DescribeResourceServer).
    "aws:cognito/resourceServer:ResourceServer": _calls(
        read="DescribeResourceServer",
        create="CreateResourceServer DescribeResourceServer",
        update="UpdateResourceServer DescribeResourceServer",
        delete="DeleteResourceServer",
    ),
    # identity_provider.go: create and update end with a read.
    "aws:cognito/identityProvider:IdentityProvider": _calls(
        read="DescribeIdentityProvider",
        create="CreateIdentityProvider",
        update="UpdateIdentityProvider",
        delete="DeleteIdentityProvider",
    ),
    # iam/role.go: the read lists the inline and attached policies; the delete first removes the role
    # from instance profiles and lists what is still attached. Tags change only with aws:defaultTags.
    "aws:iam/role:Role": _calls(
        read="iam:GetRole iam:ListRolePolicies iam:ListAttachedRolePolicies",
        create="iam:CreateRole",
        update="iam:UpdateAssumeRolePolicy iam:TagRole iam:UntagRole",
        delete="iam:ListInstanceProfilesForRole iam:DeleteRole",
    ),
    # iam/role_policy_attachment.go: no update (every input replaces).
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": _calls(
        read="iam:ListAttachedRolePolicies", create="iam:AttachRolePolicy", update="", delete="iam:DetachRolePolicy"
    ),
    # lambda/function.go: create and update wait with GetFunction; Lambda checks iam:PassRole on the role.
    "aws:lambda/function:Function": _calls(
        read="lambda:GetFunction lambda:ListVersionsByFunction lambda:GetFunctionCodeSigningConfig",
        create="lambda:CreateFunction iam:PassRole",
        update="lambda:UpdateFunctionConfiguration lambda:UpdateFunctionCode iam:PassRole "
        "lambda:TagResource lambda:UntagResource",
        delete="lambda:DeleteFunction",
    ),
    # lambda/permission.go: the function's resource policy; no update (every input replaces).
    "aws:lambda/permission:Permission": _calls(
        read="lambda:GetPolicy", create="lambda:AddPermission", update="", delete="lambda:RemovePermission"
    ),
}
# Service Authorization Reference: these name no user pool, so only "Resource": "*" allows them.
# So are a certificate request (no certificate yet) and the CloudFront distribution Cognito owns.
UNSCOPED_ACTIONS = frozenset(
    {
        "cognito-idp:CreateUserPool",
        "cognito-idp:DescribeUserPoolDomain",
        "acm:RequestCertificate",
        "cloudfront:UpdateDistribution",
    }
)


@dataclass(frozen=True)
class Row:
    cells: dict[str, str]

    def codes(self, column: str) -> set[str]:
        """The code spans of a cell: actions, verbs or types."""
        return set(re.findall(r"`([^`]+)`", self.cells[column]))


def tables(markdown: str) -> dict[str, list[Row]]:
    """Each `## ` section's table rows, keyed by the section's heading; headers without backticks."""
    found: dict[str, list[Row]] = {}
    section = ""
    header: list[str] | None = None
    for line in markdown.splitlines():
        if line.startswith("## "):
            section, header = line[3:].strip(), None
        elif not line.startswith("|"):
            header = None
        elif header is None:
            header = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        elif not set(line) <= set("|-: "):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            assert len(cells) == len(header), f"{section}: a row with {len(cells)} cells: {line}"
            found.setdefault(section, []).append(Row(dict(zip(header, cells, strict=True))))
    return found


def page_tables() -> dict[str, list[Row]]:
    return tables(PAGE.read_text())


def aws_rows() -> dict[str, Row]:
    return {next(iter(row.codes("Pulumi type"))): row for row in page_tables()["AWS IAM actions"]}


def documented_types(sections: dict[str, list[Row]]) -> set[str]:
    names = ("AWS IAM actions", "Kubernetes RBAC", "Nothing to grant")
    return {type_ for name in names for row in sections.get(name, []) for type_ in row.codes("Pulumi type")}


def declared_types(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Every type the program declares: the dev stack with a group, routes in two namespaces, machine clients."""
    single = {**dev_stack_config(), f"{PROJECT}:allowedGroups": '["staff"]'}
    routes = [
        {"ingress": "demo", "namespace": "default", "host": "apps.example.com", "path": "/bar"},
        {"ingress": "shop", "namespace": "shop", "host": "shop.example.org", "path": "/"},
    ]
    several = {**single, f"{PROJECT}:routes": json.dumps(routes)}
    # A company identity provider whose groups pass the gate: the provider and the groups trigger.
    provider = {
        "name": "Entra",
        "type": "SAML",
        "metadataUrl": "https://login.microsoftonline.com/tenant/federationmetadata.xml",
        "attributes": {"email": "emailaddress"},
        "groupsAttribute": "groups",
    }
    federated = {**single, f"{PROJECT}:identityProviders": json.dumps([provider])}
    machines = {**single, f"{PROJECT}:apiClients": '[{"name": "job", "scopes": ["read"]}]'}
    # An own sign-in domain in a hosted zone (the certificate and DNS records), and managed login's style.
    own_domain = {
        **single,
        f"{PROJECT}:signInDomain": json.dumps({"name": "auth.example.com", "hostedZoneId": "Z0123456789ABCDEFGHIJ"}),
        f"{PROJECT}:userPoolTier": "ESSENTIALS",
        f"{PROJECT}:managedLogin": "managed",
    }
    configs = (single, several, machines, federated, own_domain)
    return {resource.type for config in configs for resource in run_program(monkeypatch, config).declared}


# --- The page --------------------------------------------------------------------------------------


def test_every_resource_type_the_program_declares_has_a_row_and_every_row_is_declared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    declared = declared_types(monkeypatch)
    documented = documented_types(page_tables())
    assert sorted(declared - documented) == [], "declared but not in docs/permissions.md"
    assert sorted(documented - declared) == [], "in docs/permissions.md but not declared by the program"


def test_each_aws_column_has_every_call_the_provider_makes() -> None:
    rows = aws_rows()
    assert sorted(rows) == sorted(PROVIDER_CALLS)
    for type_, calls in PROVIDER_CALLS.items():
        row = rows[type_]
        expected = {
            "make preview": calls.read,
            "make up": calls.read | calls.create | calls.update | calls.delete,
            "make destroy": calls.read | calls.delete,
        }
        for operation, actions in expected.items():
            assert row.codes(operation) == actions, f"{type_}, {operation}"


def test_a_preview_only_reads_and_an_update_can_do_what_a_preview_does() -> None:
    for type_, row in aws_rows().items():
        preview = row.codes("make preview")
        assert preview, type_
        reads = r"(cognito-idp|iam|lambda|acm|route53):(Describe|Get|List)\w+"
        assert all(re.fullmatch(reads, action) for action in preview), type_
        assert preview <= row.codes("make up"), type_
        assert preview <= row.codes("make destroy"), type_


class _RecordingObjects:
    """`ClusterObjects` that records each (verb, resource) asked for, over a cluster where all is ready."""

    def __init__(self) -> None:
        self.calls: set[tuple[str, str]] = set()

    def get(self, kind: ObjectKind, namespace: str | None, name: str) -> dict[str, Any] | None:
        self.calls.add(("get", kind.resource))
        patches = [{"path": path} for path in CONFIG_PATCH_PATHS]
        return {
            "metadata": {"annotations": {PLUGINS_ANNOTATION: "oidc"}, "resourceVersion": "1"},
            "configPatches": patches,
        }

    def merge_patch(self, kind: ObjectKind, namespace: str, name: str, body: dict[str, Any]) -> None:
        self.calls.add(("patch", kind.resource))


def test_the_attachments_kubernetes_verbs_are_those_its_code_calls() -> None:
    # What the attachment's provider asks of the cluster on up, refresh and destroy, for each kind of route object.
    objects = _RecordingObjects()
    api = KubernetesRouteObjectApi()
    api.__dict__["_objects"] = objects  # instead of a client for a kubeconfig
    provider = IngressPluginAttachmentProvider()
    provider.api = lambda: api  # type: ignore[method-assign]
    for kind in ROUTE_KINDS:
        props = {"namespace": "default", "ingress_name": "web", "plugin_name": "other", "kind": kind}
        provider.create({**props, "config_patch_paths": list(CONFIG_PATCH_PATHS)})
        provider.read("id", props)
        provider.delete("id", {**props, "plugin_name": "oidc", "added_by_stack": True})
    rows = [row for row in page_tables()["Kubernetes RBAC"] if "IngressPluginAnnotation" in row.cells["Pulumi type"]]
    documented = {
        (verb, resource)
        for row in rows
        for resource in row.codes("Kubernetes resource")
        for verb in row.codes("make up")
    }
    assert len(objects.calls) >= 3, "the attachment's API calls were not recorded: has the code changed shape?"
    assert objects.calls == documented


# --- The GitHub Actions roles grant it -----------------------------------------------------------------


def policy_after(markdown: str, phrase: str) -> dict[str, Any]:
    """The JSON block that follows `phrase`."""
    start = markdown.index(phrase)
    block = re.search(r"```json\n(.*?)```", markdown[start:], re.DOTALL)
    assert block, f"no JSON block after {phrase!r}"
    policy: dict[str, Any] = json.loads(block.group(1))
    return policy


def _listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def allows(policy: dict[str, Any], action: str) -> bool:
    """Whether an Allow statement names the action (IAM wildcards), on "*" when the action names no pool."""
    for statement in policy["Statement"]:
        if statement["Effect"] != "Allow":
            continue
        named = any(fnmatchcase(action.lower(), pattern.lower()) for pattern in _listed(statement["Action"]))
        resources = _listed(statement["Resource"])
        if named and (action not in UNSCOPED_ACTIONS or "*" in resources):
            return True
    return False


def role_policies() -> dict[str, dict[str, Any]]:
    text = GITHUB_ACTIONS.read_text()
    return {
        "preview": policy_after(text, "The preview role's permissions policy"),
        "deploy": policy_after(text, "The deploy role's permissions policy"),
    }


def documented_actions(*operations: str) -> set[str]:
    return {action for row in aws_rows().values() for operation in operations for action in row.codes(operation)}


def test_the_preview_role_allows_what_a_preview_calls_and_nothing_else() -> None:
    preview = role_policies()["preview"]
    assert sorted(action for action in documented_actions("make preview") if not allows(preview, action)) == []
    granted = {action for statement in preview["Statement"] for action in _listed(statement["Action"])}
    assert granted <= documented_actions("make preview"), "the preview role may only read"


def test_the_deploy_role_allows_what_up_and_destroy_call() -> None:
    deploy = role_policies()["deploy"]
    needed = documented_actions("make up", "make destroy")
    assert sorted(action for action in needed if not allows(deploy, action)) == []


def rbac_grants(markdown: str) -> dict[str, dict[str, set[str]]]:
    """role (preview, deploy) → Kubernetes resource → verbs, from the page's kubectl commands."""
    commands = markdown.replace("\\\n", " ")
    groups = dict(re.findall(r"--principal-arn <(\w+)-role-arn> --kubernetes-groups (\S+)", commands))
    roles = {
        name: (verbs.split(","), resources.split(","))
        for name, verbs, resources in re.findall(r"create role (\S+) --verb=(\S+)\s+--resource=(\S+)", commands)
    }
    grants: dict[str, dict[str, set[str]]] = {role: {} for role in groups}
    for _, role_name, group in re.findall(r"create rolebinding (\S+) --role=(\S+) --group=(\S+)", commands):
        verbs, resources = roles[role_name]
        for role, role_group in groups.items():
            if role_group == group:
                for resource in resources:
                    grants[role].setdefault(resource, set()).update(verbs)
    return grants


def test_the_cluster_roles_grant_each_documented_verb() -> None:
    grants = rbac_grants(GITHUB_ACTIONS.read_text())
    assert set(grants) == {"preview", "deploy"}
    for row in page_tables()["Kubernetes RBAC"]:
        (resource,) = row.codes("Kubernetes resource")
        needed = {"preview": row.codes("make preview"), "deploy": row.codes("make up") | row.codes("make destroy")}
        for role, verbs in needed.items():
            missing = verbs - grants[role].get(resource, set())
            assert not missing, f"the {role} role lacks {sorted(missing)} on {resource}"


# --- The parsers find what they are for -----------------------------------------------------------------


def test_tables_are_read_per_section_and_a_policy_is_matched_with_wildcards() -> None:
    text = (
        "## AWS IAM actions\n\n| resource | Pulumi type | `make up` |\n|---|---|---|\n"
        "| pool | `aws:a` | `cognito-idp:CreateUserPool`, `cognito-idp:GetGroup` |\n\nprose | not a row\n"
        "## Nothing to grant\n\n| resource | Pulumi type |\n|---|---|\n| r | `random:b`, `random:c` |\n"
    )
    sections = tables(text)
    assert sections["AWS IAM actions"][0].codes("make up") == {"cognito-idp:CreateUserPool", "cognito-idp:GetGroup"}
    assert documented_types(sections) == {"aws:a", "random:b", "random:c"}
    scoped = {
        "Statement": [{"Effect": "Allow", "Action": "cognito-idp:*", "Resource": "arn:aws:cognito-idp:*:*:userpool/*"}]
    }
    assert allows(scoped, "cognito-idp:GetGroup")
    assert not allows(scoped, "cognito-idp:CreateUserPool")  # names no pool: needs "*"
    assert not allows({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}, "cognito-idp:GetGroup")


def test_rbac_grants_follow_role_bindings_to_each_group() -> None:
    text = (
        "aws eks create-access-entry --cluster-name c --principal-arn <deploy-role-arn> --kubernetes-groups g-deploy\n"
        "aws eks create-access-entry --cluster-name c --principal-arn <preview-role-arn> --kubernetes-groups g-read\n"
        "kubectl -n default create role writer --verb=get,patch \\\n  --resource=secrets,ingresses.networking.k8s.io\n"
        "kubectl -n default create role reader --verb=get --resource=secrets\n"
        "kubectl -n default create rolebinding w --role=writer --group=g-deploy\n"
        "kubectl -n default create rolebinding r --role=reader --group=g-read\n"
    )
    assert rbac_grants(text) == {
        "deploy": {"secrets": {"get", "patch"}, "ingresses.networking.k8s.io": {"get", "patch"}},
        "preview": {"secrets": {"get"}},
    }
