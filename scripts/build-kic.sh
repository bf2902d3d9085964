#!/usr/bin/env bash
# `make kic`: builds the Kong Ingress Controller, at the version pinned in tools/kic/go.mod, into
# .tools/bin/kong-ingress-controller for `make e2e` (tools/kic/README.md). Needs Go and the Go module
# proxy; says which is missing in one line. Built under a temporary name, then moved into place:
# other checkouts' tests may be running the binary in the shared .tools/bin.
set -euo pipefail
TARGET=kic
source "$(dirname "$0")/go-build.sh"
kic=github.com/kong/kubernetes-ingress-controller/v3

# Cold, about ten minutes of both cores.
cd "$root/tools/kic"
fetch_modules
version=$(go_low list -m -f '{{.Version}}' "$kic")
# The release commit, as the module proxy recorded it (KIC's own Makefile sets it from git).
commit=$(go_low mod download -json "$kic@$version" | sed -n 's/.*"Hash": "\([0-9a-f]*\)".*/\1/p')
# What `--version` and KIC's start-up log report; KIC's Makefile sets the same four variables.
meta="$kic/internal/manager/metadata"
ldflags="-s -w -X $meta.Release=$version -X $meta.Commit=${commit:-unknown}"
ldflags+=" -X $meta.Repo=https://github.com/Kong/kubernetes-ingress-controller.git -X $meta.ProjectURL=github.com/kong/kubernetes-ingress-controller"

# internal/cmd is KIC's main package: naming it on the command line is allowed (the internal rule
# applies to imports), and tools/kic/go.mod lists it as a tool.
build_into_bin kong-ingress-controller "$ldflags" "$kic/internal/cmd"
echo "make kic: built .tools/bin/kong-ingress-controller $version"
