#!/usr/bin/env bash
# Builds, once, the binaries of the test control plane (etcd, kube-apiserver,
# kube-controller-manager) from the pinned tools modules beside this script, into
#   ${XDG_CACHE_HOME:-$HOME/.cache}/managed-apps-operator/controlplane/<k8s>-etcd<etcd>/
# and prints that directory on its last line. Nothing is built when the binaries are already
# there, or when KUBEBUILDER_ASSETS is set (its binaries are used as they are).
#
#   bash test/controlplane/build.sh              build if needed, print the assets dir
#   bash test/controlplane/build.sh --print-dir  print where the assets are or would go, build nothing
#
# Needs Go >= 1.26 (the tools modules' `go` line) and the Go module proxy. The build goes into a
# temporary directory beside the cache entry and is renamed into place at the end, so an
# interrupted build never leaves a half-filled cache; a lock serialises concurrent runs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
binaries=(etcd kube-apiserver kube-controller-manager)
tag=controlplane
# shellcheck source=lib.sh
source "$here/lib.sh"

k8s_version=$(required_version "$here/tools/kube/go.mod" k8s.io/kubernetes)
etcd_version=$(required_version "$here/tools/etcd/go.mod" go.etcd.io/etcd/server/v3)
[[ -n $k8s_version && -n $etcd_version ]] || die "cannot read the pinned versions from $here/tools/{kube,etcd}/go.mod"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/managed-apps-operator/controlplane"
dest="$cache_root/${k8s_version}-etcd${etcd_version#v}"

serve_cached KUBEBUILDER_ASSETS "$dest" "$@"
require_go "install Go >= 1.26 to build the test control plane, or set KUBEBUILDER_ASSETS to a directory holding ${binaries[*]}" \
  "install a newer Go, or set KUBEBUILDER_ASSETS to a directory holding ${binaries[*]}"
lock_cache "$cache_root" "$dest"
begin_build "$cache_root" "$cache_root/build-${k8s_version}-etcd${etcd_version#v}.log"

kube_pkgs=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager)
etcd_pkg=go.etcd.io/etcd/server/v3

say "building Kubernetes $k8s_version and etcd $etcd_version into $dest (once; the first build takes several minutes)"

# 1. Modules, listed separately so that a network failure is told apart from a compile error.
(cd "$here/tools/kube" && step "downloading Go modules for Kubernetes $k8s_version" download "${kube_pkgs[@]}") ||
  fail "downloading the Go modules of Kubernetes $k8s_version failed" "check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY)), then run build.sh again"
(cd "$here/tools/etcd" && step "downloading Go modules for etcd $etcd_version" download "$etcd_pkg") ||
  fail "downloading the Go modules of etcd $etcd_version failed" "check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY)), then run build.sh again"

# 2. Binaries, version-stamped the way Kubernetes' hack/lib/version.sh and etcd's build script do.
kube_ldflags=$(cd "$here/tools/kube" && kube_version_ldflags "$k8s_version")
etcd_ldflags="-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$etcd_version"

(cd "$here/tools/kube" && step "go build kube-apiserver kube-controller-manager" go build -trimpath -ldflags "$kube_ldflags" -o "$tmp/" "${kube_pkgs[@]}") ||
  fail "building kube-apiserver and kube-controller-manager $k8s_version failed" "fix the error above (a Go older than the module's go line, or a full disk, are the usual causes), or set KUBEBUILDER_ASSETS"
(cd "$here/tools/etcd" && step "go build etcd" go build -trimpath -ldflags "$etcd_ldflags" -o "$tmp/etcd" "$etcd_pkg") ||
  fail "building etcd $etcd_version failed" "fix the error above, or set KUBEBUILDER_ASSETS"

# 3. A quick check that they run and say the right version, then into place in one rename.
"$tmp/kube-apiserver" --version >>"$log" 2>&1 && grep -q "Kubernetes $k8s_version\$" "$log" ||
  fail "the built kube-apiserver does not report $k8s_version" "delete $cache_root and run build.sh again"
"$tmp/etcd" --version >>"$log" 2>&1 ||
  fail "the built etcd does not run" "delete $cache_root and run build.sh again"
finish_build "$dest" "kubernetes $k8s_version" "etcd $etcd_version"
