#!/usr/bin/env bats
# log --verify --witness against a real rsyslogd: the daemon is started by
# the test on a private socket, and hostguard runs in a private mount
# namespace whose /dev/log is that socket (a tmpfs over /dev with the few
# devices bound back), in a UTS namespace named db1.  The witness file is
# root's, in the test's tmp dir.  Then the log is tampered with as its
# writer could, and each tampering is found with its line.

bats_require_minimum_version 1.5.0

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root: mount and UTS namespaces"
  command -v rsyslogd >/dev/null || skip "no rsyslogd"
  HG=${HOSTGUARD:-$PWD/build/hostguard}
  [ -x "$HG" ] || skip "no hostguard binary at $HG"
  T=$BATS_TEST_TMPDIR
  mkdir -p "$T/log" "$T/bin" "$T/rs"
  chmod 0700 "$T/log"
  printf '#!/bin/sh\nexit 0\n' >"$T/bin/hg-log"
  chmod 0755 "$T/bin/hg-log"
  cat >"$T/policy.conf" <<EOF
hosts = {"db*"}
default = allow
log_dir = "$T/log"
rule logged { command = {"hg-log"} action = log }
EOF
  chmod 0644 "$T/policy.conf"
  cat >"$T/rsyslog.conf" <<EOF
global(workDirectory="$T/rs")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$T/log.sock" CreatePath="on" RateLimit.Interval="0" Annotate="on")
authpriv.* action(type="omfile" file="$T/witness.log" fileCreateMode="0600")
EOF
  rsyslogd -f "$T/rsyslog.conf" -i "$T/rs/pid"
  for _ in $(seq 100); do [ -S "$T/log.sock" ] && break; sleep 0.05; done
  [ -S "$T/log.sock" ]
  F=$T/log/root.jsonl
  W=$T/witness.log
}

teardown() {
  [ -s "$T/rs/pid" ] && kill "$(cat "$T/rs/pid")" 2>/dev/null || true
}

# ns CMD...: CMD on host db1 with /dev/log the test's rsyslogd.
ns() {
  unshare -m -u sh -ec '
    T=$1; shift
    mount --make-rprivate /
    mkdir -p "$T/realdev"
    mount --rbind /dev "$T/realdev"
    mount -t tmpfs -o mode=0755 tmpfs /dev
    for d in null zero full random urandom tty; do
      touch "/dev/$d"; mount --bind "$T/realdev/$d" "/dev/$d"
    done
    mkdir /dev/pts /dev/shm; mount --rbind "$T/realdev/pts" /dev/pts
    ln -s pts/ptmx /dev/ptmx; ln -s /proc/self/fd /dev/fd
    touch /dev/log; mount --bind "$T/log.sock" /dev/log
    hostname db1
    exec "$@"' sh "$T" "$@"
}

# runs N: N guarded runs, each writes two records (decision, exit).
runs() {
  ns sh -c 'for i in $(seq "$1"); do "$2" -f "$3" -- "$4/bin/hg-log" "$i" </dev/null || exit 1; done' \
    sh "$1" "$HG" "$T/policy.conf" "$T"
}

# witnessed N: waits until the witness holds N record hashes.
witnessed() {
  for _ in $(seq 1200); do
    [ "$(grep -c ' hostguard\[[0-9]*\]: sha256=' "$W" 2>/dev/null)" -ge "$1" ] && return 0
    sleep 0.05
  done
  echo "witness holds $(grep -c 'sha256=' "$W" 2>/dev/null) of $1" >&2
  return 1
}

# rechain FILE [DROP_LINE] [SED_EXPR]: rewrites FILE as its dishonest owner
# would: drops a line, edits the rest, renumbers seq, recomputes prev, and
# rewrites the .head to match.
rechain() {
  python3 - "$@" <<'EOF'
import hashlib, json, re, sys
path = sys.argv[1]
drop = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] else 0
edit = sys.argv[3] if len(sys.argv) > 3 else None
lines = [l.rstrip("\n") for l in open(path, encoding="utf-8")]
if drop:
    del lines[drop - 1]
