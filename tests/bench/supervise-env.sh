#!/bin/sh
# supervise-env.sh WORKDIR COMMAND [ARG...]
#
# Runs COMMAND (as root) in private namespaces where `hostguard shell`
# guards the host, as tests/bats/supervise.bats does: a mount namespace
# where /etc is a copy (WORKDIR/etc) holding a root-owned policy, and a UTS
# namespace whose host name is db1.  The machine's /etc, its host name and
# its sudoers do not change.
#
# The copy is made on the first call:
#   /etc/hostguard/policy.conf   policy/example.conf with the shipped rule
#                                packs, log_dir WORKDIR/log, shell /bin/sh
#                                (the shell of the bare loop it is compared to)
#   /etc/sudoers.d/hostguard-bench
#                                Defaults intercept, log_subcmds (Debian 12's
#                                sudo 1.9.13 intercepts with ptrace by
#                                default); as the runas user hgbench:
#                                intercept_type=dso (LD_PRELOAD), so both
#                                ways are measured
#   /etc/passwd, /etc/group      the user hgbench (uid 4299)
#   /etc/hosts                   db1 resolves (sudo warns otherwise)
# HG_SRC: the source tree (default: two levels up from this script).
set -eu
[ $# -ge 2 ] || { echo "usage: $0 WORKDIR COMMAND [ARG...]" >&2; exit 64; }
[ "$(id -u)" = 0 ] || { echo "$0: needs root (mount and UTS namespaces)" >&2; exit 77; }
w=$1
shift
src=${HG_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}

if [ ! -e "$w/etc/hostguard/policy.conf" ]; then
  mkdir -p "$w/log"
  rm -rf "$w/etc"
  cp -a /etc "$w/etc"
  mkdir -p "$w/etc/hostguard"
  cp -r "$src/policy/rules" "$w/etc/hostguard/rules"
  sed -e "s|^log_dir.*|log_dir = \"$w/log\"|" -e 's|^shell.*|shell = "/bin/sh"|' \
    "$src/policy/example.conf" >"$w/etc/hostguard/policy.conf.new"
  chown -R root:root "$w/etc/hostguard"
  chmod -R go-w "$w/etc/hostguard"
  chmod 0644 "$w/etc/hostguard/policy.conf.new"
  if ! grep -q '^hgbench:' "$w/etc/passwd"; then
    echo 'hgbench:x:4299:4299::/nonexistent:/usr/sbin/nologin' >>"$w/etc/passwd"
    echo 'hgbench:x:4299:' >>"$w/etc/group"
  fi
  echo '127.0.1.1 db1' >>"$w/etc/hosts"
  if [ -d "$w/etc/sudoers.d" ]; then
    printf '%s\n' 'Defaults intercept, log_subcmds' 'Defaults>hgbench intercept_type=dso' \
      >"$w/etc/sudoers.d/hostguard-bench"
    chmod 0440 "$w/etc/sudoers.d/hostguard-bench"
  fi
  mv "$w/etc/hostguard/policy.conf.new" "$w/etc/hostguard/policy.conf"
fi

exec unshare -m -u sh -c 'mount --bind "$0" /etc && hostname db1 && exec "$@"' "$w/etc" "$@"
