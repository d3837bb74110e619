#!/usr/bin/env bash
# Builds, once, the kstatus checker of the tests (tools/kstatus/main.go on the pinned
# sigs.k8s.io/cli-utils: the real kstatus library Flux and `helm --wait` judge objects with) into
#   ${XDG_CACHE_HOME:-$HOME/.cache}/managed-apps-operator/tools/kstatus<cli-utils>-<main.go hash>/
# and prints that directory on its last line. Nothing is built when the binary is already there,
# or when KSTATUS_TOOLS is set to a directory holding an executable `kstatus`.
#
#   bash test/controlplane/build-kstatus.sh              build if needed, print the tools dir
#   bash test/controlplane/build-kstatus.sh --print-dir  print where it is or would go, build nothing
#
# Same rules as build.sh and build-helm.sh (the steps all share are in lib.sh).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
binaries=(kstatus)
tag=kstatus-checker
# shellcheck source=lib.sh
source "$here/lib.sh"

cli_utils_version=$(required_version "$here/tools/kstatus/go.mod" sigs.k8s.io/cli-utils)
[[ -n $cli_utils_version ]] || die "cannot read the pinned sigs.k8s.io/cli-utils version from $here/tools/kstatus/go.mod"
# The checker's own source is part of the key: editing main.go or go.mod builds a new one.
source_hash=$(cat "$here/tools/kstatus/go.mod" "$here/tools/kstatus/go.sum" "$here/tools/kstatus/main.go" | sha256sum | cut -c1-12)
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/managed-apps-operator/tools"
dest="$cache_root/kstatus${cli_utils_version#v}-$source_hash"

serve_cached KSTATUS_TOOLS "$dest" "$@"
require_go "install Go >= 1.26, or set KSTATUS_TOOLS to a directory holding ${binaries[*]}" \
  "install a newer Go, or set KSTATUS_TOOLS"
lock_cache "$cache_root" "$dest"
begin_build "$cache_root" "$cache_root/build-kstatus${cli_utils_version#v}.log"

say "building the kstatus checker on cli-utils $cli_utils_version into $dest (once; one to five minutes)"

(cd "$here/tools/kstatus" && step "downloading Go modules for the kstatus checker" download .) ||
  fail "downloading the Go modules of the kstatus checker failed" "check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY)), then run build-kstatus.sh again"
(cd "$here/tools/kstatus" && step "go build kstatus" go build -trimpath -ldflags "-s -w" -o "$tmp/kstatus" .) ||
  fail "building the kstatus checker failed" "fix the error above, or set KSTATUS_TOOLS"

printf 'kind: ConfigMap\napiVersion: v1\nmetadata: {name: probe}\n' | "$tmp/kstatus" >>"$log" 2>&1 && grep -q '^Current ConfigMap /probe' "$log" ||
  fail "the built kstatus checker does not judge a ConfigMap Current" "delete $dest and run build-kstatus.sh again"
finish_build "$dest" "sigs.k8s.io/cli-utils $cli_utils_version" "main.go $source_hash"
