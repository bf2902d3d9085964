#!/usr/bin/env bash
# `make yaml`: builds Pulumi's YAML language host, at the version pinned in tools/yaml/go.mod, into
# .tools/bin/pulumi-language-yaml for `make e2e` (tools/yaml/README.md). Needs Go and the Go module
# proxy; says which is missing in one line. Built under a temporary name, then moved into place:
# other checkouts' tests may be running the binary in the shared .tools/bin.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
GO=${GO:-go}
BIN="$root/.tools/bin"
yaml=github.com/pulumi/pulumi-yaml

if ! command -v "$GO" >/dev/null 2>&1; then
	echo "make yaml: Go is not installed: install Go 1.26 or later (https://go.dev/dl/) and run make yaml again" >&2
	exit 1
fi
# Low priority: the build takes minutes of both cores, which other builds and tests share.
go_low() { nice -n 19 "$GO" "$@"; }

cd "$root/tools/yaml"
if ! err=$(go_low mod download 2>&1); then
	echo "make yaml: cannot download the pinned Go modules through GOPROXY=$("$GO" env GOPROXY): $(tail -n1 <<<"$err")" >&2
	exit 1
fi
version=$(go_low list -m -f '{{.Version}}' "$yaml")

mkdir -p "$BIN"
tmp=$(mktemp "$BIN/.pulumi-language-yaml.XXXXXX")
trap 'rm -f "$tmp"' EXIT
# The version the release sets (pulumi-yaml's .goreleaser.yml: the tag, with its "v").
CGO_ENABLED=0 go_low build -trimpath -ldflags "-s -w -X $yaml/pkg/version.Version=$version" \
	-o "$tmp" "$yaml/cmd/pulumi-language-yaml"
chmod 755 "$tmp"
mv -f "$tmp" "$BIN/pulumi-language-yaml"
echo "make yaml: built .tools/bin/pulumi-language-yaml $version"
