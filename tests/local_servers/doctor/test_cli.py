"""`make doctor`: each failure a newcomer's first `make up` would hit is reported, with its fix.

The cluster is the fake API server (tests/support/fake_kubernetes.py), AWS is moto's server for STS,
DNS and the Pulumi CLI are stand-ins; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from cluster_backends import ApiServerFactory
from fake_kubernetes import FakeApiServer, closed_port_url, fake_api_server, kubeconfig_document
from program_harness import ROOT

from components.kong.crds import KONG_CONTROLLER, KONG_GATEWAY_CONTROLLER
from components.kubernetes.plugin_annotation import PLUGINS_ANNOTATION
from components.settings.load import config_string
from components.settings.model import Route
from doctor_checks import cli
from doctor_checks.cluster import check_cluster
from doctor_checks.http_routes import NO_KONG_STATUS, UNMANAGED_CLASS_ANNOTATION
from doctor_checks.routes import check_route
from doctor_checks.tools import UV_INSTALL
from doctor_checks.world import World
from verification.results import CheckLine

HOST = "kong.example.test"
OWNER = "kong-cognito-oidc/dev"
LINE = re.compile(r"^(PASS|FAIL|SKIP) [^:]+: .+$")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, moto_endpoint: str) -> None:
    """Fake credentials, and boto3 pointed at moto (for STS); no profile files, no instance metadata."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ROLE_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.kube/config, no ~/.aws of this machine


@pytest.fixture
def cluster(api_server: ApiServerFactory, tmp_path: Path) -> Iterator[FakeApiServer]:
    """A cluster ready for the stack: Kong >= 3.1, Ingress default/demo of class kong listing `cors`.

    The fake API server, or the real one in `make e2e` (tests/support/cluster_backends.py).
    """
    with api_server(tmp_path, context="kong", current_context="elsewhere") as server:
        server.store.install_kong_crds()
        server.store.ingress_classes.update({"kong": KONG_CONTROLLER, "nginx": "k8s.io/ingress-nginx"})
        server.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors"}, ingress_class="kong")
        yield server