prev, out = "0" * 64, []
for i, l in enumerate(lines, 1):
    if edit:
        a, b = edit.split("/")
        l = l.replace(a, b)
    l = re.sub(r'"seq":\d+', '"seq":%d' % i, l, count=1)
    l = re.sub(r'"prev":"[0-9a-f]{64}"', '"prev":"%s"' % prev, l)
    out.append(l)
    prev = hashlib.sha256(l.encode()).hexdigest()
open(path, "w", encoding="utf-8").write("".join(x + "\n" for x in out))
open(path + ".head", "w").write(json.dumps({"seq": len(out), "hash": prev}, separators=(",", ":")) + "\n")
EOF
}

@test "witness: an honest log verifies clean against rsyslog's copy, with the sender's uid" {
  runs 4
  witnessed 8
  [ "$(stat -c %U "$W")" = root ]
  run "$HG" log --verify --witness "$W" "$T/log"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"verified 1 file(s), 8 record(s): 0 break(s), intact"* ]]
  [[ "$output" == *"witness $W: 8 record hash(es) from "*", 8 with the sender's trusted _UID; 8 record(s) of the files witnessed"* ]]
  run "$HG" log --verify --witness none "$T/log"
  [ "$status" -eq 0 ]
  [[ "$output" == *"no witness: --witness none; against the files' own writer the chain proves nothing"* ]]
}

@test "witness: the dishonest rewrite (drop, renumber, re-chain, new head) is found" {
  runs 4
  witnessed 8
  rechain "$F" 3
  run "$HG" log --verify "$T/log"
  [ "$status" -eq 0 ] # the chain alone cannot see it: that is the issue
  run -1 "$HG" log --verify --witness "$W" "$T/log"
  echo "$output"
  [[ "$output" == *"$F:3: renumbered: the witness saw this record (id "*") as seq 4, with another hash; the file has it as seq 3"* ]]
  [[ "$output" == *"$F:3: removed: the witness holds seq 3 (record id "* ]]
  [[ "$output" == *"$F:7: renumbered: "*"as seq 8"* ]]
}

@test "witness: deleting the first record" {
  runs 3
  witnessed 6
  sed -i 1d "$F"
  run -1 "$HG" log --verify "$T/log"
  [[ "$output" == *"$F:1: cut: the chain starts at seq 2, not at seq 1 with a genesis prev"* ]]
  run -1 "$HG" log --verify --witness "$W" "$T/log"
  [[ "$output" == *"$F:1: removed: the witness holds seq 1 (record id "* ]]
}

@test "witness: deleting the last record, head rewritten to match" {
  runs 3
  witnessed 6
  rechain "$F" 6
  run "$HG" log --verify "$T/log"
  [ "$status" -eq 0 ]
  run -1 "$HG" log --verify --witness "$W" "$T/log"
  echo "$output"
  [[ "$output" == *"$F:6: removed: the witness holds seq 6 (record id "*") that no file has"* ]]
}

@test "witness: truncation in the middle of a record is an edit, not a torn write" {
  runs 3
  witnessed 6
  size=$(head -n 4 "$F" | wc -c)
  truncate -s $((size + 40)) "$F"
  run -1 "$HG" log --verify --witness "$W" "$T/log"
  echo "$output"
  [[ "$output" == *"$F:5: edited: cut short, but the witness holds the whole record seq 5"* ]]
  [[ "$output" == *"$F:6: removed: the witness holds seq 6 (record id "* ]]
  [[ "$output" != *"torn"* ]]
}

@test "witness: an edited record" {
  runs 3
  witnessed 6
  sed -i '3s/"hg-log"/"hg-lol"/; 3s/\/hg-log"/\/hg-lol"/' "$F"
  run -1 "$HG" log --verify --witness "$W" "$T/log"
  echo "$output"
  [[ "$output" == *"$F:3: edited: the witness holds another hash for this record (id "*", seq 3, sent at "* ]]
}

@test "witness: file and head rewritten together, with new ids" {
  runs 3
  witnessed 6
  rechain "$F" "" '"id":"/"id":"x'
  run "$HG" log --verify "$T/log"
  [ "$status" -eq 0 ]
  run -1 "$HG" log --verify --witness "$W" "$T/log"
  echo "$output"
  [[ "$output" == *"$F:1: rewritten: the witness holds another hash for seq 1"* ]]
  [[ "$output" == *"$F:6: rewritten: the witness holds another hash for seq 6"* ]]
}

