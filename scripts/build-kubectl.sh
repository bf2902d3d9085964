#!/usr/bin/env bash
# `make kubectl`: builds kubectl from k8s.io/kubernetes at the version tools/go.mod pins for kube-apiserver,
# into .tools/bin/kubectl for `make e2e`, whose GitOps scenarios apply manifests as Argo CD and Flux do
# (tests/e2e/test_gitops_managers.py). Needs Go and the Go module proxy; says which is missing in one line.
# Built under a temporary name, then moved into place: other checkouts' tests may be running it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
GO=${GO:-go}
BIN="$root/.tools/bin"

if ! command -v "$GO" >/dev/null 2>&1; then
	echo "make kubectl: Go is not installed: install Go 1.26 or later (https://go.dev/dl/) and run make kubectl again" >&2
	exit 1
fi
# Low priority: other builds and tests share the cores.
go_low() { nice -n 19 "$GO" "$@"; }

cd "$root/tools"
if ! err=$(go_low list -deps k8s.io/kubernetes/cmd/kubectl 2>&1 >/dev/null); then
	echo "make kubectl: cannot download the pinned Go modules through GOPROXY=$("$GO" env GOPROXY): $(grep -m1 -E 'proxy|dial|Forbidden|Not Found|timeout|no such host' <<<"$err" || tail -n1 <<<"$err")" >&2
	exit 1
fi
version=$(go_low list -m -f '{{.Version}}' k8s.io/kubernetes)
minor=$(cut -d. -f2 <<<"$version")
# What `kubectl version --client` reports; the release's own build sets the same.
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$version"
ldflags+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"

mkdir -p "$BIN"
tmp=$(mktemp "$BIN/.kubectl.XXXXXX")
trap 'rm -f "$tmp"' EXIT
CGO_ENABLED=0 go_low build -trimpath -ldflags "$ldflags" -o "$tmp" k8s.io/kubernetes/cmd/kubectl
chmod 755 "$tmp"
mv -f "$tmp" "$BIN/kubectl"
echo "make kubectl: built .tools/bin/kubectl $version"
