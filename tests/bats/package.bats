#!/usr/bin/env bats
# The Debian package, run by `make check-package` (part of make check):
# lintian, then install -> use -> upgrade -> remove -> purge in a clean
# Debian 12 chroot made by mmdebstrap.  The host's own dpkg database is
# never touched: everything is installed inside the test's temporary
# directory, run in a mount and UTS namespace of its own (host name db1).
#
# HG_DEB: the .deb to test.  HG_PKG_BASE: a tarball of the chroot's base
# (Debian 12, variant apt, with the package's dependencies), made here with
# mmdebstrap when it is missing and kept for the next run.

bats_require_minimum_version 1.5.0

setup_file() {
  [ -n "${HG_DEB:-}" ] || return 0
  R=$BATS_FILE_TMPDIR/root
  export R
  why=
  if [ "$(id -u)" != 0 ]; then
    why="the chroot needs root"
  elif [ ! -s "$HG_PKG_BASE" ]; then
    if ! command -v mmdebstrap >/dev/null; then
      why="mmdebstrap is not installed (make deps)"
    else
      # The base holds what the package depends on and recommends, so
      # that dpkg -i needs no network inside the chroot.
      inc=$(dpkg-deb -f "$HG_DEB" Depends Recommends | sed 's/^[A-Za-z]*: //; s/([^)]*)//g; s/|[^,]*//g' |
        tr ',\n' '  ' | xargs | tr ' ' ',')
      # (mmdebstrap makes a tarball of a name ending in .tar, a directory otherwise)
      new=${HG_PKG_BASE%.tar}.new.tar
      if ! timeout 240 mmdebstrap --quiet --variant=apt --include="$inc" bookworm \
        "$new" >"$BATS_FILE_TMPDIR/mmdebstrap.log" 2>&1; then
        why="mmdebstrap could not make a bookworm chroot (mirror unreachable?): $(tail -1 "$BATS_FILE_TMPDIR/mmdebstrap.log")"
        rm -rf "$new"
      else
        mv "$new" "$HG_PKG_BASE"
      fi
    fi
  fi
  if [ -z "$why" ]; then
    mkdir "$R"
    tar -x -C "$R" -f "$HG_PKG_BASE"
    cp "$HG_DEB" "$R/tmp/hostguard.deb"
    # The previous version, to upgrade from: the same files, an older
    # version number (VERSION~prev sorts before VERSION).
    dpkg-deb -R "$HG_DEB" "$BATS_FILE_TMPDIR/prev"
    sed -i 's/^Version: .*/&~prev/' "$BATS_FILE_TMPDIR/prev/DEBIAN/control"
    dpkg-deb -b "$BATS_FILE_TMPDIR/prev" "$R/tmp/hostguard-prev.deb" >/dev/null
    # What the root holds before: purge must come back to it, the audit
    # logs aside.
    listing >"$BATS_FILE_TMPDIR/before"
    cp "$R/etc/shells" "$BATS_FILE_TMPDIR/shells.before"
  fi
  echo "$why" >"$BATS_FILE_TMPDIR/why"
}

setup() {
  [ -n "${HG_DEB:-}" ] || skip "run by make check-package (HG_DEB names the .deb)"
  R=$BATS_FILE_TMPDIR/root
}

need_root() {
  why=$(cat "$BATS_FILE_TMPDIR/why")
  [ -z "$why" ] || skip "$why"
}

# in_root CMD...: CMD in the chroot, host name db1, with /proc and /dev of
# a private mount namespace (gone when it exits).
in_root() {
  unshare -m -u --propagation private sh -c '
    r=$1; shift
    mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" && hostname db1 &&
      exec chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb "$@"' \
    sh "$R" "$@"
}

# Every path of the root, but the package database, dpkg's log and the
# temporary files, which dpkg itself keeps up to date.
listing() {
  (cd "$R" && find . -xdev \( -path ./proc -o -path ./dev -o -path ./tmp -o -path ./var/lib/dpkg \
    -o -path ./var/log/dpkg.log \) -prune -o -print | sort)
}

@test "lintian: no errors or warnings" {
  command -v lintian >/dev/null || skip "lintian is not installed (make deps)"
  run lintian --fail-on error,warning --display-info "$HG_DEB"
  echo "$output"
  [ "$status" -eq 0 ]
  run ! grep -E '^[EW]: ' <<<"$output"
}

