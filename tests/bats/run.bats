#!/usr/bin/env bats
# The guarded run (prefix form) and the confirmation prompt, end to end:
# a real pty (tests/helpers/ptyrun), a private UTS namespace for the host
# name, a policy and a log_dir in the test's own tmp dir.  Nothing outside
# the tmp dir and the namespaces is changed.

bats_require_minimum_version 1.5.0

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root: UTS namespace, root-owned policy"
  HG=${HOSTGUARD:-$PWD/build/hostguard}
  PTYRUN=${HG_HELPERS:-$PWD/build/helpers}/ptyrun
  [ -x "$HG" ] || skip "no hostguard binary at $HG"
  [ -x "$PTYRUN" ] || skip "no ptyrun helper at $PTYRUN"
  T=$BATS_TEST_TMPDIR
  mkdir -p "$T/log" "$T/bin" "$T/protected" "$T/marks"
  chmod 0700 "$T/log"
  # Test programs: each leaves a mark with its arguments, one per line.
  for name in hg-allow hg-log hg-confirm hg-deny hg-approve; do
    mkprog "$name" ''
  done
  mkprog hg-exit3 'exit 3'
  mkprog hg-killself 'kill -TERM $$; sleep 5'
  mkprog hg-sleep 'echo started; exec sleep 30'
  mkprog hg-csleep 'echo started; exec sleep 30'
  mkprog hg-read 'printf "say: "; read x; echo "got $x"'
  mkprog hg-bgread 'sleep 1; printf "say: "; read x; echo "got $x"'
  printf '#!/bin/sh\nexit 0\n' >"$T/bin/hg-noexec"
  chmod 0644 "$T/bin/hg-noexec"
  export PATH="$T/bin:$PATH"
  write_policy deny "$T/log" >"$T/policy.conf"
  chmod 0644 "$T/policy.conf"
  POL=$T/policy.conf
  # Runs hostguard on host $HOST (db1 by default), in a new session
  # without a terminal unless run under ptyrun.
  UTS=(unshare -u sh -c 'hostname "$0" && exec "$@"')
}

mkprog() {
  printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s/marks/%s"\n%s\n' "$T" "$1" "$2" >"$T/bin/$1"
  chmod 0755 "$T/bin/$1"
}

# write_policy NONINTERACTIVE LOG_DIR
write_policy() {
  cat <<EOF
hosts = {"db*"}
default = allow
log_dir = "$2"
noninteractive = $1
rule logged { command = {"hg-log", "hg-exit3", "hg-killself", "hg-sleep", "hg-noexec", "hg-read", "hg-bgread"} action = log }
rule asked { command = {"hg-confirm", "hg-csleep"} action = confirm message = "Test confirmation." }
rule touchy { command = {"touch"} paths = {"$T/protected/**"} action = confirm message = "Protected files." }
rule refused { command = {"hg-deny"} action = deny message = "Never on a database host." }
rule two-people { command = {"hg-approve"} action = approve approvals = 1 message = "Needs a second pair of eyes." }
EOF
}

# hg [HOST] -- ARGS: hostguard without a terminal (new session).
hg() {
  local host=db1
  if [ "$1" != -- ]; then host=$1; shift; fi
  shift
  setsid -w "${UTS[@]}" "$host" "$HG" "$@"
}

# hgpty STEPS... -- ARGS: hostguard on a pty on db1.
hgpty() {
  local steps=()
  while [ "$1" != -- ]; do steps+=("$1"); shift; done
  shift
  "$PTYRUN" -t 15 "${steps[@]}" -- "${UTS[@]}" db1 "$HG" "$@"
}

# recs FIELD...: one line per record of the log dir, the fields' values.
recs() {
  python3 - "$T/log" "$@" <<'EOF'
import glob, json, sys
for f in sorted(glob.glob(sys.argv[1] + "/*.jsonl")):
    for line in open(f, encoding="utf-8"):
        r = json.loads(line)
        print(" ".join(json.dumps(r.get(k)) if not isinstance(r.get(k), str) else r[k]
                       for k in sys.argv[2:]))
EOF
}