@test "witness: a user's whole log and head deleted" {
  runs 3
  witnessed 6
  rm "$F" "$F.head"
  run "$HG" log --verify "$T/log"
  [ "$status" -eq 0 ] # nothing left to check: only the witness knows
  run -1 "$HG" log --verify --witness "$W" "$T/log"
  echo "$output"
  [[ "$output" == *"$T/log/root.jsonl:0: removed: the witness holds 6 record(s) of this user on db1 (seq 1..6, sent "*"), but none of their files is here"* ]]
}

@test "witness: a torn tail the writer went on from is torn, not edited" {
  runs 2
  printf '{"v":1,"seq":5,"ts":"2026-' >>"$F"
  runs 1
  witnessed 6
  run "$HG" log --verify --witness "$W" "$T/log"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"$F:5: torn: a record cut short by an interrupted write; the chain goes on from it"* ]]
  [[ "$output" == *"0 break(s), intact, 1 note(s)"* ]]
}

@test "witness: a tail torn before its seq, which the writer took from the head" {
  runs 2
  printf '{"v":1,"se' >>"$F"
  runs 1
  witnessed 6
  run "$HG" log --verify --witness "$W" "$T/log"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"$F:5: torn: a record cut short by an interrupted write; the chain goes on from it"* ]]
}

@test "witness: a rotated, compressed witness and standard input" {
  runs 2
  witnessed 4
  gzip -c "$W" >"$W.1.gz"
  run "$HG" log --verify --witness "$W.1.gz" "$F"
  [ "$status" -eq 0 ]
  run "$HG" log --verify --witness - "$F" <"$W"
  [ "$status" -eq 0 ]
  [[ "$output" == *"witness -: 4 record hash(es)"* ]]
}

@test "witness: a journalctl -o json export, MESSAGE as text or bytes, trusted _UID" {
  runs 2
  python3 - "$F" "$T/journal.json" <<'EOF'
import hashlib, json, sys
out = open(sys.argv[2], "w")
for i, l in enumerate(open(sys.argv[1], "rb")):
    rec = l.rstrip(b"\n")
    msg = b"sha256=" + hashlib.sha256(rec).hexdigest().encode() + b" " + rec
    e = {"__REALTIME_TIMESTAMP": str(1700000000000000 + i), "SYSLOG_IDENTIFIER": "hostguard",
         "_UID": "4242" if i == 2 else "0", "_PID": "1",
         "MESSAGE": list(msg) if i == 1 else msg.decode()}
    out.write(json.dumps(e) + "\n")
out.write(json.dumps({"SYSLOG_IDENTIFIER": "sshd", "MESSAGE": "unrelated", "_UID": "0"}) + "\n")
EOF
  run -1 "$HG" log --verify --witness "$T/journal.json" "$F"
  echo "$output"
  # record 3's hash came from uid 4242, neither its writer (root) nor root:
  # set aside, so record 3 is one the witness never got
  [[ "$output" == *"$F:3: never witnessed, though the witness covers "* ]]
  [[ "$output" == *"3 record hash(es)"*"3 with the sender's trusted _UID; 3 record(s) of the files witnessed; 1 line(s) set aside, sent by a uid that is neither root nor their record's writer (not evidence)"* ]]
  [ "$(grep -c 'never witnessed' <<<"$output")" -eq 1 ]
}

@test "witness: records later than the witness are a shipping gap, not a forgery" {
  runs 1
  witnessed 2
  cp "$W" "$T/early.log"
  sleep 1.1
  runs 1
  run "$HG" log --verify --witness "$T/early.log" "$F"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"$F:3: not witnessed: seq 3 at "*" is outside the witness's time range"* ]]
}

