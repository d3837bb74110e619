# Shared by build.sh and build-helm.sh (sourced, not run): building Go binaries once from the pinned
# tools modules beside this file into a cache directory. The caller sets, before sourcing:
#   here      the directory of the tools modules' parent (test/controlplane)
#   tag       the prefix of its messages on stderr
#   binaries  the executables a complete directory holds
# and then calls, in order: serve_cached, require_go, lock_cache, begin_build, its own steps (with
# step, download and fail), finish_build. Each of those that finds the work done prints the
# directory on stdout and exits 0; every error exits 1 with `<tag>: error: ...` on stderr.

say() { printf '%s: %s\n' "$tag" "$*" >&2; }
die() { printf '%s: error: %s\n' "$tag" "$*" >&2; exit 1; }

# The version a tools module requires of a module: `require <module> <version>` on one line.
required_version() { # <go.mod> <module>
  awk -v m="$2" '$1 == "require" && $2 == m { print $3; exit }' "$1"
}

complete() { # <dir>: holds every one of the binaries, executable
  local dir=$1 b
  for b in "${binaries[@]}"; do [[ -x $dir/$b ]] || return 1; done
}

# The directory named by the override variable if set (it must be complete), else --print-dir's
# answer, else dest when it is complete already; returns only when there is something to build.
serve_cached() { # <override variable> <dest> <script's arguments...>
  local var=$1 dir=$2
  shift 2
  if [[ -n ${!var:-} ]]; then
    complete "${!var}" ||
      die "$var=${!var} must hold executable ${binaries[*]}: add the missing ones, or unset $var to build them here"
    echo "${!var}"
    exit 0
  fi
  if [[ ${1:-} == --print-dir ]]; then echo "$dir"; exit 0; fi
  [[ $# -eq 0 ]] || die "unknown argument '$1' (usage: ${0##*/} [--print-dir])"
  if complete "$dir"; then echo "$dir"; exit 0; fi
}

# Sets go_version; dies unless `go` is there and >= 1.26 (the tools modules' `go` line).
require_go() { # <what to do without go> <what to do with an older go>
  command -v go >/dev/null 2>&1 || die "no 'go' command on PATH: $1"
  go_version=$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null || true)
  if [[ ! $go_version =~ ^go1\.([0-9]+) ]] || (( BASH_REMATCH[1] < 26 )); then
    die "'go' is ${go_version:-unknown}, the tools modules need Go >= 1.26: $2"
  fi
}

# Holds the cache's lock (fd 9) for the rest of the script: another run may be building the same
# thing, so wait for it, then reuse its result.
lock_cache() { # <cache root> <dest>
  mkdir -p "$1"
  exec 9>"$1/.lock"
  if command -v flock >/dev/null 2>&1; then
    flock 9
    if complete "$2"; then echo "$2"; exit 0; fi
    rm -rf "$1"/.building.* # leftovers of a build that was killed outright
  fi
}

# Sets log (emptied) and tmp (a fresh directory beside dest, removed unless finish_build moves it
# into place), and the Go environment of a reproducible, static build.
begin_build() { # <cache root> <log>
  log=$2
  tmp=$(mktemp -d "$1/.building.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  : >"$log"
  export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -buildvcs=false"
  total_start=$SECONDS
}

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

# Writes tmp/VERSIONS, renames tmp into place as dest in one step and prints dest.
finish_build() { # <dest> <"name version">...
  local dir=$1
  shift
  printf '%s\n' "$@" "built $(date -u +%Y-%m-%dT%H:%M:%SZ) with $go_version" >"$tmp/VERSIONS"
  chmod 755 "$tmp"
  rm -rf "$dir" # only ever an incomplete leftover here: a complete one returned above
  mv -T "$tmp" "$dir"
  trap - EXIT
  say "built in $((SECONDS - total_start)) s; $(du -sh "$dir" | cut -f1) in $dir"
  echo "$dir"
}

# kube_version_ldflags <version>: the -ldflags that stamp a Kubernetes binary of <version> as
# Kubernetes' hack/lib/version.sh does (gitVersion, gitMajor, gitMinor, the module's date), for
# build.sh and build-kwok.sh. Run in the tools/kube module's folder.
kube_version_ldflags() {
  local version=$1 release major minor date flags pkg
  release=${version#v}
  major=${release%%.*}
  minor=${release#*.}
  minor=${minor%%.*}
  date=$(go list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' k8s.io/kubernetes 2>/dev/null || true)
  flags="-s -w"
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    flags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
    [[ -z $date ]] || flags+=" -X $pkg.buildDate=$date"
  done
  printf '%s\n' "$flags"
}
