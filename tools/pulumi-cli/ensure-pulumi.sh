#!/usr/bin/env bash
# Makes `pulumi` and its language hosts for Node.js, YAML, Go and Python (`pulumi-language-nodejs`,
# `pulumi-language-yaml`, `pulumi-language-go`, `pulumi-language-python`), plus the dynamic-provider
# launcher, available and prints the folder that holds them on stdout; progress goes to stderr. Run
# by `npm test`, `npm run demo`, `npm run pulumi` and .ci/run — nobody needs to run it by hand.
#
# Ways, in order:
#   1. a Pulumi CLI >= 3.181 already on PATH, with the four language hosts beside it or on PATH
#      (the official install ships them all);
#   2. the official installer, when get.pulumi.com can be reached;
#   3. a build from Go modules with the machine's Go, from the wrapper modules in this folder
#      (pin github.com/pulumi/pulumi/pkg/v3 and the Node language host; see the go.mod files).
# Results of 2 and 3 are cached under ${XDG_CACHE_HOME:-~/.cache}/pulumi-cloudmanager, keyed by
# version and by the hash of the go.mod/go.sum files, so later clones and CI runs reuse them. Both
# caches are looked at before anything is fetched or built.
#
# The YAML, Go and Python hosts are built (once, cached like the CLI, each keyed by its own module's
# go.mod/go.sum) from the wrapper modules language-yaml/, language-go/ and language-python/ and linked next to
# `pulumi` in the folder printed, whichever of 2 and 3 gave the CLI, when that folder lacks them:
# the CLI looks for these "bundled" hosts next to its own binary (or on PATH).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
version="v3.274.1"
lh_version="v3.187.0" # the release the language host's module builds against (language-host/go.mod)
yaml_version="v1.25.0" # github.com/pulumi/pulumi-yaml (language-yaml/go.mod)
min_on_path="3.181.0"  # Automation API refresh/destroy of inline programs (--client) need 3.181
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-cloudmanager/pulumi-cli"
launcher_src="$repo/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

say() { printf '[ensure-pulumi] %s\n' "$*" >&2; }
fail() {
  cat >&2 <<MSG
[ensure-pulumi] ERROR: $*
The Pulumi CLI could not be made available. Any one of these fixes it:
  1. put a Pulumi CLI >= $min_on_path on PATH with pulumi-language-nodejs, pulumi-language-yaml,
     pulumi-language-go and pulumi-language-python beside it or on PATH (the official install has them; https://www.pulumi.com/docs/install/);
  2. let this machine reach get.pulumi.com (the official installer is then used);
  3. install Go (1.26, or >= 1.21 with GOTOOLCHAIN=auto) with access to a Go module proxy: the CLI
     and the hosts are then built from Go modules, from tools/pulumi-cli/go.mod and the go.mod files
     beside it (10-25 minutes once, then cached).
MSG
  exit 1
}

# The engine looks for the dynamic-provider plugin next to the pulumi binary or on PATH.
# In our own cache folders it is kept equal to the installed @pulumi/pulumi's copy.
refresh_launcher() {
  local dir="$1"
  [ -f "$launcher_src" ] || fail "node_modules/@pulumi/pulumi is not installed; run 'npm ci' first"
  if ! cmp -s "$launcher_src" "$dir/pulumi-resource-pulumi-nodejs"; then
    cp "$launcher_src" "$dir/pulumi-resource-pulumi-nodejs"
    chmod +x "$dir/pulumi-resource-pulumi-nodejs"
  fi
}

version_of() { "$1" version 2>/dev/null | sed -nE 's/^v?([0-9]+\.[0-9]+\.[0-9]+).*/\1/p' | head -n1; }
at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; } # $1 >= $2
is_pulumi3() { local v; v="$(version_of "$1")"; [ -n "$v" ] && [ "${v%%.*}" = 3 ]; }

use() { # folder, description
  say "using $2"
  echo "$1"
  exit 0
}

# Builds run under a heartbeat (a long build is otherwise silent: say every minute that it is still
# going) into temporary folders; both are cleaned up however the script ends.
heartbeat=""
tmp_dirs=()
stop_heartbeat() {
  if [ -n "$heartbeat" ]; then # its sleep too, which would otherwise hold the caller's pipes open
    pkill -P "$heartbeat" 2>/dev/null || true
    kill "$heartbeat" 2>/dev/null || true
    wait "$heartbeat" 2>/dev/null || true
    heartbeat=""
  fi
}
start_heartbeat() { # what is being built
  local what="$1" t0
  t0=$(date +%s)
  # Its own stderr goes nowhere, so that bash's "Terminated" for the sleep ended by stop_heartbeat
  # is not shown; the messages go to the script's stderr (fd 3).
  ( exec 3>&2 2>/dev/null
    while sleep 60; do say "still building $what ($(( $(date +%s) - t0 )) s so far)" 2>&3; done ) >&2 &
  heartbeat=$!
}
cleanup() {
  stop_heartbeat
  local d
  for d in ${tmp_dirs[@]+"${tmp_dirs[@]}"}; do rm -rf "$d"; done
}
trap cleanup EXIT

