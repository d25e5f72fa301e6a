/* The requester's wait: the spool entry, the countdown on the terminal,
 * and the approvers' connections, each checked against the kernel's view
 * of who made it.  One thread, one poll loop: in a supervised session each
 * request waits in its own worker thread, so other execs go on. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <json-c/json.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <utmpx.h>

#include "internal.h"
#include "util/util.h"
#include "audit/audit.h"

/* Who can act: the group's members logged in on this host (utmp), apart
 * from the requester.  "bob (pts/2), carol (pts/3)", or NULL. */
static char *
members_here (gid_t gid, uid_t self)
{
  char out[512] = "";
  size_t len = 0;
  unsigned shown = 0;
  setutxent ();
  struct utmpx *u;
  while ((u = getutxent ()) && shown < 8)
    {
      if (u->ut_type != USER_PROCESS)
        continue;
      char user[sizeof u->ut_user + 1], line[sizeof u->ut_line + 1];
      memcpy (user, u->ut_user, sizeof u->ut_user);
      user[sizeof u->ut_user] = '\0';
      memcpy (line, u->ut_line, sizeof u->ut_line);
      line[sizeof u->ut_line] = '\0';
      struct passwd pw, *res = NULL;
      char buf[4096];
      if (getpwnam_r (user, &pw, buf, sizeof buf, &res) != 0 || !res || res->pw_uid == self)
        continue;
      gid_t groups[256];
      int ng = 256;
      bool member = res->pw_gid == gid;
      if (!member && getgrouplist (user, res->pw_gid, groups, &ng) >= 0)
        for (int i = 0; i < ng && !member; i++)
          member = groups[i] == gid;
      if (!member)
        continue;
      cleanup_free char *eu = hg_escape_str (user), *el = hg_escape_str (line);
      int n = snprintf (out + len, sizeof out - len, "%s%s (%s)", shown ? ", " : "", eu, el);
      if (n < 0 || (size_t) n >= sizeof out - len)
        break;
      len += (size_t) n;
      shown++;
    }
  endutxent ();
  return shown ? strdup (out) : NULL;
}

static volatile sig_atomic_t withdraw_signal;

static void
on_withdraw (int sig)
{
  withdraw_signal = sig;
}

/* Whether redaction took shell syntax out of an argument: it only ever
 * replaces text with "***", so a control character that the shown
 * argument has fewer of was hidden.  The approver would not see, say,
 * the `; rm -rf /srv` after an `Authorization:` in a `bash -c` string,
 * though the approval binds to it. */
static bool
hides_shell_syntax (const char *exact, const char *shown)
{
  static const char *const syntax[] = { ";", "|", "&", "`", "$(", "\n", ">", "<" };
  for (size_t i = 0; i < N_ELEMENTS (syntax); i++)
    {
      size_t in_exact = 0, in_shown = 0, n = strlen (syntax[i]);
      for (const char *p = exact; (p = strstr (p, syntax[i])); p += n)
        in_exact++;
      for (const char *p = shown; (p = strstr (p, syntax[i])); p += n)
        in_shown++;
      if (in_exact > in_shown)
        return true;
    }
  return false;
}

