#!/usr/bin/env bash
# Lints the GitHub Actions workflows this repository ships as examples (listed below) with
# actionlint (github.com/rhysd/actionlint), built once from its Go module with the machine's Go and
# cached next to the Pulumi CLI build. `npm run lint` runs it. shellcheck and pyflakes are turned off
# so that the result does not depend on what else the machine has installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version="v1.7.12"
bin_dir="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cloudmanager/actionlint/$version"

if [ ! -x "$bin_dir/actionlint" ]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "[actionlint] ERROR: Go is needed to build actionlint $version once (then it is cached in $bin_dir)." >&2
    echo "[actionlint] Install Go >= 1.25 with access to a Go module proxy, or put actionlint $version at $bin_dir/actionlint." >&2
    exit 1
  fi
  echo "[actionlint] building $version from its Go module (once; cached in $bin_dir)" >&2
  mkdir -p "$bin_dir"
  GOBIN="$bin_dir" go install "github.com/rhysd/actionlint/cmd/actionlint@$version"
fi

workflows=(examples/gitops/cloud-manager-invitations.yml examples/gitops/cloud-manager-membership.yml examples/release/release.yml)
"$bin_dir/actionlint" -shellcheck= -pyflakes= "${workflows[@]}"
echo "[actionlint] ${#workflows[@]} workflow(s) OK: ${workflows[*]}"