# Pulumi's release flags (see its goreleaser config): no cgo, these tags, trimpath, and the version
# ldflag — the Automation API refuses a CLI whose `pulumi version` is not semver.
go_build() { # module dir, ldflags, main package, output folder
  ( cd "$1" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -tags osusergo,grpcnotrace \
      -ldflags "$2" -o "$4/" "$3" >&2 )
}
sdk_version_flag() { echo "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$1"; }

# The YAML, Go and Python hosts: wrapper module folder | version (for the cache folder's name and the
# version ldflag) | main package | ldflags. The YAML host's flags are its own release's (-s -w and
# its version variable, from pulumi-yaml's goreleaser config).
host_spec() {
  case "$1" in
    yaml) echo "language-yaml|$yaml_version|github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml|-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$yaml_version" ;;
    go) echo "language-go|$lh_version|github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3|$(sdk_version_flag "$lh_version")" ;;
    python) echo "language-python|$lh_version|github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3|$(sdk_version_flag "$lh_version")" ;;
    *) fail "unknown language host $1" ;;
  esac
}

# Files a host needs beside it. The Python host refuses to start without pulumi-language-python-exec,
# the Python script it runs programs with (the official install ships it next to the host); it comes
# from the Pulumi sdk/v3 module of the host's release (python/cmd/ in that module), which the wrapper
# module's go.sum verifies.
host_extras() {
  case "$1" in
    python) echo "pulumi-language-python-exec" ;;
    *) ;;
  esac
}
extras_present() { # host name, folder
  local extra
  for extra in $(host_extras "$1"); do [ -x "$2/$extra" ] || return 1; done
}
copy_extras() { # host name, wrapper module folder, destination folder
  local extra sdk_dir
  [ -n "$(host_extras "$1")" ] || return 0
  command -v go >/dev/null 2>&1 || fail "$(host_extras "$1") is needed beside pulumi-language-$1 and Go is not installed to fetch it"
  # downloaded (and checked against go.sum) if the module cache lacks it
  sdk_dir="$(cd "$2" && GOFLAGS=-mod=readonly go mod download -json github.com/pulumi/pulumi/sdk/v3 \
    | sed -nE 's/^[[:space:]]*"Dir": "(.*)",?$/\1/p')" || true
  [ -n "$sdk_dir" ] || fail "could not get the Pulumi sdk/v3 module of $2/go.mod from the Go module cache or proxy"
  for extra in $(host_extras "$1"); do
    [ -f "$sdk_dir/python/cmd/$extra" ] || fail "$sdk_dir/python/cmd/$extra is missing"
    cp "$sdk_dir/python/cmd/$extra" "$3/$extra.new.$$"
    chmod 755 "$3/$extra.new.$$"
    mv -f "$3/$extra.new.$$" "$3/$extra"
  done
}

# Sets built_host to the cached build of pulumi-language-$1 (its extras beside it), building it first
# when there is none.
built_host=""
host_build() {
  local name="$1" module hversion pkg ldflags key dir tmp t0
  IFS='|' read -r module hversion pkg ldflags <<<"$(host_spec "$name")"
  key="$(cat "$here/$module/go.mod" "$here/$module/go.sum" | sha256sum | cut -c1-12)"
  dir="$cache_root/$module-$hversion-$key"
  built_host="$dir/pulumi-language-$name"
  if [ -x "$built_host" ]; then
    extras_present "$name" "$dir" || copy_extras "$name" "$here/$module" "$dir"
    return 0
  fi
  command -v go >/dev/null 2>&1 || fail "pulumi-language-$name is needed beside pulumi and Go is not installed to build it"
  say "building pulumi-language-$name ($hversion) from Go modules with $(go version | cut -d' ' -f3) (once; cached in $dir)"
  mkdir -p "$dir"
  tmp="$(mktemp -d "$dir/tmp.XXXXXX")"
  tmp_dirs+=("$tmp")
  t0=$(date +%s)
  start_heartbeat "pulumi-language-$name"
  go_build "$here/$module" "$ldflags" "$pkg" "$tmp" || fail "the Go build of pulumi-language-$name failed (output above)"
  stop_heartbeat
  say "built pulumi-language-$name in $(( $(date +%s) - t0 )) s"
  copy_extras "$name" "$here/$module" "$dir"
  mv -f "$tmp/pulumi-language-$name" "$built_host"
}

# Puts the YAML, Go and Python hosts next to `pulumi` in a folder of ours. "keep": an official install's own
# hosts stay (only missing ones are added); "sync": our build folder's are kept equal to the current
# cached builds (hard links where the file system allows, else copies).
link_file() { # source, target
  if [ "$1" -ef "$2" ] || cmp -s "$1" "$2"; then return 0; fi
  ln -f "$1" "$2.new.$$" 2>/dev/null || cp "$1" "$2.new.$$"
  mv -f "$2.new.$$" "$2"
}
add_hosts() { # folder, keep|sync
  local dir="$1" mode="$2" name extra
  for name in yaml go python; do
    if [ "$mode" = keep ] && [ -x "$dir/pulumi-language-$name" ]; then continue; fi
    host_build "$name"
    link_file "$built_host" "$dir/pulumi-language-$name"
    for extra in $(host_extras "$name"); do link_file "$(dirname "$built_host")/$extra" "$dir/$extra"; done
  done
}

