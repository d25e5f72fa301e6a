#!/usr/bin/env bats
# Table-driven tests of the shipped rule packs and the example policy.
#
# Every row of tests/tables/*.tests goes through
#   $HOSTGUARD check --json -f $HG_SRC/policy/example.conf --host H --user U --cwd C -- ARGV...
# and the `decision` and `rule` of the JSON answer are compared with the
# row.  Row format: see the header of any table.  On failure every failing
# row is printed as FILE:LINE: expected ..., got ....

setup() {
  HG_SRC=${HG_SRC:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
  HOSTGUARD=${HOSTGUARD:-$HG_SRC/build/hostguard}
  POLICY=$HG_SRC/policy/example.conf
  TABLES=$HG_SRC/tests/tables
  MIN_ROWS=20
}

# run_table NAME [guard-check]: runs every row of tests/tables/NAME.tests.
# With guard-check, also compares guarded_host with whether the host matches
# the example policy's hosts (db*, nfs*), case-insensitively.
# The answers are collected first and compared by a single python3 run
# (one interpreter per row would dominate the run time).
run_table() {
  local name=$1 guard_check=${2:-}
  local file=$TABLES/$name.tests
  [ -f "$file" ] || { echo "missing table $file"; return 1; }
  local dir=$BATS_TEST_TMPDIR/$name
  mkdir -p "$dir"
  local lineno=0 rows=0 bad=0 line head words host user cwd dec rule extra status want_guard
  : >"$dir/manifest"
  while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    if [[ $line != *' -- '* ]]; then
      echo "$file:$lineno: malformed row (no ' -- '): $line"
      bad=$((bad + 1)); continue
    fi
    head=${line%% -- *}
    words=${line#* -- }
    read -r host user cwd dec rule extra <<<"$head"
    if [ -z "$rule" ] || [ -n "$extra" ]; then
      echo "$file:$lineno: malformed row (want host user cwd decision rule -- argv): $line"
      bad=$((bad + 1)); continue
    fi
    eval "set -- $words"
    if [ $# -eq 0 ]; then
      echo "$file:$lineno: malformed row (empty argv): $line"
      bad=$((bad + 1)); continue
    fi
    rows=$((rows + 1))
    want_guard=-
    if [ -n "$guard_check" ]; then
      shopt -s nocasematch
      if [[ $host == db* || $host == nfs* ]]; then want_guard=true; else want_guard=false; fi
      shopt -u nocasematch
    fi
    status=0
    "$HOSTGUARD" check --json -f "$POLICY" --host "$host" --user "$user" --cwd "$cwd" -- "$@" \
      >"$dir/$lineno.out" 2>&1 || status=$?
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$lineno" "$status" "$dec" "$rule" "$want_guard" \
      "host=$host user=$user cwd=$cwd" "$words" >>"$dir/manifest"
  done <"$file"
  local fails
  fails=$(python3 - "$file" "$dir" <<'PY'
import json, sys
path, d = sys.argv[1], sys.argv[2]
fails = 0
for rec in open(d + "/manifest", encoding="utf-8"):
    line, status, dec, rule, guard, where, words = rec.rstrip("\n").split("\t", 6)
    text = open("%s/%s.out" % (d, line), encoding="utf-8", errors="replace").read()
    ctx = "    [%s: %s]" % (where, words)
    def fail(msg):
        global fails
        fails += 1
        print("%s:%s: %s%s" % (path, line, msg, ctx))
    if status != "0":
        fail("expected %s %s, got exit status %s: %s" % (dec, rule, status, text.strip()[:300]))
        continue
    try:
        o = json.loads(text)
        assert isinstance(o, dict)
    except (ValueError, AssertionError):
        fail("expected %s %s, got no JSON object: %r" % (dec, rule, text[:300]))
        continue
    got_rule = "-" if o.get("rule") is None else o.get("rule")
    if o.get("decision") != dec or got_rule != rule:
        fail("expected %s %s, got %s %s" % (dec, rule, o.get("decision"), got_rule))
        continue
    if guard != "-" and o.get("guarded_host") is not (guard == "true"):
        fail("expected guarded_host %s, got %r" % (guard, o.get("guarded_host")))
print("FAILS=%d" % fails)
PY
)
  printf '%s\n' "$fails" | grep -v '^FAILS=' || true
  fails=$(printf '%s\n' "$fails" | sed -n 's/^FAILS=//p')
  echo "$name: $rows rows, $((${fails:-1} + bad)) failing"
  if [ "$rows" -lt "$MIN_ROWS" ]; then
    echo "$file: only $rows rows ran (at least $MIN_ROWS expected): empty or unparsed table"
    return 1
  fi
  [ -n "$fails" ] && [ "$fails" -eq 0 ] && [ "$bad" -eq 0 ]
}

@test "table: mariadb" {
  run_table mariadb
}

@test "table: storage" {
  run_table storage
}

@test "table: power" {
  run_table power
}

@test "table: host-safety" {
  run_table host-safety
}

@test "table: everyday commands stay allow/log" {
  run_table everyday
}

@test "table: launchers are looked through" {
  run_table launchers
}

@test "table: what really runs (busybox applets, the dynamic loader)" {
  command -v busybox >/dev/null || skip "busybox is not installed (make deps installs it)"
  [ -x /lib64/ld-linux-x86-64.so.2 ] || skip "no x86-64 dynamic loader"
  run_table realexec
}

@test "table: hosts (guarded or not)" {
  run_table hosts guard-check
}

@test "every table file is run by a test" {
  local f n known=" mariadb storage power host-safety everyday launchers hosts realexec "
  for f in "$TABLES"/*.tests; do
    n=$(basename "$f" .tests)
    if [[ $known != *" $n "* ]]; then
      echo "$f has no test in check_tables.bats"
      return 1
    fi
  done
}

@test "check --json: exactly the contract's keys" {
  local out
  out=$("$HOSTGUARD" check --json -f "$POLICY" --host db1 --user alice --cwd /root -- mysql -e 'DROP DATABASE wiki')
  printf '%s' "$out" | python3 -c '
import json, sys
o = json.load(sys.stdin)
want = {"decision", "rule", "message", "host", "guarded_host", "argv", "approvals"}
got = set(o)
if got != want:
    print("missing: %s; extra: %s" % (sorted(want - got), sorted(got - want)))
    sys.exit(1)
assert o["decision"] in ("allow", "log", "confirm", "approve", "deny"), o["decision"]
assert o["rule"] is None or isinstance(o["rule"], str), o["rule"]
assert o["message"] is None or isinstance(o["message"], str), o["message"]
assert isinstance(o["host"], str), o["host"]
assert isinstance(o["guarded_host"], bool), o["guarded_host"]
assert isinstance(o["argv"], list) and all(isinstance(a, str) for a in o["argv"]), o["argv"]
assert isinstance(o["approvals"], int) and not isinstance(o["approvals"], bool), o["approvals"]
assert o["argv"] == ["mysql", "-e", "DROP DATABASE wiki"], o["argv"]
assert o["decision"] == "approve" and o["rule"] == "mariadb-drop" and o["approvals"] == 1, o
assert o["host"] == "db1" and o["guarded_host"] is True, o
'
}
