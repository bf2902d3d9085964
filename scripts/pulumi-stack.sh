#!/usr/bin/env bash
# Runs `pulumi <command>` on stack $STACK (default: dev). `up` and `preview` select the
# stack first, creating it if it does not exist; other commands (destroy, stack output)
# never create one.
# With no backend chosen at all (no PULUMI_BACKEND_URL, no PULUMI_ACCESS_TOKEN, no
# `pulumi login` on record), state goes to a local file backend in ~/.pulumi, as
# `pulumi login --local` would put it. A login on record is always respected, even when
# it does not work right now: falling back would silently start an empty stack.
set -euo pipefail

stack="${STACK:-dev}"
credentials="${PULUMI_HOME:-$HOME/.pulumi}/credentials.json"

logged_in() {
  [ -f "$credentials" ] && python3 -c 'import json, sys; sys.exit(0 if json.load(open(sys.argv[1])).get("current") else 1)' "$credentials"
}

if [ -z "${PULUMI_BACKEND_URL:-}" ] && [ -z "${PULUMI_ACCESS_TOKEN:-}" ] && ! logged_in; then
  export PULUMI_BACKEND_URL="file://~"
  echo "No Pulumi backend chosen: keeping state locally in ~/.pulumi (set PULUMI_BACKEND_URL or run 'pulumi login' to choose)." >&2
fi
case "${1:-}" in
  up | preview) pulumi stack select --create "$stack" ;;
esac
exec pulumi "$@" --stack "$stack"
