#!/usr/bin/env bash
# `make engine`: the Pulumi CLI, a Python language host and the Kubernetes resource provider, at the
# versions pinned in tools/engine/go.mod and tools/engine/kubernetes-provider/go.mod, into .tools/bin
# for `make e2e` (tools/engine/README.md). Needs Go and the Go module proxy; says which is missing.
set -euo pipefail
TARGET=engine
source "$(dirname "$0")/go-build.sh"
mkdir -p "$BIN"

cd "$root/tools/engine"
fetch_modules
cli=github.com/pulumi/pulumi/pkg/v3
version=$(go_low list -m -f '{{.Version}}' "$cli")
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version"
build_into_bin pulumi "$ldflags" "$cli/cmd/pulumi"
build_into_bin pulumi-language-python "$ldflags" ./cmd/pulumi-language-python
# The executor and the dynamic-provider launcher the language host runs, from the SDK's module
# (read-only in the module cache: copied, then made executable).
sdk_dir=$(go_low list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
install -m 755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$sdk_dir/python/dist/pulumi-resource-pulumi-python" "$BIN/"

cd "$root/tools/engine/kubernetes-provider"
fetch_modules
provider=github.com/pulumi/pulumi-kubernetes/provider/v4
provider_version=$(go_low list -m -f '{{.Version}}' "$provider")
# The schema and Terraform mapping the module ships, embedded by our main (not committed).
install -m 644 "$(go_low list -m -f '{{.Dir}}' "$provider")"/cmd/pulumi-resource-kubernetes/{schema.json,terraform-mapping.json} \
	cmd/pulumi-resource-kubernetes/
build_into_bin pulumi-resource-kubernetes "-s -w -X $provider/pkg/version.Version=${provider_version#v}" \
	./cmd/pulumi-resource-kubernetes

echo "make engine: built $BIN/pulumi $version, pulumi-language-python, pulumi-resource-kubernetes $provider_version"
