#!/bin/bash
# make bench: the approval machinery's own cost.  For each run a requester
# (hguser, on a pty) asks for `date +%s%N`, which needs one approval; an
# approver (hgappr, in the approvers group) sends it straight over the
# socket (tests/helpers/rawapprove -t stamps the moment it is sent).  The
# figure is the time from that moment until the command started (its own
# clock reading): the peer check, the records (approval, decision: two
# fsyncs) and the fork+exec.  No human in it.
# Usage: approval.sh HOSTGUARD HELPERS RUNS   (as root; namespaces only)
set -u
hg=$1 helpers=$2 runs=$3
tmp=$(mktemp -d /tmp/hostguard-bench-appr.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
cp -a /etc "$tmp/etc"
mkdir -p "$tmp/etc/hostguard" "$tmp/log" "$tmp/spool"
chmod 1733 "$tmp/log"; chmod 1777 "$tmp/spool"
echo 'hguser:x:2201:2201::/tmp:/bin/sh' >>"$tmp/etc/passwd"
echo 'hgappr:x:2202:2202::/tmp:/bin/sh' >>"$tmp/etc/passwd"
printf 'hguser:x:2201:\nhgappr:x:2202:\nhgbsre:x:2203:hgappr\n' >>"$tmp/etc/group"
cat >"$tmp/etc/hostguard/policy.conf" <<EOP
hosts = {"db*"}
log_dir = "$tmp/log"
spool = "$tmp/spool"
approvers = "hgbsre"
approval_timeout = 60
rule bench-approve {
    command = {"date"}
    action = approve
}
EOP
chmod 644 "$tmp/etc/hostguard/policy.conf"
cat >"$tmp/one.sh" <<'EOS'
d=$1 hg=$2 h=$3
( echo 2201 >/proc/self/loginuid; exec setpriv --reuid 2201 --regid 2201 --init-groups \
  "$h/ptyrun" -t 30 -- "$hg" -- date +%s%N ) >"$d/req.txt" 2>&1 &
req=$!
id=
for _ in $(seq 400); do
  for f in "$d"/spool/*/request.json; do [ -S "${f%/request.json}/socket" ] && id=$(basename "${f%/request.json}"); done
  [ -n "$id" ] && break; sleep 0.01
done
digest=$(jq -r .digest "$d/spool/$id/request.json")
msg=$(printf '{"v":1,"id":"%s","verdict":"approve","digest":"%s","reason":null}' "$id" "$digest")
sent=$( (echo 2202 >/proc/self/loginuid; exec setpriv --reuid 2202 --regid 2202 --init-groups \
  "$h/rawapprove" -t "$d/spool/$id/socket" "$msg") | sed -n 's/^sent_ns=//p')
wait "$req"
ran=$(tr -d '\r' <"$d/req.txt" | sed 's/.*\[K//' | grep -E '^[0-9]{19}$' | tail -1)
echo $(( (ran - sent) / 1000 ))
EOS
us=()
for _ in $(seq "$runs"); do
  v=$(unshare -m -u sh -c 'mount --bind "$0/etc" /etc && hostname db1 && exec sh "$0/one.sh" "$0" "$1" "$2"' \
    "$tmp" "$hg" "$helpers")
  case $v in ''|*[!0-9-]*) echo "  a run failed: '$v'"; continue ;; esac
  us+=("$v")
done
[ ${#us[@]} -gt 0 ] || { echo "  no run succeeded"; exit 1; }
sorted=$(printf '%s\n' "${us[@]}" | sort -n)
n=${#us[@]}
med=$(sed -n "$(( (n + 1) / 2 ))p" <<<"$sorted")
printf '  approval sent -> command started: median %d.%03d ms, min %d.%03d ms, max %d.%03d ms (%d runs)\n' \
  $((med / 1000)) $((med % 1000)) $(( $(head -1 <<<"$sorted") / 1000 )) $(( $(head -1 <<<"$sorted") % 1000 )) \
  $(( $(tail -1 <<<"$sorted") / 1000 )) $(( $(tail -1 <<<"$sorted") % 1000 )) "$n"
