#!/usr/bin/env bats
# Second approver (issue 6), end to end: real uids (setpriv), real login
# uids (/proc/self/loginuid), real Unix sockets with SO_PEERCRED /
# SO_PEERPIDFD / SO_PEERGROUPS, and a pty for the requester.  Users and the
# host name db1 exist only in the private mount and UTS namespaces each
# test makes (a copy of /etc bind-mounted over /etc); nothing else changes.

bats_require_minimum_version 1.5.0

setup_file() {
  [ "$(id -u)" = 0 ] || return 0
  W=$BATS_FILE_TMPDIR/w
  mkdir -p "$W"
  cp -a /etc "$W/etc"
  mkdir -p "$W/etc/hostguard"
  cat >>"$W/etc/passwd" <<'EOP'
hgalice:x:2001:2001::/tmp:/bin/sh
hgbob:x:2002:2002::/tmp:/bin/sh
hgcarol:x:2003:2003::/tmp:/bin/sh
hgdave:x:2004:2004::/tmp:/bin/sh
EOP
  cat >>"$W/etc/group" <<'EOP'
hgalice:x:2001:
hgbob:x:2002:
hgcarol:x:2003:
hgdave:x:2004:
hgsre:x:2100:hgbob,hgdave
hgoncall:x:2101:hgalice
EOP
}

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root: users with distinct uids, login uids, namespaces"
  export HG=${HOSTGUARD:-$PWD/build/hostguard}
  H=${HG_HELPERS:-$PWD/build/helpers}
  export PTY=$H/ptyrun RAW=$H/rawapprove
  [ -x "$HG" ] || skip "no hostguard binary at $HG"
  [ -x "$PTY" ] && [ -x "$RAW" ] && [ -x "$H/notify_probe" ] || skip "no ptyrun/rawapprove/notify_probe helpers in $H"
  W=$BATS_FILE_TMPDIR/w
  export T=$BATS_TEST_TMPDIR
  d=$T
  while [ "$d" != / ] && [ "$d" != /tmp ]; do chmod a+x "$d"; d=$(dirname "$d"); done
  mkdir -p "$T/log" "$T/spool" "$T/bin" "$T/out"
  chmod 1733 "$T/log"
  chmod 1777 "$T/spool" "$T/out"
  printf '#!/bin/sh\necho RAN "$@"\ntouch "%s/out/ran"\n' "$T" >"$T/bin/dropit"
  # The notify program: tests/helpers/notify_probe notes what it was
  # started with (descriptors, signals, uid), then the event and the request.
  printf '#!/bin/sh\nexec "%s/notify_probe" "%s/out" "$1"\n' "$H" "$T" >"$T/bin/page"
  chmod 0755 "$T/bin"/*
  policy 1 30
  cp "$BATS_TEST_DIRNAME/approve-lib.sh" "$T/lib.sh"
}

# policy APPROVALS TIMEOUT [EXTRA-SETTINGS]
policy() {
  cat >"$W/etc/hostguard/policy.conf" <<EOP
hosts = {"db*"}
default = allow
log_dir = "$T/log"
spool = "$T/spool"
approvers = "hgsre"
approval_timeout = $2
noninteractive = deny
shell = "/bin/sh"
break_glass = "%hgoncall"
notify = "$T/bin/page"
$3
rule drop {
    command = {"dropit"}
    action = approve
    approvals = $1
    message = "dropping needs a second pair of eyes"
}
EOP
  chmod 0644 "$W/etc/hostguard/policy.conf"
}

ns() {
  unshare -m -u sh -c 'mount --bind "$0" /etc && hostname db1 && exec "$@"' "$W/etc" "$@"
}

# The script given on stdin runs in the namespaces, with lib.sh loaded.
scenario() {
  cat >"$T/t.sh"
  run ns sh -c '. "$T/lib.sh"; . "$T/t.sh"'
  echo "$output"
}

@test "approve: a member of the approvers group approves; the command runs, both logs say so" {
  scenario <<'EOS'
request_as 2001 "$T/bin/dropit" x
approve_as 2002 hgalice -r "checked it"
finish
EOS
  [[ "$output" == *"approved by hgbob (1 of 1)"* ]]
  [[ "$output" == *"RAN x"* ]]
  [[ "$output" == *"requester exit 0"* ]]
  [ -e "$T/out/ran" ]
  a=$T/log/hgalice.jsonl
  [ "$(jq -r .event "$a" | tr '\n' ' ')" = "request approval decision exit " ]
  [ "$(jq -r 'select(.event=="decision") | .decision' "$a")" = approved ]
  [ "$(jq -c 'select(.event=="decision") | .approvers' "$a")" = '["hgbob"]' ]
  [ "$(jq -r 'select(.event=="approval") | .decision' "$T/log/hgbob.jsonl")" = approved ]
  [ "$(jq -r 'select(.event=="approval") | .reason' "$T/log/hgbob.jsonl")" = "checked it" ]
  # the request and the approval name the same request and digest
  [ "$(jq -r .id "$a" | sort -u | wc -l)" = 1 ]
  [ "$(jq -r .id "$T/log/hgbob.jsonl")" = "$(jq -r .id "$a" | head -1)" ]
  # the spool is empty again
  [ -z "$(ls -A "$T/spool")" ]
  run "$HG" log --verify "$T/log"
  [ "$status" -eq 0 ]
}

@test "approve: the requester cannot approve itself, by uid or as root with its login uid" {
  # The requester is hgbob, himself a member of the approvers group.
  scenario <<'EOS'
request_as 2002 "$T/bin/dropit"
echo "--- same uid through hostguard approve"
as 2002 "$HG" approve "$ID" </dev/null; echo "self=$?"
echo "--- root (in hgsre) whose login uid is the requester's, through hostguard approve"
( echo 2002 >/proc/self/loginuid; exec setpriv --groups 2100 "$HG" approve "$ID" </dev/null ); echo "rootself=$?"
echo "--- the same two, speaking the protocol directly (the requester decides)"
raw_as 2002 approve
( echo 2002 >/proc/self/loginuid; exec setpriv --groups 2100 "$RAW" "$SOCK" "$(msg approve)" )
echo "--- still waiting:"; pending_as 2003
deny_as 2004
finish
EOS
  [ "$(grep -c 'this is your own request' <<<"$output")" -eq 2 ]
  [[ "$output" == *"self=77"* ]]
  [[ "$output" == *"rootself=77"* ]]
  [ "$(grep -c '"ok":false.*cannot be answered by its requester' <<<"$output")" -eq 2 ]
  [[ "$output" == *"refused an answer from root (login hgbob)"* ]]
  [[ "$output" == *"still waiting:"*"hgbob"* ]]
  [[ "$output" != *"RAN"* ]]
  [ ! -e "$T/out/ran" ]
  [[ "$output" == *"requester exit 77"* ]]
}

@test "approve: a non-member, a wrong digest and a member without a login are refused" {
  scenario <<'EOS'
request_as 2001 "$T/bin/dropit"
approve_as 2003 hgalice
echo "--- wrong digest from a member"
raw_as 2002 approve 0000000000000000000000000000000000000000000000000000000000000000
echo "--- a member without a login uid (a daemon, a cron job):"
( echo 4294967295 >/proc/self/loginuid
  exec setpriv --reuid 2004 --regid 2004 --init-groups "$RAW" "$SOCK" "$(msg approve)" )
echo "--- root in the group, with another person's login uid:"
( echo 2004 >/proc/self/loginuid; exec setpriv --groups 2100 "$RAW" "$SOCK" "$(msg approve)" )
( echo 2004 >/proc/self/loginuid; exec setpriv --groups 2100 "$HG" approve "$ID" </dev/null ); echo "root=$?"
echo "--- still waiting:"; pending_as 2004
deny_as 2004 -r "not now"
finish
EOS
  [[ "$output" == *"uid 2003 is not in group hgsre"* ]]
  [[ "$output" == *"digest mismatch"* ]]
  [[ "$output" == *"without a login uid"*'"ok":false'*"no login uid (not a login session)"* ]]
  [[ "$output" == *"another person's login uid:"*'"ok":false'*"root cannot approve: its login uid proves no person"* ]]
  [[ "$output" == *"root cannot approve (it could be anyone)"*"root=77"* ]]
  [[ "$output" == *"still waiting:"*"hgalice"* ]]
  [[ "$output" == *"denied by hgdave: not now"* ]]
  [[ "$output" == *"requester exit 77"* ]]
  [ ! -e "$T/out/ran" ]
  d=$(jq -c 'select(.event=="decision") | [.decision, .note]' "$T/log/hgalice.jsonl")
  [ "$d" = '["denied","denied by hgdave: not now"]' ]
}

@test "approve: approvals = 2 needs two people; the same person twice counts once" {
  policy 2 30
  scenario <<'EOS'
request_as 2001 "$T/bin/dropit"
approve_as 2002 hgalice
approve_as 2002 hgalice
echo "--- after bob twice:"; pending_as 2003
approve_as 2004 hgalice
finish
EOS
  [[ "$output" == *"already counted: one person counts once"* ]]
  [[ "$output" == *"after bob twice:"*"hgalice"* ]]
  [[ "$output" == *"approved by hgdave (2 of 2)"* ]]
  [[ "$output" == *"requester exit 0"* ]]
  [ "$(jq -c 'select(.event=="decision") | .approvers' "$T/log/hgalice.jsonl")" = '["hgbob","hgdave"]' ]
}

@test "approve: expiry gives 77 and a timeout record; an approval after it is refused" {
  policy 1 2
  scenario <<'EOS'
request_as 2001 "$T/bin/dropit"
SOCK=$T/spool/$ID/socket
finish
echo "--- late:"
raw_as 2002 approve
EOS
  [[ "$output" == *"request expired"* ]]
  [[ "$output" == *"requester exit 77"* ]]
  [[ "$output" == *"late:"*"connect: "* ]]
  [ "$(jq -r 'select(.event=="decision") | .decision' "$T/log/hgalice.jsonl")" = timeout ]
  [ "$(jq -r 'select(.event=="approval") | .decision' "$T/log/hgalice.jsonl")" = timeout ]
  [ ! -e "$T/out/ran" ]
}

@test "approve: Ctrl-C withdraws the request; a killed requester leaves nothing pending shows" {
  scenario <<'EOS'
request_as 2001 "$T/bin/dropit" -- -e "hostguard approve" -p 300 -c
finish
# The pty closes before the withdrawn requester has removed its entry:
# wait for it, or the next request would be mistaken for it.
for _ in $(seq 100); do [ -z "$(ls "$T/spool")" ] && break; sleep 0.05; done
echo "--- killed:"
request_as 2001 "$T/bin/dropit"
kill -KILL "$HGPID"
wait "$REQ" 2>/dev/null
echo "entries: $(ls "$T/spool" | wc -l)"
pending_as 2002
echo "--- after root's pending:"
"$HG" pending; echo "entries: $(ls "$T/spool" | wc -l)"
EOS
  [[ "$output" == *"withdrawn"* ]]
  [[ "$output" == *"requester exit 77"* ]]
  [ "$(jq -r 'select(.event=="approval") | .decision' "$T/log/hgalice.jsonl" | head -1)" = withdrawn ]
  [[ "$output" == *"entries: 1"*"no pending requests"*"after root's pending:"*"no pending requests"*"entries: 0"* ]]
}

@test "approve: spool entries replaced by a symlink, owned by someone else, or edited after the fact are refused" {
  scenario <<'EOS'
request_as 2001 "$T/bin/dropit" x
# carol (not the requester) plants a forged request naming alice
F=0123456789abcdef0123456789abcdef
setpriv --reuid 2003 --regid 2003 --clear-groups sh -c \
  'mkdir -m 0755 "$1" && sed "s/$2/$3/g" "$4" >"$1/request.json"' \
  sh "$T/spool/$F" "$ID" "$F" "$T/spool/$ID/request.json"
# ... and listens on its socket, as a live request would
setpriv --reuid 2003 --regid 2003 --clear-groups /usr/bin/python3 -c '
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o666); s.listen()
time.sleep(20)' "$T/spool/$F/socket" &
FAKE=$!
for _ in $(seq 100); do [ -S "$T/spool/$F/socket" ] && break; sleep 0.05; done
echo "--- forged (owned by carol, names alice):"
as 2002 "$HG" approve "$F" </dev/null; echo "approve status $?"
# root replaces an entry by a symlink to a real request's directory
S=fedcba9876543210fedcba9876543210
ln -s "$T/spool/$ID" "$T/spool/$S"
echo "--- symlink:"
as 2002 "$HG" approve "$S" </dev/null; echo "approve status $?"
echo "--- pending:"
pending_as 2002
# alice rewrites her own request: bob would be shown another command
setpriv --reuid 2001 --regid 2001 --clear-groups \
  sed -i 's/"x"/"harmless"/' "$T/spool/$ID/request.json"
echo "--- tampered:"
as 2002 "$HG" approve "$ID" </dev/null; echo "approve status $?"
raw_as 2002 deny
finish
kill "$FAKE"
EOS
  [[ "$output" == *"forged (owned by carol, names alice):"*"a forgery, refused"*"approve status 77"* ]]
  [[ "$output" == *"symlink:"*"not a directory (a symlink?): refused"*"approve status 77"* ]]
  [[ "$output" == *"skipped: request 0123456789abcdef0123456789abcdef is owned by uid 2003"* ]]
  [[ "$output" == *"skipped: request fedcba9876543210fedcba9876543210: not a directory"* ]]
  [[ "$output" == *"tampered:"*"does not match its digest"*"approve status 77"* ]]
  [[ "$output" != *"RAN"* ]]
  [ ! -e "$T/out/ran" ]
  [[ "$output" == *"requester exit 77"* ]]
}

@test "approve: 10% of approver connections dropped: nothing counted twice, nothing late" {
  policy 2 30
  scenario <<'EOS'
request_as 2001 "$T/bin/dropit"
raw_as 2002 approve "" -n 30 -d 10 >"$T/out/bob.txt"
echo "bob ok replies: $(grep -c '"ok":true' "$T/out/bob.txt")"
echo "bob max have: $(grep -o '"have":[0-9]*' "$T/out/bob.txt" | sort -u | tr '\n' ' ')"
echo "--- still pending:"; pending_as 2003
raw_as 2004 approve "" -n 1
finish
raw_as 2004 approve "" -n 3 -d 10
EOS
  [[ "$output" == *'bob max have: "have":1 '* ]]
  [[ "$output" == *"still pending:"*"hgalice"* ]]
  [[ "$output" == *"requester exit 0"* ]]
  [ "$(jq -c 'select(.event=="decision") | .approvers' "$T/log/hgalice.jsonl")" = '["hgbob","hgdave"]' ]
  n=$(grep -c '"ok":true' "$T/out/bob.txt")
  [ "$n" -ge 1 ]
}

@test "approve: notify receives the request as valid JSON, as the requester" {
  scenario <<'EOS'
request_as 2001 "$T/bin/dropit" 'PGPASSWORD=hunter2'
sleep 1
approve_as 2002 hgalice
finish
EOS
  [[ "$output" == *"requester exit 0"* ]]
  # notify runs detached: it may still be writing
  for _ in $(seq 100); do [ -e "$T/out/notify.done" ] && break; sleep 0.1; done
  jq -e '.event == "request" and .user == "hgalice" and (.digest | length) == 64 and .approvals == 1' "$T/out/notify.json"
  run ! grep -q hunter2 "$T/out/notify.json"
  [ "$(cat "$T/out/notify.event")" = request ]
  [ "$(cat "$T/out/notify.uid")" = 2001 ]
  # only the request and /dev/null open; no signal blocked or ignored,
  # whatever the requester had (make leaves two ignored)
  [ "$(cat "$T/out/notify.fds")" = "0 1 2 " ]
  grep -qx 'SigBlk:.0000000000000000' "$T/out/notify.sig"
  grep -qx 'SigIgn:.0000000000000000' "$T/out/notify.sig"
}

@test "approve: a failing notify is recorded and does not block the request" {
  printf '#!/bin/sh\nexit 3\n' >"$T/bin/page"
  scenario <<'EOS'
request_as 2001 "$T/bin/dropit"
sleep 1
approve_as 2002 hgalice
finish
EOS
  [[ "$output" == *"notify $T/bin/page: exited with status 3"* ]]
  [[ "$output" == *"requester exit 0"* ]]
  [ "$(jq -r 'select(.event=="approval") | .note' "$T/log/hgalice.jsonl")" = "notify exited with status 3" ]
}

@test "break-glass: a member with a reason gets a confirm, loudly recorded; others are refused" {
  scenario <<'EOS'
echo "--- no reason:"
as 2001 "$PTY" -t 10 -- "$HG" --break-glass -- "$T/bin/dropit"; echo "status=$?"
echo "--- not a member (carol):"
as 2003 "$PTY" -t 10 -- "$HG" --break-glass -r "INC-1: db down" -- "$T/bin/dropit"; echo "status=$?"
echo "--- member (alice):"
as 2001 "$PTY" -t 10 -e "hostname" -s 'db1\n' -- "$HG" --break-glass -r "INC-1: db down" -- "$T/bin/dropit"; echo "status=$?"
EOS
  [[ "$output" == *"no reason:"*"--break-glass needs -r"*"status=64"* ]]
  [[ "$output" == *"not a member (carol):"*"for %hgoncall only"*"status=77"* ]]
  [[ "$output" == *"member (alice):"*"BREAK-GLASS"*"RAN"*"status=0"* ]]
  r=$(jq -c 'select(.event=="decision") | [.decision, .break_glass, .reason]' "$T/log/hgalice.jsonl")
  [ "$r" = '["confirmed",true,"INC-1: db down"]' ]
  [ "$(jq -r 'select(.event=="decision") | .decision' "$T/log/hgcarol.jsonl")" = denied ]
  for _ in $(seq 100); do [ -e "$T/out/notify.done" ] && break; sleep 0.1; done
  [ "$(cat "$T/out/notify.event")" = break-glass ]
}

@test "approve: with no terminal, noninteractive = deny refuses at once" {
  scenario <<'EOS'
as 2001 "$HG" -- "$T/bin/dropit" </dev/null; echo "status=$?"
echo "entries: $(ls "$T/spool" | wc -l)"
EOS
  [[ "$output" == *"no terminal to wait on"*"status=77"* ]]
  [[ "$output" == *"entries: 0"* ]]
}

@test "approve: in a supervised session the exec waits for the approval; its pipeline partner runs on" {
  cat >"$T/bin/session" <<EOS
#!/bin/sh
( i=0; while [ \$i -lt 30 ]; do echo tick \$i >>"$T/out/ticks"; i=\$((i+1)); sleep 0.1; done ) | cat >/dev/null &
"$T/bin/dropit" blocked | cat
echo "dropit status \$?"
wait
EOS
  chmod 755 "$T/bin/session"
  policy 1 30 "supervise_unprivileged = true"
  scenario <<'EOS'
( echo 2001 >/proc/self/loginuid; exec setpriv --reuid 2001 --regid 2001 --init-groups \
  "$PTY" -t 40 -- "$HG" shell -c "$T/bin/session" ) >"$T/out/req.txt" 2>&1 &
REQ=$!
wait_for_request
echo "ran before approval: $(test -e "$T/out/ran" && echo yes || echo no)"
sleep 1
echo "ticks while waiting: $(wc -l <"$T/out/ticks")"
approve_as 2002 hgalice
wait "$REQ"; echo "session exit $?"
cat "$T/out/req.txt"
EOS
  [[ "$output" == *"ran before approval: no"* ]]
  ticks=$(sed -n 's/^ticks while waiting: //p' <<<"$output")
  [ "$ticks" -ge 5 ]
  [[ "$output" == *"approved by hgbob"* ]]
  [[ "$output" == *"RAN blocked"* ]]
  [[ "$output" == *"session exit 0"* ]]
  [ "$(jq -r 'select(.event=="decision") | .decision' "$T/log/hgalice.jsonl")" = approved ]
  [ "$(jq -r 'select(.event=="decision") | .mode' "$T/log/hgalice.jsonl")" = shell ]
}

@test "approve: root without a personal login, and shell syntax hidden by redaction, are refused before any request" {
  scenario <<'EOS'
echo "--- root, login uid unset:"
( echo 4294967295 >/proc/self/loginuid; exec "$PTY" -t 10 -- "$HG" -- "$T/bin/dropit" ); echo "status=$?"
echo "--- a blanked header that hides a command:"
as 2001 "$PTY" -t 10 -- "$HG" -- "$T/bin/dropit" 'Authorization: Bearer x; rm -rf /srv'; echo "status=$?"
echo "--- a blanked header without one still asks:"
as 2001 "$PTY" -t 60 -- "$HG" -- "$T/bin/dropit" 'Authorization: Bearer x' >"$T/out/req.txt" 2>&1 &
REQ=$!
wait_for_request
jq -r '.argv[1]' "$T/spool/$ID/request.json"
deny_as 2002
finish
echo "entries: $(ls "$T/spool" | wc -l)"
EOS
  [[ "$output" == *"root, login uid unset:"*"root without a personal login (login uid unset)"*"status=77"* ]]
  [[ "$output" == *"hides a command:"*"argument 1 hides shell syntax inside a blanked secret"*"status=77"* ]]
  [[ "$output" == *"still asks:"*"Authorization: ***"*"deny status 0"*"requester exit 77"* ]]
  [[ "$output" == *"entries: 0"* ]]
  [ ! -e "$T/out/ran" ]
}

@test "approve: bad options and IDs are usage errors (64)" {
  run "$HG" pending --reason x
  [ "$status" -eq 64 ]
  [[ "$output" == *"unknown or incomplete option '--reason'"* ]]
  run "$HG" approve 0123456789abcdef0123456789abcdef --json
  [ "$status" -eq 64 ]
  run "$HG" approve ../../etc/passwd
  [ "$status" -eq 64 ]
  [[ "$output" == *"is not a request ID"* ]]
  run "$HG" deny
  [ "$status" -eq 64 ]
  run "$HG" --break-glass -- true
  [ "$status" -eq 64 ]
}
