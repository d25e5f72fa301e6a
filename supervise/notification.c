/* One notification: read the task, ask the policy, talk to the operator,
 * record, answer; verify after the exec when the answer was risky. */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "approval/approval.h"
#include "util/util.h"
#include "internal.h"
#include "audit/audit.h"

void
sup_say (const char *fmt, ...)
{
  char line[1024];
  va_list ap;
  va_start (ap, fmt);
  int n = snprintf (line, sizeof line, "hostguard: ");
  n += vsnprintf (line + n, sizeof line - (size_t) n - 1, fmt, ap);
  va_end (ap);
  if (n > (int) sizeof line - 2)
    n = (int) sizeof line - 2;
  line[n++] = '\n';
  int fd = open ("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (write (fd >= 0 ? fd : STDERR_FILENO, line, (size_t) n) < 0)
    { /* nowhere left to say it */
    }
  if (fd >= 0)
    close (fd);
}

/* The user name of uid, cached: looked up on every exec otherwise. */
static const char *
user_name (struct sup *s, uid_t uid)
{
  pthread_mutex_lock (&s->lock);
  const char *name = NULL;
  for (unsigned i = 0; i < s->n_users && !name; i++)
    if (s->users[i].uid == uid)
      name = s->users[i].name;
  if (!name && s->n_users < SUP_UID_CACHE)
    {
      char *n = hg_user_name (uid);
      if (n)
        {
          s->users[s->n_users].uid = uid;
          name = s->users[s->n_users++].name = n;
        }
    }
  pthread_mutex_unlock (&s->lock);
  return name ? name : "?";
}

static void
answer (struct sup *s, const struct seccomp_notif *req, int error, bool cont)
{
  struct seccomp_notif_resp resp = { .id = req->id };
  if (cont)
    resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  else
    resp.error = -error;
  /* ENOENT: the task died (or its syscall was interrupted) meanwhile. */
  seccomp_notify_respond (s->listener, &resp);
}

/* The record's view of the exec: the session's identity, the task's. */
static int
fill_cmd (struct sup *s, const struct hg_target *t, const hg_verdict *v, struct hg_cmd *c)
{
  memset (c, 0, sizeof *c);
  unsigned char b[16];
  if (getrandom (b, sizeof b, 0) != sizeof b)
    return -1;
  for (size_t i = 0; i < sizeof b; i++)
    snprintf (c->id + 2 * i, 3, "%02x", b[i]);
  c->mode = s->opts.mode;
  c->argv = calloc (t->argc + 1, sizeof *c->argv);
  if (!c->argv)
    return -1;
  for (size_t i = 0; i < t->argc; i++)
    if (!(c->argv[i] = strdup (t->argv[i])))
      return -1;
  c->argc = t->argc;
#define DUP(dst, src)                                                                              \
  if ((src) && !((dst) = strdup (src)))                                                            \
  return -1
  DUP (c->exe, t->exe);
  DUP (c->cwd, t->cwd);
  DUP (c->host, s->self.host);
  DUP (c->host_fqdn, s->self.host_fqdn);
  DUP (c->user, user_name (s, t->uid));
  DUP (c->login_user, s->self.login_user);
  DUP (c->tty, s->self.tty);
  DUP (c->boot_id, s->self.boot_id);
  DUP (c->reason, s->opts.reason);
  DUP (c->rule, hg_verdict_rule (v));
  DUP (c->message, hg_verdict_message (v));
  DUP (c->runs, hg_verdict_runs (v));
#undef DUP
  c->uid = t->uid;
  c->login_uid = s->self.login_uid;
  c->pid = t->pid;
  c->approvals_needed = hg_verdict_approvals (v);
  c->exit_status = -1;
  c->duration_ms = -1;
  clock_gettime (CLOCK_MONOTONIC, &c->started);
  return 0;
}

static int
record (struct sup *s, struct hg_cmd *c, enum hg_decision d, const char *note)
{
  c->decision = d;
  free (c->note);
  c->note = note ? strdup (note) : NULL;
  if (!s->opts.audit)
    return -1;
  cleanup_error hg_error *err = NULL;
  pthread_mutex_lock (&s->audit_lock);
  int r = hg_audit_record (s->opts.audit, c, "decision", &err);
  pthread_mutex_unlock (&s->audit_lock);
  if (r < 0)
    sup_say ("cannot write the audit record: %s", hg_error_message (err));
  return r;
}

/* The confirmation, on the terminal the session may hold: its shell may
 * own the foreground, so the supervisor takes it for the question
 * (SIGTTOU is ignored here: no stop) and gives it back. */
static enum hg_prompt_answer
ask (struct sup *s, const struct hg_cmd *c, hg_error **err)
{
  pthread_mutex_lock (&s->prompt_lock);
  enum hg_prompt_answer a = HG_PROMPT_NO_TTY;
  int fd = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd >= 0)
    {
      struct termios saved;
      bool have = tcgetattr (fd, &saved) == 0;
      pid_t fg = tcgetpgrp (fd);
      tcsetpgrp (fd, getpgrp ());
      struct hg_prompt p;
      char **shown;
      hg_prompt_for_cmd (c, s->settings, &p, &shown);
      a = hg_prompt_confirm (&p, err);
      strv_free (shown);
      if (have)
        tcsetattr (fd, TCSANOW, &saved);
      if (fg > 0)
        tcsetpgrp (fd, fg);
      close (fd);
    }
  pthread_mutex_unlock (&s->prompt_lock);
  return a;
}

