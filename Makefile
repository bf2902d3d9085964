# `make test` and `make up` are all a newcomer needs; both create the virtualenv when it is missing.
# The virtualenv is the one Pulumi.yaml names, so `pulumi` and `make` run the same packages.
VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
POLICY_INSTALLED := policy/.venv/.installed
STACK ?= dev
# e.g. VERIFY_ARGS=--insecure for a load balancer with a self-signed certificate.
VERIFY_ARGS ?=
# Two workers (these machines have two cores), one test file each at a time, the slowest first
# (tests/conftest.py); per file beat per test (--dist load) by 10-20 %. -n0: one process.
PYTEST_ARGS ?= -n 2 --dist loadfile --no-loadscope-reorder
# The guardrail policy pack and its settings, as the GitHub workflows apply them.
POLICY_FLAGS := --policy-pack policy --policy-pack-config policy/config.json
# How to install uv where `pip install uv` is refused (an externally managed Python); doctor_checks/tools.py says the same.
UV_INSTALL := pipx install uv, or uv's standalone installer: curl -LsSf https://astral.sh/uv/install.sh | sh
# What the pip fallback takes on a 2-core machine with nothing cached: 1.6 to 3.5 minutes (bench/results.md).
PIP_MINUTES := 2 to 4

# Some images set this; without cached bytecode every run recompiles the SDKs it imports
# (program start-up goes from about 1 s to 3 s, see bench/).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help install test lint check up preview destroy verify doctor bench lock clean tools e2e engine kic yaml kubectl