@test "package: installs into a clean Debian 12 chroot (the previous version, upgraded below)" {
  need_root
  run in_root dpkg -i /tmp/hostguard-prev.deb
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(stat -c '%a %U %G' "$R/var/log/hostguard")" = "1733 root root" ]
  [ "$(stat -c '%a %U' "$R/run/hostguard")" = "1777 root" ]
  [ "$(stat -c '%a %U' "$R/etc/hostguard/policy.conf")" = "644 root" ]
  grep -qx /usr/bin/hostguard "$R/etc/shells"
  # A conffile, and the example: it guards db* and nfs*, with the installed packs.
  in_root dpkg-query -W -f='${Conffiles}\n' hostguard | grep -q '/etc/hostguard/policy.conf'
  in_root dpkg-query -W -f='${Conffiles}\n' hostguard | grep -q '/etc/logrotate.d/hostguard'
  grep -q '^hosts = {"db\*", "nfs\*"}' "$R/etc/hostguard/policy.conf"
  grep -q '^include = {"/usr/share/hostguard/rules/\*.conf", "/etc/hostguard/policy.d/\*.conf"}' \
    "$R/etc/hostguard/policy.conf"
  for f in /usr/bin/hostguard /usr/libexec/hostguard/hostguard-full /usr/libexec/hostguard/hostguard_sudo.so \
    /usr/share/hostguard/rules/mariadb.conf /usr/share/man/man1/hostguard.1.gz \
    /usr/share/man/man5/hostguard.conf.5.gz /usr/share/bash-completion/completions/hostguard \
    /usr/lib/tmpfiles.d/hostguard.conf; do
    [ -e "$R$f" ] || { echo "missing: $f"; return 1; }
  done
  # Setuid-free: nothing the package installs carries a set-id bit.
  run in_root sh -c 'dpkg -L hostguard | xargs -d "\n" stat -c "%A %n" | grep -E "^...[sS]|^......[sS]"'
  [ "$status" -eq 1 ]
}

@test "package: runs, refuses and records on db1" {
  need_root
  run in_root hostguard -- true
  [ "$status" -eq 0 ]
  run in_root hostguard -- sh -c 'exit 3'
  [ "$status" -eq 3 ]
  run in_root hostguard policy lint
  echo "$output"
  [ "$status" -eq 0 ]
  run in_root hostguard check -- rm -rf /srv/mariadb
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"decision: approve"* ]]
  [[ $output == *"host:     db1 (guarded)"* ]]
  # No terminal to wait on: noninteractive = deny refuses, and records it.
  mkdir -p "$R/srv/mariadb" && touch "$R/srv/mariadb/ibdata1"
  run in_root hostguard -- rm -rf /srv/mariadb </dev/null
  echo "$output"
  [ "$status" -eq 77 ]
  [ -e "$R/srv/mariadb/ibdata1" ]
  [ "$(stat -c '%a %U' "$R/var/log/hostguard/root.jsonl")" = "600 root" ]
  run in_root hostguard log --json
  echo "$output"
  [[ $output == *'"decision":"denied"'* ]]
  run in_root hostguard log --verify
  echo "$output"
  [ "$status" -eq 0 ]
  rm -r "$R/srv/mariadb"
}

@test "package: without a policy, log, verify and report read /var/log/hostguard; run says how to make one" {
  need_root
  mv "$R/etc/hostguard/policy.conf" "$R/etc/hostguard/policy.conf.away"
  run in_root hostguard log --json
  mv "$R/etc/hostguard/policy.conf.away" "$R/etc/hostguard/policy.conf"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *'"decision":"denied"'* ]]
  mv "$R/etc/hostguard/policy.conf" "$R/etc/hostguard/policy.conf.away"
  run in_root sh -c 'hostguard log --verify; echo "verify $?"; hostguard report; echo "report $?"
    hostguard -- true; echo "run $?"; hostguard check -- true; echo "check $?"'
  mv "$R/etc/hostguard/policy.conf.away" "$R/etc/hostguard/policy.conf"
  echo "$output"
  [[ $output == *"0 break(s), intact"*"verify 0"* ]]
  [[ $output == *"1 command(s)"*"report 0"* ]]
  [[ $output == *"/etc/hostguard/policy.conf: No such file or directory"*"install -m 0644 /usr/share/hostguard/policy.conf.example /etc/hostguard/policy.conf"*"run 78"* ]]
  [[ $output == *"check 78"* ]]
}

@test "package: logrotate accepts its configuration" {
  need_root
  [ -x "$R/usr/sbin/logrotate" ] || skip "logrotate is not in the chroot"
  run in_root logrotate --debug /etc/logrotate.d/hostguard
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"rotating pattern: /var/log/hostguard/*.jsonl"* ]]
  run ! grep -iE 'error|insecure|copytruncate' <<<"$output"
}

