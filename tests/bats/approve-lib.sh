# Shell functions for approve.bats, run inside the test's namespaces.
# T, HG, PTY and RAW come from the environment.

# as UID CMD...: CMD as that user, with that login uid, its groups from
# the namespace's /etc/group.
as() {
  u=$1; shift
  ( echo "$u" >/proc/self/loginuid && exec setpriv --reuid "$u" --regid "$u" --init-groups "$@" )
}

# The spool entry is a directory SPOOL/ID holding `socket` and, once the
# socket listens, `request.json`.
wait_for_request() {
  ID=
  for _ in $(seq 200); do
    for f in "$T"/spool/*/request.json; do
      [ -e "$f" ] || continue
      i=$(basename "$(dirname "$f")")
      if [ -S "$T/spool/$i/socket" ]; then ID=$i; fi
    done
    [ -n "$ID" ] && break
    sleep 0.05
  done
  [ -n "$ID" ] || { echo "no request appeared"; return 1; }
  SOCK=$T/spool/$ID/socket
  # The requester's pid, for the tests that kill it: the one the request
  # names (a pgrep could find a previous requester still exiting).
  HGPID=$(jq -r .pid "$T/spool/$ID/request.json")
  [ -n "$HGPID" ] && [ "$HGPID" != null ] || echo "no requester pid in the request"
}

# request_as UID PROGRAM [ARG...] [-- PTYRUN-STEPS...]: the requester on a
# pty, in the background ($REQ); sets ID, SOCK and HGPID.
request_as() {
  u=$1; shift
  prog=$1; shift
  args=; steps=
  while [ $# -gt 0 ] && [ "$1" != -- ]; do args="$args $1"; shift; done
  [ "${1:-}" = -- ] && shift
  # shellcheck disable=SC2086
  as "$u" "$PTY" -t 60 "$@" -- "$HG" -- "$prog" $args >"$T/out/req.txt" 2>&1 &
  REQ=$!
  wait_for_request
}

finish() {
  wait "$REQ"; echo "requester exit $?"
  tr -d '\r' <"$T/out/req.txt"
}

# approve_as UID EXPECTED-NAME [ID] [hostguard approve options]
approve_as() {
  u=$1 name=$2; shift 2
  id=$ID
  case "${1:-}" in [0-9a-f]*) id=$1; shift ;; esac
  as "$u" "$PTY" -t 15 -e "approve: " -s "$name\n" -- "$HG" approve "$@" "$id" >"$T/out/ap.txt" 2>&1
  s=$?
  tr -d '\r' <"$T/out/ap.txt"
  echo "approve status $s"
}

deny_as() {
  u=$1; shift
  as "$u" "$HG" deny "$@" "$ID" </dev/null; echo "deny status $?"
}

pending_as() {
  as "$1" "$HG" pending </dev/null
}

msg() {
  digest=${2:-$(jq -r .digest "$T/spool/$ID/request.json")}
  printf '{"v":1,"id":"%s","verdict":"%s","digest":"%s","reason":null}' "$ID" "$1" "$digest"
}

# raw_as UID VERDICT [DIGEST] [rawapprove options]
raw_as() {
  u=$1 v=$2 d=${3:-}; shift 2; [ $# -gt 0 ] && shift
  m=$(msg "$v" "$d")
  as "$u" "$RAW" "$@" "$SOCK" "$m"
}

