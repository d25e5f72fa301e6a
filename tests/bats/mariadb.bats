#!/usr/bin/env bats
# The MariaDB rule pack (issue 13) against a real server: a private
# mariadbd (datadir and socket in the file's tmp dir, no network), started
# once for the file and stopped after.  Each risky spelling is first shown
# to really do its damage when run unguarded, then shown refused under
# `hostguard --` (and under `hostguard shell -c`, supervised) with the data
# still there.  Everyday queries stay allowed.  Nothing outside the tmp
# dirs and the test's namespaces is changed.

bats_require_minimum_version 1.5.0

setup_file() {
  [ "$(id -u)" = 0 ] || return 0
  command -v mariadbd >/dev/null || command -v mysqld >/dev/null || return 0
  D=$BATS_FILE_TMPDIR/db
  # A Unix socket path must fit in 108 bytes: the bats tmp dir may not.
  S=$(mktemp -d /tmp/hgdb.XXXXXX)/sock
  echo "$S" >"$BATS_FILE_TMPDIR/sockpath"
  local server
  server=$(command -v mariadbd || command -v mysqld)
  local install
  install=$(command -v mariadb-install-db || command -v mysql_install_db)
  "$install" --no-defaults --user=root --datadir="$D" --auth-root-authentication-method=socket \
    --skip-test-db >"$BATS_FILE_TMPDIR/install.log" 2>&1 || return 0
  "$server" --no-defaults --user=root --datadir="$D" --socket="$S" --skip-networking \
    --pid-file="$BATS_FILE_TMPDIR/db.pid" --log-error="$BATS_FILE_TMPDIR/db.err" \
    --innodb-buffer-pool-size=16M --skip-log-bin >/dev/null 2>&1 &
  for _ in $(seq 1 150); do
    mysqladmin --no-defaults -S "$S" ping >/dev/null 2>&1 && break
    sleep 0.2
  done
  # hostguard shell reads /etc/hostguard/policy.conf: a copy of /etc, bound
  # over /etc in the supervised test's mount namespace, holds ours.
  W=$BATS_FILE_TMPDIR/w
  mkdir -p "$W"
  cp -a /etc "$W/etc"
  mkdir -p "$W/etc/hostguard"
}

teardown_file() {
  [ -f "$BATS_FILE_TMPDIR/sockpath" ] || return 0
  local s
  s=$(cat "$BATS_FILE_TMPDIR/sockpath")
  mysqladmin --no-defaults -S "$s" shutdown >/dev/null 2>&1 || true
  [ -f "$BATS_FILE_TMPDIR/db.pid" ] && kill "$(cat "$BATS_FILE_TMPDIR/db.pid")" 2>/dev/null
  for _ in $(seq 1 50); do [ -e "$s" ] || break; sleep 0.2; done
  rm -rf "$(dirname "$s")"
}

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root: a private mariadbd, root-owned policy"
  [ -f "$BATS_FILE_TMPDIR/sockpath" ] || skip "no MariaDB server (make deps installs mariadb-server)"
  S=$(cat "$BATS_FILE_TMPDIR/sockpath")
  mysqladmin --no-defaults -S "$S" ping >/dev/null 2>&1 || skip "the private mariadbd did not start"
  HG=${HOSTGUARD:-$PWD/build/hostguard}
  HG_SRC=${HG_SRC:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
  [ -x "$HG" ] || skip "no hostguard binary at $HG"
  T=$BATS_TEST_TMPDIR
  W=$BATS_FILE_TMPDIR/w
  mkdir -p "$T/log"
  chmod 0700 "$T/log"
  # Every host is a db host here; no terminal: confirm and approve refuse.
  cat >"$T/policy.conf" <<EOF
hosts = {"*"}
default = allow
log_dir = "$T/log"
shell = "/bin/bash"
noninteractive = deny
include = {"$HG_SRC/policy/rules/mariadb.conf"}
EOF
  chmod 0644 "$T/policy.conf"
  cp "$T/policy.conf" "$W/etc/hostguard/policy.conf"
  M=(mysql --no-defaults -S "$S")
  fixture
}