@test "run: no command, an unknown option or --break-glass are usage errors (64)" {
  run hg -- -f "$POL"
  [ "$status" -eq 64 ]
  [[ "$output" == *"no command"* ]]
  run hg -- -f "$POL" --frobnicate -- hg-allow
  [ "$status" -eq 64 ]
  [[ "$output" == *"usage:"* ]]
  run hg -- run -f "$POL" --break-glass -- hg-allow
  [ "$status" -eq 64 ]
  [ ! -e "$T/marks/hg-allow" ]
  run hg -- run --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"usage:"* ]]
}

@test "run: options stop at the command: its own options are not hostguard's" {
  run hg -- -f "$POL" hg-allow -r x --frobnicate
  [ "$status" -eq 0 ]
  [ "$(cat "$T/marks/hg-allow")" = $'-r\nx\n--frobnicate' ]
}

@test "run: allow runs the command and writes no record" {
  run hg -- -f "$POL" -- hg-allow a b
  [ "$status" -eq 0 ]
  [ "$(cat "$T/marks/hg-allow")" = $'a\nb' ]
  [ -z "$(ls -A "$T/log")" ]
}

@test "run: log writes the decision record, runs, then the exit record" {
  run hg -- run -f "$POL" -r "TICKET-42" -- hg-log one
  [ "$status" -eq 0 ]
  [ -e "$T/marks/hg-log" ]
  run recs event decision action rule reason exit exe mode
  [ "${lines[0]}" = "decision logged log logged TICKET-42 null $T/bin/hg-log run" ]
  [ "${lines[1]}" = "exit logged log logged TICKET-42 0 $T/bin/hg-log run" ]
  [ "${#lines[@]}" -eq 2 ]
  # Both records of one command share its id.
  run recs id
  [ "${lines[0]}" = "${lines[1]}" ]
  [[ "${lines[0]}" =~ ^[0-9a-f]{32}$ ]]
}

@test "run: records carry the field set of docs/audit-record.md" {
  run hg -- -f "$POL" -- hg-log x
  [ "$status" -eq 0 ]
  python3 - "$T/log" <<'EOF'
import glob, json, sys
need = ("v seq ts boot_id id event host user uid login_user pid tty cwd mode argv exe rule "
        "action decision approvers reason message note exit signal duration_ms prev").split()
recs = [json.loads(l) for f in glob.glob(sys.argv[1] + "/*.jsonl") for l in open(f)]
assert len(recs) == 2, recs
for r in recs:
    missing = [k for k in need if k not in r]
    assert not missing, missing
    assert r["host"] == "db1" and r["user"] == "root" and r["uid"] == 0, r
    assert r["argv"] == ["hg-log", "x"], r["argv"]
    assert r["tty"] is None, r["tty"]  # setsid: no terminal
assert recs[1]["exit"] == 0 and recs[1]["signal"] in (None, 0), recs[1]
assert isinstance(recs[1]["duration_ms"], int) and recs[1]["duration_ms"] >= 0, recs[1]
EOF
}

@test "run: confirm with the host name typed runs it and records confirmed" {
  run hgpty -e "Type the hostname to continue: " -s 'db1\n' -- -f "$POL" -r "CHG-7" -- hg-confirm go
  [ "$status" -eq 0 ]
  [[ "$output" == *"rule asked"* ]]
  [[ "$output" == *"Test confirmation."* ]]
  [[ "$output" == *"command: hg-confirm go"* ]]
  [[ "$output" == *"reason:  CHG-7"* ]]
  [ "$(cat "$T/marks/hg-confirm")" = go ]
  run recs event decision action tty
  [[ "${lines[0]}" == "decision confirmed confirm /dev/pts/"* ]]
  [[ "${lines[1]}" == "exit confirmed confirm /dev/pts/"* ]]
}

@test "run: the confirm prompt spells out bidi and zero-width characters, as log does" {
  # U+202E (right-to-left override) would show "rm -rf gpj.x" reversed.
  arg=$(printf 'x\342\200\256jpg\342\200\213y')
  run hgpty -e "Type the hostname" -s 'db2\n' -- -f "$POL" -- hg-confirm "$arg"
  echo "$output"
  [[ "$output" == *'\u202e'* ]]
  [[ "$output" == *'\u200b'* ]]
  [[ "$output" != *$'\u202e'* ]]
}