/* CONTINUE, seized first: stop at the exec, compare, kill on a difference. */
static void
continue_verified (struct sup *s, const struct seccomp_notif *req, const struct hg_target *t,
                   struct hg_cmd *c)
{
  cleanup_error hg_error *err = NULL;
  struct hg_expect e;
  if (t->tracer != 0)
    {
      sup_say ("%s: process %d is already traced (pid %d): it cannot be verified, so it is "
               "not run",
               t->argv[0] ? t->argv[0] : t->exe, t->pid, t->tracer);
      record (s, c, HG_DEC_DENIED, "already traced: cannot be verified");
      { answer (s, req, EPERM, false); return; }
    }
  /* The prompt may have waited minutes: if the task died meanwhile its pid
   * may be another process's now, which must not be seized. */
  if (seccomp_notify_id_valid (s->listener, req->id) != 0)
    {
      record (s, c, HG_DEC_ERROR, "the process died while waiting");
      return;
    }
  if (hg_expect_build (t, &e, &err) < 0 || hg_execcheck_seize (t->pid, s->killable_recv, &err) < 0)
    {
      hg_expect_clear (&e);
      sup_say ("%s", hg_error_message (err));
      record (s, c, HG_DEC_DENIED, hg_error_message (err));
      { answer (s, req, EPERM, false); return; }
    }
  struct seccomp_notif_resp resp = { .id = req->id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE };
  if (seccomp_notify_respond (s->listener, &resp) < 0)
    {
      hg_execcheck_release (t->pid);
      hg_expect_clear (&e);
      record (s, c, HG_DEC_ERROR, "the process died while waiting");
      return;
    }
  cleanup_free char *why = NULL;
  enum hg_execcheck_result r = hg_execcheck_wait (t->pid, &e, &why);
  hg_expect_clear (&e);
  if (r == HG_EXECCHECK_MISMATCH)
    {
      sup_say ("%s: killed before it ran: %s", t->exe, why);
      record (s, c, HG_DEC_DENIED, why);
    }
}

struct approval_ctx
{
  struct sup *s;
  const struct seccomp_notif *req;
};

static int
record_request (void *ctx, struct hg_cmd *c, const char *event)
{
  struct approval_ctx *w = ctx;
  cleanup_error hg_error *err = NULL;
  if (!w->s->opts.audit)
    return -1;
  pthread_mutex_lock (&w->s->audit_lock);
  int r = hg_audit_record (w->s->opts.audit, c, event, &err);
  pthread_mutex_unlock (&w->s->audit_lock);
  if (r < 0)
    sup_say ("cannot write the audit record: %s", hg_error_message (err));
  return r;
}

/* The exec still waits: its task has not died or been killed (Ctrl-C on
 * the session's terminal kills it: it is blocked in a killable wait). */
static bool
still_waiting (void *ctx)
{
  struct approval_ctx *w = ctx;
  return seccomp_notify_id_valid (w->s->listener, w->req->id) == 0;
}

/* approve in a session: the exec stays blocked in the kernel while this
 * worker waits for approvers; other workers answer other execs. */