@test "witness: 10,000 records from 8 concurrent writers verify clean" {
  # Under ASan (make check's second pass) a tenth: the same races, 4x slower runs.
  per=625
  [[ "$HG" != *asan* ]] || per=63
  ns sh -c 'for w in 1 2 3 4 5 6 7 8; do
      (for i in $(seq "$4"); do "$1" -f "$2" -- "$3/bin/hg-log" "$w" "$i" </dev/null || exit 1; done) &
    done; wait' sh "$HG" "$T/policy.conf" "$T" "$per"
  n=$((per * 16))
  witnessed "$n"
  run "$HG" log --verify --witness "$W" "$T/log"
  [ "$status" -eq 0 ]
  [[ "$output" == *"$n record(s): 0 break(s), intact"* ]]
  [[ "$output" == *"$n record(s) of the files witnessed"* ]]
}

# ---- no --witness: the local journal, read with journalctl ----

# jns MODE CMD...: CMD on host $JNS_HOST (db1) in a mount namespace where journalctl is
#   absent: a non-executable file bound over each journalctl of the secure PATH;
#   FILE:   a root-owned copy of the script FILE, the first journalctl of the
#           secure PATH (on a tmpfs over /usr/local/sbin), the real ones hidden;
#   live:   the real one, reading the journal of a systemd-journald started in
#           the namespace (tmpfs over /run and /var/log/journal, /dev/log its
#           socket), to which CMD's guarded runs log.  Exit 77: it did not start.
jns() {
  unshare -m -u sh -ec '
    T=$1; mode=$2; shift 2
    mount --make-rprivate /
    hostname "${JNS_HOST:-db1}"
    if [ "$mode" != live ]; then
      printf "not a program\n" >"$T/not-executable"; chmod 0644 "$T/not-executable"
      for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
        [ ! -e "$d/journalctl" ] || mount --bind "$T/not-executable" "$d/journalctl"
      done
      if [ "$mode" != absent ]; then
        mount -t tmpfs -o mode=0755 tmpfs /usr/local/sbin
        cp "$mode" /usr/local/sbin/journalctl; chmod 0755 /usr/local/sbin/journalctl
      fi
      exec "$@"
    fi
    mount -t tmpfs -o mode=0755 tmpfs /run
    [ ! -d /var/log/journal ] || mount -t tmpfs -o mode=2755 tmpfs /var/log/journal
    mkdir -p "$T/realdev" /run/systemd/journal
    mount --rbind /dev "$T/realdev"
    mount -t tmpfs -o mode=0755 tmpfs /dev
    for d in null zero full random urandom tty kmsg; do
      [ ! -e "$T/realdev/$d" ] || { touch "/dev/$d"; mount --bind "$T/realdev/$d" "/dev/$d"; }
    done
    mkdir /dev/pts /dev/shm; mount --rbind "$T/realdev/pts" /dev/pts
    ln -s pts/ptmx /dev/ptmx; ln -s /proc/self/fd /dev/fd
    "$JOURNALD" >"$T/journald.out" 2>&1 &
    jd=$!
    for _ in $(seq 100); do [ -S /run/systemd/journal/dev-log ] && break; sleep 0.05; done
    if [ ! -S /run/systemd/journal/dev-log ]; then kill "$jd" 2>/dev/null || true; exit 77; fi
    touch /dev/log; mount --bind /run/systemd/journal/dev-log /dev/log
    rc=0; "$@" || rc=$?
    kill "$jd"; wait "$jd" || true
    exit "$rc"' sh "$T" "$@"
}

# export_of FILE OUT: a recorded `journalctl -o json` export of FILE's
# records as journald stores them (trusted _UID 0), and an unrelated entry.
export_of() {
  python3 - "$1" "$2" <<'EOF'
import hashlib, json, sys
out = open(sys.argv[2], "w")
for i, l in enumerate(open(sys.argv[1], "rb")):
    rec = l.rstrip(b"\n")
    msg = b"sha256=" + hashlib.sha256(rec).hexdigest().encode() + b" " + rec
    out.write(json.dumps({"__REALTIME_TIMESTAMP": str(1700000000000000 + i), "_UID": "0",
                          "SYSLOG_IDENTIFIER": "hostguard", "MESSAGE": msg.decode()}) + "\n")
out.write(json.dumps({"SYSLOG_IDENTIFIER": "sshd", "MESSAGE": "unrelated", "_UID": "0"}) + "\n")
EOF
}

