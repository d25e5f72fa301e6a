#!/usr/bin/env bats
# The first stage (wrapper/front.c): `hostguard` settles an ordinary user's
# allowed run from the policy snapshot, alone, and hands everything else to
# the whole program (hostguard-full), which decides again.  strace shows
# which programs ran.  Users, the host name db1 and the snapshot cache
# (a tmpfs over /var/cache) exist only in the private mount and UTS
# namespaces each test makes; nothing else changes.

bats_require_minimum_version 1.5.0

setup_file() {
  [ "$(id -u)" = 0 ] || return 0
  W=$BATS_FILE_TMPDIR/w
  mkdir -p "$W/bin" "$W/log"
  d=$W
  while [ "$d" != / ] && [ "$d" != /tmp ]; do chmod a+x "$d"; d=$(dirname "$d"); done
  chmod 1733 "$W/log"
  cp -a /etc "$W/etc"
  mkdir -p "$W/etc/hostguard"
  cat >>"$W/etc/passwd" <<'EOP'
hgalice:x:2001:2001::/tmp:/bin/sh
hgbob:x:2002:2002::/tmp:/bin/sh
EOP
  cat >>"$W/etc/group" <<'EOP'
hgalice:x:2001:
hgbob:x:2002:
hgsre:x:2100:hgalice
EOP
  for p in hg-ok hg-log hg-sre hg-deny; do
    printf '#!/bin/sh\necho RAN %s "$@"\n' "$p" >"$W/bin/$p"
  done
  chmod 0755 "$W/bin"/*
  cat >"$W/etc/hostguard/policy.conf" <<EOP
hosts = {"db*"}
default = allow
log_dir = "$W/log"
rule logged { command = {"hg-log"} action = log }
rule sre-only { command = {"hg-sre"} users = {"%hgsre"} action = deny message = "not for the sre group" }
rule refused { command = {"hg-deny"} action = deny message = "never on a database host" }
EOP
  chmod 0644 "$W/etc/hostguard/policy.conf"
  # Root writes a snapshot only of files older than 2 seconds.
  sleep 3
}

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root: users with distinct uids, namespaces, a root-owned snapshot cache"
  command -v strace >/dev/null || skip "no strace"
  export HG=${HOSTGUARD:-$PWD/build/hostguard}
  [ -x "$HG" ] || skip "no hostguard binary at $HG"
  # Where this tree's first stage hands over (Makefile: HG_FULL_PROGRAM).
  export FULL=$(dirname "$HG")/hostguard-full
  [ -x "$FULL" ] || skip "no whole program at $FULL"
  W=$BATS_FILE_TMPDIR/w
  export T=$BATS_TEST_TMPDIR
  d=$T
  while [ "$d" != / ] && [ "$d" != /tmp ]; do chmod a+rx "$d"; d=$(dirname "$d"); done
  export PATH="$W/bin:$PATH"
  # LeakSanitizer will not run under ptrace: under ASan, traced runs go
  # without it (every other suite keeps it).
  TRACE=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq)
  ALICE=(setpriv --reuid 2001 --regid 2001 --init-groups)
  BOB=(setpriv --reuid 2002 --regid 2002 --init-groups)
}

# ns [--cold] CMD...: CMD in the namespaces, where root has first made a
# snapshot of the policy (unless --cold).
ns() {
  warm=1
  [ "$1" = --cold ] && warm=0 && shift
  unshare -m -u sh -c '
    mount --bind "$0/etc" /etc && mount -t tmpfs -o mode=0755 hgcache /var/cache \
      && mkdir -m 0755 /var/cache/hostguard && hostname db1 || exit 99
    if [ "$1" = 1 ]; then
      "$HG" check -- /bin/true >/dev/null || exit 98
      ls /var/cache/hostguard/*.snap >/dev/null || exit 97
    fi
    shift; exec "$@"' "$W" "$warm" "$@"
}

# The programs a traced run exec'd after setpriv, one per line.
execs() {
  sed -n 's/^[0-9]* *execve("\([^"]*\)".*= 0$/\1/p' "$T/trace" | grep -v '/setpriv$'
}

@test "an ordinary user's allowed run is settled by the first stage alone" {
  run ns "${TRACE[@]}" -e trace=execve -o "$T/trace" "${BOB[@]}" "$HG" -- hg-ok a b
  [ "$status" -eq 0 ]
  [ "$output" = "RAN hg-ok a b" ]
  run execs
  [ "${lines[0]}" = "$HG" ]
  [ "${lines[1]}" = "$W/bin/hg-ok" ]
  run ! grep -q hostguard-full "$T/trace"
}

@test "the first stage asks NSS nothing: no nsswitch.conf, passwd, group or nscd" {
  run ns "${TRACE[@]}" -e trace=openat,open,connect,execve -o "$T/trace" "${BOB[@]}" "$HG" -- hg-ok
  [ "$status" -eq 0 ]
  [ "$output" = "RAN hg-ok" ]
  # From the exec of hostguard to that of hg-ok: what hostguard opened.
  sed -n "\\|execve(\"$HG\"|,\\|execve(\"[^\"]*hg-ok\"|p" "$T/trace" >"$T/own"
  grep -q 'policy-.*\.snap' "$T/own"
  run ! grep -E 'nsswitch|/etc/passwd|/etc/group|nscd|libnss' "$T/own"
}

@test "a rule for a group: the whole program decides, by the user's groups" {
  run -77 ns "${TRACE[@]}" -e trace=execve -o "$T/trace" "${ALICE[@]}" "$HG" -- hg-sre
  [[ "$output" == *"not for the sre group"* ]]
  grep -q "execve(\"$FULL\"" "$T/trace"
  run ns "${TRACE[@]}" -e trace=execve -o "$T/trace" "${BOB[@]}" "$HG" -- hg-sre
  [ "$status" -eq 0 ]
  [ "$output" = "RAN hg-sre" ]
  grep -q "execve(\"$FULL\"" "$T/trace"
}

@test "log and deny: handed over, recorded and refused as before" {
  run ns "${TRACE[@]}" -e trace=execve -o "$T/trace" "${BOB[@]}" "$HG" -r "INC-7: check" -- hg-log x
  [ "$status" -eq 0 ]
  [ "$output" = "RAN hg-log x" ]
  grep -q "execve(\"$FULL\"" "$T/trace"
  grep -q '"reason":"INC-7: check"' "$W/log/hgbob.jsonl"
  run -77 ns "${BOB[@]}" "$HG" -- hg-deny
  [[ "$output" == *"refused by rule refused: never on a database host"* ]]
}

@test "root's run and a cold cache: the whole program decides" {
  run ns "${TRACE[@]}" -e trace=execve -o "$T/trace" "$HG" -- hg-ok
  [ "$status" -eq 0 ]
  grep -q "execve(\"$FULL\"" "$T/trace"
  run ns --cold "${TRACE[@]}" -e trace=execve -o "$T/trace" "${BOB[@]}" "$HG" -- hg-ok
  [ "$status" -eq 0 ]
  [ "$output" = "RAN hg-ok" ]
  grep -q "execve(\"$FULL\"" "$T/trace"
}

@test "a changed policy is decided from its files, not from its old snapshot" {
  cp "$W/etc/hostguard/policy.conf" "$T/pol.conf"
  chmod 0644 "$T/pol.conf"
  sleep 3
  run -77 ns --cold sh -c '
    export HOSTGUARD_POLICY=$0
    "$HG" check -- /bin/true >/dev/null && ls /var/cache/hostguard/*.snap >/dev/null || exit 97
    setpriv --reuid 2002 --regid 2002 --init-groups "$HG" -- hg-ok || exit 96
    echo "rule now-refused { command = {\"hg-ok\"} action = deny message = \"changed\" }" >>"$0"
    exec setpriv --reuid 2002 --regid 2002 --init-groups "$HG" -- hg-ok' "$T/pol.conf"
  [ "${lines[0]}" = "RAN hg-ok" ]
  [[ "$output" == *"refused by rule now-refused: changed"* ]]
}

@test "the first stage's command line is run.c's: usage errors and --help from the whole program" {
  run -64 ns "${BOB[@]}" "$HG" --frobnicate -- hg-ok
  [[ "$output" == *"unknown or incomplete option"* ]]
  run -64 ns "${BOB[@]}" "$HG" --break-glass -- hg-ok
  [[ "$output" == *"--break-glass needs -r"* ]]
  run -0 ns "${BOB[@]}" "$HG" --help
  [[ "$output" == *"usage: hostguard"* ]]
  run -0 ns "${BOB[@]}" "$HG" version
  [[ "$output" == "hostguard "* ]]
}

@test "no whole program to hand over to: a clear error and 126, the allowed run unharmed" {
  : >"$T/empty"
  chmod 0644 "$T/empty"
  run -126 ns sh -c 'mount --bind "$0" "$FULL" && exec setpriv --reuid 2002 --regid 2002 --init-groups "$HG" -- hg-log marker-126' "$T/empty"
  [[ "$output" == *"cannot start $FULL: Permission denied"* ]]
  run ! grep -qs marker-126 "$W/log/hgbob.jsonl"
  run -0 ns sh -c 'mount --bind "$0" "$FULL" && exec setpriv --reuid 2002 --regid 2002 --init-groups "$HG" -- hg-ok' "$T/empty"
  [ "$output" = "RAN hg-ok" ]
}

@test "make install: the installed first stage hands over to the installed whole program" {
  [ -n "${HG_SRC:-}" ] || skip "HG_SRC not set (make check sets it)"
  B=$(dirname "$HG")
  # Installs what is built; never builds (a build here could mix flags).
  make -s -q -C "$HG_SRC" BUILD="$B" all || skip "the build in $B is not up to date"
  make -s -C "$HG_SRC" BUILD="$B" install DESTDIR="$T/root" >/dev/null
  [ -x "$T/root/usr/local/bin/hostguard" ]
  [ -x "$T/root/usr/local/libexec/hostguard/hostguard-full" ]
  run -0 unshare -m sh -c 'mount -t tmpfs -o mode=0755 hglocal /usr/local && cp -a "$0/usr/local/." /usr/local/ &&
    exec "$2" "$3" strace -f -qq -e trace=execve -o "$1" /usr/local/bin/hostguard version' \
    "$T/root" "$T/trace" env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  [[ "$output" == "hostguard "* ]]
  grep -q 'execve("/usr/local/libexec/hostguard/hostguard-full"' "$T/trace"
}

@test "check: answered by the first stage from the snapshot, word for word as the whole program" {
  for cmd in "hg-ok" "hg-deny now" "hg-log -x" "sh -c 'hg-deny; ls'" "sudo -u root hg-deny"; do
    for json in "" --json; do
      eval "set -- $cmd"
      ns "${BOB[@]}" "$FULL" check $json -- "$@" >"$T/whole" 2>&1 || true
      ns "${TRACE[@]}" -e trace=execve -o "$T/trace" "${BOB[@]}" "$HG" check $json -- "$@" >"$T/first" 2>&1 || true
      diff -u "$T/whole" "$T/first"
      run ! grep -q hostguard-full "$T/trace"
      [ -s "$T/first" ]
    done
  done
  # A `users` item reached: the whole program answers, with the caller's
  # name or --user's (a %group item asks NSS, which the first stage never
  # does).
  run ns "${TRACE[@]}" -e trace=execve -o "$T/trace" "${ALICE[@]}" "$HG" check -- hg-sre
  [ "$status" -eq 0 ]
  [[ "$output" == *"decision: deny"* ]]
  grep -q "execve(\"$FULL\"" "$T/trace"
  run ns "${TRACE[@]}" -e trace=execve -o "$T/trace" "${BOB[@]}" "$HG" check --user hgalice -- hg-sre
  [ "$status" -eq 0 ]
  [[ "$output" == *"users matched '%hgsre' with hgalice"* ]]
  grep -q "execve(\"$FULL\"" "$T/trace"
  run ns "${BOB[@]}" "$HG" check --user hgbob -- hg-sre
  [ "$status" -eq 0 ]
  [[ "$output" == *"decision: allow"* ]]
}
