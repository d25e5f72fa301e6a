#!/usr/bin/env bats
# hostguard log / log --verify / report on generated, hash-chained logs.

bats_require_minimum_version 1.5.0

setup() {
  D=$(mktemp -d)
  cat > "$D/gen.py" <<'PY'
import hashlib, json, os, sys
# gen.py DIR USER UID N FILES: N chained records of USER split over FILES files
# (USER.jsonl.(FILES-1) oldest ... USER.jsonl newest), and USER.jsonl.head.
d, user, uid, n, nf = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
decs = ["allowed", "logged", "confirmed", "approved", "denied", "declined", "timeout", "allowed"]
rules = [None, "log-all", "rm-srv", "drop-database", "mkfs", "rm-srv", "drop-database", None]
prev, lines = "0" * 64, []
for i in range(n):
    k = i % 8
    argv = ["mysql", "-e", "drop database x%d" % i] if k == 3 else ["rm", "-rf", "/srv/data %d" % i]
    rec = {"v": 1, "seq": i + 1, "ts": "2026-11-%02dT%02d:%02d:00.000000Z" % (20 + i * 4 // n, i % 24, i % 60),
           "boot_id": "b", "id": "%032x" % (i + 1), "event": "decision", "host": "db%d" % (i % 2 + 1),
           "user": user, "uid": uid, "login_user": user, "pid": 100 + i, "tty": None, "cwd": "/root",
           "mode": "run", "argv": argv, "exe": "/bin/" + argv[0], "rule": rules[k], "action": "allow",
           "decision": decs[k], "approvers": ["bob"] if k == 3 else [], "reason": None, "message": None,
           "note": None, "exit": None, "signal": None, "duration_ms": None, "prev": prev}
    line = json.dumps(rec, separators=(",", ":"))
    prev = hashlib.sha256(line.encode()).hexdigest()
    lines.append(line)
per = (n + nf - 1) // nf
chunks = [lines[i:i + per] for i in range(0, n, per)]
for j, ch in enumerate(chunks):
    idx = len(chunks) - 1 - j
    with open(os.path.join(d, user + ".jsonl" + ("" if idx == 0 else ".%d" % idx)), "w") as f:
        f.write("".join(l + "\n" for l in ch))
with open(os.path.join(d, user + ".jsonl.head"), "w") as f:
    f.write(json.dumps({"seq": n, "hash": prev}, separators=(",", ":")) + "\n")
PY
  mkdir "$D/logs"
  uid=$(id -u)
  python3 "$D/gen.py" "$D/logs" alice "$uid" 24 3   # alice.jsonl.2 (1-8), .1 (9-16), alice.jsonl (17-24)
  python3 "$D/gen.py" "$D/logs" bob "$uid" 8 1
}

teardown() {
  rm -rf "$D"
}

@test "log --json: every record, sorted by time, exactly as stored" {
  run "$HOSTGUARD" log --json "$D/logs"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 32 ]
  grep -qxF "${lines[0]}" "$D/logs/alice.jsonl.2"
  printf '%s\n' "${lines[@]}" | python3 -c '
import json, sys
ts = [json.loads(l)["ts"] for l in sys.stdin]
assert ts == sorted(ts), ts'
}

@test "log filters: user, decision list, host glob, rule, id, grep, since/until" {
  run "$HOSTGUARD" log --json --user bob "$D/logs"
  [ "${#lines[@]}" -eq 8 ]
  run "$HOSTGUARD" log --json --user alice --decision denied,declined "$D/logs"
  [ "${#lines[@]}" -eq 6 ]
  run "$HOSTGUARD" log --json --host 'DB2*' --user bob "$D/logs"
  [ "${#lines[@]}" -eq 4 ]
  run "$HOSTGUARD" log --json --rule drop-database --user alice "$D/logs"
  [ "${#lines[@]}" -eq 6 ]
  run "$HOSTGUARD" log --json --id 00000000000000000000000000000003 --user alice "$D/logs"
  [ "${#lines[@]}" -eq 1 ]
  run "$HOSTGUARD" log --json --grep 'rm -rf /srv/data 1' "$D/logs/alice.jsonl.2" "$D/logs/alice.jsonl.1"
  [ "${#lines[@]}" -eq 6 ]   # data 1, 10..15 but 11 (a mysql command)
  run "$HOSTGUARD" log --json --user alice --since 2026-11-23 --until '2026-11-23T23:59:59Z' "$D/logs"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 6 ]
  run "$HOSTGUARD" log --json --user nobody "$D/logs"
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

