#!/usr/bin/env bats
# The prefix form of an ordinary user, for real: launchers that start rm
# elsewhere (env -C, flock, time, script -c, setpriv, a trap, a pipe into
# sh) are refused (77) by a policy that denies rm under a protected
# directory, and the directory survives.  The user is nobody (setpriv), the
# host name db1 comes from a private UTS namespace; nothing outside a
# directory under /tmp (which nobody can traverse, unlike the bats tmp dir)
# and the namespaces is changed.

bats_require_minimum_version 1.5.0

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root: UTS namespace, root-owned policy, setpriv"
  command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
  HG=${HOSTGUARD:-$PWD/build/hostguard}
  [ -x "$HG" ] || skip "no hostguard binary at $HG"
  D=$(mktemp -d /tmp/hostguard-launch.XXXXXX)
  chmod 0755 "$D"
  mkdir -m 01733 "$D/log"
  mkdir -p "$D/data/sub" "$D/work"
  echo precious >"$D/data/sub/file"
  chown -R 65534:65534 "$D/data" "$D/work"
  cat >"$D/policy.conf" <<EOF
hosts = {"db*"}
default = allow
log_dir = "$D/log"
noninteractive = deny
rule keep-data {
    command = {"rm"}
    paths   = {"$D/data/**"}
    action  = deny
    message = "The test data stays."
}
EOF
  chmod 0644 "$D/policy.conf"
}

teardown() {
  [ -n "${D:-}" ] && rm -rf "$D"
}

# as_nobody DIR ARGS...: hostguard -f POLICY -- ARGS as nobody, from DIR,
# on host db1, in a new session without a terminal.
as_nobody() {
  local dir=$1
  shift
  setsid -w unshare -u sh -c 'hostname db1 && cd "$0" && exec "$@"' "$dir" \
    setpriv --reuid=65534 --regid=65534 --clear-groups "$HG" -f "$D/policy.conf" -- "$@"
}

survives() {
  [ "$(cat "$D/data/sub/file")" = precious ]
}

@test "launchers run: the harness runs what is allowed, as nobody" {
  run as_nobody "$D/work" env -C "$D/data" ls sub
  [ "$status" -eq 0 ]
  [ "$output" = file ]
  run as_nobody "$D/work" sh -c 'mkdir junk && env -C junk touch x && rm -rf junk'
  [ "$status" -eq 0 ]
  [ -d "$D/work" ] && [ ! -e "$D/work/junk" ]
}

@test "launchers run: rm under the protected directory is refused without a launcher" {
  run as_nobody "$D/data" rm -rf sub
  [ "$status" -eq 77 ]
  [[ "$output" == *keep-data* ]]
  survives
}

@test "launchers run: env -C DIR and --chdir=DIR move rm into the protected directory: refused" {
  run as_nobody "$D/work" env -C "$D/data" rm -rf sub
  [ "$status" -eq 77 ]
  [[ "$output" == *keep-data* ]]
  survives
  run as_nobody "$D/work" env --chdir="$D/data" rm -rf sub
  [ "$status" -eq 77 ]
  survives
  run as_nobody "$D/work" env -S "-C $D/data rm -rf sub"
  [ "$status" -eq 77 ]
  survives
}

@test "launchers run: time, flock, flock -c, setpriv and script -c starting rm: refused" {
  run as_nobody "$D/work" /usr/bin/time -f %e -o /dev/null rm -rf "$D/data/sub"
  [ "$status" -eq 77 ]
  survives
  run as_nobody "$D/work" flock -w 5 "$D/work/lock" rm -rf "$D/data/sub"
  [ "$status" -eq 77 ]
  survives
  run as_nobody "$D/work" flock "$D/work/lock" -c "cd $D/data && rm -rf sub"
  [ "$status" -eq 77 ]
  survives
  run as_nobody "$D/work" setpriv --nnp rm -rf "$D/data/sub"
  [ "$status" -eq 77 ]
  survives
  run as_nobody "$D/data" script -qc "rm -rf sub" /dev/null
  [ "$status" -eq 77 ]
  survives
}

@test "launchers run: what the command line does not show is asked, and refused without a terminal" {
  printf 'rm -rf %s/data/sub\n' "$D" >"$D/work/clean.sh"
  chmod 0644 "$D/work/clean.sh"
  run as_nobody "$D/work" sh clean.sh
  [ "$status" -eq 77 ]
  survives
  run as_nobody "$D/work" sh -c "cat clean.sh | sh"
  [ "$status" -eq 77 ]
  survives
  run as_nobody "$D/data" sh -c "trap 'rm -rf sub' EXIT"
  [ "$status" -eq 77 ]
  survives
  run as_nobody "$D/work" sh -c ". ./clean.sh"
  [ "$status" -eq 77 ]
  survives
}