/* The request as the spool file shows it, and the terminal's first lines. */
static int
publish (struct waiter *w, int dirfd, char **json_out, hg_error **err)
{
  struct hg_cmd *c = w->c;
  const struct hg_settings *s = w->o->settings;
  cleanup_error hg_error *rerr = NULL;
  struct hg_redactor *red = NULL;
  if (hg_redactor_new (s->redact, s->n_redact, &red, &rerr) < 0)
    return hg_fail (err, HG_ERR_INVALID, "%s", hg_error_message (rerr));
  cleanup_strv char **shown = hg_redact_argv (red, (const char *const *) c->argv, c->argc);
  hg_redactor_free (red);
  if (!shown)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < c->argc; i++)
    if (strcmp (shown[i], c->argv[i]) != 0 && hides_shell_syntax (c->argv[i], shown[i]))
      return hg_fail (err, HG_ERR_INVALID,
                       "argument %zu hides shell syntax inside a blanked secret, and an approver "
                       "must see what runs: pass the secret another way (a file, the environment)",
                       i);
  hg_argv_sha256 ((const char *const *) c->argv, c->argc, c->argv_sha256);
  /* The digest is of the record as the approver will read it (see
   * hg_record_digest): built once without it, parsed back, hashed, then
   * built again with it. */
  memset (c->digest, '0', 64);
  cleanup_free char *json
      = hg_record_build (c, "request", (const char *const *) shown, c->argc, 0, NULL);
  if (!json)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  json_object *parsed = hg_record_parse (json, strlen (json));
  int dr = parsed ? hg_record_digest (parsed, c->digest) : -1;
  json_object_put (parsed);
  free (json);
  json = dr == 0 ? hg_record_build (c, "request", (const char *const *) shown, c->argc, 0, NULL)
                 : NULL;
  if (!json)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  if (hg_spool_create (dirfd, c->id, json, strlen (json), &w->lfd, err) < 0)
    return -1;

  cleanup_free char *cmdline = hg_quote_argv (shown, c->argc);
  cleanup_free char *msg = hg_escape_str (c->message);
  cleanup_free char *here = members_here (w->gid, c->uid);
  approval_say (w, "%s needs %u approval%s (rule %s): %s", cmdline ? cmdline : c->argv[0],
       c->approvals_needed, c->approvals_needed == 1 ? "" : "s", c->rule ? c->rule : "none",
       c->message ? msg : "");
  if (here)
    approval_say (w, "who can approve: a member of group %s other than you; logged in now: %s",
         c->approvers_group, here);
  else
    approval_say (w, "who can approve: a member of group %s other than you (none is logged in here)",
         c->approvers_group);
  approval_say (w, "they run:  hostguard approve %s", c->id);
  *json_out = steal_pointer (&json);
  return 0;
}

static int
setup (struct waiter *w, hg_error **err)
{
  struct hg_cmd *c = w->c;
  const struct hg_settings *s = w->o->settings;
  struct group gr, *res = NULL;
  char buf[16384];
  if (getgrnam_r (s->approvers, &gr, buf, sizeof buf, &res) != 0 || !res)
    return hg_fail (err, HG_ERR_INVALID,
                     "the approvers group '%s' does not exist on this host: nobody could approve",
                     s->approvers);
  w->gid = res->gr_gid;
  free (c->approvers_group);
  free (c->digest);
  free (c->argv_sha256);
  c->digest = calloc (1, 65);
  c->argv_sha256 = calloc (1, 65);
  c->approvers_group = strdup (s->approvers);
  w->names = calloc (MAX_APPROVERS + 1, sizeof *w->names);
  if (!c->digest || !c->argv_sha256 || !c->approvers_group || !w->names)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  c->expires = approval_now_ms (CLOCK_REALTIME) / 1000 + (int64_t) s->approval_timeout;
  c->decision = HG_DEC_NONE;
  return 0;
}

static void
finish_notify (struct waiter *w)
{
  if (w->notify_fd >= 0 && !w->notify_result)
    w->notify_result = hg_notify_result (w->notify_fd);
  w->notify_fd = -1;
}

