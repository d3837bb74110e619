#!/usr/bin/env bash
# Builds, once, the packaging tools of the tests (helm and kustomize) from the pinned tools modules
# test/controlplane/tools/{helm,kustomize}, into
#   ${XDG_CACHE_HOME:-$HOME/.cache}/managed-apps-operator/tools/helm<helm>-kustomize<kustomize>/
# and prints that directory on its last line. Nothing is built when both binaries are already
# there, or when PACKAGING_TOOLS is set to a directory holding executable `helm` and `kustomize`.
#
#   bash test/controlplane/build-helm.sh              build if needed, print the tools dir
#   bash test/controlplane/build-helm.sh --print-dir  print where the tools are or would go, build nothing
#
# Same rules as build.sh (the steps both share are in lib.sh): Go >= 1.26 and the Go module proxy;
# a temporary directory renamed into place at the end; a lock serialises concurrent runs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
binaries=(helm kustomize)
tag=packaging-tools
# shellcheck source=lib.sh
source "$here/lib.sh"

helm_version=$(required_version "$here/tools/helm/go.mod" helm.sh/helm/v4)
kustomize_version=$(required_version "$here/tools/kustomize/go.mod" sigs.k8s.io/kustomize/kustomize/v5)
[[ -n $helm_version && -n $kustomize_version ]] || die "cannot read the pinned versions from $here/tools/{helm,kustomize}/go.mod"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/managed-apps-operator/tools"
dest="$cache_root/helm${helm_version#v}-kustomize${kustomize_version#v}"

serve_cached PACKAGING_TOOLS "$dest" "$@"
require_go "install Go >= 1.26, or set PACKAGING_TOOLS to a directory holding ${binaries[*]}" \
  "install a newer Go, or set PACKAGING_TOOLS"
lock_cache "$cache_root" "$dest"
begin_build "$cache_root" "$cache_root/build-helm${helm_version#v}-kustomize${kustomize_version#v}.log"

helm_pkg=helm.sh/helm/v4/cmd/helm
kustomize_pkg=sigs.k8s.io/kustomize/kustomize/v5

say "building helm $helm_version and kustomize $kustomize_version into $dest (once; takes a few minutes)"

(cd "$here/tools/helm" && step "downloading Go modules for helm $helm_version" download "$helm_pkg") ||
  fail "downloading the Go modules of helm $helm_version failed" "check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY)), then run build-helm.sh again"
(cd "$here/tools/kustomize" && step "downloading Go modules for kustomize $kustomize_version" download "$kustomize_pkg") ||
  fail "downloading the Go modules of kustomize $kustomize_version failed" "check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY)), then run build-helm.sh again"

# Version-stamped the way helm's Makefile does for a tagged build (`helm version` says the tag).
helm_ldflags="-s -w -X helm.sh/helm/v4/internal/version.version=$helm_version -X helm.sh/helm/v4/internal/version.metadata= -X helm.sh/helm/v4/internal/version.gitTreeState=clean"
# kustomize's `version` command reads the module version from the build info: nothing to stamp.

(cd "$here/tools/helm" && step "go build helm" go build -trimpath -ldflags "$helm_ldflags" -o "$tmp/helm" "$helm_pkg") ||
  fail "building helm $helm_version failed" "fix the error above, or set PACKAGING_TOOLS"
(cd "$here/tools/kustomize" && step "go build kustomize" go build -trimpath -ldflags "-s -w" -o "$tmp/kustomize" "$kustomize_pkg") ||
  fail "building kustomize $kustomize_version failed" "fix the error above, or set PACKAGING_TOOLS"

"$tmp/helm" version --short >>"$log" 2>&1 && grep -q "^${helm_version}" "$log" ||
  fail "the built helm does not report $helm_version" "delete $cache_root and run build-helm.sh again"
"$tmp/kustomize" version >>"$log" 2>&1 ||
  fail "the built kustomize does not run" "delete $cache_root and run build-helm.sh again"
finish_build "$dest" "helm $helm_version" "kustomize $kustomize_version"
