"""`make doctor`: read-only checks of what the stack needs from the world, before the first `make up`.

One line per check, `PASS|FAIL|SKIP <name>: <detail>`, a fix on FAIL and the reason on SKIP;
exit status 1 when any check fails. It reads only the stack's settings (`pulumi config` when
the CLI is there, else `Pulumi.<stack>.yaml` and `Pulumi.yaml`'s defaults), the kubeconfig
the stack will use (resolved by the same code as the Ingress attachment) and the AWS
credentials; it writes nothing, anywhere.

    python doctor.py --stack dev
"""

from __future__ import annotations

import argparse
import difflib
import functools
import ipaddress
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from components.ingress_api import status_message
from components.kong_crds import KIC_CRD_UPGRADE, KONG_CONTROLLER, KONG_PLUGINS
from components.naming import PROJECT, stack_owner
from components.settings import config_string
from components.settings_model import Route, Settings, SettingsError, qualified_key

ROOT = Path(__file__).resolve().parent
DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"
LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
TIMEOUT = 10
PROXY_HOST = "kubectl get service -n kong kong-gateway-proxy -o jsonpath='{.status.loadBalancer.ingress[0].hostname}'"


@dataclass(frozen=True)
class Check:
    status: str
    """PASS, FAIL or SKIP."""
    name: str
    detail: str
    fix: str = ""

    def line(self) -> str:
        return f"{self.status} {self.name}: {self.detail}" + (f" Fix: {self.fix}" if self.fix else "")


def passed(name: str, detail: str) -> Check:
    return Check("PASS", name, detail)


def failed(name: str, detail: str, fix: str) -> Check:
    return Check("FAIL", name, detail, fix)


def skipped(name: str, reason: str) -> Check:
    return Check("SKIP", name, reason)


def _resolve_host(host: str) -> list[str]:
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None)})


