#!/usr/bin/env bash
# `make yaml`: builds Pulumi's YAML language host, at the version pinned in tools/yaml/go.mod, into
# .tools/bin/pulumi-language-yaml for `make e2e` (tools/yaml/README.md). Needs Go and the Go module
# proxy; says which is missing in one line. Built under a temporary name, then moved into place:
# other checkouts' tests may be running the binary in the shared .tools/bin.
set -euo pipefail
TARGET=yaml
source "$(dirname "$0")/go-build.sh"
yaml=github.com/pulumi/pulumi-yaml

cd "$root/tools/yaml"
fetch_modules
version=$(go_low list -m -f '{{.Version}}' "$yaml")
# The version the release sets (pulumi-yaml's .goreleaser.yml: the tag, with its "v").
build_into_bin pulumi-language-yaml "-s -w -X $yaml/pkg/version.Version=$version" "$yaml/cmd/pulumi-language-yaml"
echo "make yaml: built .tools/bin/pulumi-language-yaml $version"
