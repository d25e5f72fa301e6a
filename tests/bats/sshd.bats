#!/usr/bin/env bats
# Supervision (issue 5) through a real sshd: a test user whose login shell
# is hostguard, reached with ssh, scp and an interactive login on a pty.
#
# Each test starts its own sshd on 127.0.0.1 (a free high port) inside
# private namespaces, as supervise.bats does: a mount namespace where /etc is
# a copy holding our policy and the test users, and a UTS namespace whose
# host name is db1.  Host keys, the client key, the users' homes, the audit
# log and the hostguard binary all live in the tests' tmp dirs.  Nothing
# outside them and the namespaces changes; teardown kills the sshd.
#
#   hgssh  4243  login shell: hostguard (supervised, supervise_unprivileged)
#   hgbare 4244  login shell: /bin/bash (the control: the same rm succeeds)

bats_require_minimum_version 1.5.0

SSHD=/usr/sbin/sshd

setup_file() {
  [ "$(id -u)" = 0 ] || return 0
  [ -x "$SSHD" ] || return 0
  W=$BATS_FILE_TMPDIR/w
  mkdir -p "$W"
  cp -a /etc "$W/etc"
  mkdir -p "$W/etc/hostguard"
  cp -a "$W/etc/passwd" "$W/passwd.base"
  cp -a "$W/etc/shadow" "$W/shadow.base"
  printf 'hgssh:x:4243:\nhgbare:x:4244:\n' >>"$W/etc/group"
  # The login shell must be reachable by the test user whatever the
  # permissions of the build tree: a copy in a root-owned 0755 dir.
  mkdir -m 0755 "$BATS_FILE_TMPDIR/sbin"
  cp "${HOSTGUARD:-$PWD/build/hostguard}" "$BATS_FILE_TMPDIR/sbin/hostguard" 2>/dev/null || true
  chmod 0755 "$BATS_FILE_TMPDIR/sbin/hostguard" 2>/dev/null || true
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((22000 + ($$ + RANDOM) % 1000))
}

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root: mount and UTS namespaces, a root-owned policy, sshd"
  [ -x "$SSHD" ] || skip "no $SSHD (openssh-server is not installed)"
  command -v ssh >/dev/null && command -v scp >/dev/null && command -v ssh-keygen >/dev/null ||
    skip "no ssh client (openssh-client is not installed)"
  HG=${HOSTGUARD:-$PWD/build/hostguard}
  H=${HG_HELPERS:-$PWD/build/helpers}
  [ -x "$HG" ] || skip "no hostguard binary at $HG"
  [ -x "$H/ptyrun" ] || skip "no ptyrun helper in $H"
  W=$BATS_FILE_TMPDIR/w
  T=$BATS_TEST_TMPDIR
  LOGIN_SHELL=$BATS_FILE_TMPDIR/sbin/hostguard
  [ -x "$LOGIN_SHELL" ] || skip "could not copy $HG for the test user"
  # The test users must reach $T: open the bats dirs above it for search.
  d=$T
  while [ "$d" != / ] && [ "$d" != /tmp ]; do chmod a+x "$d"; d=$(dirname "$d"); done

  # The mode hostguard gives the log dir it makes: every user may add their
  # own file, no one may list or remove another's.
  mkdir -m 01733 "$T/log"
  mkdir -m 0777 "$T/pub"
  PROT=$T/pub/prot
  mkdir -m 0777 "$PROT"
  echo data >"$PROT/keep"
  chmod 0666 "$PROT/keep"
  mkdir -p "$T/home/hgssh" "$T/home/hgbare"
  chown 4243:4243 "$T/home/hgssh"
  chown 4244:4244 "$T/home/hgbare"

  cp -a "$W/passwd.base" "$W/etc/passwd"
  cp -a "$W/shadow.base" "$W/etc/shadow"
  echo "hgssh:x:4243:4243::$T/home/hgssh:$LOGIN_SHELL" >>"$W/etc/passwd"
  echo "hgbare:x:4244:4244::$T/home/hgbare:/bin/bash" >>"$W/etc/passwd"
  # Not locked ("!"), no password: only the key lets them in.
  printf 'hgssh:*:19000:0:99999:7:::\nhgbare:*:19000:0:99999:7:::\n' >>"$W/etc/shadow"

  cat >"$W/etc/hostguard/policy.conf" <<EOF
hosts = {"db*"}
default = allow
log_dir = "$T/log"
shell = "/bin/bash"
noninteractive = deny
supervise_unprivileged = true
rule rm-protected {
    command = {"rm"}
    paths = {"$PROT"}
    action = deny
    message = "protected test data"
}
EOF
  chown root:root "$W/etc/hostguard/policy.conf"
  chmod 0644 "$W/etc/hostguard/policy.conf"

  ssh-keygen -q -t ed25519 -N '' -C hg-host -f "$T/hostkey"
  ssh-keygen -q -t ed25519 -N '' -C hg-client -f "$T/id"
  cp "$T/id.pub" "$T/authorized_keys"
  chmod 0644 "$T/authorized_keys"
  start_sshd
  SSH=(ssh -F /dev/null -i "$T/id" -p "$PORT" -o BatchMode=yes -o IdentitiesOnly=yes
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR
    -o ConnectTimeout=10)
}