static void
approve_exec (struct sup *s, const struct seccomp_notif *req, const struct hg_target *t,
              struct hg_cmd *c)
{
  const char *name = t->argv && t->argv[0] ? t->argv[0] : t->exe;
  int tty = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (tty < 0)
    {
      bool allow = s->settings->noninteractive == HG_ACTION_ALLOW;
      if (record (s, c, allow ? HG_DEC_ALLOWED : HG_DEC_DENIED,
                  allow ? "no terminal; noninteractive = allow: no approver was asked"
                        : "no terminal; noninteractive = deny")
              < 0
          || !allow)
        {
          sup_say ("%s: refused: it needs a second approver and there is no terminal to wait on",
                   name);
          answer (s, req, EPERM, false);
          return;
        }
      continue_verified (s, req, t, c);
      return;
    }
  close (tty);

  struct approval_ctx w = { .s = s, .req = req };
  struct hg_approval_opts ao = { .settings = s->settings,
                                 .record = record_request,
                                 .waiting = still_waiting,
                                 .ctx = &w,
                                 .self_uid = getuid (),
                                 .self_login_uid = s->self.login_uid };
  cleanup_error hg_error *err = NULL;
  /* One conversation on the terminal at a time: a countdown must not run
   * through another exec's question. */
  pthread_mutex_lock (&s->prompt_lock);
  int r = hg_approval_request (c, &ao, &err);
  pthread_mutex_unlock (&s->prompt_lock);
  if (r < 0)
    {
      sup_say ("%s: refused: %s", name, hg_error_message (err));
      record (s, c, HG_DEC_ERROR, hg_error_message (err));
      answer (s, req, EPERM, false);
      return;
    }
  c->decision = hg_approval_decision ((enum hg_approval_result) r);
  record_request (&w, c, "approval");
  cleanup_free char *note = c->note ? strdup (c->note) : NULL;
  if (r == HG_APPROVAL_APPROVED)
    {
      if (record (s, c, HG_DEC_APPROVED, note) < 0)
        {
          sup_say ("%s: refused: the record could not be written", name);
          answer (s, req, EPERM, false);
        }
      else
        continue_verified (s, req, t, c);
      return;
    }
  record (s, c, r == HG_APPROVAL_WITHDRAWN ? HG_DEC_DECLINED : hg_approval_decision ((enum hg_approval_result) r), note);
  answer (s, req, EPERM, false);
}

