# Shared by build-base.sh and build.sh (sourced, after they set `tag` and before `log`): messages
# on standard error, and `step`, which runs a command into the build log and times it.

say() { printf '%s: %s\n' "$tag" "$*" >&2; }
die() { printf '%s: error: %s\n' "$tag" "$*" >&2; exit 1; }

step() { # <title> <command...>: run, log (into $log), time
  local title=$1 start=$SECONDS
  shift
  say "$title ..."
  printf '\n### %s\n$ %s\n' "$title" "$*" >>"$log"
  if ! "$@" >>"$log" 2>&1; then
    say "$title failed (full log: $log); last lines:"
    tail -n 25 "$log" | sed 's/^/  | /' >&2
    die "$title failed"
  fi
  say "$title: $((SECONDS - start)) s"
}
