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
# Same rules as build.sh: Go >= 1.26 and the Go module proxy; a temporary directory renamed into
# place at the end; a lock serialises concurrent runs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
binaries=(helm kustomize)

say() { printf 'packaging-tools: %s\n' "$*" >&2; }
die() { printf 'packaging-tools: error: %s\n' "$*" >&2; exit 1; }

required_version() {
  awk -v m="$2" '$1 == "require" && $2 == m { print $3; exit }' "$1"
}

helm_version=$(required_version "$here/tools/helm/go.mod" helm.sh/helm/v4)
kustomize_version=$(required_version "$here/tools/kustomize/go.mod" sigs.k8s.io/kustomize/kustomize/v5)
[[ -n $helm_version && -n $kustomize_version ]] || die "cannot read the pinned versions from $here/tools/{helm,kustomize}/go.mod"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/managed-apps-operator/tools"
dest="$cache_root/helm${helm_version#v}-kustomize${kustomize_version#v}"

complete() {
  local dir=$1 b
  for b in "${binaries[@]}"; do [[ -x $dir/$b ]] || return 1; done
}

if [[ -n ${PACKAGING_TOOLS:-} ]]; then
  complete "$PACKAGING_TOOLS" ||
    die "PACKAGING_TOOLS=$PACKAGING_TOOLS must hold executable ${binaries[*]}: add the missing ones, or unset PACKAGING_TOOLS to build them here"
  echo "$PACKAGING_TOOLS"
  exit 0
fi

if [[ ${1:-} == --print-dir ]]; then echo "$dest"; exit 0; fi
[[ $# -eq 0 ]] || die "unknown argument '$1' (usage: build-helm.sh [--print-dir])"

if complete "$dest"; then echo "$dest"; exit 0; fi

command -v go >/dev/null 2>&1 ||
  die "no 'go' command on PATH: install Go >= 1.26, or set PACKAGING_TOOLS to a directory holding ${binaries[*]}"
go_version=$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null || true)
if [[ ! $go_version =~ ^go1\.([0-9]+) ]] || (( BASH_REMATCH[1] < 26 )); then
  die "'go' is ${go_version:-unknown}, the tools modules need Go >= 1.26: install a newer Go, or set PACKAGING_TOOLS"
fi

mkdir -p "$cache_root"
exec 9>"$cache_root/.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
  if complete "$dest"; then echo "$dest"; exit 0; fi
  rm -rf "$cache_root"/.building.*
fi

log="$cache_root/build-helm${helm_version#v}-kustomize${kustomize_version#v}.log"
tmp=$(mktemp -d "$cache_root/.building.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
: >"$log"

export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -buildvcs=false"

fail() {
  say "$1 (full log: $log); last lines:"
  tail -n 25 "$log" | sed 's/^/  | /' >&2
  die "$1: $2"
}

step() {
  local title=$1 start=$SECONDS
  shift
  say "$title ..."
  printf '\n### %s\n$ %s\n' "$title" "$*" >>"$log"
  if ! "$@" >>"$log" 2>&1; then return 1; fi
  say "$title: $((SECONDS - start)) s"
}

download() { go list -deps "$@" >/dev/null; }

helm_pkg=helm.sh/helm/v4/cmd/helm
kustomize_pkg=sigs.k8s.io/kustomize/kustomize/v5

say "building helm $helm_version and kustomize $kustomize_version into $dest (once; takes a few minutes)"
total_start=$SECONDS

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
printf 'helm %s\nkustomize %s\nbuilt %s with %s\n' "$helm_version" "$kustomize_version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$go_version" >"$tmp/VERSIONS"
chmod 755 "$tmp"
rm -rf "$dest"
mv -T "$tmp" "$dest"
trap - EXIT
say "built in $((SECONDS - total_start)) s; $(du -sh "$dest" | cut -f1) in $dest"
echo "$dest"
