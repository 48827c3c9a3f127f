#!/usr/bin/env bash
# Generates SDKs for the `cloudmanager` provider plugin from plugin/schema.json with
# `pulumi package gen-sdk` (pure code generation: the plugin is not run). The output is not committed
# and not published; it lands in dist/plugin-sdks/ unless --out says otherwise.
#
#   bash tools/gen-sdks.sh [--out DIR] [LANGUAGE...]      LANGUAGE: go (default), python, nodejs, dotnet, java
#
# Each language needs its Pulumi language host next to `pulumi` (tools/pulumi-cli/ensure-pulumi.sh
# provides the Node.js, YAML, Go and Python hosts; .NET's and Java's are not built here). For Go the
# script also writes a go.mod at the package root (module = the schema's importBasePath), so that
# `cd DIR/go/cloudmanager && go build ./...` builds it (with the Go module proxy, or a module cache
# that holds github.com/pulumi/pulumi/sdk/v3). Python (DIR/python: setup.py and pulumi_cloudmanager/)
# needs no Python to generate; using it needs `pip install DIR/python` with the `pulumi` package
# from a Python registry.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo/dist/plugin-sdks"
languages=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) languages+=("$1"); shift ;;
  esac
done
[ ${#languages[@]} -gt 0 ] || languages=(go)

bin="$(bash "$repo/tools/pulumi-cli/ensure-pulumi.sh")"
export PATH="$bin:$repo/node_modules/.bin:$PATH"
export PULUMI_SKIP_UPDATE_CHECK="${PULUMI_SKIP_UPDATE_CHECK:-true}"
mkdir -p "$out"

# The Go SDK's go.mod needs the Pulumi Go SDK version; the one the CLI was built from is a safe pick.
pulumi_version="$(pulumi version | sed -nE 's/^v?([0-9]+\.[0-9]+\.[0-9]+).*/\1/p' | head -n1)"
import_path="$(node -e 'const s=require(process.argv[1]); process.stdout.write(s.language?.go?.importBasePath ?? "")' "$repo/plugin/schema.json")"

for language in "${languages[@]}"; do
  echo "[gen-sdks] $language → $out/$language" >&2
  rm -rf "${out:?}/$language"
  pulumi package gen-sdk "$repo/plugin/schema.json" --language "$language" --out "$out"
  if [ "$language" = go ]; then
    [ -n "$import_path" ] || { echo "[gen-sdks] plugin/schema.json has no language.go.importBasePath" >&2; exit 1; }
    cat >"$out/go/cloudmanager/go.mod" <<MOD
module $import_path

go 1.24

require github.com/pulumi/pulumi/sdk/v3 v$pulumi_version
MOD
  fi
done
echo "$out"
