#!/usr/bin/env bash
# Checks the package as npm would publish it: packs it once (`npm pack`, what `npm publish` uploads)
# and runs on that tarball
#   - @arethetypeswrong/cli: every entry point's types resolve under node10, node16 (from CJS and from
#     ESM) and bundler, and match the JavaScript (exits non-zero on any problem);
#   - publint: package.json fields against the files; fails on any message, suggestions included.
# `npm test` runs it (pretest), after `npm run build` has written dist/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

[ -f dist/index.js ] || { echo "check-package: dist/ is missing; run \`npm run build\` first" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
npm pack --silent --pack-destination "$tmp" >/dev/null
tarballs=("$tmp"/*.tgz)
tarball="${tarballs[0]}"

node_modules/.bin/attw "$tarball" --format table

publint_out="$(node_modules/.bin/publint run "$tarball" 2>&1)" || { echo "$publint_out"; exit 1; }
echo "$publint_out"
if ! grep -q "All good!" <<<"$publint_out"; then
  echo "check-package: publint has suggestions, warnings or errors (above); fix them" >&2
  exit 1
fi