class FakePulumi:
    """`pulumi` as seen through scripts/pulumi-stack.sh: answers `config --json` and `config get`."""

    def __init__(self, config: Mapping[str, Any], secrets: Mapping[str, str] | None = None, fails: str = "") -> None:
        self.config = config
        self.secrets = dict(secrets or {})
        self.fails = fails
        self.commands: list[tuple[list[str], str]] = []

    def __call__(self, command: Sequence[str], cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
        args = list(command[1:])
        self.commands.append(([Path(command[0]).name, *args], env["STACK"]))
        if self.fails:
            return subprocess.CompletedProcess(command, 255, "", f"error: {self.fails}\n")
        if args == ["config", "--json"]:
            listed: dict[str, Any] = {
                key: {"value": config_string(value), "secret": False} for key, value in self.config.items()
            }
            listed.update({key: {"secret": True} for key in self.secrets})
            return subprocess.CompletedProcess(command, 0, json.dumps(listed), "")
        if args[:2] == ["config", "get"] and args[2] in self.secrets:
            return subprocess.CompletedProcess(command, 0, self.secrets[args[2]] + "\n", "")
        return subprocess.CompletedProcess(command, 255, "", "unexpected command")


def resolver(names: Mapping[str, list[str]]) -> Any:
    def resolve(host: str) -> list[str]:
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return names[host]

    return resolve


def good_config(server: FakeApiServer) -> dict[str, Any]:
    return {
        "aws:region": "us-west-2",
        "kong-cognito-oidc:dataPlaneHost": HOST,
        "kubernetes:kubeconfig": str(server.kubeconfig),
        "kubernetes:context": "kong",
    }


def project(tmp_path: Path, stack_config: Mapping[str, Any] | None = None) -> Path:
    """A project folder with this project's Pulumi.yaml and pyproject.toml, and optionally Pulumi.dev.yaml."""
    folder = tmp_path / "project"
    folder.mkdir(exist_ok=True)
    shutil.copy(ROOT / "Pulumi.yaml", folder)
    shutil.copy(ROOT / "pyproject.toml", folder)
    if stack_config is not None:
        (folder / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": dict(stack_config)}))
    return folder


def world(pulumi: FakePulumi | None, *, hosts: Mapping[str, list[str]] | None = None) -> World:
    tools = {"uv": "/usr/local/bin/uv"} | ({"pulumi": "/usr/local/bin/pulumi"} if pulumi else {})
    return World(
        which=tools.get,
        python_version=(3, 11, 7),
        resolve=resolver({HOST: ["192.0.2.10"]} if hosts is None else hosts),
        run=pulumi or FakePulumi({}, fails="no CLI"),
        environ={"PATH": "/usr/bin"},
    )


def run(tmp_path: Path, config: Mapping[str, Any], **kwargs: Any) -> dict[str, CheckLine]:
    """The doctor's checks by name, with the stack config given through a (fake) Pulumi CLI."""
    checks = list(cli.run_checks("dev", project(tmp_path), world(FakePulumi(config), **kwargs)))
    for check in checks:
        assert LINE.match(check.line()), check.line()
    by_name = {check.name: check for check in checks}
    assert len(by_name) == len(checks), "one line per check"
    return by_name


def assert_fails(check: CheckLine, detail: str, fix: str) -> None:
    assert check.status == "FAIL", check.line()
    assert detail in check.detail, check.line()
    assert fix in check.fix, check.line()


def test_a_ready_cluster_and_account_pass_every_check(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    kubeconfig_before = (cluster.kubeconfig.read_bytes(), cluster.kubeconfig.stat().st_mtime_ns)
    checks = run(tmp_path, good_config(cluster))
    assert {check.status for check in checks.values()} == {"PASS"}, [c.line() for c in checks.values()]
    assert list(checks) == [
        "pulumi",
        "uv",
        "python",
        "settings",
        "aws-region",
        "aws-credentials",
        "cluster",
        "kong-crd",
        "ingress default/demo",
        "ingress-class default/demo",
        "kongplugin default/oidc",
        "kic-events",
        f"dns {HOST}",
    ]
    assert checks["aws-credentials"].detail == "account 123456789012, arn:aws:sts::123456789012:user/moto"
    assert "context kong at " + cluster.url in checks["cluster"].detail
    assert checks["ingress default/demo"].detail == f"found; {PLUGINS_ANNOTATION}: cors"
    assert f"https://{HOST}/bar" in checks["settings"].detail
    # Read-only: the cluster saw nothing but GETs, and the kubeconfig was not written back.
    assert {method for method, *_ in cluster.requests} == {"GET"}
    assert (cluster.kubeconfig.read_bytes(), cluster.kubeconfig.stat().st_mtime_ns) == kubeconfig_before


def test_exit_status_is_1_when_a_check_fails_and_0_when_all_pass(
    tmp_path: Path, aws: None, cluster: FakeApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(tmp_path)
    config = good_config(cluster)
    assert cli.main(["--stack", "dev"], project_dir=folder, world=world(FakePulumi(config))) == 0
    assert cli.main(["--stack", "dev"], project_dir=folder, world=world(FakePulumi(config), hosts={})) == 1
    lines = capsys.readouterr().out.splitlines()
    assert all(LINE.match(line) for line in lines)
    assert lines[-1].startswith(f"FAIL dns {HOST}: ")


def test_skipped_checks_do_not_fail_the_run(
    tmp_path: Path, aws: None, cluster: FakeApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    cluster.store.forbidden.add(("get", "customresourcedefinitions"))
    folder = project(tmp_path)
    assert cli.main(["--stack", "dev"], project_dir=folder, world=world(FakePulumi(good_config(cluster)))) == 0
    assert {line.split()[0] for line in capsys.readouterr().out.splitlines()} == {"PASS", "SKIP"}


def test_settings_come_from_pulumi_config_of_the_stack_asked_for(
    tmp_path: Path, aws: None, cluster: FakeApiServer
) -> None:
    # A stand-in `pulumi` on PATH, run through scripts/pulumi-stack.sh as `make up` runs it.
    bin_dir, log = tmp_path / "bin", tmp_path / "pulumi.log"
    bin_dir.mkdir()
    listed = {key: {"value": config_string(value), "secret": False} for key, value in good_config(cluster).items()}
    listed["kong-cognito-oidc:pluginName"] = {"value": "sso", "secret": False}
    fake = bin_dir / "pulumi"
    fake.write_text(f"#!/bin/sh\necho \"$*\" >> {log}\ncat <<'EOF'\n{json.dumps(listed)}\nEOF\n")
    fake.chmod(0o755)
    path = f"{bin_dir}:{Path(shutil.which('bash') or '/bin/bash').parent}:/usr/bin:/bin"
    real = World(
        which=lambda name: shutil.which(name, path=path),
        resolve=resolver({HOST: ["192.0.2.10"]}),
        environ={"PATH": path, "HOME": str(tmp_path), "PULUMI_BACKEND_URL": f"file://{tmp_path}"},
    )
    checks = {check.name: check for check in cli.run_checks("qa", project(tmp_path), real)}
    assert log.read_text().splitlines() == ["config --json --stack qa"]
    assert "read from `pulumi config --stack qa`" in checks["settings"].detail
    assert checks["kongplugin default/sso"].status == "PASS"


def test_without_the_pulumi_cli_it_reads_the_stack_file_and_says_how_to_install_the_cli(
    tmp_path: Path, aws: None, cluster: FakeApiServer
) -> None:
    folder = project(tmp_path, good_config(cluster))
    # Pulumi.yaml's defaults apply, as the CLI applies them for the program.
    pulumi_yaml = yaml.safe_load((folder / "Pulumi.yaml").read_text())
    pulumi_yaml["config"]["pluginName"]["default"] = "sso"
    (folder / "Pulumi.yaml").write_text(yaml.safe_dump(pulumi_yaml))
    checks = {check.name: check for check in cli.run_checks("dev", folder, world(None))}
    assert_fails(checks["pulumi"], "not on PATH", "https://www.pulumi.com/docs/iac/download-install/")
    assert checks["settings"].status == "PASS" and "Pulumi.dev.yaml" in checks["settings"].detail
    assert checks["kongplugin default/sso"].status == "PASS"
    assert checks["cluster"].status == "PASS"


def test_a_stack_not_created_yet_is_read_from_its_file(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    folder = project(tmp_path, good_config(cluster))
    pulumi = FakePulumi({}, fails="no stack named 'dev' found")
    checks = {check.name: check for check in cli.run_checks("dev", folder, world(pulumi))}
    assert checks["settings"].status == "PASS", checks["settings"].line()
    assert "no stack named 'dev' found" in checks["settings"].detail


def test_a_secret_kubeconfig_is_read_through_the_cli(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    config = good_config(cluster)
    plain = {key: value for key, value in config.items() if key != "kubernetes:kubeconfig"}
    pulumi = FakePulumi(plain, secrets={"kubernetes:kubeconfig": cluster.kubeconfig.read_text()})
    checks = {check.name: check for check in cli.run_checks("dev", project(tmp_path), world(pulumi))}
    assert checks["cluster"].status == "PASS", checks["cluster"].line()
    assert "kubernetes:kubeconfig (inline)" in checks["cluster"].detail


def test_no_aws_credentials(tmp_path: Path, aws: None, cluster: FakeApiServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    check = run(tmp_path, good_config(cluster))["aws-credentials"]
    assert_fails(check, "no AWS credentials found", "aws sso login --profile <p>")
    assert "aws configure" in check.fix and "aws sts get-caller-identity" in check.fix


def test_no_region(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    config = {k: v for k, v in good_config(cluster).items() if k != "aws:region"}
    checks = run(tmp_path, config)
    assert_fails(checks["aws-region"], "aws:region is not set for stack dev", "pulumi config set aws:region")
    assert checks["settings"].status == "FAIL"


def test_a_kubeconfig_whose_context_points_at_a_cluster_that_cannot_be_reached(
    tmp_path: Path, aws: None, cluster: FakeApiServer
) -> None:
    # No kubernetes:context: the kubeconfig's current context, which points elsewhere.
    config = {k: v for k, v in good_config(cluster).items() if k != "kubernetes:context"}
    checks = run(tmp_path, config)
    assert_fails(checks["cluster"], "cannot reach context elsewhere at http://127.0.0.1:", "kubernetes:context")
    assert "kubectl config get-contexts" in checks["cluster"].fix
    assert checks["cluster"].fix.endswith(" Check the network or VPN.")
    assert checks["kong-crd"].status == "SKIP"
    assert checks["ingress default/demo"].status == "SKIP"


@contextmanager
def api_server_refusing_every_token() -> Iterator[str]:
    """An API server that answers as one does to an expired or revoked token: 401 and its Status."""

    class Refuse(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "code": 401}
            body = json.dumps({**status, "reason": "Unauthorized", "message": "Unauthorized"}).encode()
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_cluster_that_refuses_the_credentials(tmp_path: Path, aws: None) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    with api_server_refusing_every_token() as url:
        kubeconfig.write_text(json.dumps(kubeconfig_document({"kong": url}, "kong")))
        config = {
            "aws:region": "us-west-2",
            "kong-cognito-oidc:dataPlaneHost": HOST,
            "kubernetes:kubeconfig": str(kubeconfig),
        }
        checks = run(tmp_path, config)
    detail = f"context kong at {url} (kubeconfig {kubeconfig}) refused the credentials (401)."
    assert_fails(checks["cluster"], detail, "refresh them; use the kubeconfig of the cluster running Kong")
    assert checks["kong-crd"].status == "SKIP"


def test_a_context_missing_from_the_kubeconfig(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    checks = run(tmp_path, {**good_config(cluster), "kubernetes:context": "kong-prod"})
    assert_fails(checks["cluster"], "cannot use context 'kong-prod'", "aws eks update-kubeconfig")


def test_without_stack_kubeconfig_kubeconfig_env_is_used(
    tmp_path: Path, aws: None, cluster: FakeApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere.kubeconfig"
    elsewhere.write_text(json.dumps(kubeconfig_document({"kong": closed_port_url()}, "kong")))
    monkeypatch.setenv("KUBECONFIG", f"{cluster.kubeconfig}:{elsewhere}")
    config = {k: v for k, v in good_config(cluster).items() if k != "kubernetes:kubeconfig"}
    check = run(tmp_path, config)["cluster"]
    assert check.status == "PASS", check.line()
    assert f"kubeconfig {cluster.kubeconfig}:{elsewhere}" in check.detail


def test_kong_crds_missing(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    cluster.store.kong_crd = None
    checks = run(tmp_path, good_config(cluster))
    assert_fails(checks["kong-crd"], "Kong's CRDs are not installed on context kong", "Kong Ingress Controller >= 3.1")
    assert checks["kongplugin default/oidc"].status == "SKIP"


def test_a_kong_crd_without_config_patches(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    cluster.store.install_kong_crds(config_patches=False)
    check = run(tmp_path, good_config(cluster))["kong-crd"]
    assert_fails(check, "has no configPatches", "upgrade the controller and its CRDs to >= 3.1")
    assert "kubectl kustomize" in check.fix


def test_crds_it_may_not_read_are_skipped_with_the_reason(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    cluster.store.forbidden.add(("get", "customresourcedefinitions"))
    check = run(tmp_path, good_config(cluster))["kong-crd"]
    assert check.status == "SKIP", check.line()
    assert "may not read CustomResourceDefinitions" in check.detail
    assert 'cannot get resource "customresourcedefinitions"' in check.detail


def test_an_ingress_name_with_a_typo(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    checks = run(tmp_path, {**good_config(cluster), "kong-cognito-oidc:ingressName": "dmeo"})
    check = checks["ingress default/dmeo"]
    assert_fails(check, "no Ingress dmeo in namespace default on context kong. Did you mean demo?", "ingressName")
    assert "pulumi config set ingressName <ingress> --stack dev" in check.fix
    assert "ingress-class default/dmeo" not in checks


def test_a_route_with_a_typo_names_the_routes_setting(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    routes = [{"ingress": "demo"}, {"ingress": "shpo", "host": "shop.example.test"}]
    config = {**good_config(cluster), "kong-cognito-oidc:routes": routes}
    checks = run(tmp_path, config, hosts={HOST: ["192.0.2.10"], "shop.example.test": ["192.0.2.11"]})
    assert checks["ingress default/demo"].status == "PASS"
    assert_fails(checks["ingress default/shpo"], "no Ingress shpo", "pulumi config set --path 'routes[1].ingress'")
    assert checks["dns shop.example.test"].status == "PASS"


@pytest.mark.parametrize(
    ("ingress_class", "annotations", "default_class", "status", "shown"),
    [
        ("nginx", {}, None, "FAIL", "class nginx (spec.ingressClassName) is not served by Kong"),
        ("traefik", {}, None, "FAIL", "class traefik (spec.ingressClassName) is not served by Kong (no such"),
        (None, {"kubernetes.io/ingress.class": "nginx"}, None, "FAIL", "class nginx (kubernetes.io/ingress.class)"),
        (None, {}, "nginx", "FAIL", "no class set"),
        (None, {"kubernetes.io/ingress.class": "kong"}, None, "PASS", "class kong (kubernetes.io/ingress.class)"),
        (None, {}, "kong", "PASS", "the default IngressClass kong is Kong's"),
    ],
)
def test_the_ingress_class_must_be_served_by_kong(
    tmp_path: Path,
    aws: None,
    cluster: FakeApiServer,
    ingress_class: str | None,
    annotations: dict[str, str],
    default_class: str | None,
    status: str,
    shown: str,
) -> None:
    cluster.store.add("default", "demo", annotations, ingress_class=ingress_class)
    cluster.store.default_ingress_class = default_class
    check = run(tmp_path, good_config(cluster))["ingress-class default/demo"]
    assert check.status == status, check.line()
    assert shown in check.detail
    if status == "FAIL":
        assert "spec.ingressClassName to a Kong class (kong)" in check.fix


def test_a_plugin_name_taken_by_someone_else(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    cluster.store.add_plugin("default", "oidc", annotations={"kong-cognito-oidc/stack": "kong-cognito-oidc/prod"})
    check = run(tmp_path, good_config(cluster))["kongplugin default/oidc"]
    assert_fails(check, "already exists in default and is not this stack's", "pulumi config set pluginName <plugin>")
    assert "kubectl delete kongplugin oidc -n default" in check.fix
    assert "kong-cognito-oidc/prod" in check.detail


def test_a_plugin_this_stack_declared_is_its_own(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    cluster.store.add_plugin("default", "oidc", annotations={"kong-cognito-oidc/stack": OWNER})
    check = run(tmp_path, good_config(cluster))["kongplugin default/oidc"]
    assert check.status == "PASS", check.line()
    assert "this stack's" in check.detail


def test_an_organization_qualified_stack_reads_its_file_and_knows_its_own_plugin(
    tmp_path: Path, aws: None, cluster: FakeApiServer
) -> None:
    # STACK=acme/dev (Pulumi Cloud): the stack file is Pulumi.dev.yaml, and the program, which Pulumi
    # tells its stack is `dev`, marks its KongPlugins as kong-cognito-oidc/dev.
    cluster.store.add_plugin("default", "oidc", annotations={"kong-cognito-oidc/stack": OWNER})
    checks = {c.name: c for c in cli.run_checks("acme/dev", project(tmp_path, good_config(cluster)), world(None))}
    assert checks["settings"].status == "PASS" and "Pulumi.dev.yaml" in checks["settings"].detail
    assert checks["kongplugin default/oidc"].status == "PASS", checks["kongplugin default/oidc"].line()
    assert "this stack's" in checks["kongplugin default/oidc"].detail


def test_an_already_listed_plugin_name_is_pointed_out(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    cluster.store.add("default", "demo", {PLUGINS_ANNOTATION: "cors, oidc"}, ingress_class="kong")
    check = run(tmp_path, good_config(cluster))["ingress default/demo"]
    assert check.detail.startswith(f"found; {PLUGINS_ANNOTATION}: cors, oidc (oidc is listed already")


@pytest.mark.parametrize(
    ("forbidden", "name"),
    [(("get", "ingresses"), "ingress default/demo"), (("get", "kongplugins"), "kongplugin default/oidc")],
)
def test_forbidden_reads_name_the_missing_permission(
    tmp_path: Path, aws: None, cluster: FakeApiServer, forbidden: tuple[str, str], name: str
) -> None:
    cluster.store.forbidden.add(forbidden)
    check = run(tmp_path, good_config(cluster))[name]
    assert_fails(check, f'cannot get resource "{forbidden[1]}"', "RBAC")


def test_ingress_classes_it_may_not_list_are_skipped_with_the_reason(
    tmp_path: Path, aws: None, cluster: FakeApiServer
) -> None:
    cluster.store.forbidden.add(("list", "ingressclasses"))
    check = run(tmp_path, good_config(cluster))["ingress-class default/demo"]
    assert check.status == "SKIP", check.line()
    assert 'cannot list resource "ingressclasses"' in check.detail


def test_a_misspelt_key_fails_settings_as_the_program_does(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    config = {**good_config(cluster), "kong-cognito-oidc:allowedGroup": ["staff"], "kubernetes:namespace": "x"}
    check = run(tmp_path, config)["settings"]
    assert_fails(
        check,
        "kong-cognito-oidc:allowedGroup: not a setting of this project; did you mean allowedGroups?",
        "pulumi config rm <key> --stack dev",
    )
    assert "kubernetes:namespace" not in check.detail, "other namespaces are their providers' business"


def test_a_misspelt_key_in_the_stack_file_fails_even_when_it_is_a_secret(
    tmp_path: Path, aws: None, cluster: FakeApiServer
) -> None:
    config = {**good_config(cluster), "kong-cognito-oidc:allowedGroup": {"secure": "v1:abc"}}
    checks = {check.name: check for check in cli.run_checks("dev", project(tmp_path, config), world(None))}
    assert_fails(checks["settings"], "allowedGroup: not a setting of this project", "Pulumi.dev.yaml")
    assert "v1:abc" not in checks["settings"].line()


@pytest.mark.parametrize(
    ("access", "who"),
    [
        ({}, "who can get in: anyone who can sign up (self sign-up is on, no allowedGroups)"),
        ({"selfSignUp": "false"}, "who can get in: every account an administrator creates (self sign-up is off"),
        ({"allowedGroups": ["staff", "ops"]}, "who can get in: members of staff, ops (self sign-up is on, but"),
        ({"selfSignUp": False, "allowedGroups": ["staff"]}, "who can get in: members of staff (self sign-up is off"),
    ],
)
def test_settings_say_who_can_get_in(
    tmp_path: Path, aws: None, cluster: FakeApiServer, access: dict[str, Any], who: str
) -> None:
    config = {**good_config(cluster), **{f"kong-cognito-oidc:{key}": value for key, value in access.items()}}
    check = run(tmp_path, config)["settings"]
    assert check.status == "PASS" and who in check.detail, check.line()


@pytest.mark.parametrize(
    ("identifier", "noted"), [(None, True), ("https://api.example.com", False)], ids=["default", "set"]
)
def test_settings_note_an_api_identifier_that_follows_the_first_routes_host(
    tmp_path: Path, aws: None, cluster: FakeApiServer, identifier: str | None, noted: bool
) -> None:
    api = {"kong-cognito-oidc:apiClients": [{"name": "billing-job", "scopes": ["orders.read"]}]}
    if identifier is not None:
        api["kong-cognito-oidc:apiIdentifier"] = identifier
    check = run(tmp_path, {**good_config(cluster), **api})["settings"]
    assert check.status == "PASS", check.line()
    note = f"note: apiIdentifier is not set, so it is https://{HOST}, from the first route's host"
    assert (note in check.detail) is noted, check.line()
    assert ("set apiIdentifier to keep it" in check.detail) is noted


@pytest.mark.parametrize(
    ("lines", "verdict"),
    [
        # The Pulumi CLI reads YAML 1.2: unquoted `off` and `yes` reach the program as those strings.
        (["kong-cognito-oidc:mfa: off"], "PASS"),
        (["kong-cognito-oidc:localAccounts: yes"], 'FAIL localAccounts = "yes": expected true or false'),
        (["kong-cognito-oidc:selfSignUp: False"], "PASS"),
    ],
)
def test_a_stack_file_without_the_cli_is_read_as_pulumi_reads_it(
    tmp_path: Path, aws: None, cluster: FakeApiServer, lines: list[str], verdict: str
) -> None:
    folder = project(tmp_path)
    good = "\n".join(f"  {key}: {json.dumps(value)}" for key, value in good_config(cluster).items())
    (folder / "Pulumi.dev.yaml").write_text("config:\n" + good + "\n" + "".join(f"  {line}\n" for line in lines))
    checks = {check.name: check for check in cli.run_checks("dev", folder, world(None))}
    status, _, problem = verdict.partition(" ")
    assert checks["settings"].status == status and problem in checks["settings"].detail, checks["settings"].line()


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("config:\n  aws:region: us-west-2\n  kong-cognito-oidc:scopes: [openid\n", "line 4, column 1"),
        ("config:\n  aws:region: us-west-2\n\tkong-cognito-oidc:cacheTtl: 10\n", "line 3, column 1"),
        ("config:\n- aws:region\n", "its `config` must map keys to values (it holds a list)"),
        ("just a string\n", "it holds a str"),
    ],
)
def test_a_stack_file_that_is_not_yaml_fails_naming_the_file_line_and_column(
    tmp_path: Path, text: str, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(tmp_path)
    (folder / "Pulumi.dev.yaml").write_text(text)
    assert cli.main(["--stack", "dev"], project_dir=folder, world=world(None)) == 1
    lines = capsys.readouterr().out.splitlines()
    assert all(LINE.match(line) for line in lines), lines
    (settings,) = [line for line in lines if line.startswith(("PASS settings", "FAIL settings"))]
    assert settings.startswith("FAIL settings: Pulumi.dev.yaml is not ")
    assert where in settings and "Fix: correct the YAML in Pulumi.dev.yaml" in settings


def test_a_host_that_does_not_resolve(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    check = run(tmp_path, good_config(cluster), hosts={})[f"dns {HOST}"]
    assert_fails(check, "does not resolve", "set dataPlaneHost to your Kong proxy's public name")


def test_uv_missing_is_failed_with_how_to_install_it(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    no_uv = world(FakePulumi(good_config(cluster)))
    no_uv.which = {"pulumi": "/usr/local/bin/pulumi"}.get
    checks = {check.name: check for check in cli.run_checks("dev", project(tmp_path), no_uv)}
    assert_fails(checks["uv"], "uv is not on PATH", f"install it with {UV_INSTALL}")
    assert "pipx install uv" in UV_INSTALL, "pip install uv is refused by an externally managed Python"
    assert checks["pulumi"].status == "PASS"


def test_an_old_python_fails(tmp_path: Path, aws: None, cluster: FakeApiServer) -> None:
    old = world(FakePulumi(good_config(cluster)))
    old.python_version = (3, 10, 12)
    checks = {check.name: check for check in cli.run_checks("dev", project(tmp_path), old)}
    assert_fails(checks["python"], "Python 3.10.12; the program needs >= 3.11", "uv python install 3.11")


def test_make_doctor_runs_without_the_pulumi_cli(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("make", "sh", "bash"):
        found = shutil.which(tool)
        assert found
        (bin_dir / tool).symlink_to(found)
    dry_run = subprocess.run(
        ["make", "-n", "doctor", "STACK=qa"],
        cwd=ROOT,
        env={"PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert dry_run.returncode == 0, dry_run.stderr
    assert ".venv/bin/python doctor.py --stack qa" in dry_run.stdout


# --- a route with kind HTTPRoute: the HTTPRoute, and a parent Gateway of Kong's GatewayClass ---

UNMANAGED = UNMANAGED_CLASS_ANNOTATION
API_ROUTE = Route(
    "api", "default", HOST, "/api", "oidc-api", False, f"https://{HOST}/api", mode="api", kind="HTTPRoute"
)


def http_route_checks(server: FakeApiServer, route: Route = API_ROUTE) -> dict[str, CheckLine]:
    line, doctor_cluster = check_cluster(str(server.kubeconfig), "kong", None, "dev")
    assert doctor_cluster is not None, line.line()
    checks = list(check_route(doctor_cluster, route, 1, "unused for HTTPRoutes", OWNER, "dev"))
    for check in checks:
        assert LINE.match(check.line()), check.line()
    return {check.name: check for check in checks}


@pytest.fixture
def gateway_cluster(cluster: FakeApiServer) -> FakeApiServer:
    """Beside the Ingress: Kong's unmanaged GatewayClass, Gateway kong/kong of it, HTTPRoute default/api under it."""
    cluster.store.add_gateway_class("kong", KONG_GATEWAY_CONTROLLER, {"konghq.com/gatewayclass-unmanaged": "true"})
    cluster.store.add_gateway("kong", "kong", "kong")
    cluster.store.add_http_route(
        "default", "api", {PLUGINS_ANNOTATION: "cors"}, parent_refs=[{"name": "kong", "namespace": "kong"}]
    )
    return cluster


def test_an_httproute_under_a_gateway_of_kongs_class_passes(gateway_cluster: FakeApiServer) -> None:
    checks = http_route_checks(gateway_cluster)
    assert list(checks) == ["httproute default/api", "httproute-gateway default/api", "kongplugin default/oidc-api"]
    assert {check.status for check in checks.values()} == {"PASS"}, [c.line() for c in checks.values()]
    assert checks["httproute default/api"].detail == f"found; {PLUGINS_ANNOTATION}: cors"
    assert checks["httproute-gateway default/api"].detail == (
        f"Gateway kong/kong, GatewayClass kong, controller {KONG_GATEWAY_CONTROLLER}; {NO_KONG_STATUS}"
    )
    assert {method for method, *_ in gateway_cluster.requests} == {"GET"}


def test_a_managed_kong_class_passes_with_a_note_that_kic_alone_does_not_accept_its_gateways(
    gateway_cluster: FakeApiServer,
) -> None:
    gateway_cluster.store.add_gateway_class("kong-managed", KONG_GATEWAY_CONTROLLER)
    gateway_cluster.store.add_gateway("default", "managed", "kong-managed")
    gateway_cluster.store.add_http_route("default", "managed-api", parent_refs=[{"name": "managed"}])
    check = http_route_checks(gateway_cluster, replace(API_ROUTE, object_name="managed-api"))[
        "httproute-gateway default/managed-api"
    ]
    assert check.status == "PASS", check.line()
    assert check.detail.endswith(
        "(without a value in konghq.com/gatewayclass-unmanaged: the Kong Ingress Controller does not accept its "
        "Gateways itself; unless a controller that manages the class does, annotate the class with "
        'konghq.com/gatewayclass-unmanaged: "true"); ' + NO_KONG_STATUS
    )


def test_an_empty_unmanaged_annotation_is_a_managed_class(gateway_cluster: FakeApiServer) -> None:
    # KIC's isGatewayClassUnmanaged: the annotation's value must be non-empty.
    gateway_cluster.store.add_gateway_class("kong-empty", KONG_GATEWAY_CONTROLLER, {UNMANAGED: ""})
    gateway_cluster.store.add_gateway("default", "empty", "kong-empty")
    gateway_cluster.store.add_http_route("default", "empty-api", parent_refs=[{"name": "empty"}])
    check = http_route_checks(gateway_cluster, replace(API_ROUTE, object_name="empty-api"))[
        "httproute-gateway default/empty-api"
    ]
    assert check.status == "PASS", check.line()
    assert f"(without a value in {UNMANAGED}:" in check.detail


def test_a_gateway_of_kong_operators_class_passes(gateway_cluster: FakeApiServer) -> None:
    # Kong Operator's classes name the operator's controller; the KIC it runs for them reads konghq.com/plugins.
    gateway_cluster.store.add_gateway_class("kong-operator", "konghq.com/gateway-operator")
    gateway_cluster.store.add_gateway("default", "operated", "kong-operator")
    gateway_cluster.store.add_http_route("default", "operated-api", parent_refs=[{"name": "operated"}])
    check = http_route_checks(gateway_cluster, replace(API_ROUTE, object_name="operated-api"))[
        "httproute-gateway default/operated-api"
    ]
    assert check.status == "PASS", check.line()
    assert check.detail == (
        "Gateway default/operated, GatewayClass kong-operator, controller konghq.com/gateway-operator; "
        + NO_KONG_STATUS
    )


def test_an_httproute_whose_gateways_are_not_kongs_fails_naming_each_and_the_controller(
    gateway_cluster: FakeApiServer,
) -> None:
    gateway_cluster.store.add_gateway_class("nginx", "gateway.nginx.org/nginx-gateway-controller")
    gateway_cluster.store.add_gateway("default", "web", "nginx")
    gateway_cluster.store.add_gateway("default", "orphan", "gone")
    refs = [{"name": "web"}, {"name": "missing"}, {"name": "orphan"}, {"name": "svc", "kind": "Service", "group": ""}]
    gateway_cluster.store.add_http_route("default", "web-api", parent_refs=refs)

    check = http_route_checks(gateway_cluster, replace(API_ROUTE, object_name="web-api"))[
        "httproute-gateway default/web-api"
    ]
    assert_fails(
        check,
        "no parent Gateway is Kong's (Gateway default/web: GatewayClass nginx, controller "
        "gateway.nginx.org/nginx-gateway-controller; Gateway default/missing: not found; "
        "Gateway default/orphan: its GatewayClass gone not found)",
        f"GatewayClass has spec.controllerName {KONG_GATEWAY_CONTROLLER}",
    )


def test_an_httproute_without_a_parent_gateway_fails(gateway_cluster: FakeApiServer) -> None:
    gateway_cluster.store.add_http_route("default", "loose")
    check = http_route_checks(gateway_cluster, replace(API_ROUTE, object_name="loose"))[
        "httproute-gateway default/loose"
    ]
    assert_fails(check, "spec.parentRefs name no Gateway", "spec.parentRefs")


def test_a_parent_of_another_kind_in_the_gateway_api_group_is_no_gateway(gateway_cluster: FakeApiServer) -> None:
    # A ListenerSet named like Kong's Gateway is not that Gateway, though its group is the Gateway API's.
    ref = {"name": "kong", "namespace": "kong", "group": "gateway.networking.k8s.io", "kind": "ListenerSet"}
    gateway_cluster.store.add_http_route("default", "listed", parent_refs=[ref])
    check = http_route_checks(gateway_cluster, replace(API_ROUTE, object_name="listed"))[
        "httproute-gateway default/listed"
    ]
    assert_fails(check, "spec.parentRefs name no Gateway", "spec.parentRefs")


def test_a_missing_httproute_is_not_found_even_beside_an_ingress_of_that_name(gateway_cluster: FakeApiServer) -> None:
    checks = http_route_checks(gateway_cluster, replace(API_ROUTE, object_name="demo"))  # demo is an Ingress
    check = checks["httproute default/demo"]
    assert_fails(check, "no HTTPRoute demo in namespace default on context kong.", "routes[1].ingress")
    assert "or create the HTTPRoute first" in check.fix
    assert "httproute-gateway default/demo" not in checks
    typo = http_route_checks(gateway_cluster, replace(API_ROUTE, object_name="apy"))["httproute default/apy"]
    assert "Did you mean api?" in typo.detail


def test_a_cluster_without_the_gateway_api_says_to_install_it(tmp_path: Path) -> None:
    with fake_api_server(tmp_path, context="kong") as server:
        server.store.install_kong_crds()
        server.store.gateway_api = False
        check = http_route_checks(server)["httproute default/api"]
    assert_fails(
        check,
        "does not serve HTTPRoutes v1 (no httproutes.gateway.networking.k8s.io): the Gateway API's CRDs are not "
        "installed.",
        "install the Gateway API's standard CRDs",
    )


def test_a_gateway_api_before_v1_0_is_too_old_not_missing(cluster: FakeApiServer) -> None:
    # Before v1.0 the HTTPRoute CRD served v1beta1 (and v1alpha2), no v1: its v1 paths answer `404 page not found`.
    cluster.store.http_route_versions = ("v1beta1",)
    check = http_route_checks(cluster)["httproute default/api"]
    assert_fails(
        check,
        "does not serve HTTPRoutes v1: the installed Gateway API is too old; its "
        "httproutes.gateway.networking.k8s.io serves v1beta1, and HTTPRoute v1 needs Gateway API v1.0 or later.",
        "upgrade the Gateway API's standard CRDs to v1.0 or later",
    )
    assert "not installed" not in check.detail


def test_unserved_httproutes_still_fail_when_crds_may_not_be_read(cluster: FakeApiServer) -> None:
    # `make up` cannot patch a v1 HTTPRoute either way; the CRD would only have told why.
    cluster.store.http_route_versions = ("v1beta1",)
    cluster.store.forbidden.add(("get", "customresourcedefinitions"))
    check = http_route_checks(cluster)["httproute default/api"]
    assert_fails(
        check,
        "does not serve HTTPRoutes v1: the Gateway API's CRDs are not installed, or are older than v1.0; reading "
        'the CRD to tell which failed: customresourcedefinitions.apiextensions.k8s.io "httproutes.gateway.'
        'networking.k8s.io" is forbidden',
        "kubectl get crd httproutes.gateway.networking.k8s.io",
    )


@pytest.mark.parametrize("resource", ["gateways", "gatewayclasses"])
def test_gateways_it_may_not_read_are_skipped_with_the_reason(gateway_cluster: FakeApiServer, resource: str) -> None:
    gateway_cluster.store.forbidden.add(("get", resource))
    check = http_route_checks(gateway_cluster)["httproute-gateway default/api"]
    assert check.status == "SKIP", check.line()
    assert f'cannot get resource "{resource}"' in check.detail
    assert check.detail.endswith(NO_KONG_STATUS)


def test_a_forbidden_parent_gateway_does_not_hide_a_later_one_of_kong(tmp_path: Path) -> None:
    with fake_api_server(tmp_path, context="kong") as server:
        server.store.install_kong_crds()
        server.store.add_gateway_class("kong", KONG_GATEWAY_CONTROLLER, {UNMANAGED: "true"})
        server.store.add_gateway("team", "shared", "kong")
        server.store.add_gateway("kong", "kong", "kong")
        refs = [{"name": "shared", "namespace": "team"}, {"name": "kong", "namespace": "kong"}]
        server.store.add_http_route("default", "api", parent_refs=refs)
        server.store.forbidden_in.add(("get", "gateways", "team"))
        passing = http_route_checks(server)["httproute-gateway default/api"]
        server.store.add_gateway_class("nginx", "gateway.nginx.org/nginx-gateway-controller")
        server.store.add_gateway("kong", "kong", "nginx")
        skipped = http_route_checks(server)["httproute-gateway default/api"]
    assert passing.status == "PASS", passing.line()
    assert passing.detail.startswith(f"Gateway kong/kong, GatewayClass kong, controller {KONG_GATEWAY_CONTROLLER}")
    # Nothing readable is Kong's: the forbidden one might be, so SKIP, naming both.
    assert skipped.status == "SKIP", skipped.line()
    assert "these credentials may not read Gateway team/shared or its GatewayClass (" in skipped.detail
    assert "of the others: Gateway kong/kong: GatewayClass nginx, controller gateway.nginx.org" in skipped.detail


# --- Kong's word on the HTTPRoute: its status.parents (the Gateway API's RouteParentStatus) ---


def kong_parent(
    gateway: str = "kong/kong",
    accepted: tuple[str, str, str] = ("True", "Accepted", "Route is accepted"),
    resolved: tuple[str, str, str] = ("True", "ResolvedRefs", "All references are resolved"),
    controller: str = KONG_GATEWAY_CONTROLLER,
    section: str | None = None,
) -> dict[str, Any]:
    """One status.parents entry, with the fields the HTTPRoute CRD requires; `accepted`/`resolved`: status, reason,
    message of the Accepted and ResolvedRefs conditions."""
    namespace, name = gateway.split("/")
    ref: dict[str, Any] = {
        "group": "gateway.networking.k8s.io",
        "kind": "Gateway",
        "namespace": namespace,
        "name": name,
    }
    if section is not None:
        ref["sectionName"] = section
    conditions = [
        {"type": kind, "status": status, "reason": reason, "message": message, "observedGeneration": 1,
         "lastTransitionTime": "2026-11-30T12:00:00Z"}
        for kind, (status, reason, message) in (("Accepted", accepted), ("ResolvedRefs", resolved))
    ]  # fmt: skip
    return {"parentRef": ref, "controllerName": controller, "conditions": conditions}


def test_kong_not_accepting_the_route_fails_with_its_reason_though_the_class_is_kongs(
    gateway_cluster: FakeApiServer,
) -> None:
    message = "No listener allows routes from namespace default"
    gateway_cluster.store.set_route_status(
        "default", "api", [kong_parent(accepted=("False", "NotAllowedByListeners", message))]
    )
    check = http_route_checks(gateway_cluster)["httproute-gateway default/api"]
    assert_fails(
        check,
        "Kong does not accept it as it stands (status.parents): Gateway kong/kong: Accepted False "
        f"(NotAllowedByListeners: {message}).",
        "allowedRoutes must admit the HTTPRoute's namespace",
    )
    assert "kubectl describe httproute api -n default" in check.fix
    # Kong's own word settles it: no Gateway or GatewayClass is read.
    assert not [path for _, path, *_ in gateway_cluster.requests if "/gateways/" in path or "/gatewayclasses/" in path]


def test_a_listener_hostname_mismatch_names_the_listener(gateway_cluster: FakeApiServer) -> None:
    refused = ("False", "NoMatchingListenerHostname", "no matching hostnames")
    gateway_cluster.store.set_route_status("default", "api", [kong_parent(accepted=refused, section="https")])
    check = http_route_checks(gateway_cluster)["httproute-gateway default/api"]
    assert_fails(
        check,
        "Gateway kong/kong (listener https): Accepted False (NoMatchingListenerHostname: no matching hostnames)",
        "spec.hostnames must match a listener's hostname",
    )


def test_unresolved_backends_fail_although_accepted(gateway_cluster: FakeApiServer) -> None:
    unresolved = ("False", "BackendNotFound", "Service default/api not found")
    gateway_cluster.store.set_route_status("default", "api", [kong_parent(resolved=unresolved)])
    check = http_route_checks(gateway_cluster)["httproute-gateway default/api"]
    assert_fails(
        check,
        "Gateway kong/kong: accepted, but ResolvedRefs False (BackendNotFound: Service default/api not found)",
        "backendRefs must name existing Services",
    )


@pytest.mark.parametrize("controller", [KONG_GATEWAY_CONTROLLER, "konghq.com/gateway-operator"])
def test_accepted_by_kong_passes_without_reading_gateways(gateway_cluster: FakeApiServer, controller: str) -> None:
    gateway_cluster.store.forbidden.update({("get", "gateways"), ("get", "gatewayclasses")})
    gateway_cluster.store.set_route_status("default", "api", [kong_parent(controller=controller)])
    check = http_route_checks(gateway_cluster)["httproute-gateway default/api"]
    assert check.status == "PASS", check.line()
    assert check.detail == f"Kong accepted it (status.parents): Gateway kong/kong, controller {controller}"


def test_one_accepting_kong_parent_passes_and_names_the_refusing_one(gateway_cluster: FakeApiServer) -> None:
    refused = kong_parent("kong/internal", accepted=("False", "NotAllowedByListeners", "not allowed"))
    gateway_cluster.store.set_route_status("default", "api", [refused, kong_parent()])
    check = http_route_checks(gateway_cluster)["httproute-gateway default/api"]
    assert check.status == "PASS", check.line()
    assert check.detail == (
        f"Kong accepted it (status.parents): Gateway kong/kong, controller {KONG_GATEWAY_CONTROLLER}; not by "
        "Gateway kong/internal: Accepted False (NotAllowedByListeners: not allowed)"
    )


def test_another_controllers_status_is_not_kongs_word(gateway_cluster: FakeApiServer) -> None:
    # nginx accepting the route on its Gateway says nothing of Kong: the GatewayClass check decides, and says so.
    nginx = kong_parent("default/web", controller="gateway.nginx.org/nginx-gateway-controller")
    gateway_cluster.store.set_route_status("default", "api", [nginx])
    check = http_route_checks(gateway_cluster)["httproute-gateway default/api"]
    assert check.status == "PASS", check.line()
    assert (
        check.detail == f"Gateway kong/kong, GatewayClass kong, controller {KONG_GATEWAY_CONTROLLER}; {NO_KONG_STATUS}"
    )


def test_an_httproute_it_may_not_read_names_the_missing_permission(gateway_cluster: FakeApiServer) -> None:
    gateway_cluster.store.forbidden.add(("get", "httproutes"))
    assert_fails(
        http_route_checks(gateway_cluster)["httproute default/api"], 'cannot get resource "httproutes"', "RBAC"
    )


def test_kong_still_pending_is_no_verdict_yet(gateway_cluster: FakeApiServer) -> None:
    pending = kong_parent(accepted=("Unknown", "Pending", "Waiting for controller"))
    gateway_cluster.store.set_route_status("default", "api", [pending])
    check = http_route_checks(gateway_cluster)["httproute-gateway default/api"]
    assert check.status == "PASS", check.line()
    assert check.detail.endswith(NO_KONG_STATUS)
