#!/usr/bin/env bash
# Builds, once, the OpenSLO validator of the export tests (`oslo`, github.com/OpenSLO/oslo pinned
# in tools/openslo/go.mod: `oslo validate -f FILE` checks OpenSLO v1 documents against its v1
# structs and rules) into
#   ${XDG_CACHE_HOME:-$HOME/.cache}/managed-apps-operator/tools/oslo<version>-<go.mod hash>/
# and prints that directory on its last line. Nothing is built when the binary is already there,
# or when OPENSLO_TOOLS is set to a directory holding an executable `oslo`.
#
#   bash test/controlplane/build-openslo.sh              build if needed, print the tools dir
#   bash test/controlplane/build-openslo.sh --print-dir  print where it is or would go, build nothing
#
# Same rules as build.sh, build-helm.sh and build-kstatus.sh (the steps all share are in lib.sh).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
binaries=(oslo)
tag=openslo-validator
# shellcheck source=lib.sh
source "$here/lib.sh"

oslo_version=$(required_version "$here/tools/openslo/go.mod" github.com/OpenSLO/oslo)
[[ -n $oslo_version ]] || die "cannot read the pinned github.com/OpenSLO/oslo version from $here/tools/openslo/go.mod"
# The module's pins are part of the key: editing go.mod or go.sum builds a new one.
source_hash=$(cat "$here/tools/openslo/go.mod" "$here/tools/openslo/go.sum" "$here/tools/openslo/tools.go" | sha256sum | cut -c1-12)
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/managed-apps-operator/tools"
dest="$cache_root/oslo${oslo_version#v}-$source_hash"

serve_cached OPENSLO_TOOLS "$dest" "$@"
require_go "install Go >= 1.26, or set OPENSLO_TOOLS to a directory holding ${binaries[*]}" \
  "install a newer Go, or set OPENSLO_TOOLS"
lock_cache "$cache_root" "$dest"
begin_build "$cache_root" "$cache_root/build-oslo${oslo_version#v}.log"

oslo_pkg=github.com/OpenSLO/oslo/cmd/oslo

say "building oslo $oslo_version into $dest (once; one to four minutes)"

(cd "$here/tools/openslo" && step "downloading Go modules for oslo $oslo_version" download "$oslo_pkg") ||
  fail "downloading the Go modules of oslo $oslo_version failed" "check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY)), then run build-openslo.sh again"
(cd "$here/tools/openslo" && step "go build oslo" go build -trimpath -ldflags "-s -w" -o "$tmp/oslo" "$oslo_pkg") ||
  fail "building oslo $oslo_version failed" "fix the error above, or set OPENSLO_TOOLS"

# A probe of both answers: a valid Service is "Valid!", an SLO without its objectives is refused.
printf 'apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: probe\nspec:\n  description: probe\n' >"$tmp/valid.yaml"
printf 'apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: probe\nspec:\n  service: probe\n  budgetingMethod: Occurrences\n' >"$tmp/invalid.yaml"
"$tmp/oslo" validate -f "$tmp/valid.yaml" >>"$log" 2>&1 && grep -q '^Valid!' "$log" ||
  fail "the built oslo does not accept a valid OpenSLO Service" "delete $dest and run build-openslo.sh again"
! "$tmp/oslo" validate -f "$tmp/invalid.yaml" >>"$log" 2>&1 ||
  fail "the built oslo accepts an SLO without objectives" "delete $dest and run build-openslo.sh again"
rm -f "$tmp/valid.yaml" "$tmp/invalid.yaml"
finish_build "$dest" "github.com/OpenSLO/oslo $oslo_version" "tools module $source_hash"