# 1. already on PATH: used as installed, when every language host is beside it or on PATH (where the
# CLI finds them). A launcher already there (the official install ships one) is left alone; a missing
# one is added when the folder is writable, else found on PATH by the tests.
if command -v pulumi >/dev/null 2>&1; then
  found="$(command -v pulumi)"
  found_version="$(version_of "$found")"
  if [ -n "$found_version" ] && [ "${found_version%%.*}" = 3 ] && at_least "$found_version" "$min_on_path"; then
    on_path="$(dirname "$found")"
    missing=()
    for lang in nodejs yaml go python; do
      command -v "pulumi-language-$lang" >/dev/null 2>&1 || [ -x "$on_path/pulumi-language-$lang" ] || missing+=("pulumi-language-$lang")
    done
    if [ ${#missing[@]} = 0 ]; then
      if ! command -v pulumi-resource-pulumi-nodejs >/dev/null 2>&1 && [ ! -e "$on_path/pulumi-resource-pulumi-nodejs" ] && [ -w "$on_path" ]; then
        refresh_launcher "$on_path"
      fi
      use "$on_path" "$found (v$found_version)"
    fi
    say "$found has no ${missing[*]} beside it or on PATH; looking further"
  else
    say "$found is v${found_version:-unknown}; this project needs >= $min_on_path; looking further"
  fi
fi

installer_dir="$cache_root/official-$version"
key="$(cat "$here/go.mod" "$here/go.sum" "$here/language-host/go.mod" "$here/language-host/go.sum" | sha256sum | cut -c1-12)"
build_dir="$cache_root/go-$version-$key"

# 2 and 3, from the cache.
if [ -x "$installer_dir/bin/pulumi" ] && is_pulumi3 "$installer_dir/bin/pulumi"; then
  refresh_launcher "$installer_dir/bin"
  add_hosts "$installer_dir/bin" keep
  use "$installer_dir/bin" "cached $installer_dir/bin/pulumi"
fi
if [ -x "$build_dir/bin/pulumi" ] && [ -x "$build_dir/bin/pulumi-language-nodejs" ] && is_pulumi3 "$build_dir/bin/pulumi"; then
  refresh_launcher "$build_dir/bin"
  add_hosts "$build_dir/bin" sync
  use "$build_dir/bin" "cached build $build_dir/bin ($("$build_dir/bin/pulumi" version))"
fi

# 2. the official installer
if command -v curl >/dev/null 2>&1 && curl -fsSI --max-time 5 https://get.pulumi.com/ >/dev/null 2>&1; then
  say "installing Pulumi $version with the official installer into $installer_dir"
  mkdir -p "$installer_dir"
  if curl -fsSL --max-time 120 https://get.pulumi.com/ | sh -s -- --version "${version#v}" --install-root "$installer_dir" --no-edit-path >&2 \
    && is_pulumi3 "$installer_dir/bin/pulumi"; then
    refresh_launcher "$installer_dir/bin"
    add_hosts "$installer_dir/bin" keep
    use "$installer_dir/bin" "$installer_dir/bin/pulumi"
  fi
  say "the official installer failed; trying a build from Go modules"
fi

# 3. build from Go modules
command -v go >/dev/null 2>&1 || fail "get.pulumi.com cannot be reached and Go is not installed"
say "building the Pulumi CLI $version from Go modules with $(go version | cut -d' ' -f3) (once; cached in $build_dir)"
mkdir -p "$build_dir"
tmp_bin="$(mktemp -d "$build_dir/tmp.XXXXXX")"
tmp_dirs+=("$tmp_bin")
start=$(date +%s)
start_heartbeat "the Pulumi CLI"
say "go build github.com/pulumi/pulumi/pkg/v3/cmd/pulumi (the largest part: several minutes on 2 cores)"
go_build "$here" "$(sdk_version_flag "$version")" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$tmp_bin" \
  || fail "the Go build of pulumi failed (output above)"
say "go build pulumi-language-nodejs ($lh_version)"
go_build "$here/language-host" "$(sdk_version_flag "$lh_version")" github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 "$tmp_bin" \
  || fail "the Go build of pulumi-language-nodejs failed (output above)"
stop_heartbeat
say "built in $(( $(date +%s) - start )) s"
mkdir -p "$build_dir/bin"
mv -f "$tmp_bin/pulumi" "$tmp_bin/pulumi-language-nodejs" "$build_dir/bin/"
refresh_launcher "$build_dir/bin"
is_pulumi3 "$build_dir/bin/pulumi" || fail "the built pulumi does not report a 3.x version"
add_hosts "$build_dir/bin" sync
use "$build_dir/bin" "the new build: $("$build_dir/bin/pulumi" version)"