@test "package: upgrading keeps a changed policy, the logs and the shell entry" {
  need_root
  echo '# changed by the admin' >>"$R/etc/hostguard/policy.conf"
  run in_root dpkg -i --force-confold /tmp/hostguard.deb
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"Preparing to unpack /tmp/hostguard.deb"*"over ("*"~prev)"* ]]
  [ "$(in_root dpkg-query -W -f='${Version}' hostguard)" = "$(dpkg-deb -f "$HG_DEB" Version)" ]
  [ -s "$R/var/log/hostguard/root.jsonl" ]
  [ "$(stat -c '%a' "$R/var/log/hostguard")" = 1733 ]
  grep -qx '# changed by the admin' "$R/etc/hostguard/policy.conf"
  [ "$(grep -cx /usr/bin/hostguard "$R/etc/shells")" -eq 1 ]
  run in_root hostguard -- true
  [ "$status" -eq 0 ]
}

@test "package: remove leaves the policy, takes the shell away" {
  need_root
  run in_root dpkg -r hostguard
  echo "$output"
  [ "$status" -eq 0 ]
  [ ! -e "$R/usr/bin/hostguard" ]
  [ ! -e "$R/usr/libexec/hostguard" ]
  [ -e "$R/etc/hostguard/policy.conf" ]
  run ! grep -x /usr/bin/hostguard "$R/etc/shells"
}

@test "package: purge keeps the audit logs and leaves nothing else" {
  need_root
  run in_root dpkg -P hostguard
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"audit logs in /var/log/hostguard are kept"* ]]
  [ -s "$R/var/log/hostguard/root.jsonl" ]
  listing | grep -v '^\./var/log/hostguard' >"$BATS_FILE_TMPDIR/after"
  run diff "$BATS_FILE_TMPDIR/before" "$BATS_FILE_TMPDIR/after"
  echo "$output"
  [ "$status" -eq 0 ]
  cmp "$BATS_FILE_TMPDIR/shells.before" "$R/etc/shells"
  run in_root dpkg-query -W hostguard
  [ "$status" -ne 0 ]
}

@test "piuparts: install and purge in a chroot of its own leave nothing behind" {
  command -v piuparts >/dev/null || skip "piuparts is not installed (make deps)"
  need_root
  gzip -1 -c "$HG_PKG_BASE" >"$BATS_FILE_TMPDIR/base.tgz"
  # --ignore: piuparts runs the package's logrotate configuration, and
  # logrotate (in the base, as the package recommends it) writes its own
  # state file: logrotate's, not hostguard's.  No upgrade test: there is
  # no hostguard in the archive to upgrade from (see the upgrade above).
  run timeout 300 piuparts --no-upgrade-test -d bookworm --basetgz="$BATS_FILE_TMPDIR/base.tgz" \
    --tmpdir="$BATS_FILE_TMPDIR" --ignore=/var/lib/logrotate/status "$HG_DEB"
  grep -E 'ERROR|FAIL|PASS|left files|not owned' <<<"$output" || true
  [ "$status" -eq 0 ]
  [[ $output == *"PASS: Installation and purging test."* ]]
}

@test "bash completion: subcommands, options, rule names, pending request IDs" {
  [ -r /usr/share/bash-completion/bash_completion ] || skip "bash-completion is not installed (make deps)"
  # A stand-in for hostguard pending --json: two requests.
  printf '#!/bin/sh\n[ "$1" = pending ] && printf "%%s\\n" %s %s\n' \
    "'{\"v\":1,\"boot_id\":\"b0\",\"id\":\"0f3a9c\",\"argv\":[\"rm\"]}'" "'{\"id\":\"77aa01\",\"left\":30}'" \
    >"$BATS_TEST_TMPDIR/hg"
  chmod +x "$BATS_TEST_TMPDIR/hg"
  run bash -c '. /usr/share/bash-completion/bash_completion; . "$1/packaging/completion/hostguard"
    t() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
      COMPREPLY=(); _hostguard "$1" "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"; echo "${COMPREPLY[*]}"; }
    t hostguard ap
    t hostguard check --j
    t hostguard -f "$1/policy/example.conf" log --rule power-sh
    t hostguard log --decision den
    t "$2" approve ""
    t "$2" deny 77' sh "$HG_SRC" "$BATS_TEST_TMPDIR/hg"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = approve ]
  [ "${lines[1]}" = --json ]
  [ "${lines[2]}" = power-shutdown ]
  [ "${lines[3]}" = denied ]
  [ "${lines[4]}" = "0f3a9c 77aa01" ]
  [ "${lines[5]}" = 77aa01 ]
}