# fake_journalctl OUT [EXIT [STDERR]]: $T/jc, a journalctl that records its
# arguments and environment (when it may), prints what the file OUT holds
# (copied in: the caller may not be able to read $T), says STDERR, exits EXIT.
fake_journalctl() {
  {
    printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s/jc.args" 2>/dev/null\nenv >"%s/jc.env" 2>/dev/null\n' "$T" "$T"
    printf "cat <<'JOURNAL'\n"
    cat "$1"
    printf 'JOURNAL\n'
    [ -z "${3:-}" ] || printf 'echo "%s" >&2\n' "$3"
    printf 'exit %s\n' "${2:-0}"
  } >"$T/jc"
}

@test "no --witness, journalctl absent: no witness, and the chain alone" {
  runs 2
  run jns absent "$HG" log --verify "$T/log"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"hostguard: no witness: journalctl not found in /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; against the files' own writer the chain proves nothing"* ]]
  run -1 jns absent "$HG" log --verify --witness journal "$T/log"
  [[ "$output" == *"hostguard: witness journal: journalctl not found in "* ]]
  rechain "$F" 3
  run -0 jns absent "$HG" log --verify "$T/log" # without a witness the rewrite goes unseen
}

@test "no --witness, journalctl fails: no witness, with what it said" {
  runs 2
  fake_journalctl /dev/null 1 "No journal files were opened due to insufficient permissions."
  run jns "$T/jc" "$HG" log --verify "$T/log"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"no witness: /usr/local/sbin/journalctl failed (exit 1): No journal files were opened due to insufficient permissions.; against the files' own writer"* ]]
  run -1 jns "$T/jc" "$HG" log --verify --witness journal "$T/log"
  [[ "$output" == *"hostguard: witness journal: /usr/local/sbin/journalctl failed (exit 1)"* ]]
  [[ "$output" != *"verified"* ]]
}

@test "no --witness, a journal without hostguard records is no witness, not every record unwitnessed" {
  runs 2
  printf '{"SYSLOG_IDENTIFIER":"sshd","MESSAGE":"Accepted publickey","_UID":"0"}\n' >"$T/other.json"
  fake_journalctl "$T/other.json"
  run jns "$T/jc" "$HG" log --verify "$T/log"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"no witness: the journal holds no hostguard records; against the files' own writer"* ]]
  [[ "$output" != *"witnessed"* ]]
}

@test "no --witness, the local journal (a recorded export behind journalctl) is the witness" {
  runs 2
  export_of "$F" "$T/journal.json"
  fake_journalctl "$T/journal.json"
  run jns "$T/jc" env HG_TEST_SECRET=hunter2 "$HG" log --verify "$T/log"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"0 break(s), intact"* ]]
  [[ "$output" == *"hostguard: witness local journal (/usr/local/sbin/journalctl): 4 record hash(es) from "*", 4 with the sender's trusted _UID; 4 record(s) of the files witnessed"* ]]
  # run safely: these arguments, and an environment of PATH and LC_ALL only
  [ "$(tr '\n' ' ' <"$T/jc.args")" = "-q --no-pager -a -o json --output-fields=MESSAGE,SYSLOG_IDENTIFIER,_UID SYSLOG_IDENTIFIER=hostguard " ]
  run ! grep -q hunter2 "$T/jc.env"
  grep -qx 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "$T/jc.env"
  grep -qx 'LC_ALL=C' "$T/jc.env"
  # the dishonest rewrite, found with no --witness given
  rechain "$F" 3
  run -1 jns "$T/jc" "$HG" log --verify "$T/log"
  echo "$output"
  [[ "$output" == *"$F:3: renumbered: the witness saw this record (id "*") as seq 4, with another hash; the file has it as seq 3"* ]]
  [[ "$output" == *"witness local journal (/usr/local/sbin/journalctl)"* ]]
  run -0 jns "$T/jc" "$HG" log --verify --witness none "$T/log"
}

