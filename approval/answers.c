/* The approvers' answers to a waiting request: who connects is known from
 * the kernel (SO_PEERCRED, groups, login uid) before a word is read, and
 * each message is judged on that, never on what it says of its sender. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"
#include "audit/audit.h"
#include "util/util.h"

/* "bob", or "root (login bob)" for root reached through sudo. */
static char *
person_name (uid_t uid, uid_t login)
{
  cleanup_free char *u = hg_user_name (uid);
  if (login == (uid_t) -1 || login == uid)
    return steal_pointer (&u);
  cleanup_free char *l = hg_user_name (login);
  char *s = NULL;
  if (!u || !l || asprintf (&s, "%s (login %s)", u, l) < 0)
    return NULL;
  return s;
}

static void
reply (int fd, bool ok, unsigned have, unsigned need, const char *message)
{
  struct hg_approval_reply r = { .ok = ok, .have = have, .need = need, .message = (char *) message };
  cleanup_free char *line = hg_approval_reply_build (&r);
  if (line)
    send (fd, line, strlen (line), MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* One approver's message, judged on the kernel's word about its sender. */
static void
judge (struct waiter *w, struct conn *k)
{
  struct hg_cmd *c = w->c;
  unsigned need = c->approvals_needed;
  const struct hg_peer peer = k->peer;
  struct hg_approval_msg m;
  const char *why = NULL;
  if (hg_approval_msg_parse (k->buf, k->n, &m, &why) < 0)
    ;
  else if (strcmp (m.id, c->id) != 0)
    why = "this socket belongs to another request";
  else if (strcmp (m.digest, c->digest) != 0)
    why = "the request you saw is not the one waiting here (digest mismatch): refused";
  else if (approval_now_ms (CLOCK_REALTIME) / 1000 >= c->expires)
    why = "the request has expired";
  else if (hg_same_person (peer.uid, peer.login_uid, c->uid, c->login_uid)
           || hg_same_person (peer.uid, peer.login_uid, w->o->self_uid, w->o->self_login_uid))
    why = "a request cannot be answered by its requester (same uid or login uid)";
  else if (peer.uid == 0)
    /* Root sets its own login uid (or starts a process without one, which
     * may set it once): as root, nobody can show which person they are. */
    why = "root cannot approve: its login uid proves no person; approve from your own account";
  if (why)
    {
      reply (k->fd, false, w->n_got, need, why);
      if (strcmp (why, "message is not a JSON object") != 0)
        {
          cleanup_free char *who = person_name (peer.uid, peer.login_uid);
          approval_say (w, "refused an answer from %s: %s", who ? who : "?", why);
        }
      hg_approval_msg_clear (&m);
      return;
    }

  cleanup_free char *who = person_name (peer.uid, peer.login_uid);
  if (!m.approve)
    {
      cleanup_free char *r = m.reason ? hg_escape_str (m.reason) : NULL;
      free (w->deny_note);
      if (asprintf (&w->deny_note, "denied by %s%s%s", who ? who : "?", m.reason ? ": " : "",
                    m.reason ? m.reason : "") < 0)
        w->deny_note = NULL;
      approval_say (w, "denied by %s%s%s", who ? who : "?", r ? ": " : "", r ? r : "");
      reply (k->fd, true, w->n_got, need, "denied: the command will not run");
      w->done = true;
      w->result = HG_APPROVAL_DENIED;
    }
  else
    {
      bool again = false;
      for (unsigned i = 0; i < w->n_got && !again; i++)
        again = hg_same_person (peer.uid, peer.login_uid, w->got[i].uid, w->got[i].login_uid);
      if (again)
        reply (k->fd, true, w->n_got, need, "already counted: one person counts once");
      else if (w->n_got < MAX_APPROVERS && who)
        {
          w->got[w->n_got].uid = peer.uid;
          w->got[w->n_got].login_uid = peer.login_uid;
          w->names[w->n_got++] = steal_pointer (&who);
          w->names[w->n_got] = NULL;
          approval_say (w, "approved by %s (%u of %u)", w->names[w->n_got - 1], w->n_got, need);
          if (w->n_got >= need)
            {
              w->done = true;
              w->result = HG_APPROVAL_APPROVED;
            }
          reply (k->fd, true, w->n_got, need,
                 w->done ? "approved: the command runs now" : "counted; more approvals needed");
        }
      else
        reply (k->fd, false, w->n_got, need, "out of memory");
    }
  hg_approval_msg_clear (&m);
}

void
approval_conn_close (struct conn *k)
{
  close (k->fd);
  hg_peer_clear (&k->peer);
  k->fd = -1;
  k->n = 0;
}

/* Reads what is there; a full line is judged, and the connection ends. */
void
approval_serve (struct waiter *w, struct conn *k)
{
  ssize_t r = recv (k->fd, k->buf + k->n, sizeof k->buf - k->n, MSG_DONTWAIT);
  if (r < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (r <= 0)
    {
      approval_conn_close (k); /* dropped before a whole message: nothing counted */
      return;
    }
  k->n += (size_t) r;
  if (memchr (k->buf, '\n', k->n) || k->n == sizeof k->buf)
    {
      judge (w, k);
      approval_conn_close (k);
    }
}

/* Who connects is known at once: only members of the approvers group get
 * a slot and a hearing, so nobody else can crowd them out (the socket is
 * open to all; `pending` probes it to tell a live request from a dead
 * one).  A non-member is told why, and nothing is shown here. */
void
approval_accept (struct waiter *w)
{
  /* A bounded batch: a flood of connections leaves the loop time for the
   * deadline, the countdown and the signals (poll reports the rest). */
  for (int n = 0; n < ACCEPTS_PER_PASS; n++)
    {
      int fd = accept4 (w->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0)
        return;
      cleanup_error hg_error *err = NULL;
      struct hg_peer peer;
      if (hg_peer_read_creds (fd, &peer, &err) < 0)
        {
          reply (fd, false, w->n_got, w->c->approvals_needed, hg_error_message (err));
          hg_peer_clear (&peer);
          close (fd);
          continue;
        }
      if (!hg_peer_in_group (&peer, w->gid))
        {
          cleanup_free char *why = NULL;
          if (asprintf (&why, "uid %u is not in group %s: only its members may answer",
                        (unsigned) peer.uid, w->c->approvers_group) < 0)
            why = NULL;
          reply (fd, false, w->n_got, w->c->approvals_needed,
                 why ? why : "not a member of the approvers group");
          hg_peer_clear (&peer);
          close (fd);
          continue;
        }
      /* Who is at the keyboard: a person's login (pam_loginuid) is what
       * tells root-via-sudo from the user who ran sudo, so an approver
       * without one, or whose login cannot be seen, is not heard. */
      if (hg_peer_read_login (fd, &peer, &err) < 0 || peer.login_uid == (uid_t) -1)
        {
          reply (fd, false, w->n_got, w->c->approvals_needed,
                 err ? hg_error_message (err)
                     : "the approver has no login uid (not a login session): refused");
          hg_peer_clear (&peer);
          close (fd);
          continue;
        }
      struct conn *k = NULL;
      for (int i = 0; i < MAX_CONNS && !k; i++)
        if (w->conns[i].fd < 0)
          k = &w->conns[i];
      if (!k)
        {
          hg_peer_clear (&peer);
          close (fd); /* busy: the approver's client says so and may retry */
          continue;
        }
      k->fd = fd;
      k->peer = peer;
      k->n = 0;
      k->deadline_ms = approval_now_ms (CLOCK_MONOTONIC) + CONN_DEADLINE_MS;
    }
}