# A fresh copy of every database the corpus attacks.
fixture() {
  local sql="" db
  for db in a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14; do
    sql+="DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
CREATE TABLE $db.t (id INT PRIMARY KEY, a INT); INSERT INTO $db.t VALUES (1,1),(2,2),(3,3);
CREATE TABLE $db.u (id INT); "
  done
  "${M[@]}" -e "$sql"
  printf 'SELECT 1;\nDROP DATABASE a10;\n' >"$T/f.sql"
  # what mysqldump --add-drop-database writes, restored onto a11
  printf -- '-- MariaDB dump\n/*!40101 SET NAMES utf8mb4 */;\nDROP DATABASE IF EXISTS `a11`;\nCREATE DATABASE `a11`;\nUSE `a11`;\nCREATE TABLE `t` (`id` int);\n' >"$T/dump.sql"
}

# q SQL: one value
q() {
  "${M[@]}" -N -B -e "$1"
}

has_db() { [ "$(q "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name='$1'")" = 1 ]; }
has_table() { [ "$(q "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='$1' AND table_name='$2'")" = 1 ]; }
rows() { q "SELECT COUNT(*) FROM $1.t"; }

# The corpus: NAME|CHECK|ARGS... (ARGS as shell words, after mysql's own
# connection options).  CHECK holds while the data is intact.
corpus() {
  cat <<'EOF'
a1|has_db a1|-e 'drop/**/database a1'
a2|has_db a2|-e 'DROP DATABASE`a2`'
a3|has_db a3|-BeDROP\ DATABASE\ a3
a4|has_db a4|-e '/*!50000DROP DATABASE a4*/'
a5|has_table a5 u|-e 'drop tables a5.u'
a6|[ "$(rows a6)" = 3 ]|-D a6 -e 'truncate`t`'
a7|[ "$(rows a7)" = 3 ]|a7 -e 'delete from t -- where id=1'
a8|[ "$(q 'SELECT COUNT(*) FROM a8.t WHERE a=9')" = 0 ]|a8 -e 'update t set a=9 -- where id=1'
a9|has_db a9|-e "PREPARE s FROM CONCAT('DROP ', 'DATABASE a9'); EXECUTE s"
a10|has_db a10|-e "source $T/f.sql"
a11|has_table a11 u|a11 <"$T/dump.sql"
a12|has_db a12|--exec='DROP DATABASE a12'
a13|has_table a13 t|-e $'SELECT 1;\nDELIMITER //\nDROP -- x\nTABLE a13.t//'
a14|has_db a14|-e 'EXECUTE IMMEDIATE "DROP DATABASE a14"'
EOF
}

@test "mariadb: every spelling of the corpus really does its damage unguarded" {
  local name check args n=0
  while IFS='|' read -r name check args; do
    eval "$check" || { echo "$name: not intact before the attack"; return 1; }
    eval "\"\${M[@]}\" $args" >/dev/null 2>&1 || { echo "$name: mysql $args failed"; return 1; }
    if eval "$check"; then
      echo "$name: mysql $args did no damage: the corpus proves nothing"
      return 1
    fi
    n=$((n + 1))
  done < <(corpus)
  [ "$n" -eq 14 ]
}

@test "mariadb: hostguard -- refuses every spelling, and the data is still there" {
  local name check args n=0
  while IFS='|' read -r name check args; do
    run eval "setsid -w \"\$HG\" -f \"\$T/policy.conf\" -- \"\${M[@]}\" $args"
    if [ "$status" -ne 77 ]; then
      echo "$name: mysql $args: status $status, want 77 (refused): $output"
      return 1
    fi
    eval "$check" || { echo "$name: refused, yet damaged"; return 1; }
    n=$((n + 1))
  done < <(corpus)
  [ "$n" -eq 14 ]
  # the records name the rule and, for the dump, the file and the statement
  grep -q '"rule":"mariadb-drop"' "$T/log/root.jsonl"
  grep -q 'dump.sql (standard input), statement 2, line 3: DROP DATABASE IF EXISTS `a11`' "$T/log/root.jsonl"
}