static enum hg_approval_result
loop (struct waiter *w)
{
  struct hg_cmd *c = w->c;
  int64_t end = approval_now_ms (CLOCK_MONOTONIC) + (int64_t) w->o->settings->approval_timeout * 1000;
  sigset_t wait_mask;
  sigprocmask (SIG_SETMASK, NULL, &wait_mask);
  sigdelset (&wait_mask, SIGINT);
  sigdelset (&wait_mask, SIGTERM);
  sigdelset (&wait_mask, SIGHUP);
  int64_t next_tick = 0;
  while (!w->done)
    {
      int64_t now = approval_now_ms (CLOCK_MONOTONIC);
      if (w->o->own_signals && withdraw_signal)
        {
          approval_say (w, "withdrawn (%s): nothing was run", strsignal (withdraw_signal));
          return HG_APPROVAL_WITHDRAWN;
        }
      if (now >= end || approval_now_ms (CLOCK_REALTIME) / 1000 >= c->expires)
        {
          approval_say (w, "no approval within %u s: the request expired; nothing was run",
               w->o->settings->approval_timeout);
          return HG_APPROVAL_TIMEOUT;
        }
      if (now >= next_tick)
        {
          if (w->o->waiting && !w->o->waiting (w->o->ctx))
            return HG_APPROVAL_WITHDRAWN;
          approval_countdown (w, end - now);
          next_tick = now + 1000;
        }
      struct pollfd p[MAX_CONNS + 2];
      struct conn *of[MAX_CONNS + 2] = { 0 };
      nfds_t n = 0;
      p[n++] = (struct pollfd){ .fd = w->lfd, .events = POLLIN };
      int notify_at = -1;
      if (w->notify_fd >= 0)
        {
          notify_at = (int) n;
          p[n++] = (struct pollfd){ .fd = w->notify_fd, .events = POLLIN };
        }
      int64_t wake = next_tick < end ? next_tick : end;
      for (int i = 0; i < MAX_CONNS; i++)
        if (w->conns[i].fd >= 0)
          {
            if (w->conns[i].deadline_ms <= now)
              {
                approval_conn_close (&w->conns[i]); /* too slow: nothing counted */
                continue;
              }
            if (w->conns[i].deadline_ms < wake)
              wake = w->conns[i].deadline_ms;
            of[n] = &w->conns[i];
            p[n++] = (struct pollfd){ .fd = w->conns[i].fd, .events = POLLIN };
          }
      int64_t t = wake - now;
      struct timespec ts = { .tv_sec = (time_t) (t / 1000), .tv_nsec = (long) (t % 1000) * 1000000 };
      int r = ppoll (p, n, t > 0 ? &ts : &(struct timespec){ 0, 0 },
                     w->o->own_signals ? &wait_mask : NULL);
      if (r <= 0)
        continue;
      if (notify_at >= 0 && p[notify_at].revents)
        {
          finish_notify (w);
          if (w->notify_result && strcmp (w->notify_result, "exited with status 0") != 0)
            approval_say (w, "notify %s: %s", w->o->settings->notify, w->notify_result);
        }
      for (nfds_t i = 0; i < n && !w->done; i++)
        if (of[i] && of[i]->fd >= 0 && p[i].revents)
          approval_serve (w, of[i]);
      if (!w->done && p[0].revents)
        approval_accept (w);
    }
  return w->result;
}