@test "log: bad usage exits 64" {
  run "$HOSTGUARD" log --bogus "$D/logs"
  [ "$status" -eq 64 ]
  [[ "$output" == *usage* ]]
  run "$HOSTGUARD" log --since someday "$D/logs"
  [ "$status" -eq 64 ]
  run "$HOSTGUARD" log --decision deny "$D/logs"
  [ "$status" -eq 64 ]
  run "$HOSTGUARD" log --verify --user bob "$D/logs"
  [ "$status" -eq 64 ]
}

@test "log without FILE reads the policy's log_dir; a bad policy exits 78" {
  printf 'hosts = {"db*"}\nlog_dir = "%s"\n' "$D/logs" > "$D/policy.conf"
  run "$HOSTGUARD" log --json -f "$D/policy.conf" --user bob
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 8 ]
  echo 'nonsense = ' > "$D/bad.conf"
  run "$HOSTGUARD" log -f "$D/bad.conf"
  [ "$status" -eq 78 ]
}

@test "log table on a terminal: columns, colours, shell-quoted escaped command" {
  command -v script >/dev/null || skip "no script(1)"
  python3 - "$D/logs/bob.jsonl" <<'PY'
import json, sys
p = sys.argv[1]
lines = open(p).read().splitlines()
r = json.loads(lines[4])
r["argv"] = ["printf", "\x1b]0;pwned\x07", "it's"]
lines[4] = json.dumps(r, separators=(",", ":"))
open(p, "w").write("\n".join(lines) + "\n")
PY
  run script -qec "$HOSTGUARD log --user bob $D/logs/bob.jsonl" /dev/null
  [ "$status" -eq 0 ]
  [[ "$output" == *"TIME (UTC)"*HOST*USER*DECISION*RULE*COMMAND* ]]
  [[ "$output" == *"rm -rf '/srv/data 0'"* ]]
  [[ "$output" == *"printf \$'\\x1b]0;pwned\\x07' 'it'\\''s'"* ]]
  [[ "$output" == *$'\e[31mdenied'* ]]
  [[ "$output" == *$'\e[33mconfirmed'* ]]
  [[ "$output" != *$'\e]0;pwned'* ]]
}

@test "log -: journalctl -o json lines (string and byte-array MESSAGE)" {
  python3 - "$D/logs/bob.jsonl" > "$D/journal.json" <<'PY'
import hashlib, json, sys
for i, l in enumerate(open(sys.argv[1]).read().splitlines()[:3]):
    msg = "sha256=%s %s" % (hashlib.sha256(l.encode()).hexdigest(), l)
    m = list(msg.encode()) if i == 1 else msg
    print(json.dumps({"__CURSOR": "s=%d" % i, "MESSAGE": m, "_UID": "0", "SYSLOG_IDENTIFIER": "hostguard"}))
print(json.dumps({"MESSAGE": "some other message"}))
PY
  run bash -c "'$HOSTGUARD' log --json - < '$D/journal.json' 2>'$D/err'"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 3 ]
  [ "${lines[0]}" = "$(sed -n 1p "$D/logs/bob.jsonl")" ]
  [ "${lines[1]}" = "$(sed -n 2p "$D/logs/bob.jsonl")" ]
  [ "${lines[2]}" = "$(sed -n 3p "$D/logs/bob.jsonl")" ]
  grep -q "1 line(s) skipped" "$D/err"
  run bash -c "'$HOSTGUARD' log --verify - < '$D/journal.json'"
  [[ "$output" == *"-:4: edited: not a record"* ]]
}