@test "run: confirm asks on /dev/tty even when stdin is not a terminal" {
  run "$PTYRUN" -t 15 -e "Type the hostname" -s 'db1\n' -- \
    sh -c 'exec "$@" </dev/null' sh "${UTS[@]}" db1 "$HG" -f "$POL" -- hg-confirm
  [ "$status" -eq 0 ]
  [ -e "$T/marks/hg-confirm" ]
}

@test "run: confirm with a wrong name refuses (77), records declined, touches nothing" {
  run hgpty -e "Type the hostname" -s 'db2\n' -- -f "$POL" -- touch "$T/protected/f"
  [ "$status" -eq 77 ]
  [[ "$output" == *"rule touchy"* ]]
  [[ "$output" == *"not this host's name"* ]]
  [ ! -e "$T/protected/f" ]
  run recs event decision rule
  [ "$output" = "decision declined touchy" ]
}

@test "run: confirm answered by EOF (Ctrl-D) refuses (77)" {
  run hgpty -e "Type the hostname" -d -- -f "$POL" -- touch "$T/protected/f"
  [ "$status" -eq 77 ]
  [ ! -e "$T/protected/f" ]
  run recs event decision
  [ "$output" = "decision declined" ]
}

@test "run: Ctrl-C at the prompt refuses (77) and leaves the terminal sane" {
  run hgpty -e "Type the hostname" -c -- -f "$POL" -- touch "$T/protected/f"
  [ "$status" -eq 77 ]
  [[ "$output" == *"interrupted"* ]]
  [ ! -e "$T/protected/f" ]
  run recs event decision note
  [ "$output" = "decision declined interrupted at the prompt" ]
}

@test "run: type-ahead sent before the question never answers it" {
  # db1 typed before the question is flushed; only the later answer counts.
  run hgpty -s 'db1\n' -e "Type the hostname" -s 'nope\n' -- -f "$POL" -- hg-confirm
  [ "$status" -eq 77 ]
  [ ! -e "$T/marks/hg-confirm" ]
}

@test "run: deny refuses (77) with the rule's message and records denied" {
  run hg -- -f "$POL" -- hg-deny
  [ "$status" -eq 77 ]
  [[ "$output" == *"refused by rule refused: Never on a database host."* ]]
  [ ! -e "$T/marks/hg-deny" ]
  run recs event decision action rule
  [ "$output" = "decision denied deny refused" ]
}

@test "run: approve without a terminal is refused at once (77), never waits on an approver" {
  run hg -- -f "$POL" -- hg-approve
  [ "$status" -eq 77 ]
  [[ "$output" == *"needs a second approver and there is no terminal"* ]]
  [ ! -e "$T/marks/hg-approve" ]
  run recs decision action note
  [ "$output" = "denied approve no terminal; noninteractive = deny" ]
}

@test "run: no terminal and noninteractive = deny: 77 at once, one line" {
  run timeout 10 setsid -w "${UTS[@]}" db1 "$HG" -f "$POL" -- hg-confirm </dev/null
  [ "$status" -eq 77 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"no terminal to ask on (noninteractive = deny)"* ]]
  [ ! -e "$T/marks/hg-confirm" ]
  run recs decision note
  [ "$output" = "denied no terminal; noninteractive = deny" ]
}

@test "run: no terminal and noninteractive = allow: runs, recorded as allowed, not confirmed" {
  write_policy allow "$T/log" >"$POL"
  run timeout 10 setsid -w "${UTS[@]}" db1 "$HG" -f "$POL" -- hg-confirm </dev/null
  [ "$status" -eq 0 ]
  [ -e "$T/marks/hg-confirm" ]
  run recs event decision action note
  [ "${lines[0]}" = "decision allowed confirm no terminal; noninteractive = allow: no one was asked" ]
  [[ "${lines[1]}" == "exit allowed confirm "* ]]
}

@test "run: the exit status passes through" {
  run hg -- -f "$POL" -- hg-exit3
  [ "$status" -eq 3 ]
  run recs event exit signal
  [ "${lines[1]}" = "exit 3 0" ] || [ "${lines[1]}" = "exit 3 null" ]
}

@test "run: killed by SIGTERM: 143, and hostguard does not kill itself" {
  run hg -- -f "$POL" -- hg-killself
  [ "$status" -eq 143 ]
  run recs event exit signal
  [ "${lines[1]}" = "exit 143 15" ]
}