int
hg_approval_request (struct hg_cmd *c, const struct hg_approval_opts *o, hg_error **err)
{
  struct waiter w = { .c = c, .o = o, .lfd = -1, .tty = -1, .notify_fd = -1 };
  for (int i = 0; i < MAX_CONNS; i++)
    w.conns[i].fd = -1;
  int dirfd = -1;
  cleanup_free char *json = NULL;
  int ret = -1;
  struct sigaction sa = { .sa_handler = on_withdraw }, old[3];
  sigset_t block, saved;
  const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
  bool signals_set = false;

  /* Root without a personal login (ssh root@, a service) is nobody in
   * particular: every approver, the requester too from another session,
   * would be "another person". */
  if ((c->uid == 0 || o->self_uid == 0)
      && (c->login_uid == (uid_t) -1 || c->login_uid == 0))
    {
      hg_fail (err, HG_ERR_INVALID,
                "root without a personal login (login uid %s) cannot ask for approval: nobody "
                "could tell the approver from you; log in as yourself and use sudo",
                c->login_uid == 0 ? "0" : "unset");
      goto out;
    }
  if (setup (&w, err) < 0 || hg_spool_open (o->settings->spool, &dirfd, err) < 0)
    goto out;
  w.tty = open ("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (o->own_signals)
    {
      /* Blocked except inside ppoll: a Ctrl-C is seen there, never lost. */
      sigemptyset (&block);
      for (int i = 0; i < 3; i++)
        sigaddset (&block, sigs[i]);
      sigprocmask (SIG_BLOCK, &block, &saved);
      withdraw_signal = 0;
      for (int i = 0; i < 3; i++)
        sigaction (sigs[i], &sa, &old[i]);
      signals_set = true;
    }
  if (publish (&w, dirfd, &json, err) < 0)
    goto out;
  if (o->record (o->ctx, c, "request") < 0)
    {
      hg_spool_remove (dirfd, c->id);
      hg_fail (err, HG_ERR_IO, "the request could not be recorded: nothing runs unrecorded");
      goto out;
    }
  if (o->settings->notify)
    {
      w.notify_fd = hg_notify_start (o->settings->notify, json, strlen (json), "request");
      if (w.notify_fd < 0 && asprintf (&w.notify_result, "could not be started: %s",
                                       strerror (errno)) < 0)
        w.notify_result = NULL;
    }

  ret = (int) loop (&w);
  hg_spool_remove (dirfd, c->id);
  if (w.tty >= 0 && write (w.tty, "\r\033[K", 4) < 0)
    {
    }
  if (w.notify_fd >= 0)
    {
      /* Give a fast program its last moment, then report what is known. */
      poll (&(struct pollfd){ .fd = w.notify_fd, .events = POLLIN }, 1, 0);
      finish_notify (&w);
    }
  free (c->note);
  c->note = NULL;
  const char *what = ret == HG_APPROVAL_DENIED    ? w.deny_note
                     : ret == HG_APPROVAL_TIMEOUT ? "no approval before the request expired"
                     : ret == HG_APPROVAL_WITHDRAWN
                         ? (o->own_signals && withdraw_signal ? "withdrawn by the requester"
                                                              : "the process died while waiting")
                         : NULL;
  bool notify_failed = o->settings->notify && w.notify_result
                       && strcmp (w.notify_result, "exited with status 0") != 0;
  if (what || notify_failed)
    if (asprintf (&c->note, "%s%s%s%s", what ? what : "", what && notify_failed ? "; " : "",
                  notify_failed ? "notify " : "", notify_failed ? w.notify_result : "")
        < 0)
      c->note = NULL;
  if (ret == HG_APPROVAL_APPROVED)
    {
      strv_free (c->approvers);
      c->approvers = steal_pointer (&w.names);
    }
out:
  for (int i = 0; i < MAX_CONNS; i++)
    if (w.conns[i].fd >= 0)
      approval_conn_close (&w.conns[i]);
  if (w.lfd >= 0)
    close (w.lfd);
  if (w.notify_fd >= 0)
    close (w.notify_fd);
  if (w.tty >= 0)
    close (w.tty);
  if (dirfd >= 0)
    close (dirfd);
  if (signals_set)
    {
      for (int i = 0; i < 3; i++)
        sigaction (sigs[i], &old[i], NULL);
      sigprocmask (SIG_SETMASK, &saved, NULL);
    }
  strv_free (w.names);
  free (w.deny_note);
  free (w.notify_result);
  return ret;
}

enum hg_decision
hg_approval_decision (enum hg_approval_result r)
{
  static const enum hg_decision outcome[] = {
    [HG_APPROVAL_APPROVED] = HG_DEC_APPROVED,
    [HG_APPROVAL_DENIED] = HG_DEC_DENIED,
    [HG_APPROVAL_TIMEOUT] = HG_DEC_TIMEOUT,
    [HG_APPROVAL_WITHDRAWN] = HG_DEC_WITHDRAWN,
  };
  return outcome[r];
}