@test "no --witness, a journal read only in part is an error, not a quiet fallback to no witness" {
  runs 2
  export_of "$F" "$T/journal.json"
  fake_journalctl "$T/journal.json" 1 "Failed to iterate through journal: Bad message"
  run -1 jns "$T/jc" "$HG" log --verify "$T/log"
  echo "$output"
  [[ "$output" == *"hostguard: witness journal: /usr/local/sbin/journalctl failed (exit 1): Failed to iterate through journal: Bad message"* ]]
  [[ "$output" != *"no witness"* ]]
  # the same with SIGCHLD ignored by whoever started verify: its child's end
  # is still known, and a failure is not read as success
  run -1 jns "$T/jc" python3 -c 'import os, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
os.execv(sys.argv[1], sys.argv[1:])' "$HG" log --verify "$T/log"
  echo "$output"
  [[ "$output" == *"hostguard: witness journal: /usr/local/sbin/journalctl failed (exit 1)"* ]]
  # a hostguard entry longer than the reader takes (any local user can send
  # one): skipped and said, and the check goes on
  fake_journalctl "$T/journal.json"
  sed -i '$d' "$T/jc" # its exit: the long line follows
  printf 'printf %s "{\\"SYSLOG_IDENTIFIER\\":\\"hostguard\\",\\"MESSAGE\\":\\""\nhead -c 17000000 /dev/zero | tr "\\0" x\necho\n' "'%s'" >>"$T/jc"
  run -0 jns "$T/jc" "$HG" log --verify "$T/log"
  echo "$output"
  [[ "$output" == *"hostguard: the journal holds 1 entry under our name longer than any record of ours: skipped, not ours"* ]]
  [[ "$output" == *"0 break(s), intact"* ]]
  [[ "$output" == *"4 record hash(es)"* ]]
}

@test "no --witness, the local journal witnesses this host only: another host's copy is a break, with what to do" {
  runs 2
  # the central host's journal: its own records (another host, other ids)
  sed 's/"host":"db1"/"host":"central"/; s/"id":"/"id":"c/' "$F" >"$T/central.jsonl"
  export_of "$T/central.jsonl" "$T/journal.json"
  fake_journalctl "$T/journal.json"
  export JNS_HOST=central
  run -1 jns "$T/jc" "$HG" log --verify "$F"
  echo "$output"
  [[ "$output" == *"$F:1: not witnessed: a record of host db1, and the local journal witnesses this host (central) only: a copy from db1 is verified against db1's own witness (--witness FILE), or with --witness none (later records of db1: not told again) (seq 1 at "* ]]
  [[ "$output" == *"1 break(s)"* ]] # once a host, not at every record
  run -0 jns "$T/jc" "$HG" log --verify --witness none "$F"
}

@test "no --witness, a log rewritten with its host respelled is found (the host is the writer's word)" {
  runs 2
  export_of "$F" "$T/journal.json"
  fake_journalctl "$T/journal.json"
  run -0 jns "$T/jc" "$HG" log --verify "$T/log"
  # the owner drops record 3, respells the host and the ids, re-chains
  rechain "$F" 3 '"host":"db1"/"host":"db1.example"'
  sed -i 's/"id":"/"id":"x/' "$F"
  rechain "$F"
  run -1 jns "$T/jc" "$HG" log --verify "$T/log"
  echo "$output"
  [[ "$output" == *"a record of host db1.example, and the local journal witnesses this host (db1) only"* ]]
  [[ "$output" != *"intact"* ]]
}

@test "no --witness, journal lines under our name from a uid that could not have written them are set aside" {
  runs 2
  export_of "$F" "$T/journal.json"
  # uid 1000 logs, as `logger -t hostguard` lets anyone, other hashes for
  # root's seq 2 and a seq the file never had
  python3 - "$F" "$T/journal.json" <<'EOF'
import hashlib, json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
out = open(sys.argv[2], "a")
for seq in (2, 9):
    r = dict(recs[0]); r["seq"] = seq; r["id"] = "f" * 32
    text = json.dumps(r, separators=(",", ":"))
    msg = "sha256=" + hashlib.sha256(text.encode()).hexdigest() + " " + text
    out.write(json.dumps({"_UID": "1000", "SYSLOG_IDENTIFIER": "hostguard", "MESSAGE": msg}) + "\n")
EOF
  fake_journalctl "$T/journal.json"
  run -0 jns "$T/jc" "$HG" log --verify "$T/log"
  echo "$output"
  [[ "$output" == *"0 break(s), intact"* ]]
  [[ "$output" == *"2 line(s) set aside, sent by a uid that is neither root nor their record's writer (not evidence)"* ]]
}

