# `make test` and `make up` are all a newcomer needs; both create the virtualenv when it is missing.
# The virtualenv is the one Pulumi.yaml names, so `pulumi` and `make` run the same packages.
VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
STACK ?= dev

.PHONY: test lint up preview destroy clean

# Checked when make reads this file, so the message comes first, before any install.
ifneq ($(filter up preview destroy,$(MAKECMDGOALS)),)
ifeq ($(shell command -v pulumi 2>/dev/null),)
$(error The Pulumi CLI is not installed: install it (https://www.pulumi.com/docs/iac/download-install/, e.g. curl -fsSL https://get.pulumi.com | sh) and run make again)
endif
endif

test: $(INSTALLED)
	$(PYTHON) -m pytest

# Lint and type check, as CI runs them.
lint: $(INSTALLED)
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(PYTHON) -m mypy

up: $(INSTALLED)
	STACK=$(STACK) scripts/pulumi-stack.sh up

preview: $(INSTALLED)
	STACK=$(STACK) scripts/pulumi-stack.sh preview --diff

destroy: $(INSTALLED)
	STACK=$(STACK) scripts/pulumi-stack.sh destroy

# uv when present (seconds), else venv + pip; `--seed` keeps pip in the venv for `pulumi install`.
$(INSTALLED): requirements.txt requirements-dev.txt
	@if command -v uv >/dev/null 2>&1; then \
		uv venv --quiet --seed --allow-existing --python python3 $(VENV) && \
		uv pip install --quiet --python $(PYTHON) -r requirements-dev.txt; \
	else \
		python3 -m venv $(VENV) && \
		$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt; \
	fi
	@touch $@

clean:
	rm -rf $(VENV)
