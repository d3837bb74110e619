#!/usr/bin/env bash
# Builds, once, what simulated nodes need (test/controlplane/kwok.ts starts them): the kwok
# controller from the pinned tools module tools/kwok, and kube-scheduler from the control plane's
# tools module tools/kube (the same Kubernetes version as kube-apiserver; that module is only read,
# and the control plane's own cache entry is left as it is), into
#   ${XDG_CACHE_HOME:-$HOME/.cache}/managed-apps-operator/tools/kwok<kwok>-scheduler<k8s>/
# with kwok's own "fast" stages (node-initialize, node-heartbeat-with-lease, pod-ready,
# pod-complete, pod-delete), copied from the pinned kwok module into stages/. Prints that directory
# on its last line. Nothing is built when the binaries are already there, or when KWOK_TOOLS is set
# to a directory holding executable `kwok` and `kube-scheduler` (and a stages/ directory).
#
#   bash test/controlplane/build-kwok.sh              build if needed, print the tools dir
#   bash test/controlplane/build-kwok.sh --print-dir  print where the tools are or would go, build nothing
#
# Same rules as build.sh and build-helm.sh (the steps all share are in lib.sh). kube-scheduler's
# packages are mostly those of kube-controller-manager: after build.sh, Go's build cache makes its
# build short; the module download is build.sh's too.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
binaries=(kwok kube-scheduler)
tag=kwok-tools
# shellcheck source=lib.sh
source "$here/lib.sh"

kwok_version=$(required_version "$here/tools/kwok/go.mod" sigs.k8s.io/kwok)
k8s_version=$(required_version "$here/tools/kube/go.mod" k8s.io/kubernetes)
[[ -n $kwok_version && -n $k8s_version ]] || die "cannot read the pinned versions from $here/tools/{kwok,kube}/go.mod"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/managed-apps-operator/tools"
dest="$cache_root/kwok${kwok_version#v}-scheduler${k8s_version#v}"

serve_cached KWOK_TOOLS "$dest" "$@"
require_go "install Go >= 1.26, or set KWOK_TOOLS to a directory holding ${binaries[*]} and stages/" \
  "install a newer Go, or set KWOK_TOOLS"
lock_cache "$cache_root" "$dest"
begin_build "$cache_root" "$cache_root/build-kwok${kwok_version#v}-scheduler${k8s_version#v}.log"

kwok_pkg=sigs.k8s.io/kwok/cmd/kwok
scheduler_pkg=k8s.io/kubernetes/cmd/kube-scheduler

say "building kwok $kwok_version and kube-scheduler $k8s_version into $dest (once; a few minutes, more on a cold Go build cache)"

(cd "$here/tools/kwok" && step "downloading Go modules for kwok $kwok_version" download "$kwok_pkg") ||
  fail "downloading the Go modules of kwok $kwok_version failed" "check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY)), then run build-kwok.sh again"
(cd "$here/tools/kube" && step "downloading Go modules for kube-scheduler $k8s_version" download "$scheduler_pkg") ||
  fail "downloading the Go modules of kube-scheduler $k8s_version failed" "check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY)), then run build-kwok.sh again"

# kwok's version is a constant of its source (pkg/consts.Version): nothing to stamp. kube-scheduler
# is stamped as build.sh stamps kube-apiserver (Kubernetes' hack/lib/version.sh).
kube_ldflags=$(cd "$here/tools/kube" && kube_version_ldflags "$k8s_version")

(cd "$here/tools/kwok" && step "go build kwok" go build -trimpath -ldflags "-s -w" -o "$tmp/kwok" "$kwok_pkg") ||
  fail "building kwok $kwok_version failed" "fix the error above, or set KWOK_TOOLS"
(cd "$here/tools/kube" && step "go build kube-scheduler" go build -trimpath -ldflags "$kube_ldflags" -o "$tmp/kube-scheduler" "$scheduler_pkg") ||
  fail "building kube-scheduler $k8s_version failed" "fix the error above, or set KWOK_TOOLS"

# The stages kwokctl gives a cluster by default (pkg/kwokctl/runtime/cluster.go, with a node lease),
# from the same module version as the binary: the standalone kwok has none of its own.
kwok_dir=$(cd "$here/tools/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
mkdir "$tmp/stages"
for stage in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
  cp "$kwok_dir/kustomize/stage/$stage.yaml" "$tmp/stages/" ||
    fail "kwok $kwok_version has no stage kustomize/stage/$stage.yaml" "update the list of stages in build-kwok.sh to the pinned kwok"
done
chmod 644 "$tmp/stages/"*.yaml

"$tmp/kwok" --version >>"$log" 2>&1 && grep -q "kwok version ${kwok_version}" "$log" ||
  fail "the built kwok does not report $kwok_version" "delete $dest and run build-kwok.sh again"
"$tmp/kube-scheduler" --version >>"$log" 2>&1 && grep -q "Kubernetes $k8s_version\$" "$log" ||
  fail "the built kube-scheduler does not report $k8s_version" "delete $dest and run build-kwok.sh again"
finish_build "$dest" "sigs.k8s.io/kwok $kwok_version" "kube-scheduler $k8s_version"
