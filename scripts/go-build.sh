# Sourced by the scripts/build-*.sh that `make tools` runs: what every Go build here does the same way.
# The caller sets TARGET (its make target, which every message names) first. Sets root, GO and BIN;
# refuses, in one line, a missing or too old Go.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GO=${GO:-go}
BIN="$root/.tools/bin"

if ! command -v "$GO" >/dev/null 2>&1; then
	echo "make $TARGET: Go is not installed: install Go 1.26 or later (https://go.dev/dl/) and run make $TARGET again" >&2
	exit 1
fi
# Go 1.21 and later fetch the Go that a go.mod names (GOTOOLCHAIN=auto); older ones cannot read it.
found=$("$GO" env GOVERSION 2>/dev/null || echo "an unknown Go")
if [[ $found =~ ^go1\.([0-9]+) ]] && ((BASH_REMATCH[1] < 21)); then
	echo "make $TARGET: $found is too old: install Go 1.26 or later (https://go.dev/dl/) and run make $TARGET again" >&2
	exit 1
fi

# Low priority: a build takes minutes of both cores, which other builds and tests share.
go_low() { nice -n 19 "$GO" "$@"; }

# The pinned modules of the current folder's go.mod (or, given packages, just what they need); a failure
# here is the network or the proxy, said in one line.
fetch_modules() {
	local err
	if (($#)); then
		err=$(go_low list -deps "$@" 2>&1 >/dev/null) && return
	else
		err=$(go_low mod download 2>&1) && return
	fi
	echo "make $TARGET: cannot download the pinned Go modules through GOPROXY=$("$GO" env GOPROXY): $(grep -m1 -E 'proxy|dial|Forbidden|Not Found|timeout|no such host' <<<"$err" || tail -n1 <<<"$err")" >&2
	exit 1
}

# build_into_bin NAME LDFLAGS PACKAGE: .tools/bin/NAME, built under a temporary name and then moved into
# place, since other checkouts' tests may be running the one there.
build_into_bin() {
	mkdir -p "$BIN"
	tmp=$(mktemp "$BIN/.$1.XXXXXX")
	trap 'rm -f "$tmp"' EXIT
	CGO_ENABLED=0 go_low build -trimpath -ldflags "$2" -o "$tmp" "$3"
	chmod 755 "$tmp"
	mv -f "$tmp" "$BIN/$1"
}