# Checked when make reads this file, so the message comes first, before any install.
ifneq ($(filter up preview destroy verify,$(MAKECMDGOALS)),)
ifeq ($(shell command -v pulumi 2>/dev/null),)
$(error The Pulumi CLI is not installed: install it (https://www.pulumi.com/docs/iac/download-install/, e.g. curl -fsSL https://get.pulumi.com | sh) and run make again)
endif
endif
ifneq ($(filter up preview destroy,$(MAKECMDGOALS)),)
ifeq ($(shell command -v uv 2>/dev/null),)
$(error Pulumi.yaml runs the program with uv, which is not installed: install it with $(UV_INSTALL) (https://docs.astral.sh/uv/getting-started/installation/) and run make again)
endif
endif
ifneq ($(filter lock,$(MAKECMDGOALS)),)
ifeq ($(shell command -v uv 2>/dev/null),)
$(error make lock re-resolves uv.lock with uv, which is not installed: install it with $(UV_INSTALL) (https://docs.astral.sh/uv/getting-started/installation/) and run make again)
endif
endif

# The first target, so `make` alone lists the targets (from the `## ` text on each target's line) and installs nothing.
help: ## list these targets
	@awk 'BEGIN { FS = ":[^#]*## " } /^[a-z][a-z0-9-]*:.*## / { printf "  make %-8s %s\n", $$1, $$2 }' $(firstword $(MAKEFILE_LIST))
	@echo "STACK=<stack> picks another stack than dev (up, preview, destroy, verify, doctor, check)."

# Everything a Pulumi command needs: the program's virtualenv and the policy pack's.
install: $(INSTALLED) $(POLICY_INSTALLED) ## create the virtualenvs (make test and make up do it when needed)

test: $(INSTALLED) ## the offline tests (seconds; no cloud, cluster or Go)
	$(PYTHON) -m pytest $(PYTEST_ARGS)

# Lint, type check and workflow schema check, as CI runs them.
lint: $(INSTALLED) ## ruff, mypy and the workflows' schema, as CI runs them
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(PYTHON) -m mypy
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

# The stack's settings checked offline (no credentials, cluster or Pulumi CLI) and what the program would declare.
# STACK=<stack> checks Pulumi.<stack>.yaml; STACK_FILE=<path> a stack file elsewhere (stack named after the file).
check: $(INSTALLED) ## validate the stack's settings offline and summarize what it would declare
	$(PYTHON) check.py

# Local updates and previews apply the same guardrail policies as CI.
up: install ## deploy the stack (pulumi up, with the guardrail policies)
	STACK=$(STACK) scripts/pulumi-stack.sh up $(POLICY_FLAGS)

preview: install ## what make up would change (pulumi preview --diff, with the policies)
	STACK=$(STACK) scripts/pulumi-stack.sh preview --diff $(POLICY_FLAGS)

destroy: $(INSTALLED) ## take back everything the stack made (pulumi destroy)
	STACK=$(STACK) scripts/pulumi-stack.sh destroy

# Checks a deployed stack from outside, as the workshop's browser check did.
# If pulumi fails, verify.py finds no outputs and says so (exit 2), after pulumi's own error.
# Only --sign-in reads the secret outputs (the machine clients' secrets), through the pipe: verify.py prints none.
verify: $(INSTALLED) ## check a deployed stack from outside (VERIFY_ARGS=--sign-in for a real sign-in)
	STACK=$(STACK) scripts/pulumi-stack.sh stack output --json $(if $(findstring --sign-in,$(VERIFY_ARGS)),--show-secrets) \
		| $(PYTHON) verify.py --outputs - $(VERIFY_ARGS)

# Read-only checks before the first `make up` (tools, AWS, cluster, Kong, each route); needs no Pulumi CLI.
doctor: $(INSTALLED) ## read-only checks of AWS, the cluster and Kong before the first make up
	$(PYTHON) doctor.py --stack $(STACK)

# kube-apiserver and etcd for `make e2e`, built from the Go modules pinned in tools/; rebuilt when a pin changes.
TOOLS_BIN := .tools/bin
# With them, the Pulumi engine (`make engine`), the Kong Ingress Controller (`make kic`), Pulumi's
# YAML language host (`make yaml`) and kubectl (`make kubectl`), below.
tools: $(TOOLS_BIN)/kube-apiserver $(TOOLS_BIN)/etcd engine kic yaml kubectl ## build kube-apiserver, etcd, kubectl, the Pulumi engine, the Kong Ingress Controller and the YAML language host for make e2e (Go)

$(TOOLS_BIN)/kube-apiserver $(TOOLS_BIN)/etcd &: tools/go.mod tools/go.sum tools/cmd/etcd/main.go scripts/build-tools.sh scripts/go-build.sh
	scripts/build-tools.sh
	@touch $(TOOLS_BIN)/kube-apiserver $(TOOLS_BIN)/etcd

# The tests only a real API server settles, and the fake's contract tests against it (tests/support/cluster_backends.py).
# One process: one API server to start (two workers, each with its own, took longer here).
E2E_PYTEST_ARGS ?= -n0
# Both virtualenvs: the engine scenarios run `make preview` with the policy pack.
e2e: install tools ## the tests against a real API server and the real Pulumi engine
	$(PYTHON) -m pytest -m e2e $(E2E_PYTEST_ARGS)

# Prints the figures and writes them to bench/latest.md (untracked); SAVE=1: to bench/results.md.
bench: $(INSTALLED) ## time the program, the tests and a fresh install (SAVE=1: to bench/results.md)
	$(PYTHON) bench/bench.py $(if $(filter 1,$(SAVE)),--save)

# The Pulumi CLI, a Python language host and the Kubernetes provider for the engine scenarios of
# `make e2e`, built from the Go modules pinned in tools/engine (tools/engine/README.md).
ENGINE_BINARIES := $(addprefix $(TOOLS_BIN)/,pulumi pulumi-language-python pulumi-language-python-exec pulumi-resource-pulumi-python pulumi-resource-kubernetes)
engine: $(ENGINE_BINARIES) ## build the Pulumi CLI, language host and Kubernetes provider (Go)

$(ENGINE_BINARIES) &: tools/engine/go.mod tools/engine/go.sum $(wildcard tools/engine/cmd/pulumi-language-python/*.go) \
		tools/engine/kubernetes-provider/go.mod tools/engine/kubernetes-provider/go.sum \
		tools/engine/kubernetes-provider/cmd/pulumi-resource-kubernetes/main.go scripts/build-engine.sh scripts/go-build.sh
	scripts/build-engine.sh
	@touch $(ENGINE_BINARIES)

# The Kong Ingress Controller that reads what the engine scenarios deploy (tests/e2e/test_engine_kic.py),
# built from the Go module pinned in tools/kic (tools/kic/README.md).
kic: $(TOOLS_BIN)/kong-ingress-controller ## build the Kong Ingress Controller the e2e scenarios run (Go)

$(TOOLS_BIN)/kong-ingress-controller: tools/kic/go.mod tools/kic/go.sum scripts/build-kic.sh scripts/go-build.sh
	scripts/build-kic.sh
	@touch $@

# Pulumi's YAML language host, for the e2e programs in YAML that use a component package
# (tests/e2e/test_engine_component_package.py), built from the Go module pinned in tools/yaml (tools/yaml/README.md).
yaml: $(TOOLS_BIN)/pulumi-language-yaml ## build Pulumi's YAML language host the e2e scenarios run (Go)

$(TOOLS_BIN)/pulumi-language-yaml: tools/yaml/go.mod tools/yaml/go.sum scripts/build-yaml.sh scripts/go-build.sh
	scripts/build-yaml.sh
	@touch $@

# kubectl at kube-apiserver's version (tools/go.mod), for the scenarios that apply an Ingress as Argo CD and
# Flux do (tests/e2e/test_gitops_managers.py).
kubectl: $(TOOLS_BIN)/kubectl ## build kubectl, at kube-apiserver's version, for the GitOps scenarios of make e2e (Go)

$(TOOLS_BIN)/kubectl: tools/go.mod tools/go.sum scripts/build-kubectl.sh scripts/go-build.sh
	scripts/build-kubectl.sh
	@touch $@

# After editing dependencies in pyproject.toml: re-resolve, and export the pip fallback's files.
lock: ## re-resolve uv.lock after editing pyproject.toml, and export the pip files
	uv lock
	uv export --quiet --locked --no-hashes --no-dev --output-file requirements.txt
	uv export --quiet --locked --no-hashes --output-file requirements-dev.txt
	uv export --quiet --locked --no-hashes --only-group policy --output-file policy/requirements.txt

# uv when present (seconds, exactly uv.lock), else venv + pip from the lock's export.
$(INSTALLED): pyproject.toml uv.lock requirements-dev.txt
	@if command -v uv >/dev/null 2>&1; then \
		UV_PROJECT_ENVIRONMENT=$(VENV) uv sync --quiet --locked; \
	else \
		echo "uv is not installed: installing the pinned packages into $(VENV) with pip, which takes $(PIP_MINUTES) minutes (uv: seconds; install it with $(UV_INSTALL))"; \
		python3 -m venv $(VENV) && \
		$(PYTHON) -m pip install --disable-pip-version-check --progress-bar off -r requirements-dev.txt; \
	fi
	@touch $@

# The policy pack runs in policy/.venv (PulumiPolicy.yaml), which Pulumi does not create for a
# local pack; its pins are exported from uv.lock.
$(POLICY_INSTALLED): policy/requirements.txt
	@if command -v uv >/dev/null 2>&1; then \
		uv venv --quiet --seed --allow-existing --python python3 policy/.venv && \
		uv pip install --quiet --python policy/.venv/bin/python -r policy/requirements.txt; \
	else \
		echo "uv is not installed: installing the policy pack's packages into policy/.venv with pip (about a minute)"; \
		python3 -m venv policy/.venv && \
		policy/.venv/bin/python -m pip install --disable-pip-version-check --progress-bar off -r policy/requirements.txt; \
	fi
	@touch $@

clean: ## remove the virtualenvs
	rm -rf $(VENV) policy/.venv