@test "run: not found is 127, not executable is 126, before any record" {
  run -127 hg -- -f "$POL" -- hg-no-such-program
  [ "$status" -eq 127 ]
  [[ "$output" == *"hostguard: hg-no-such-program: command not found"* ]]
  run hg -- -f "$POL" -- hg-noexec
  [ "$status" -eq 126 ]
  run hg -- -f "$POL" -- "$T/bin/hg-noexec"
  [ "$status" -eq 126 ]
  [ -z "$(ls -A "$T/log")" ]
}

@test "run: Ctrl-C reaches a confirmed long-running command: 130" {
  run hgpty -e "Type the hostname" -s 'db1\n' -e started -p 200 -c -- -f "$POL" -- hg-csleep
  [ "$status" -eq 130 ]
  run recs event decision exit signal
  [ "${lines[1]}" = "exit confirmed 130 2" ]
}

@test "run: the command owns the terminal: it reads it in the foreground" {
  run hgpty -e "say: " -s 'hello\n' -e "got hello" -- -f "$POL" -- hg-read
  [ "$status" -eq 0 ]
  [[ "$output" == *"got hello"* ]]
}

@test "run: started in the background, then fg: the command gets the terminal" {
  run "$PTYRUN" -t 20 -e '$ ' -s "$HG -f $POL -- hg-bgread &\n" -e '$ ' -s 'fg\n' \
    -e 'say: ' -s 'hello\n' -e 'got hello' -e '$ ' -s 'exit\n' -- \
    "${UTS[@]}" db1 env PS1='$ ' PATH="$PATH" bash --norc --noprofile -i
  [ "$status" -eq 0 ]
  [[ "$output" == *"got hello"* ]]
  run recs event exit
  [ "${lines[1]}" = "exit 0" ]
}

@test "run: Ctrl-Z stops the command and hostguard; fg resumes it in the foreground" {
  # An interactive shell on the pty does the job control, as an operator's would.
  run "$PTYRUN" -t 20 -e '$ ' -s "$HG -f $POL -- hg-sleep\n" -e started -p 200 -z \
    -e Stopped -s 'echo st=$?\n' -e 'st=' -s 'fg\n' -p 300 -c -e '$ ' \
    -s 'echo rc=$?\n' -e 'rc=' -s 'exit\n' -- \
    "${UTS[@]}" db1 env PS1='$ ' PATH="$PATH" bash --norc --noprofile -i
  [ "$status" -eq 0 ]
  [[ "$output" == *"st=148"* ]]
  [[ "$output" == *"rc=130"* ]]
  run recs event exit signal
  [ "${lines[1]}" = "exit 130 2" ]
}

@test "run: on a host the policy does not guard, the command runs untouched, unrecorded" {
  run hg web1 -- -f "$POL" -- hg-deny
  [ "$status" -eq 0 ]
  [ -e "$T/marks/hg-deny" ]
  [ -z "$(ls -A "$T/log")" ]
}

@test "run: an untrusted policy is refused (78)" {
  chmod 0666 "$POL"
  run hg -- -f "$POL" -- hg-allow
  [ "$status" -eq 78 ]
  [[ "$output" == *"writable by group or others"* ]]
  chmod 0644 "$POL"
  chown nobody "$POL"
  run hg -- -f "$POL" -- hg-allow
  [ "$status" -eq 78 ]
  [[ "$output" == *"not root"* ]]
  [ ! -e "$T/marks/hg-allow" ]
}

@test "run: a password never reaches the log nor the terminal" {
  run hg -- -f "$POL" -- hg-log --password=hunter2 -p secret1
  [ "$status" -eq 0 ]
  run ! grep -rq hunter2 "$T/log"
  grep -rq -- '--password=' "$T/log"
  run hgpty -e "Type the hostname" -s 'db1\n' -- -f "$POL" -- hg-confirm --password=hunter2
  [ "$status" -eq 0 ]
  [[ "$output" == *"--password="* ]]
  [[ "$output" != *hunter2* ]]
  run ! grep -rq hunter2 "$T/log"
  # The command itself got the real argument.
  [ "$(cat "$T/marks/hg-confirm")" = "--password=hunter2" ]
}

