#!/usr/bin/env bash
# `make kic`: builds the Kong Ingress Controller, at the version pinned in tools/kic/go.mod, into
# .tools/bin/kong-ingress-controller for `make e2e` (tools/kic/README.md). Needs Go and the Go module
# proxy; says which is missing in one line. Built under a temporary name, then moved into place:
# other checkouts' tests may be running the binary in the shared .tools/bin.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
GO=${GO:-go}
BIN="$root/.tools/bin"
kic=github.com/kong/kubernetes-ingress-controller/v3

if ! command -v "$GO" >/dev/null 2>&1; then
	echo "make kic: Go is not installed: install Go 1.26 or later (https://go.dev/dl/) and run make kic again" >&2
	exit 1
fi
# Low priority: the build takes about ten minutes of both cores, which other builds and tests share.
go_low() { nice -n 19 "$GO" "$@"; }

cd "$root/tools/kic"
if ! err=$(go_low mod download 2>&1); then
	echo "make kic: cannot download the pinned Go modules through GOPROXY=$("$GO" env GOPROXY): $(tail -n1 <<<"$err")" >&2
	exit 1
fi
version=$(go_low list -m -f '{{.Version}}' "$kic")
# The release commit, as the module proxy recorded it (KIC's own Makefile sets it from git).
commit=$(go_low mod download -json "$kic@$version" | sed -n 's/.*"Hash": "\([0-9a-f]*\)".*/\1/p')
# What `--version` and KIC's start-up log report; KIC's Makefile sets the same four variables.
meta="$kic/internal/manager/metadata"
ldflags="-s -w -X $meta.Release=$version -X $meta.Commit=${commit:-unknown}"
ldflags+=" -X $meta.Repo=https://github.com/Kong/kubernetes-ingress-controller.git -X $meta.ProjectURL=github.com/kong/kubernetes-ingress-controller"

mkdir -p "$BIN"
tmp=$(mktemp "$BIN/.kong-ingress-controller.XXXXXX")
trap 'rm -f "$tmp"' EXIT
# internal/cmd is KIC's main package: naming it on the command line is allowed (the internal rule
# applies to imports), and tools/kic/go.mod lists it as a tool.
CGO_ENABLED=0 go_low build -trimpath -ldflags "$ldflags" -o "$tmp" "$kic/internal/cmd"
chmod 755 "$tmp"
mv -f "$tmp" "$BIN/kong-ingress-controller"
echo "make kic: built .tools/bin/kong-ingress-controller $version"
