#!/usr/bin/env bash
# Builds, once, the Grafana dashboard checker of the tests (tools/grafana/main.go on the pinned
# github.com/grafana/grafana-foundation-sdk/go: Grafana's schema as Go types, generated from
# Grafana's own CUE kinds) into
#   ${XDG_CACHE_HOME:-$HOME/.cache}/managed-apps-operator/tools/grafana-sdk<version>-<main.go hash>/
# and prints that directory on its last line. Nothing is built when the binary is already there,
# or when GRAFANA_TOOLS is set to a directory holding an executable `grafana-dashboards`.
#
#   bash test/controlplane/build-grafana.sh              build if needed, print the tools dir
#   bash test/controlplane/build-grafana.sh --print-dir  print where it is or would go, build nothing
#
# Same rules as build.sh, build-helm.sh and build-kstatus.sh (the steps all share are in lib.sh).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
binaries=(grafana-dashboards)
tag=grafana-checker
# shellcheck source=lib.sh
source "$here/lib.sh"

sdk_version=$(required_version "$here/tools/grafana/go.mod" github.com/grafana/grafana-foundation-sdk/go)
[[ -n $sdk_version ]] || die "cannot read the pinned github.com/grafana/grafana-foundation-sdk/go version from $here/tools/grafana/go.mod"
# The checker's own source is part of the key: editing main.go or go.mod builds a new one.
source_hash=$(cat "$here/tools/grafana/go.mod" "$here/tools/grafana/go.sum" "$here/tools/grafana/main.go" | sha256sum | cut -c1-12)
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/managed-apps-operator/tools"
dest="$cache_root/grafana-sdk${sdk_version#v}-$source_hash"

serve_cached GRAFANA_TOOLS "$dest" "$@"
require_go "install Go >= 1.26, or set GRAFANA_TOOLS to a directory holding ${binaries[*]}" \
  "install a newer Go, or set GRAFANA_TOOLS"
lock_cache "$cache_root" "$dest"
begin_build "$cache_root" "$cache_root/build-grafana${sdk_version#v}.log"

say "building the Grafana dashboard checker on grafana-foundation-sdk $sdk_version into $dest (once; one to five minutes)"

(cd "$here/tools/grafana" && step "downloading Go modules for the Grafana dashboard checker" download .) ||
  fail "downloading the Go modules of the Grafana dashboard checker failed" "check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY)), then run build-grafana.sh again"
(cd "$here/tools/grafana" && step "go build grafana-dashboards" go build -trimpath -ldflags "-s -w" -o "$tmp/grafana-dashboards" .) ||
  fail "building the Grafana dashboard checker failed" "fix the error above, or set GRAFANA_TOOLS"

# A dashboard with a field Grafana's schema does not have must be refused, with its path.
probe="$tmp/probe.json"
printf '{"title":"probe","schemaVersion":39,"templating":{"list":[]},"annotations":{"list":[]},"probe":1}\n' >"$probe"
if "$tmp/grafana-dashboards" "$probe" >>"$log" 2>&1; then
  fail "the built Grafana dashboard checker accepts an unknown field" "delete $dest and run build-grafana.sh again"
fi
grep -qxF "$probe: probe: unknown field" "$log" ||
  fail "the built Grafana dashboard checker does not name the unknown field of its probe" "delete $dest and run build-grafana.sh again"
rm -f "$probe"
finish_build "$dest" "github.com/grafana/grafana-foundation-sdk/go $sdk_version" "main.go $source_hash"