static void
decide_and_answer (struct sup *s, const struct seccomp_notif *req, struct hg_target *t)
{
  const char *name = t->argv && t->argv[0] ? t->argv[0] : t->exe;
  struct hg_request rq = { .argv = (const char *const *) t->argv, .argc = t->argc, .exe = t->exe,
                           .cwd = t->cwd, .user = user_name (s, t->uid),
                           .host_short = s->self.host, .host_fqdn = s->self.host_fqdn,
                           .look_through = false, .exe_fd = t->fd, .has_exe_fd = t->fd >= 0 };
  const char *empty[] = { t->exe, NULL };
  if (t->argc == 0) /* execve(path, NULL): the policy still sees the program */
    rq.argv = empty, rq.argc = 1;
  /* The task's standard input: `mysql wiki < dump.sql` runs that SQL.
   * Taken after the read of its memory, checked like every read. */
  cleanup_close int in = hg_task_stdin (t->pid);
  if (in >= 0 && seccomp_notify_id_valid (s->listener, req->id) != 0)
    {
      answer (s, req, EPERM, false); /* gone: the answer goes nowhere */
      return;
    }
  rq.stdin_fd = in;
  rq.has_stdin_fd = true;
  hg_verdict *v = NULL;
  cleanup_error hg_error *err = NULL;
  if (hg_policy_decide (s->policy, &rq, &v, &err) < 0)
    {
      sup_say ("%s: cannot decide: %s; refused", name, hg_error_message (err));
      { answer (s, req, EPERM, false); return; }
    }
  enum hg_action act = hg_verdict_action (v);
  if (!hg_verdict_guarded (v))
    act = HG_ACTION_ALLOW;
  /* The fallback policy: what a rule lets through is asked about. */
  if (s->opts.fallback && hg_verdict_rule (v) && act < HG_ACTION_CONFIRM)
    act = HG_ACTION_CONFIRM;
  if (s->opts.no_new_privs && S_ISREG (t->mode) && (t->mode & (S_ISUID | S_ISGID)))
    sup_say ("%s is set%cid: it runs without gaining privileges (this session has no_new_privs)",
             t->exe, (t->mode & S_ISUID) ? 'u' : 'g');

  /* What the kernel runs may differ from what we read when another task
   * can rewrite the arguments, or swap the file the path names, meanwhile:
   * verify after the exec whatever the action. */
  bool verify = s->settings->verify_exec_all || t->memory_shared || !t->path_stable;
  if (act == HG_ACTION_ALLOW && !verify)
    {
      hg_verdict_free (v);
      { answer (s, req, 0, true); return; }
    }
  struct hg_cmd c;
  if (fill_cmd (s, t, v, &c) < 0)
    {
      hg_cmd_clear (&c);
      hg_verdict_free (v);
      sup_say ("%s: out of memory; refused", name);
      { answer (s, req, EPERM, false); return; }
    }
  c.action = act;
  hg_verdict_free (v);
  const char *rule = c.rule ? c.rule : "(default)";
  switch (act)
    {
    case HG_ACTION_ALLOW:
      continue_verified (s, req, t, &c);
      break;
    case HG_ACTION_LOG:
      if (record (s, &c, HG_DEC_LOGGED, NULL) < 0)
        {
          sup_say ("%s: refused: the record could not be written", name);
          answer (s, req, EPERM, false);
        }
      else if (verify)
        continue_verified (s, req, t, &c);
      else
        answer (s, req, 0, true);
      break;
    case HG_ACTION_CONFIRM:
      {
        cleanup_error hg_error *perr = NULL;
        enum hg_prompt_answer a = ask (s, &c, &perr);
        bool yes = a == HG_PROMPT_YES;
        const char *note = a == HG_PROMPT_ERROR ? hg_error_message (perr) : NULL;
        if (a == HG_PROMPT_NO_TTY)
          {
            yes = s->settings->noninteractive == HG_ACTION_ALLOW;
            note = yes ? "no terminal; noninteractive = allow" : "no terminal; noninteractive = deny";
          }
        if (!yes)
          {
            record (s, &c,
                    a == HG_PROMPT_NO_TTY ? HG_DEC_DENIED
                    : a == HG_PROMPT_ERROR ? HG_DEC_ERROR
                                           : HG_DEC_DECLINED,
                    note);
            sup_say ("%s: not confirmed (rule %s)%s%s%s", name, rule,
                     a == HG_PROMPT_NO_TTY ? ": no terminal to ask on" : "",
                     a == HG_PROMPT_ERROR ? ": " : "", a == HG_PROMPT_ERROR ? note : "");
            answer (s, req, EPERM, false);
          }
        else if (record (s, &c, HG_DEC_CONFIRMED, note) < 0)
          {
            sup_say ("%s: refused: the record could not be written", name);
            answer (s, req, EPERM, false);
          }
        else
          continue_verified (s, req, t, &c);
        break;
      }
    case HG_ACTION_APPROVE:
      approve_exec (s, req, t, &c);
      break;
    case HG_ACTION_DENY:
    default:
      {
        pthread_mutex_lock (&s->lock);
        bool again = s->last_denied_pid == t->pid && s->last_denied_ino == t->ino;
        s->last_denied_pid = t->pid;
        s->last_denied_ino = t->ino;
        pthread_mutex_unlock (&s->lock);
        if (!again)
          {
            record (s, &c, HG_DEC_DENIED, NULL);
            sup_say ("refused by rule %s: %s", rule, c.message ? c.message : name);
          }
        answer (s, req, EPERM, false);
        break;
      }
    }
  hg_cmd_clear (&c);
}

void
sup_handle (struct sup *s, const struct seccomp_notif *req)
{
  /* The session's own first program: the caller decided it, so there is
   * nothing to read.  S is single-threaded until that execve, and its pid
   * is its own while it waits in it. */
  bool first = false;
  pthread_mutex_lock (&s->lock);
  if (!s->top_done && (pid_t) req->pid == s->top)
    first = s->top_done = true;
  pthread_mutex_unlock (&s->lock);
  if (first)
    {
      answer (s, req, 0, true);
      return;
    }
  struct hg_target t;
  int errnum = 0;
  cleanup_error hg_error *err = NULL;
  int r = hg_target_read (s->listener, req, &t, &errnum, &err);
  if (r == HG_TARGET_OK)
    decide_and_answer (s, req, &t);
  else if (r == HG_TARGET_FAILS)
    answer (s, req, errnum, false); /* as the kernel would, silently */
  else if (r != HG_TARGET_GONE)
    {
      sup_say ("%s; refused", hg_error_message (err));
      answer (s, req, r == HG_TARGET_REFUSE ? errnum : EPERM, false);
    }
  hg_target_clear (&t);
}