@test "mariadb: mysqladmin drop is refused; check says why for a dump on standard input" {
  run -77 setsid -w "$HG" -f "$T/policy.conf" -- mysqladmin --no-defaults -S "$S" -f drop a1
  has_db a1
  run -0 "$HG" check -f "$T/policy.conf" --stdin "$T/dump.sql" -- mysql a11
  [[ $output == *"decision: approve"* ]]
  [[ $output == *"rule:     mariadb-drop"* ]]
  [[ $output == *"dump.sql (standard input), statement 2, line 3: DROP DATABASE IF EXISTS \`a11\`"* ]]
  # a pipe cannot be read beforehand: confirm
  run -0 sh -c "cat '$T/dump.sql' | '$HG' check -f '$T/policy.conf' --stdin /dev/stdin -- mysql a11"
  [[ $output == *"decision: confirm"* ]]
  [[ $output == *"pipe"* ]]
}

@test "mariadb: passwords in every spelling the client takes stay out of the record" {
  run -77 setsid -w "$HG" -f "$T/policy.conf" -- "${M[@]}" -BpS3cr3tA -e 'drop/**/database a1'
  run -77 setsid -w "$HG" -f "$T/policy.conf" -- "${M[@]}" --pass=S3cr3tB -e 'DROP DATABASE a1'
  run -77 setsid -w "$HG" -f "$T/policy.conf" -- "${M[@]}" -e "CREATE OR REPLACE USER x IDENTIFIED/**/BY'S3cr3tC'; DROP DATABASE a1"
  run -77 setsid -w "$HG" -f "$T/policy.conf" -- sh -c "mysql --no-defaults -S $S -e \"ALTER USER x IDENTIFIED VIA ed25519 USING PASSWORD('S3cr3tD'); DROP DATABASE a1\""
  has_db a1
  [ "$(grep -c '"decision":"denied"' "$T/log/root.jsonl")" -ge 4 ]
  run ! grep -q 'S3cr3t' "$T/log/root.jsonl"
}

@test "mariadb: hostguard -- leaves the standard input where it was" {
  # the client reads the whole dump after hostguard has read it
  printf 'CREATE TABLE a2.v (id INT);\nINSERT INTO a2.v VALUES (1),(2);\n' >"$T/ok.sql"
  run -0 setsid -w "$HG" -f "$T/policy.conf" -- "${M[@]}" a2 <"$T/ok.sql"
  [ "$(q 'SELECT COUNT(*) FROM a2.v')" = 2 ]
}

@test "mariadb: everyday queries stay allowed and run" {
  run -0 setsid -w "$HG" -f "$T/policy.conf" -- "${M[@]}" -e 'SELECT 1; SHOW DATABASES'
  run -0 setsid -w "$HG" -f "$T/policy.conf" -- "${M[@]}" a7 -e 'DELETE FROM t WHERE id=1'
  [ "$(rows a7)" = 2 ]
  run -0 setsid -w "$HG" -f "$T/policy.conf" -- "${M[@]}" a8 -e 'UPDATE t SET a=5 WHERE id=2; EXPLAIN DELETE FROM t'
  run -0 setsid -w "$HG" -f "$T/policy.conf" -- "${M[@]}" -e "SELECT 'drop database a1' AS s -- truncate t"
  run -0 setsid -w "$HG" -f "$T/policy.conf" -- mysqldump --no-defaults -S "$S" --add-drop-database --databases a1
  [[ $output == *"DROP DATABASE IF EXISTS"* ]]
  run -0 setsid -w "$HG" -f "$T/policy.conf" -- mysqladmin --no-defaults -S "$S" status
  [[ $output == *"Uptime"* ]]
  has_db a1
}

@test "mariadb: hostguard shell -c (supervised) refuses the hidden drop, the database stays" {
  run -126 unshare -m sh -c 'mount --bind "$0" /etc && exec "$@"' "$W/etc" \
    timeout 30 "$HG" shell -c "x=mysql; \$x --no-defaults -S $S -e 'drop/**/database a1'"
  [[ $output == *"mysql: refused: it needs a second approver"* ]]
  [[ $output == *"Operation not permitted"* ]]
  grep -q '"rule":"mariadb-drop"' "$T/log/root.jsonl"
  has_db a1
}