def _run(command: Sequence[str], cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    # No stdin: a passphrase prompt fails at once (the stack file is read instead) rather than hang.
    return subprocess.run(
        list(command),
        cwd=cwd,
        env={**env, "PULUMI_SKIP_UPDATE_CHECK": "true"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


@dataclass
class World:
    """What the doctor looks at outside the cluster and AWS; replaced in tests."""

    which: Callable[[str], str | None] = shutil.which
    python_version: tuple[int, int, int] = (sys.version_info.major, sys.version_info.minor, sys.version_info.micro)
    resolve: Callable[[str], list[str]] = _resolve_host
    """Host name -> addresses; raises OSError (socket.gaierror) when it does not resolve."""
    run: Callable[[Sequence[str], Path, Mapping[str, str]], subprocess.CompletedProcess[str]] = _run
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)


# --- the stack's config ---


@dataclass(frozen=True)
class StackConfig:
    values: dict[str, str]
    """Fully qualified key -> the string the Pulumi CLI hands the program."""
    unreadable: frozenset[str]
    """Keys that are set but secret, and could not be read."""
    source: str


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def _stack_name(stack: str) -> str:
    """`dev` of `acme/dev` (a Pulumi Cloud organization): what the stack file and the program call it."""
    return stack.rsplit("/", 1)[-1]


class StackFileError(ValueError):
    """A project or stack file that is not the YAML mapping Pulumi reads."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(f"{path.name} {problem}")


def read_yaml_mapping(path: Path, key: str | None = None) -> dict[str, Any]:
    """The mapping in a Pulumi YAML file (or under its `key`), {} when empty; StackFileError when it is not one."""
    import yaml

    try:
        document = yaml.safe_load(path.read_text()) or {}
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "somewhere"
        raise StackFileError(path, f"is not valid YAML: {where}: {error.problem}") from None
    except yaml.YAMLError as error:
        raise StackFileError(path, f"is not valid YAML: {error}") from None
    if not isinstance(document, dict):
        raise StackFileError(path, f"is not a YAML mapping of keys to values (it holds a {type(document).__name__})")
    if key is None:
        return document
    section = document.get(key) or {}
    if not isinstance(section, dict):
        kind = type(section).__name__
        raise StackFileError(path, f"is not valid: its `{key}` must map keys to values (it holds a {kind})")
    return section


def project_defaults(project_dir: Path) -> tuple[str, dict[str, str]]:
    """The project's name and the config defaults `Pulumi.yaml` declares."""
    project = read_yaml_mapping(project_dir / "Pulumi.yaml")
    name = str(project.get("name", PROJECT))
    defaults: dict[str, str] = {}
    for key, schema in (project.get("config") or {}).items():
        if isinstance(schema, dict) and ("default" in schema or "value" in schema):
            value = schema.get("value", schema.get("default"))
        elif isinstance(schema, dict):
            continue
        else:
            value = schema
        defaults[qualified_key(key, name)] = config_string(value)
    return name, defaults


def _pulumi(project_dir: Path, stack: str, world: World, *args: str) -> subprocess.CompletedProcess[str]:
    # The same backend choice as `make up` (a local backend when none is chosen).
    return world.run([str(ROOT / "scripts" / "pulumi-stack.sh"), *args], project_dir, {**world.environ, "STACK": stack})


def read_stack_config(project_dir: Path, stack: str, world: World) -> StackConfig:
    project, values = project_defaults(project_dir)
    unreadable: set[str] = set()
    why_not_cli = "the Pulumi CLI is not installed"
    if world.which("pulumi"):
        try:
            listed = _pulumi(project_dir, stack, world, "config", "--json")
            entries: Any = json.loads(listed.stdout) if listed.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired, ValueError) as error:
            listed, entries = None, None
            why_not_cli = str(error)
        if isinstance(entries, dict):
            for key, entry in entries.items():
                if "value" in entry:
                    values[key] = str(entry["value"])
                elif entry.get("secret"):
                    unreadable.add(key)
            return StackConfig(values, frozenset(unreadable), f"`pulumi config --stack {stack}`")
        if listed is not None:
            lines = (listed.stderr or listed.stdout).strip().splitlines()
            why_not_cli = f"`pulumi config` failed: {lines[-1] if lines else f'exit status {listed.returncode}'}"
    stack_file = project_dir / f"Pulumi.{_stack_name(stack)}.yaml"
    if not stack_file.is_file():
        return StackConfig(values, frozenset(), f"Pulumi.yaml's defaults only ({why_not_cli}; no {stack_file.name})")
    for key, value in read_yaml_mapping(stack_file, "config").items():
        qualified = qualified_key(key, project)
        if _is_secure(value):
            unreadable.add(qualified)
            values.pop(qualified, None)
        else:
            values[qualified] = config_string(value)
    return StackConfig(values, frozenset(unreadable), f"{stack_file.name} and Pulumi.yaml's defaults ({why_not_cli})")


def read_secret(project_dir: Path, stack: str, world: World, key: str) -> str | None:
    """A secret config value, through the Pulumi CLI (which decrypts it), or None."""
    if not world.which("pulumi"):
        return None
    try:
        got = _pulumi(project_dir, stack, world, "config", "get", key)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return got.stdout.rstrip("\n") if got.returncode == 0 else None


# --- tools ---


def minimum_python(project_dir: Path) -> tuple[int, int]:
    requires = tomllib.loads((project_dir / "pyproject.toml").read_text())["project"]["requires-python"]
    match = re.search(r">=\s*(\d+)\.(\d+)", requires)
    return (int(match.group(1)), int(match.group(2))) if match else (3, 11)


# What works on a distribution's externally managed Python, where `pip install uv` is refused;
# the README and the Makefile's error say the same.
UV_INSTALL = "pipx install uv, or uv's standalone installer: curl -LsSf https://astral.sh/uv/install.sh | sh"
# Tool on PATH -> (why it is needed, how to install it).
TOOLS = {
    "pulumi": (
        "the Pulumi CLI is not on PATH (`make up` needs it; this check read Pulumi.<stack>.yaml instead).",
        "install it (https://www.pulumi.com/docs/iac/download-install/, e.g. curl -fsSL https://get.pulumi.com "
        "| sh) and open a new shell.",
    ),
    "uv": (
        "uv is not on PATH; Pulumi.yaml runs the program with uv.",
        f"install it with {UV_INSTALL} (https://docs.astral.sh/uv/getting-started/installation/).",
    ),
}


def check_tools(project_dir: Path, world: World) -> Iterator[Check]:
    for tool, (missing, fix) in TOOLS.items():
        found = world.which(tool)
        yield passed(tool, f"{tool} at {found}") if found else failed(tool, missing, fix)
    wanted = minimum_python(project_dir)
    version = ".".join(map(str, world.python_version))
    yield (
        passed("python", f"Python {version} (the virtualenv Pulumi.yaml names), >= {wanted[0]}.{wanted[1]}")
        if world.python_version[:2] >= wanted
        else failed(
            "python",
            f"Python {version}; the program needs >= {wanted[0]}.{wanted[1]}.",
            f"install Python {wanted[0]}.{wanted[1]} (e.g. uv python install {wanted[0]}.{wanted[1]}), then "
            "make clean install.",
        )
    )


def access(settings: Settings) -> str:
    """Who can pass the plugins, in a few words: what `selfSignUp` and `allowedGroups` add up to."""
    groups = ", ".join(settings.allowed_groups)
    if settings.allowed_groups and settings.self_sign_up:
        return f"members of {groups} (self sign-up is on, but only an administrator adds accounts to groups)"
    if settings.allowed_groups:
        return f"members of {groups} (self sign-up is off: accounts an administrator creates and adds)"
    if settings.self_sign_up:
        return "anyone who can sign up (self sign-up is on, no allowedGroups)"
    return "every account an administrator creates (self sign-up is off, no allowedGroups)"


# --- AWS ---


def check_aws(values: Mapping[str, str], stack: str) -> Iterator[Check]:
    region = values.get("aws:region")
    if region:
        yield passed("aws-region", f"aws:region is {region}")
    else:
        yield failed(
            "aws-region",
            f"aws:region is not set for stack {stack}.",
            f"`pulumi config set aws:region <region> --stack {stack}` (the Cognito resources' region, e.g. us-west-2).",
        )
    yield check_aws_credentials(region, values.get("aws:profile"))


@functools.cache
def _botocore_loader() -> Any:
    """Shared by every session: loading AWS's service models is most of a session's cost."""
    import botocore.loaders

    return botocore.loaders.create_loader()


def check_aws_credentials(region: str | None, profile: str | None) -> Check:
    import boto3
    import botocore.config
    import botocore.exceptions
    import botocore.session

    fix = (
        "give this shell AWS credentials for the target account: `aws configure`, or `aws sso login --profile <p>` "
        "and `export AWS_PROFILE=<p>`, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; check with "
        "`aws sts get-caller-identity`."
    )
    try:
        core = botocore.session.get_session()
        core.register_component("data_loader", _botocore_loader())
        session = boto3.Session(botocore_session=core, profile_name=profile)
        sts = session.client(
            "sts",
            region_name=region or "us-east-1",
            config=botocore.config.Config(connect_timeout=5, read_timeout=TIMEOUT, retries={"max_attempts": 1}),
        )
        identity = sts.get_caller_identity()
    except botocore.exceptions.NoCredentialsError:
        return failed("aws-credentials", "no AWS credentials found (environment, profiles, SSO or role).", fix)
    except botocore.exceptions.ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", str(error))
        return failed("aws-credentials", f"STS refused the credentials: {code}: {message}", fix)
    except botocore.exceptions.BotoCoreError as error:
        return failed("aws-credentials", f"STS GetCallerIdentity failed: {error}", fix)
    return passed("aws-credentials", f"account {identity['Account']}, {identity['Arn']}")


# --- the cluster ---


@dataclass
class Cluster:
    api: Any
    context: str


def check_cluster(
    kubeconfig_value: str | None, context: str | None, unreadable: str | None, stack: str
) -> tuple[Check, Cluster | None]:
    from components import kubeconfig

    pick = (
        "use the kubeconfig of the cluster running Kong: `aws eks update-kubeconfig --name <cluster>`, or "
        f"`pulumi config set kubernetes:context <name> --stack {stack}` (see `kubectl config get-contexts`)."
    )
    if unreadable:
        return failed("cluster", unreadable, "install the Pulumi CLI and set the stack's passphrase or login."), None
    try:
        api, target = kubeconfig.load(kubeconfig_value, context, retries=0)
    except kubeconfig.KubeconfigError as error:
        return failed("cluster", f"{error}.", pick), None
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    where = f"context {target.context} at {target.server} (kubeconfig {target.source})"
    try:
        response = client.VersionApi(api).get_code(_preload_content=False, _request_timeout=TIMEOUT)
        version = json.loads(response.data).get("gitVersion", "?")
    except ApiException as error:
        if error.status == 401:
            return failed("cluster", f"{where} refused the credentials (401).", f"refresh them; {pick}"), None
        version = f"version hidden ({error.status})"  # it answered: reachable
    except Exception as error:  # urllib3's connection errors, timeouts, TLS errors
        reason = str(getattr(error, "reason", "") or error)
        return failed("cluster", f"cannot reach {where}: {reason}", f"{pick} Check the network or VPN."), None
    cluster = Cluster(api, target.context)
    return passed("cluster", f"{where}, Kubernetes {version}"), cluster


def _get(call: Callable[..., Any], *args: Any) -> dict[str, Any]:
    response = call(*args, _preload_content=False, _request_timeout=TIMEOUT)
    body: dict[str, Any] = json.loads(response.data)
    return body


def _object_not_found(error: Any) -> bool:
    """A 404 about the object itself, not about a resource type the server does not serve."""
    try:
        return bool(json.loads(error.body).get("details", {}).get("name"))
    except (ValueError, TypeError, AttributeError):
        return False


def check_kong_crd(cluster: Cluster, stack: str) -> Check:
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    try:
        crd = _get(client.ApiextensionsV1Api(cluster.api).read_custom_resource_definition, KONG_PLUGINS)
    except ApiException as error:
        if error.status == 403:
            return skipped(
                "kong-crd",
                f"these credentials may not read CustomResourceDefinitions ({status_message(error)}), so the "
                "controller's version is not checked here; `make up` still refuses to attach a KongPlugin whose "
                "configPatches were pruned.",
            )
        if error.status == 404:
            return failed(
                "kong-crd",
                f"Kong's CRDs are not installed on context {cluster.context} (no {KONG_PLUGINS}).",
                "install the Kong Ingress Controller >= 3.1 on this cluster, or, if Kong runs on another one, "
                f"`pulumi config set kubernetes:context <name> --stack {stack}`.",
            )
        return failed("kong-crd", f"reading {KONG_PLUGINS} failed: {status_message(error)}", "see the answer.")
    versions = crd.get("spec", {}).get("versions", [])
    v1 = next((version for version in versions if version.get("name") == "v1"), None)
    properties = ((v1 or {}).get("schema") or {}).get("openAPIV3Schema", {}).get("properties", {})
    if "configPatches" in properties:
        return passed("kong-crd", f"{KONG_PLUGINS} v1 has configPatches (Kong Ingress Controller >= 3.1)")
    return failed(
        "kong-crd",
        f"{KONG_PLUGINS} v1 has no configPatches: the Kong Ingress Controller's CRDs predate 3.1, and Kubernetes "
        "would prune the plugin's client_secret/session_secret (every sign-in would fail).",
        f"upgrade the controller and its CRDs to >= 3.1: {KIC_CRD_UPGRADE}.",
    )


@dataclass(frozen=True)
class IngressClasses:
    kong: tuple[str, ...]
    controllers: dict[str, str]
    default: str | None


def read_ingress_classes(cluster: Cluster) -> IngressClasses | str:
    """The cluster's IngressClasses, or why they cannot be read."""
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    try:
        listed = _get(client.NetworkingV1Api(cluster.api).list_ingress_class)
    except ApiException as error:
        return f"listing IngressClasses failed: {status_message(error)}"
    controllers: dict[str, str] = {}
    default = None
    for item in listed.get("items", []):
        name = item["metadata"]["name"]
        controllers[name] = item.get("spec", {}).get("controller", "")
        if (item["metadata"].get("annotations") or {}).get(DEFAULT_CLASS_ANNOTATION) == "true":
            default = name
    kong = tuple(name for name, controller in controllers.items() if controller == KONG_CONTROLLER)
    return IngressClasses(kong=kong, controllers=controllers, default=default)


def _set_command(index: int | None, field_name: str, single_key: str, stack: str) -> str:
    """The `pulumi config set` that changes a route's `field_name`: routes[index] if `routes` is set, else the key."""
    key = f"--path 'routes[{index}].{field_name}'" if index is not None else single_key
    return f"`pulumi config set {key} <{field_name}> --stack {stack}`"


def check_route(
    cluster: Cluster,
    route: Route,
    index: int | None,
    classes: IngressClasses | str,
    owner: str,
    stack: str,
) -> Iterator[Check]:
    """The checks of one route; `index` is its position in `routes`, None without `routes`."""
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    from components.plugin_annotation import PLUGINS_ANNOTATION, plugin_names

    where = f"{route.namespace}/{route.ingress}"
    networking = client.NetworkingV1Api(cluster.api)
    rbac = "grant it to your user in that namespace (the RBAC lines in docs/github-actions.md)."
    try:
        ingress: dict[str, Any] | None = _get(networking.read_namespaced_ingress, route.ingress, route.namespace)
    except ApiException as error:
        ingress = None
        if error.status == 403:
            yield failed("ingress " + where, f"forbidden: {status_message(error)}", rbac)
        elif error.status == 404:
            yield failed(
                "ingress " + where,
                f"no Ingress {route.ingress} in namespace {route.namespace} on context {cluster.context}."
                + _similar_ingresses(networking, route),
                f"name an existing Ingress, {_set_command(index, 'ingress', 'ingressName', stack)} (its "
                f"namespace: {_set_command(index, 'namespace', 'ingressNamespace', stack)}), or create "
                "the Ingress first.",
            )
        else:
            yield failed("ingress " + where, f"reading it failed: {status_message(error)}", "see the answer.")
    if ingress is not None:
        annotations = ingress.get("metadata", {}).get("annotations") or {}
        listed = plugin_names(annotations.get(PLUGINS_ANNOTATION))
        note = (
            f" ({route.plugin} is listed already: destroy will leave it there, as someone else's)"
            if route.plugin in listed
            else ""
        )
        yield passed("ingress " + where, f"found; {PLUGINS_ANNOTATION}: {', '.join(listed) or '(none)'}{note}")
        yield _check_class(ingress, where, classes)
    yield _check_plugin_name(cluster, route, index, owner, stack, rbac)


def _similar_ingresses(networking: Any, route: Route) -> str:
    try:
        listed = _get(networking.list_namespaced_ingress, route.namespace)
    except Exception:  # only a hint
        return ""
    names = sorted(item["metadata"]["name"] for item in listed.get("items", []))
    if not names:
        return f" Namespace {route.namespace} has no Ingresses."
    close = difflib.get_close_matches(route.ingress, names, n=3)
    if close:
        return f" Did you mean {', '.join(close)}?"
    return f" Ingresses there: {', '.join(names[:10])}."


def _check_class(ingress: dict[str, Any], where: str, classes: IngressClasses | str) -> Check:
    name = "ingress-class " + where
    if isinstance(classes, str):
        return skipped(name, classes)
    spec_class = ingress.get("spec", {}).get("ingressClassName")
    legacy = (ingress.get("metadata", {}).get("annotations") or {}).get(LEGACY_CLASS_ANNOTATION)
    chosen = spec_class or legacy
    kong = ", ".join(classes.kong) or "none on this cluster: is the Kong Ingress Controller installed?"
    fix = f"protect an Ingress that Kong serves, or set its spec.ingressClassName to a Kong class ({kong})."
    if chosen is None:
        if classes.default in classes.kong:
            return passed(name, f"no class set; the default IngressClass {classes.default} is Kong's")
        return failed(name, "no class set, and the default IngressClass (if any) is not Kong's.", fix)
    how = "spec.ingressClassName" if spec_class else LEGACY_CLASS_ANNOTATION
    if chosen in classes.kong:
        return passed(name, f"class {chosen} ({how}), controller {KONG_CONTROLLER}")
    controller = classes.controllers.get(chosen)
    served = f"controller {controller}" if controller else "no such IngressClass"
    return failed(name, f"class {chosen} ({how}) is not served by Kong ({served}).", fix)


def _check_plugin_name(cluster: Cluster, route: Route, index: int | None, owner: str, stack: str, rbac: str) -> Check:
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    from components.kong_crds import KONG_GROUP, KONG_PLURAL, KONG_VERSION
    from components.kong_oidc_plugin import OWNER_ANNOTATION

    name = f"kongplugin {route.namespace}/{route.plugin}"
    try:
        plugin = _get(
            client.CustomObjectsApi(cluster.api).get_namespaced_custom_object,
            KONG_GROUP,
            KONG_VERSION,
            route.namespace,
            KONG_PLURAL,
            route.plugin,
        )
    except ApiException as error:
        if error.status == 404 and _object_not_found(error):
            return passed(name, "free: the stack will create it")
        if error.status == 404:
            return skipped(name, "this cluster does not serve KongPlugins (see kong-crd)")
        if error.status == 403:
            return failed(name, f"forbidden: {status_message(error)}", rbac)
        return failed(name, f"reading it failed: {status_message(error)}", "see the answer.")
    found = (plugin.get("metadata", {}).get("annotations") or {}).get(OWNER_ANNOTATION)
    if found == owner:
        return passed(name, f"exists and is this stack's ({OWNER_ANNOTATION}: {owner})")
    return failed(
        name,
        f"a KongPlugin {route.plugin} already exists in {route.namespace} and is not this stack's "
        f"({OWNER_ANNOTATION}: {found or 'not set'}); `make up` would fail to create it.",
        f"choose another name, {_set_command(index, 'plugin', 'pluginName', stack)}, or, if it is a "
        f"leftover of the manual workshop, `kubectl delete kongplugin {route.plugin} -n {route.namespace}`.",
    )


# --- DNS ---


def check_dns(host: str, world: World, routes_set: bool, stack: str) -> Check:
    hostname = urlsplit(f"//{host}").hostname or host
    name = f"dns {hostname}"
    try:
        ipaddress.ip_address(hostname)
        return passed(name, "an IP address, nothing to resolve")
    except ValueError:
        pass
    try:
        addresses = world.resolve(hostname)
    except OSError as error:
        setting = "dataPlaneHost (or the routes' host)" if routes_set else "dataPlaneHost"
        return failed(
            name,
            f"the protected URL's host does not resolve: {error}.",
            f"set {setting} to your Kong proxy's public name, "
            f'`pulumi config set dataPlaneHost "$({PROXY_HOST})" --stack {stack}`. '
            "A new load balancer's name can take minutes to resolve.",
        )
    return passed(name, f"resolves to {', '.join(addresses)}")


# --- all of it ---


def run_checks(
    stack: str,
    project_dir: Path = ROOT,
    world: World | None = None,
) -> Iterator[Check]:
    """Every check, in order; each one as soon as it is done."""
    from components import settings as project_settings

    world = world or World()
    yield from check_tools(project_dir, world)

    try:
        config = read_stack_config(project_dir, stack, world)
        project = project_defaults(project_dir)[0]
    except StackFileError as error:
        yield failed("settings", str(error), f"correct the YAML in {error.path.name}, then run make doctor again.")
        return
    values = config.values
    # Every key of this project's namespace, readable or not: the program refuses unknown ones.
    namespace = f"{project}:"
    set_keys = [key.removeprefix(namespace) for key in (*values, *config.unreadable) if key.startswith(namespace)]
    raw = {key: values.get(qualified_key(key, project)) for key in (*set_keys, *project_settings.CONFIG_KEYS)}
    settings: Settings | None = None
    try:
        settings = project_settings.parse_settings(raw)
    except SettingsError as error:
        yield failed(
            "settings",
            f"read from {config.source}: " + "; ".join(error.problems) + ".",
            f"`pulumi config set <key> <value> --stack {stack}` for each (`pulumi config rm <key> --stack {stack}` "
            f"for an unknown one), or edit Pulumi.{_stack_name(stack)}.yaml.",
        )
    else:
        urls = ", ".join(route.url for route in settings.routes)
        yield passed(
            "settings",
            f"read from {config.source}; {len(settings.routes)} route(s): {urls}; who can get in: {access(settings)}",
        )

    yield from check_aws(values, stack)

    unreadable = None
    kubeconfig_value = values.get("kubernetes:kubeconfig")
    if "kubernetes:kubeconfig" in config.unreadable:
        kubeconfig_value = read_secret(project_dir, stack, world, "kubernetes:kubeconfig")
        if kubeconfig_value is None:
            unreadable = "kubernetes:kubeconfig is a secret in the stack config, and the Pulumi CLI could not read it."
    cluster_check, cluster = check_cluster(kubeconfig_value, values.get("kubernetes:context"), unreadable, stack)
    yield cluster_check
    routes = settings.routes if settings is not None else ()
    if cluster is None:
        yield skipped("kong-crd", "no cluster to ask (see cluster)")
        for route in routes:
            yield skipped(f"ingress {route.namespace}/{route.ingress}", "no cluster to ask (see cluster)")
    else:
        yield check_kong_crd(cluster, stack)
        if settings is None:
            yield skipped("routes", "the settings are invalid (see settings)")
        else:
            classes = read_ingress_classes(cluster)
            owner = stack_owner(project, _stack_name(stack))
            routes_set = raw.get("routes") is not None
            for index, route in enumerate(routes):
                yield from check_route(cluster, route, index if routes_set else None, classes, owner, stack)

    if settings is None:
        yield skipped("dns", "the settings are invalid (see settings)")
    for host in dict.fromkeys(route.host for route in routes):
        yield check_dns(host, world, raw.get("routes") is not None, stack)


def main(argv: Sequence[str] | None = None, project_dir: Path = ROOT, world: World | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--stack", default=os.environ.get("STACK", "dev"), help="the stack to check (default: dev)")
    args = parser.parse_args(argv)
    failures = 0
    for check in run_checks(args.stack, project_dir, world):
        print(check.line(), flush=True)
        failures += check.status == "FAIL"
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