@test "no --witness, a journalctl that others can replace is no witness, and an error" {
  runs 2
  export_of "$F" "$T/journal.json"
  fake_journalctl "$T/journal.json"
  chmod 0777 "$T/jc"
  run -1 jns "$T/jc" sh -c 'chmod 0777 /usr/local/sbin/journalctl && exec "$0" log --verify "$1"' "$HG" "$T/log"
  echo "$output"
  [[ "$output" == *"/usr/local/sbin/journalctl is not root's alone"* ]]
}

@test "no --witness, a caller who sees only their own journal: another uid's records are notes" {
  runs 2
  head -n 2 "$F" >"$T/first2.jsonl"
  export_of "$T/first2.jsonl" "$T/journal.json" # what journalctl shows nobody
  chmod 0644 "$T/journal.json"
  fake_journalctl "$T/journal.json"
  run jns "$T/jc" setpriv --reuid=65534 --regid=65534 --clear-groups "$HG" log --verify - <"$F"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"-:3: not witnessed: a record of uid 0, and journalctl shows you (uid 65534) only your own messages (later records of uid 0: not noted again) (seq 3 at "* ]]
  [[ "$output" == *"witness local journal (/usr/local/sbin/journalctl; uid 65534's own messages only: not root, nor in group systemd-journal, adm or wheel): 2 record hash(es)"* ]]
  [[ "$output" == *"0 break(s), intact, 1 note(s)"* ]]
}

@test "no --witness, a live systemd-journald in the test's namespace is the witness" {
  export JOURNALD=/lib/systemd/systemd-journald
  [ -x "$JOURNALD" ] || skip "no $JOURNALD: systemd is not installed"
  command -v journalctl >/dev/null || skip "no journalctl"
  jc=$(command -v journalctl)
  cat >"$T/live.sh" <<EOF
set -e
for i in 1 2 "\$(printf '%05000d' 3)"; do "$HG" -f "$T/policy.conf" -- "$T/bin/hg-log" "\$i" </dev/null; done
for _ in \$(seq 100); do
  [ "\$(journalctl -q --no-pager -a SYSLOG_IDENTIFIER=hostguard | grep -c sha256=)" -ge 6 ] && break; sleep 0.05
done
echo "== longest record: \$(awk '{ if (length > n) n = length } END { print n }' "$F") bytes"
echo "== honest"; "$HG" log --verify "$T/log" 2>&1 && echo "rc 0" || echo "rc \$?"
echo "== nobody"; setpriv --reuid=65534 --regid=65534 --clear-groups "$HG" log --verify --witness journal /dev/null 2>&1 || echo "rc \$?"
sed -i 3d "$F"
echo "== edited"; "$HG" log --verify "$T/log" 2>&1 && echo "rc 0" || echo "rc \$?"
EOF
  run jns live sh "$T/live.sh"
  echo "$output"
  [ "$status" -ne 77 ] || skip "systemd-journald did not start in a mount namespace here: $(head -c 300 "$T/journald.out")"
  [ "$status" -eq 0 ]
  longest=$(sed -n 's/^== longest record: \([0-9]*\) bytes$/\1/p' <<<"$output")
  [ "$longest" -gt 4096 ] # journalctl -o json shows such a MESSAGE as null without -a
  [[ "$output" == *"== honest"*"verified 1 file(s), 6 record(s): 0 break(s), intact"*"witness local journal ($jc): 6 record hash(es) from "*", 6 with the sender's trusted _UID; 6 record(s) of the files witnessed"*"rc 0"*"== nobody"* ]]
  [[ "$output" == *"== nobody"*"witness journal: $jc failed (exit 1): No journal files were opened due to insufficient permissions. (an ordinary user, not in group systemd-journal or adm, can read only their own journal"*"rc 1"*"== edited"* ]]
  [[ "$output" == *"== edited"*"$F:3: removed: the witness holds seq 3"*"rc 1" ]]
}
