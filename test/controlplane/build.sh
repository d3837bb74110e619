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

say() { printf 'controlplane: %s\n' "$*" >&2; }
die() { printf 'controlplane: error: %s\n' "$*" >&2; exit 1; }

# The version a tools module requires of a module: `require <module> <version>` on one line.
required_version() {
  awk -v m="$2" '$1 == "require" && $2 == m { print $3; exit }' "$1"
}

k8s_version=$(required_version "$here/tools/kube/go.mod" k8s.io/kubernetes)
etcd_version=$(required_version "$here/tools/etcd/go.mod" go.etcd.io/etcd/server/v3)
[[ -n $k8s_version && -n $etcd_version ]] || die "cannot read the pinned versions from $here/tools/{kube,etcd}/go.mod"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/managed-apps-operator/controlplane"
dest="$cache_root/${k8s_version}-etcd${etcd_version#v}"

complete() {
  local dir=$1 b
  for b in "${binaries[@]}"; do [[ -x $dir/$b ]] || return 1; done
}

if [[ -n ${KUBEBUILDER_ASSETS:-} ]]; then
  complete "$KUBEBUILDER_ASSETS" ||
    die "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS must hold executable ${binaries[*]}: add the missing ones, or unset KUBEBUILDER_ASSETS to build them here"
  echo "$KUBEBUILDER_ASSETS"
  exit 0
fi

if [[ ${1:-} == --print-dir ]]; then echo "$dest"; exit 0; fi
[[ $# -eq 0 ]] || die "unknown argument '$1' (usage: build.sh [--print-dir])"

if complete "$dest"; then echo "$dest"; exit 0; fi

command -v go >/dev/null 2>&1 ||
  die "no 'go' command on PATH: install Go >= 1.26 to build the test control plane, or set KUBEBUILDER_ASSETS to a directory holding ${binaries[*]}"
go_version=$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null || true)
if [[ ! $go_version =~ ^go1\.([0-9]+) ]] || (( BASH_REMATCH[1] < 26 )); then
  die "'go' is ${go_version:-unknown}, the tools modules need Go >= 1.26: install a newer Go, or set KUBEBUILDER_ASSETS to a directory holding ${binaries[*]}"
fi

mkdir -p "$cache_root"
exec 9>"$cache_root/.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9 # another build.sh may be building the same thing: wait for it, then reuse its result
  if complete "$dest"; then echo "$dest"; exit 0; fi
  rm -rf "$cache_root"/.building.* # leftovers of a build that was killed outright
fi

log="$cache_root/build-${k8s_version}-etcd${etcd_version#v}.log"
tmp=$(mktemp -d "$cache_root/.building.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
: >"$log"

export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -buildvcs=false"

fail() { # <what> <what to do>
  say "$1 (full log: $log); last lines:"
  tail -n 25 "$log" | sed 's/^/  | /' >&2
  die "$1: $2"
}

step() { # <title> <command...>: run, log, time
  local title=$1 start=$SECONDS
  shift
  say "$title ..."
  printf '\n### %s\n$ %s\n' "$title" "$*" >>"$log"
  if ! "$@" >>"$log" 2>&1; then return 1; fi
  say "$title: $((SECONDS - start)) s"
}

download() { go list -deps "$@" >/dev/null; } # fetches exactly the modules the packages need

kube_pkgs=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager)
etcd_pkg=go.etcd.io/etcd/server/v3

say "building Kubernetes $k8s_version and etcd $etcd_version into $dest (once; the first build takes several minutes)"
total_start=$SECONDS

# 1. Modules, listed separately so that a network failure is told apart from a compile error.
(cd "$here/tools/kube" && step "downloading Go modules for Kubernetes $k8s_version" download "${kube_pkgs[@]}") ||
  fail "downloading the Go modules of Kubernetes $k8s_version failed" "check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY)), then run build.sh again"
(cd "$here/tools/etcd" && step "downloading Go modules for etcd $etcd_version" download "$etcd_pkg") ||
  fail "downloading the Go modules of etcd $etcd_version failed" "check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY)), then run build.sh again"

# 2. Binaries, version-stamped the way Kubernetes' hack/lib/version.sh and etcd's build script do.
k8s_release=${k8s_version#v}
k8s_major=${k8s_release%%.*}
k8s_minor=${k8s_release#*.}
k8s_minor=${k8s_minor%%.*}
k8s_date=$(cd "$here/tools/kube" && go list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' k8s.io/kubernetes 2>/dev/null || true)
kube_ldflags="-s -w"
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  kube_ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=$k8s_major -X $pkg.gitMinor=$k8s_minor -X $pkg.gitTreeState=clean"
  [[ -z $k8s_date ]] || kube_ldflags+=" -X $pkg.buildDate=$k8s_date"
done
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
printf 'kubernetes %s\netcd %s\nbuilt %s with %s\n' "$k8s_version" "$etcd_version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$go_version" >"$tmp/VERSIONS"
chmod 755 "$tmp"
rm -rf "$dest" # only ever an incomplete leftover here: a complete one returned above
mv -T "$tmp" "$dest"
trap - EXIT
say "built in $((SECONDS - total_start)) s; $(du -sh "$dest" | cut -f1) in $dest"
echo "$dest"