@test ".gz files are read by log and verify; symlinks in the log dir are skipped" {
  gzip "$D/logs/alice.jsonl.2" "$D/logs/alice.jsonl.1"
  ln -s /etc/passwd "$D/logs/evil.jsonl"
  run "$HOSTGUARD" log --json --user alice "$D/logs"
  [ "$status" -eq 0 ]
  [[ "$output" == *"evil.jsonl: a symlink, skipped"* ]]
  [ "$(echo "$output" | grep -c '"user":"alice"')" -eq 24 ]
  run "$HOSTGUARD" log --verify "$D/logs"
  [ "$status" -eq 0 ]
  [[ "$output" == *"records"* || "$output" == *"record(s): 0 break(s), intact"* ]]
}

@test "verify: intact logs exit 0 with a summary" {
  run "$HOSTGUARD" log --verify "$D/logs"
  [ "$status" -eq 0 ]
  [[ "$output" == *"verified 4 file(s), 32 record(s): 0 break(s), intact"* ]]
}

@test "verify: an edited line" {
  sed -i '3s/data 10/data 99/' "$D/logs/alice.jsonl.1"
  run "$HOSTGUARD" log --verify "$D/logs"
  [ "$status" -eq 1 ]
  [[ "$output" == *"$D/logs/alice.jsonl.1:3: edited"* ]]
}

@test "verify: a deleted line" {
  sed -i '5d' "$D/logs/alice.jsonl.2"
  run "$HOSTGUARD" log --verify "$D/logs"
  [ "$status" -eq 1 ]
  [[ "$output" == *"$D/logs/alice.jsonl.2:5: removed: 1 record(s) missing"* ]]
}

@test "verify: reordered lines" {
  sed -i '4{h;d};5G' "$D/logs/bob.jsonl"
  run "$HOSTGUARD" log --verify "$D/logs"
  [ "$status" -eq 1 ]
  [[ "$output" == *"$D/logs/bob.jsonl:5: reordered: seq 4 comes after seq 5"* ]]
}

@test "verify: a truncated tail, seen against the head" {
  sed -i '$d' "$D/logs/alice.jsonl"
  run "$HOSTGUARD" log --verify "$D/logs"
  [ "$status" -eq 1 ]
  [[ "$output" == *"$D/logs/alice.jsonl:7: truncated tail: the log ends at seq 23, the head names seq 24"* ]]
  run "$HOSTGUARD" log --verify "$D/logs/alice.jsonl"
  [ "$status" -eq 1 ]
}

@test "verify: a whole rotated file deleted" {
  rm "$D/logs/alice.jsonl.1"
  run "$HOSTGUARD" log --verify "$D/logs"
  [ "$status" -eq 1 ]
  [[ "$output" == *"$D/logs/alice.jsonl:1: gap across rotation: starts at seq 17 but $D/logs/alice.jsonl.2 ends at seq 8"* ]]
}

@test "verify: a record whose uid is not the file's owner" {
  sed -i "2s/\"uid\":$(id -u)/\"uid\":4242/" "$D/logs/bob.jsonl"
  run "$HOSTGUARD" log --verify "$D/logs"
  [ "$status" -eq 1 ]
  [[ "$output" == *"$D/logs/bob.jsonl:2: record of uid 4242 in a file owned by uid $(id -u)"* ]]
}

@test "report: counts, refusals, approvals; --html self-contained and escaped" {
  run "$HOSTGUARD" report --user alice "$D/logs"
  [ "$status" -eq 0 ]
  [[ "$output" == *"24 command(s)"* ]]
  [[ "$output" == *"By decision"*"allowed"*"6"* ]]
  [[ "$output" == *"Refused and declined"*"drop-database"* ]]
  [[ "$output" == *"Approvals"*"by bob"*"mysql -e 'drop database x3'"* ]]
  python3 - "$D/logs/bob.jsonl" <<'PY'
import json, sys
p = sys.argv[1]
lines = open(p).read().splitlines()
r = json.loads(lines[4])
r["argv"] = ["echo", "<script>alert(1)</script>&"]
lines[4] = json.dumps(r, separators=(",", ":"))
open(p, "w").write("\n".join(lines) + "\n")
PY
  run "$HOSTGUARD" report --html "$D/r.html" "$D/logs"
  [ "$status" -eq 0 ]
  grep -q '<svg' "$D/r.html"
  grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;&amp;' "$D/r.html"
  run ! grep -q '<script' "$D/r.html"
  run ! grep -Eq '(src|href)="?https?:' "$D/r.html"
}
