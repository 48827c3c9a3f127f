#!/usr/bin/env bash
# Makes `pulumi` and `pulumi-language-nodejs` (plus the dynamic-provider launcher) available and prints
# the folder that holds them on stdout; progress goes to stderr. Run by `npm test`, `npm run demo` and
# .ci/run — nobody needs to run it by hand.
#
# Ways, in order:
#   1. a Pulumi 3.x CLI already on PATH (with pulumi-language-nodejs beside it or on PATH);
#   2. the official installer, when get.pulumi.com can be reached;
#   3. a build from Go modules with the machine's Go, from the wrapper module in this folder
#      (pins github.com/pulumi/pulumi/pkg/v3 and the Node language host; see go.mod).
# Results of 2 and 3 are cached under ${XDG_CACHE_HOME:-~/.cache}/pulumi-cloudmanager, keyed by
# version and by the hash of go.sum, so later clones and CI runs reuse them.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
version="v3.274.1"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cloudmanager/pulumi-cli"
launcher_src="$repo/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

say() { printf '[ensure-pulumi] %s\n' "$*" >&2; }
fail() {
  cat >&2 <<MSG
[ensure-pulumi] ERROR: $*
The Pulumi CLI could not be made available. Any one of these fixes it:
  1. put a Pulumi 3.x CLI and pulumi-language-nodejs on PATH (https://www.pulumi.com/docs/install/);
  2. let this machine reach get.pulumi.com (the official installer is then used);
  3. install Go >= 1.26 with access to a Go module proxy (the CLI is then built from Go modules,
     from tools/pulumi-cli/go.mod; about 10-20 minutes once, then cached).
MSG
  exit 1
}

add_launcher() { # the engine looks for the dynamic-provider plugin next to the pulumi binary or on PATH
  local dir="$1"
  [ -f "$launcher_src" ] || fail "node_modules/@pulumi/pulumi is not installed; run 'npm ci' first"
  if ! cmp -s "$launcher_src" "$dir/pulumi-resource-pulumi-nodejs"; then
    cp "$launcher_src" "$dir/pulumi-resource-pulumi-nodejs"
    chmod +x "$dir/pulumi-resource-pulumi-nodejs"
  fi
}

is_pulumi3() { "$1" version 2>/dev/null | grep -Eq '^v?3\.[0-9]+\.[0-9]+'; }

# 1. already on PATH
if command -v pulumi >/dev/null 2>&1 && is_pulumi3 "$(command -v pulumi)"; then
  on_path="$(dirname "$(command -v pulumi)")"
  if command -v pulumi-language-nodejs >/dev/null 2>&1 || [ -x "$on_path/pulumi-language-nodejs" ]; then
    say "using $(command -v pulumi) ($(pulumi version))"
    if [ -w "$on_path" ]; then add_launcher "$on_path"; fi
    echo "$on_path"
    exit 0
  fi
  say "$(command -v pulumi) has no pulumi-language-nodejs beside it; looking further"
fi

# 2. the official installer
installer_dir="$cache_root/official-$version"
if [ -x "$installer_dir/bin/pulumi" ] && is_pulumi3 "$installer_dir/bin/pulumi"; then
  add_launcher "$installer_dir/bin"
  say "using cached $installer_dir/bin/pulumi"
  echo "$installer_dir/bin"
  exit 0
fi
if command -v curl >/dev/null 2>&1 && curl -fsSI --max-time 5 https://get.pulumi.com/ >/dev/null 2>&1; then
  say "installing Pulumi $version with the official installer into $installer_dir"
  mkdir -p "$installer_dir"
  if curl -fsSL --max-time 120 https://get.pulumi.com/ | sh -s -- --version "${version#v}" --install-root "$installer_dir" --no-edit-path >&2 \
    && is_pulumi3 "$installer_dir/bin/pulumi"; then
    add_launcher "$installer_dir/bin"
    echo "$installer_dir/bin"
    exit 0
  fi
  say "the official installer failed; trying a build from Go modules"
fi

# 3. build from Go modules
command -v go >/dev/null 2>&1 || fail "get.pulumi.com cannot be reached and Go is not installed"
key="$(cat "$here/go.mod" "$here/go.sum" "$here/language-host/go.mod" "$here/language-host/go.sum" | sha256sum | cut -c1-12)"
build_dir="$cache_root/go-$version-$key"
if [ -x "$build_dir/bin/pulumi" ] && [ -x "$build_dir/bin/pulumi-language-nodejs" ] && is_pulumi3 "$build_dir/bin/pulumi"; then
  add_launcher "$build_dir/bin"
  say "using cached build $build_dir/bin ($("$build_dir/bin/pulumi" version))"
  echo "$build_dir/bin"
  exit 0
fi

say "building the Pulumi CLI $version from Go modules with $(go version | cut -d' ' -f3) (once; cached in $build_dir)"
mkdir -p "$build_dir"
tmp_bin="$(mktemp -d "$build_dir/tmp.XXXXXX")"
trap 'rm -rf "$tmp_bin"' EXIT
# Pulumi's release flags (see its goreleaser config): no cgo, these tags, trimpath, and the version
# ldflag — the Automation API refuses a CLI whose `pulumi version` is not semver.
lh_version="v3.187.0" # the release the language host's module builds against (language-host/go.mod)
build() { # module dir, version for the ldflag, main package
  ( cd "$1" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -tags osusergo,grpcnotrace \
      -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$2" -o "$tmp_bin/" "$3" >&2 )
}
start=$(date +%s)
say "go build github.com/pulumi/pulumi/pkg/v3/cmd/pulumi (the largest part: several minutes on 2 cores)"
build "$here" "$version" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi || fail "the Go build of pulumi failed (output above)"
say "go build pulumi-language-nodejs ($lh_version)"
build "$here/language-host" "$lh_version" github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 \
  || fail "the Go build of pulumi-language-nodejs failed (output above)"
say "built in $(( $(date +%s) - start )) s"
mkdir -p "$build_dir/bin"
mv -f "$tmp_bin/pulumi" "$tmp_bin/pulumi-language-nodejs" "$build_dir/bin/"
add_launcher "$build_dir/bin"
is_pulumi3 "$build_dir/bin/pulumi" || fail "the built pulumi does not report a 3.x version"
say "ready: $("$build_dir/bin/pulumi" version)"
echo "$build_dir/bin"
