#!/usr/bin/env bash
# `npm run pulumi -- <args>`: runs the Pulumi CLI that ensure-pulumi.sh makes available, with this
# project's Node 24 (node_modules/.bin) ahead of the machine's Node on PATH, because the language
# host and the dynamic-provider launcher start whatever `node` PATH names first.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="$(bash "$repo/tools/pulumi-cli/ensure-pulumi.sh")"
export PATH="$bin:$repo/node_modules/.bin:$PATH"
export PULUMI_SKIP_UPDATE_CHECK="${PULUMI_SKIP_UPDATE_CHECK:-true}"
exec pulumi "$@"
