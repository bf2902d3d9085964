#!/usr/bin/env bash
# `make tools`: builds kube-apiserver and etcd, at the versions pinned in tools/go.mod, into
# .tools/bin for `make e2e`. Needs Go and the Go module proxy; says which is missing in one line.
set -euo pipefail
TARGET=tools
source "$(dirname "$0")/go-build.sh"

cd "$root/tools"
# Resolving the packages downloads exactly the modules the build needs.
packages=(k8s.io/kubernetes/cmd/kube-apiserver ./cmd/etcd)
fetch_modules "${packages[@]}"

version=$(go_low list -m -f '{{.Version}}' k8s.io/kubernetes)
minor=$(cut -d. -f2 <<<"$version")
# What `kube-apiserver --version` and /version report; the release's own build sets the same.
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$version"
ldflags+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
build_into_bin kube-apiserver "$ldflags" "${packages[0]}"
build_into_bin etcd "$ldflags" "${packages[1]}"
echo "make tools: built .tools/bin/kube-apiserver $version and .tools/bin/etcd $(go_low list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)"
