#!/usr/bin/env bash
# `make kubectl`: builds kubectl from k8s.io/kubernetes at the version tools/go.mod pins for kube-apiserver,
# into .tools/bin/kubectl for `make e2e`, whose GitOps scenarios apply manifests as Argo CD and Flux do
# (tests/e2e/test_gitops_managers.py). Needs Go and the Go module proxy; says which is missing in one line.
# Built under a temporary name, then moved into place: other checkouts' tests may be running it.
set -euo pipefail
TARGET=kubectl
source "$(dirname "$0")/go-build.sh"

cd "$root/tools"
fetch_modules k8s.io/kubernetes/cmd/kubectl
version=$(go_low list -m -f '{{.Version}}' k8s.io/kubernetes)
minor=$(cut -d. -f2 <<<"$version")
# What `kubectl version --client` reports; the release's own build sets the same.
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$version"
ldflags+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
build_into_bin kubectl "$ldflags" k8s.io/kubernetes/cmd/kubectl
echo "make kubectl: built .tools/bin/kubectl $version"
