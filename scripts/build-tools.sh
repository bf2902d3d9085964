#!/usr/bin/env bash
# `make tools`: builds kube-apiserver and etcd, at the versions pinned in tools/go.mod, into
# .tools/bin for `make e2e`. Needs Go and the Go module proxy; says which is missing in one line.
set -euo pipefail
cd "$(dirname "$0")/../tools"
GO=${GO:-go}
BIN=../.tools/bin

if ! command -v "$GO" >/dev/null 2>&1; then
	echo "make tools: Go is not installed: install Go 1.26 or later (https://go.dev/dl/) and run make tools again" >&2
	exit 1
fi
# Go 1.21 and later fetch the Go that tools/go.mod names (GOTOOLCHAIN=auto); older ones cannot read it.
found=$("$GO" env GOVERSION 2>/dev/null || echo "an unknown Go")
if [[ $found =~ ^go1\.([0-9]+) ]] && ((BASH_REMATCH[1] < 21)); then
	echo "make tools: $found is too old: install Go 1.26 or later (https://go.dev/dl/) and run make tools again" >&2
	exit 1
fi
# Low priority: the build takes minutes of both cores.
go_low() { nice -n 19 "$GO" "$@"; }

# Resolving the packages downloads exactly the modules the build needs; a failure here is the network.
packages=(k8s.io/kubernetes/cmd/kube-apiserver ./cmd/etcd)
if ! err=$(go_low list -deps "${packages[@]}" 2>&1 >/dev/null); then
	echo "make tools: cannot download the pinned Go modules through GOPROXY=$("$GO" env GOPROXY): $(grep -m1 -E 'proxy|dial|Forbidden|Not Found|timeout|no such host' <<<"$err" || tail -n1 <<<"$err")" >&2
	exit 1
fi

version=$(go_low list -m -f '{{.Version}}' k8s.io/kubernetes)
minor=$(cut -d. -f2 <<<"$version")
# What `kube-apiserver --version` and /version report; the release's own build sets the same.
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$version"
ldflags+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
mkdir -p "$BIN"
CGO_ENABLED=0 go_low build -trimpath -ldflags "$ldflags" -o "$BIN/" "${packages[@]}"
echo "make tools: built .tools/bin/kube-apiserver $version and .tools/bin/etcd $(go_low list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)"