@test "run: an argument that is not UTF-8 runs and is recorded byte for byte" {
  run hg -- -f "$POL" -- hg-log $'\xff\xfeok' plain
  [ "$status" -eq 0 ]
  [ "$(cat "$T/marks/hg-log")" = $'\xff\xfeok\nplain' ]
  python3 - "$T/log" <<'EOF'
import glob, json, sys
recs = [json.loads(l) for f in glob.glob(sys.argv[1] + "/*.jsonl") for l in open(f, encoding="utf-8")]
for r in recs:
    assert r["argv_bytes"] == [1], r.get("argv_bytes")
    assert r["argv"][1].encode("latin-1") == b"\xff\xfeok", r["argv"]
    assert r["argv"][2] == "plain"
EOF
}

@test "run: a 2 MiB command line runs and is recorded whole" {
  run bash -c 'ulimit -s 65536 2>/dev/null || ulimit -s unlimited
    big=$(head -c 102400 /dev/zero | tr "\0" a)
    args=(); for i in $(seq 20); do args+=("$big"); done
    exec setsid -w "$@" "${args[@]}"' bash "${UTS[@]}" db1 "$HG" -f "$POL" -- hg-log
  [ "$status" -eq 0 ]
  [ "$(wc -l <"$T/marks/hg-log")" -eq 20 ]
  python3 - "$T/log" <<'EOF'
import glob, json, sys
recs = [json.loads(l) for f in glob.glob(sys.argv[1] + "/*.jsonl") for l in open(f)]
assert len(recs) == 2
assert len(recs[0]["argv"]) == 21 and all(len(a) == 102400 for a in recs[0]["argv"][1:])
EOF
}

@test "run: a full log disk stops log and confirm commands (77)" {
  mkdir "$T/full"
  write_policy allow "$T/full" >"$POL"
  run setsid -w unshare -m -u sh -c '
    hostname db1 && mount -t tmpfs -o size=64k,mode=0700 hg-test "$1" || exit 99
    dd if=/dev/zero of="$1/fill" bs=4k 2>/dev/null
    shift; "$@" -- hg-log; echo "log=$?"
    "$@" -- hg-confirm; echo "confirm=$?"
    "$@" -- hg-allow; echo "allow=$?"' sh "$T/full" "$HG" -f "$POL"
  [ "$status" -eq 0 ]
  [[ "$output" == *"log=77"* ]]
  [[ "$output" == *"confirm=77"* ]]
  [[ "$output" == *"allow=0"* ]]
  [[ "$output" == *"not running hg-log"*"No space left on device"* ]]
  [ ! -e "$T/marks/hg-log" ]
  [ ! -e "$T/marks/hg-confirm" ]
  [ -e "$T/marks/hg-allow" ]
}

@test "run: a log_dir that is a symlink is refused (77)" {
  ln -s "$T/log" "$T/loglink"
  write_policy deny "$T/loglink" >"$POL"
  run hg -- -f "$POL" -- hg-log
  [ "$status" -eq 77 ]
  [[ "$output" == *"not running hg-log: the audit record cannot be written"* ]]
  [ ! -e "$T/marks/hg-log" ]
  [ -z "$(ls -A "$T/log")" ]
}

@test "run: an ordinary user writes records into a root-owned sticky 1733 log_dir" {
  command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
  # Outside the 0700 bats tmp dir, which another user cannot traverse.
  D=$(mktemp -d /tmp/hostguard-1733.XXXXXX)
  chmod 0755 "$D"
  mkdir -m 01733 "$D/log"
  printf 'hosts = {"db*"}\nlog_dir = "%s/log"\nrule log-true { command = {"true"} action = log }\n' "$D" >"$D/policy.conf"
  chmod 0644 "$D/policy.conf"
  run setsid -w "${UTS[@]}" db1 setpriv --reuid=65534 --regid=65534 --clear-groups "$HG" -f "$D/policy.conf" -- true
  owner=$(stat -c %U "$D/log/nobody.jsonl" 2>/dev/null || echo missing)
  lines=$(wc -l <"$D/log/nobody.jsonl" 2>/dev/null || echo 0)
  rm -rf "$D"
  [ "$status" -eq 0 ]
  [ "$owner" = nobody ]
  [ "$lines" -eq 2 ]
}
