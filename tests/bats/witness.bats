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
  run "$HG" log --verify "$T/log"
  [ "$status" -eq 0 ]
  [[ "$output" == *"no witness: against the files' own writer the chain proves nothing"* ]]
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
  [[ "$output" == *"$F:3: suspect: the witness got this hash from uid 4242, neither the record's writer (uid 0) nor root"* ]]
  [[ "$output" == *"4 record hash(es)"*"4 with the sender's trusted _UID; 4 record(s) of the files witnessed"* ]]
  [ "$(grep -c suspect <<<"$output")" -eq 1 ]
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
