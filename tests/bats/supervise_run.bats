#!/usr/bin/env bats
# Supervised prefix runs (issue 5): `hostguard -- CMD` as root decides the
# command line, then runs CMD under the session's seccomp filter, so that
# what CMD starts (a script's rm, make's rm) is decided too.  A private UTS
# namespace names the host db1; the policy and log_dir live in the test's
# tmp dir.  Nothing outside them changes.

bats_require_minimum_version 1.5.0

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root: UTS namespace, root-owned policy, supervision"
  HG=${HOSTGUARD:-$PWD/build/hostguard}
  PTYRUN=${HG_HELPERS:-$PWD/build/helpers}/ptyrun
  [ -x "$HG" ] || skip "no hostguard binary at $HG"
  [ -x "$PTYRUN" ] || skip "no ptyrun helper at $PTYRUN"
  T=$BATS_TEST_TMPDIR
  mkdir -p "$T/log" "$T/prot" "$T/bin"
  echo data >"$T/prot/keep"
  # A script whose command line is allowed: only supervision sees its rm.
  printf '#!/bin/sh\nrm -rf "%s/prot"\necho "rm=$?"\n' "$T" >"$T/bin/cleanup"
  printf '#!/bin/sh\ngrep "^Seccomp:" /proc/self/status\necho started\nexec sleep 30\n' >"$T/bin/waiter"
  printf '#!/bin/sh\nexit 7\n' >"$T/bin/seven"
  printf '#!/bin/sh\nkill -TERM $$\nsleep 5\n' >"$T/bin/killself"
  chmod 0755 "$T/bin"/*
  policy deny
  UTS=(unshare -u sh -c 'hostname db1 && exec "$@"' sh)
}

# policy NONINTERACTIVE
policy() {
  cat >"$T/policy.conf" <<EOF2
hosts = {"db*"}
default = allow
log_dir = "$T/log"
noninteractive = $1
rule rm-protected {
    command = {"rm"}
    paths = {"$T/prot"}
    action = deny
    message = "protected test data"
}
rule logged { command = {"seven"} action = log }
EOF2
  chmod 0644 "$T/policy.conf"
}

hg() {
  setsid -w "${UTS[@]}" "$HG" -f "$T/policy.conf" "$@"
}

@test "supervised run: a script's rm is refused with EPERM though its command line is allowed" {
  # Without supervision the same script does remove the file: the test can fail.
  cp -a "$T/prot" "$T/prot.bak"
  run "$T/bin/cleanup"
  [[ $output == *rm=0* ]]
  mv "$T/prot.bak" "$T/prot"
  run -0 hg -- "$T/bin/cleanup"
  [[ $output == *"refused by rule rm-protected: protected test data"* ]]
  [[ $output == *"Operation not permitted"* ]]
  [[ $output == *rm=1* ]]
  [ -e "$T/prot/keep" ]
  grep -q '"mode":"run".*"rule":"rm-protected".*"decision":"denied"' "$T/log/root.jsonl"
}

@test "supervised run: sh -c with a hidden rm, let through at the command line, is refused inside" {
  policy allow # the look-through makes \$x a confirm; without a terminal: allowed, recorded
  run hg -- sh -c "x=rm; \$x -rf $T/prot; echo rm=\$?"
  [ "$status" -eq 0 ]
  [[ $output == *"rm=1"* ]]
  [[ $output == *"Operation not permitted"* ]]
  [ -e "$T/prot/keep" ]
  grep -q '"decision":"denied"' "$T/log/root.jsonl"
}

@test "supervised run: make's rm is refused" {
  command -v make >/dev/null || skip "no make"
  printf 'deploy:\n\trm -rf %s/prot\n' "$T" >"$T/Makefile"
  run hg -- make -C "$T" deploy
  [ "$status" -eq 2 ]
  [[ $output == *"refused by rule rm-protected"* ]]
  [ -e "$T/prot/keep" ]
}

@test "supervised run: an allowed run whose programs are all allowed writes no record" {
  run -0 hg -- sh -c "grep '^Seccomp:' /proc/self/status; /bin/true"
  [[ $output == *"Seccomp:"*2* ]]
  [ -z "$(ls -A "$T/log")" ]
}

@test "supervised run: the exit status and a killing signal pass through" {
  run hg -- sh -c 'exit 5'
  [ "$status" -eq 5 ]
  run hg -- "$T/bin/killself"
  [ "$status" -eq 143 ]
  # The recorded form: decision, then exit with the status.
  run hg -- "$T/bin/seven"
  [ "$status" -eq 7 ]
  grep -q '"event":"exit".*"exit":7' "$T/log/root.jsonl"
}

@test "supervised run: Ctrl-Z stops it and hostguard; fg resumes it; Ctrl-C ends it (130)" {
  run "$PTYRUN" -t 20 -e '$ ' -s "$HG -f $T/policy.conf -- $T/bin/waiter\n" -e started -p 200 -z \
    -e Stopped -s 'echo st=$?\n' -e 'st=' -s 'fg\n' -p 300 -c -e '$ ' \
    -s 'echo rc=$?\n' -e 'rc=' -s 'exit\n' -- \
    "${UTS[@]}" env PS1='$ ' bash --norc --noprofile -i
  [ "$status" -eq 0 ]
  [[ "$output" == *"Seccomp:"*2* ]]
  [[ "$output" == *"st=148"* ]]
  [[ "$output" == *"rc=130"* ]]
}

@test "supervised run: an ordinary user without supervise_unprivileged is not supervised" {
  command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
  D=$(mktemp -d /tmp/hostguard-sr.XXXXXX)
  chmod 0755 "$D"
  cp "$T/policy.conf" "$D/policy.conf"
  run setsid -w "${UTS[@]}" setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$HG" -f "$D/policy.conf" -- grep '^Seccomp:' /proc/self/status
  rm -rf "$D"
  [ "$status" -eq 0 ]
  [[ $output == *"Seccomp:"*0* ]]
}