start_sshd() {
  local try
  for try in 1 2 3; do
    PORT=$(free_port)
    cat >"$T/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $T/hostkey
PidFile $T/sshd.pid
UsePAM no
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile $T/authorized_keys
AllowUsers hgssh hgbare
PermitRootLogin no
PrintMotd no
PrintLastLog no
UseDNS no
LogLevel VERBOSE
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
    # sshd needs its privilege separation dir /run/sshd: when the host has
    # none, a private /run in the mount namespace holds it.
    unshare -m -u sh -c '
      mount --bind "$0" /etc && hostname db1 || exit 1
      if [ ! -d /run/sshd ]; then
        mount -t tmpfs -o mode=0755 hg-run /run && mkdir -m 0755 /run/sshd || exit 1
      fi
      exec "$@"' "$W/etc" "$SSHD" -D -e -f "$T/sshd_config" \
      </dev/null >"$T/sshd.log" 2>&1 3>&- &
    SSHD_PID=$!
    local i
    for i in $(seq 100); do
      grep -q "Server listening on 127.0.0.1 port $PORT" "$T/sshd.log" && return 0
      kill -0 "$SSHD_PID" 2>/dev/null || break
      sleep 0.05
    done
    kill "$SSHD_PID" 2>/dev/null
    wait "$SSHD_PID" 2>/dev/null
  done
  echo "sshd did not start:" >&2
  cat "$T/sshd.log" >&2
  return 1
}

teardown() {
  if [ -n "${SSHD_PID:-}" ]; then
    kill "$SSHD_PID" 2>/dev/null
    wait "$SSHD_PID" 2>/dev/null
  fi
  if [ -n "${T:-}" ] && [ -s "$T/sshd.pid" ]; then
    kill "$(cat "$T/sshd.pid")" 2>/dev/null
  fi
  if [ "${BATS_TEST_COMPLETED:-}" != 1 ] && [ -n "${T:-}" ] && [ -e "$T/sshd.log" ]; then
    echo "# sshd log:" >&3
    sed 's/^/#   /' "$T/sshd.log" >&3
  fi
  true
}

@test "ssh user@host 'rm -rf PROTECTED' is refused; without hostguard as login shell it would run" {
  run -126 "${SSH[@]}" hgssh@127.0.0.1 "rm -rf $PROT"
  [[ $output == *"refused by rule rm-protected: protected test data"* ]]
  [ -e "$PROT/keep" ]
  grep -q '"decision":"denied"' "$T/log/hgssh.jsonl"
  # The control, once: the same command for a user whose login shell is bash.
  run -0 "${SSH[@]}" hgbare@127.0.0.1 "rm -rf $PROT"
  [ ! -e "$PROT" ]
}

@test "ssh user@host 'x=rm; \$x -rf PROTECTED' is refused with EPERM, and the file stays" {
  run "${SSH[@]}" hgssh@127.0.0.1 "x=rm; \$x -rf $PROT; echo rm=\$?; id -un; hostname"
  [[ $output == *"rm=126"* ]]
  [[ $output == *"Operation not permitted"* ]]
  [[ $output == *"refused by rule rm-protected"* ]]
  [[ $output == *hgssh* ]]
  [[ $output == *db1* ]]
  [ -e "$PROT/keep" ]
  # Not a blanket refusal: an rm elsewhere runs in the same session.
  run -0 "${SSH[@]}" hgssh@127.0.0.1 "touch \$HOME/scratch && rm \$HOME/scratch && echo rm-ok"
  [[ $output == *rm-ok* ]]
}

@test "scp to and from the test user's home works through the guarded shell" {
  head -c 100000 /dev/urandom | base64 >"$T/payload"
  # The default (the SFTP protocol: sshd runs the subsystem through the login shell).
  run -0 scp -F /dev/null -i "$T/id" -P "$PORT" -o BatchMode=yes -o IdentitiesOnly=yes \
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
    "$T/payload" hgssh@127.0.0.1:payload
  cmp "$T/payload" "$T/home/hgssh/payload"
  [ "$(stat -c %u "$T/home/hgssh/payload")" = 4243 ]
  # The legacy protocol (-O: `scp -f` run by the login shell), back again.
  run -0 scp -O -F /dev/null -i "$T/id" -P "$PORT" -o BatchMode=yes -o IdentitiesOnly=yes \
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
    hgssh@127.0.0.1:payload "$T/back"
  cmp "$T/payload" "$T/back"
  # And those sessions are supervised: a command through the same path
  # runs under hostguard's filter (allowed programs leave no record).
  run -0 "${SSH[@]}" hgssh@127.0.0.1 "grep Seccomp: /proc/self/status"
  [[ $output == *"Seccomp:	2"* ]]
}

@test "an interactive login through a pty works, and is supervised" {
  run timeout 40 "$H/ptyrun" -t 30 -e 'hgssh@db1' -s 'echo hg-$((6*7))\n' -e hg-42 \
    -s "rm -rf $PROT; echo rm=\$?\n" -e 'rm=12' \
    -s 'exit\n' -- "${SSH[@]}" -tt hgssh@127.0.0.1
  [ "$status" -eq 0 ]
  [[ $output == *hg-42* ]]
  [[ $output == *rm=126* ]]
  [[ $output == *"refused by rule rm-protected"* ]]
  [ -e "$PROT/keep" ]
}
