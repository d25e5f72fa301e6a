#!/usr/bin/env bats
# Supervision (issue 5), end to end on the real kernel: `hostguard shell`
# under its seccomp filter.  `shell` always reads /etc/hostguard/policy.conf,
# so each test runs in a private mount namespace where /etc is a copy with
# our policy (and a test user), and a private UTS namespace for the host
# name db1.  Nothing outside the test's tmp dir and the namespaces changes.

bats_require_minimum_version 1.5.0

setup_file() {
  [ "$(id -u)" = 0 ] || return 0
  W=$BATS_FILE_TMPDIR/w
  mkdir -p "$W"
  cp -a /etc "$W/etc"
  mkdir -p "$W/etc/hostguard"
  echo 'hgsup:x:4242:4242::/tmp:/bin/sh' >>"$W/etc/passwd"
  echo 'hgsup:x:4242:' >>"$W/etc/group"
}

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root: mount and UTS namespaces, root-owned policy"
  HG=${HOSTGUARD:-$PWD/build/hostguard}
  H=${HG_HELPERS:-$PWD/build/helpers}
  [ -x "$HG" ] || skip "no hostguard binary at $HG"
  for h in ptyrun exec_race int80 tiocsti cwd_race; do
    [ -x "$H/$h" ] || skip "no $h helper in $H"
  done
  W=$BATS_FILE_TMPDIR/w
  T=$BATS_TEST_TMPDIR
  # The test user must reach $T: open the bats dirs above it for search.
  d=$T
  while [ "$d" != / ] && [ "$d" != /tmp ]; do chmod a+x "$d"; d=$(dirname "$d"); done
  mkdir -p "$T/log" "$T/prot" "$T/bin" "$T/marks"
  chmod 0777 "$T/prot" "$T/marks"
  echo data >"$T/prot/keep"
  chmod 0666 "$T/prot/keep"
  cp /bin/true "$T/bin/goodprog"
  cp /usr/bin/touch "$T/bin/evilprog" # same length as goodprog: the race rewrites one into the other
  printf '#!/bin/sh\necho CONFIRMED-RAN\n' >"$T/bin/confirmme"
  printf '#!/bin/sh\n"%s/s2"\n' "$T/bin" >"$T/bin/s1"
  printf '#!/bin/sh\nrm -f "%s/prot/keep"\necho "s2 rm=$?"\n' "$T" >"$T/bin/s2"
  chmod 0755 "$T/bin"/*
  policy deny false
}

# policy NONINTERACTIVE SUPERVISE_UNPRIVILEGED
policy() {
  cat >"$W/etc/hostguard/policy.conf" <<EOF
hosts = {"db*"}
default = allow
log_dir = "$T/log"
shell = "/bin/bash"
noninteractive = $1
supervise_unprivileged = $2
rule rm-protected {
    command = {"rm"}
    paths = {"$T/prot"}
    action = deny
    message = "protected test data"
}
rule confirm-these {
    command = {"goodprog", "confirmme"}
    action = confirm
}
rule evil {
    command = {"evilprog"}
    action = deny
}
EOF
  chmod 0644 "$W/etc/hostguard/policy.conf"
}

# In the namespaces: ns CMD...  (as root)
ns() {
  unshare -m -u sh -c 'mount --bind "$0" /etc && hostname db1 && exec "$@"' "$W/etc" "$@"
}

# The same as the test user, with a fresh session and no terminal.
ns_user() {
  unshare -m -u sh -c 'mount --bind "$0" /etc && hostname db1 && exec setpriv --reuid 4242 --regid 4242 --clear-groups "$@"' "$W/etc" "$@"
}

@test "shell -c: an rm hidden behind a variable is refused with EPERM, the file stays" {
  run -126 ns timeout 20 "$HG" shell -c "x=rm; \$x -rf $T/prot"
  [[ $output == *"refused by rule rm-protected: protected test data"* ]]
  [[ $output == *"Operation not permitted"* ]]
  [ -e "$T/prot/keep" ]
  grep -q '"decision":"denied"' "$T/log/root.jsonl"
}

@test "the same rm outside the protected dir runs (the filter is not a blanket refusal)" {
  touch "$T/other"
  run -0 ns timeout 20 "$HG" shell -c "x=rm; \$x -f $T/other"
  [ ! -e "$T/other" ]
}

@test "nested scripts: a script that runs a script that runs rm is caught" {
  run ns timeout 20 "$HG" shell -c "$T/bin/s1"
  [[ $output == *"s2 rm=126"* ]]
  [[ $output == *"refused by rule rm-protected"* ]]
  [ -e "$T/prot/keep" ]
}

@test "a pipeline: the allowed side runs while the other waits at the prompt" {
  run ns timeout 30 "$H/ptyrun" -t 20 -e ALLOWED-RAN -p 200 -s 'db1\n' -e CONFIRMED-RAN -- \
    "$HG" shell -c "$T/bin/confirmme | { touch $T/marks/allowed; echo ALLOWED-RAN >/dev/tty; cat; }"
  [ "$status" -eq 0 ]
  [ -e "$T/marks/allowed" ]
  # The answer was typed only after the allowed side had run: it ran
  # while the question was on the screen.
  [[ $output == *"needs confirmation"* ]]
  grep -q '"decision":"confirmed"' "$T/log/root.jsonl"
}

@test "a confirmation answered wrong refuses the program" {
  run ns timeout 30 "$H/ptyrun" -t 20 -e 'Type the hostname' -s 'nope\n' -- \
    "$HG" shell -c "$T/bin/confirmme; echo rc=\$?"
  [[ $output != *CONFIRMED-RAN* ]]
  [[ $output == *rc=126* ]]
  grep -q '"decision":"declined"' "$T/log/root.jsonl"
}

@test "the supervised prompt blanks secrets in the command it shows" {
  run ns timeout 30 "$H/ptyrun" -t 20 -e 'Type the hostname' -s 'nope\n' -- \
    "$HG" shell -c "$T/bin/confirmme --password=hunter2 -pS3cret; echo rc=\$?"
  [[ $output == *"Type the hostname"* ]]
  [[ $output == *"--password=***"* ]]
  [[ $output != *hunter2* ]]
  [[ $output == *rc=126* ]]
}

@test "no terminal and noninteractive = deny: a confirm rule refuses" {
  run ns timeout 20 "$HG" shell -c "$T/bin/goodprog; echo rc=\$?"
  [[ $output == *rc=126* ]]
  [[ $output == *"no terminal to ask on"* ]]
}

@test "a 32-bit execve (int \$0x80 from x86-64 code) is refused: the process is killed" {
  # Without the filter the same helper does run touch: the test can fail.
  run "$H/int80" /usr/bin/touch "$T/marks/bare"
  [ -e "$T/marks/bare" ]
  run ns timeout 20 "$HG" shell -c "$H/int80 /usr/bin/touch $T/marks/i80; echo rc=\$?"
  [[ $output == *rc=159* ]] # 128 + SIGSYS
  [ ! -e "$T/marks/i80" ]
}

@test "TIOCSTI is refused, also with the upper 32 bits of the request set" {
  run ns timeout 20 "$H/ptyrun" -t 10 -- "$HG" shell -c \
    "$H/tiocsti; echo low=\$?; $H/tiocsti high; echo high=\$?"
  [[ $output == *low=1* ]]
  [[ $output == *high=1* ]]
}

@test "kill -9 of the supervisor: the next exec fails, and a line says why" {
  run ns timeout 20 "$HG" shell -c \
    'read -r _ _ _ sup _ </proc/$PPID/stat; kill -9 $sup; while kill -0 $sup 2>/dev/null; do :; done; /bin/true; echo true=$?'
  [[ $output == *true=126* ]]
  [[ $output == *"Function not implemented"* ]]
  [[ $output == *"the supervisor is gone; no program can be started in this session"* ]]
}

@test "the exec race: 1,000 path rewrites after the check, no unapproved program runs" {
  policy allow false # confirm without a terminal: allowed, and verified after the exec
  # Bare, the harness does win the race: the test can fail.
  "$H/exec_race" "$T/bin/goodprog" "$T/bin/evilprog" "$T/marks" 300 >/dev/null
  bare=$(ls "$T/marks" | wc -l)
  [ "$bare" -gt 0 ]
  rm -rf "$T/marks" && mkdir -m 0777 "$T/marks"
  run ns timeout 120 "$HG" shell -c "$H/exec_race $T/bin/goodprog $T/bin/evilprog $T/marks 1000"
  [[ $output == *"tries 1000"* ]]
  [ "$(ls "$T/marks" | wc -l)" -eq 0 ]
}

@test "the cwd race: 1,000 chdirs after the check, no program runs in a directory not decided on" {
  policy allow false # confirm without a terminal: allowed, and verified after the exec
  cat >>"$W/etc/hostguard/policy.conf" <<EOF
rule touch-prot {
    command = {"touch"}
    paths = {"$T/prot", "$T/prot/**"}
    action = deny
}
rule touch-asked {
    command = {"touch"}
    action = confirm
}
EOF
  mkdir -m 0777 "$T/safe"
  # Bare, the harness does run touch in the other directory: the test can fail.
  "$H/cwd_race" "$T/safe" "$T/prot" /usr/bin/touch 200 >/dev/null
  [ "$(ls "$T/prot" | grep -c mark-)" -gt 0 ]
  rm -f "$T/prot"/mark-*
  run ns timeout 120 "$HG" shell -c "$H/cwd_race $T/safe $T/prot /usr/bin/touch 1000"
  [[ $output == *"tries 1000"* ]]
  [ "$(ls "$T/prot" | grep -c mark-)" -eq 0 ]
}

@test "an ordinary user with supervise_unprivileged = false: the real shell, untouched" {
  run ns_user timeout 20 "$HG" shell -c "id -u; rm -f $T/prot/keep; echo rm=\$?"
  [[ $output == *4242* ]]
  [[ $output == *rm=0* ]]
  [ ! -e "$T/prot/keep" ]
}

@test "an ordinary user with supervise_unprivileged = true: supervised, setuid says why" {
  policy deny true
  run ns_user timeout 20 "$HG" shell -c "rm -f $T/prot/keep; echo rm=\$?; mount --version >/dev/null; echo mount=\$?"
  [[ $output == *rm=126* ]]
  [ -e "$T/prot/keep" ]
  [[ $output == *"is setuid: it runs without gaining privileges"* ]]
  [[ $output == *mount=0* ]]
}

@test "hostguard inside a supervised session does not stack a second supervisor" {
  run ns timeout 20 "$HG" shell -c "grep -c . /proc/self/status >/dev/null; $HG shell -c 'grep Seccomp_filters /proc/self/status; rm -f $T/prot/keep; echo rm=\$?'"
  [[ $output == *"Seccomp_filters:	1"* ]]
  [[ $output == *rm=126* ]]
  [ -e "$T/prot/keep" ]
}

@test "a broken policy: the fallback runs the session, and a policy event is recorded" {
  echo 'this is { not a policy' >"$W/etc/hostguard/policy.conf"
  # The fallback logs to the default /var/log/hostguard: a tmpfs over
  # /var/log in the test's namespace, never the machine's.
  run ns sh -c 'mount -t tmpfs -o mode=0755 hglog /var/log && mkdir -m 1733 /var/log/hostguard \
    && timeout 20 "$0" shell -c "echo session-ran; find / -maxdepth 0 && echo find-ran" \
    && echo "--- records:" && cat /var/log/hostguard/root.jsonl' "$HG"
  [[ $output == *session-ran* ]]
  [[ $output == *"fallback policy"* ]]
  # The shipped packs, found beside the build, decide: no rule of theirs
  # asks about this find (the few built-in rules would, with no terminal).
  [[ $output == *find-ran* ]]
  [[ $output == *'"event":"policy"'* ]]
}

@test "a host the policy does not guard: the real shell, untouched" {
  run unshare -m -u sh -c 'mount --bind "$0" /etc && hostname web1 && exec "$@"' "$W/etc" \
    timeout 20 "$HG" shell -c "grep Seccomp: /proc/self/status; rm -f $T/prot/keep; echo rm=\$?"
  [[ $output == *"Seccomp:	0"* ]]
  [[ $output == *rm=0* ]]
}
