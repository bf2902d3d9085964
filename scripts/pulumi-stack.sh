#!/usr/bin/env bash
# Runs `pulumi <command>` on stack $STACK (default: dev), selecting or creating it first.
# Without a backend chosen (PULUMI_BACKEND_URL or `pulumi login`), state goes to a local
# file backend in ~/.pulumi, as `pulumi login --local` would put it.
set -euo pipefail

stack="${STACK:-dev}"
if [ -z "${PULUMI_BACKEND_URL:-}" ] && ! pulumi whoami --non-interactive >/dev/null 2>&1; then
  export PULUMI_BACKEND_URL="file://~"
  echo "No Pulumi backend chosen: keeping state locally in ~/.pulumi (set PULUMI_BACKEND_URL or run 'pulumi login' to choose)." >&2
fi
pulumi stack select --create "$stack"
exec pulumi "$@" --stack "$stack"
