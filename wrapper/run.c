/* hostguard [OPTIONS] [--] COMMAND, hostguard run ...: the prefix form.
 *
 * The command is decided on from its command line alone (launchers looked
 * through).  allow execs it at once: no fork, no record, no log file
 * opened, so an allowed command costs little more than the bare one.
 * Every other decision is recorded, and fsynced, before anything runs. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "approval/approval.h"
#include "audit/audit.h"
#include "program.h"
#include "supervise/supervise.h"
#include "runopts.h"
#include "runsup.h"

/* Whether this run supervises what it starts, and how (hg_main_run). */
static struct hg_runsup runsup;

static void
cleanup_run_policy_impl (hg_policy **p)
{
  /* A supervised run's policy serves the supervisor's threads until the
   * process exits (a program the command left behind may still exec). */
  if (!runsup.on)
    hg_policy_free (*p);
}
#define cleanup_run_policy __attribute__ ((cleanup (cleanup_run_policy_impl)))

static char *
dup_or_null (const char *s)
{
  return s ? strdup (s) : NULL;
}

/* Appends a record; a failure is told to the operator after `context`. */
static int
record (struct hg_audit *a, const struct hg_cmd *cmd, const char *event, const char *context)
{
  cleanup_error hg_error *err = NULL;
  if (hg_audit_record (a, cmd, event, &err) == 0)
    return 0;
  hg_warn ("%s: %s", context, hg_error_message (err));
  return -1;
}

/* Records the refusal, says why on stderr, returns 77. */
static int
refuse (struct hg_audit *a, struct hg_cmd *cmd, enum hg_decision d, const char *note,
        const char *why)
{
  cmd->decision = d;
  free (cmd->note);
  cmd->note = dup_or_null (note);
  hg_warn ("%s", why);
  record (a, cmd, "decision", "and the refusal could not be recorded");
  return HG_EXIT_REFUSED;
}

/* The decision record is on disk: run the command, then record its end. */
static int
run_recorded (struct hg_audit *a, struct hg_cmd *cmd)
{
  cleanup_free char *context = NULL;
  if (asprintf (&context, "not running %s: nothing runs unrecorded", cmd->argv[0]) < 0)
    context = NULL;
  if (record (a, cmd, "decision", context ? context : "not running: nothing runs unrecorded") < 0)
    return HG_EXIT_REFUSED;
  struct hg_exec_result r;
  int status;
  if (hg_runsup_exec (&runsup, cmd->exe, cmd->argv, &r) < 0)
    {
      int e = errno;
      hg_warn ("cannot start %s: %s", cmd->argv[0], strerror (e));
      status = HG_EXIT_NOEXEC;
      free (cmd->note);
      if (asprintf (&cmd->note, "could not be started: %s", strerror (e)) < 0)
        cmd->note = NULL;
    }
  else if (r.exec_errno)
    {
      status = hg_exec_failed (cmd->argv[0], r.exec_errno);
      free (cmd->note);
      if (asprintf (&cmd->note, "could not be executed: %s", strerror (r.exec_errno)) < 0)
        cmd->note = NULL;
      cmd->duration_ms = r.duration_ms;
    }
  else
    {
      status = r.status;
      cmd->signal = r.signal;
      cmd->duration_ms = r.duration_ms;
    }
  /* `exit` is the status as the shell saw it (128+N when killed by N). */
  cmd->exit_status = status;
  record (a, cmd, "exit", "the exit record could not be written");
  return status;
}

static int
confirm (struct hg_audit *a, struct hg_cmd *cmd, const struct hg_settings *s)
{
  cleanup_error hg_error *err = NULL;
  cleanup_redactor struct hg_redactor *red = NULL;
  if (hg_redactor_new (s->redact, s->n_redact, &red, &err) < 0)
    return refuse (a, cmd, HG_DEC_ERROR, hg_error_message (err), hg_error_message (err));
  cleanup_strv char **shown = hg_redact_argv (red, (const char *const *) cmd->argv, cmd->argc);
  if (!shown)
    return refuse (a, cmd, HG_DEC_ERROR, "out of memory", "out of memory");

  struct hg_prompt p = {
    .host = cmd->host,
    .rule = cmd->rule,
    .message = cmd->message,
    .reason = cmd->reason,
    .argv = (const char *const *) shown,
    .argc = cmd->argc,
    .exe = cmd->runs ? cmd->runs : cmd->exe,
  };
  cleanup_error hg_error *perr = NULL;
  cleanup_free char *why = NULL;
  switch (hg_prompt_confirm (&p, &perr))
    {
    case HG_PROMPT_YES:
      cmd->decision = HG_DEC_CONFIRMED;
      return run_recorded (a, cmd);
    case HG_PROMPT_NO_TTY:
      if (s->noninteractive == HG_ACTION_ALLOW)
        {
          /* Not "confirmed": no one was asked, and the record says so. */
          cmd->decision = HG_DEC_ALLOWED;
          cmd->note = strdup ("no terminal; noninteractive = allow: no one was asked");
          return run_recorded (a, cmd);
        }
      if (asprintf (&why, "refused: %s needs confirmation (rule %s) and there is no terminal to ask on (noninteractive = deny)",
                    cmd->argv[0], cmd->rule ? cmd->rule : "none") < 0)
        why = NULL;
      return refuse (a, cmd, HG_DEC_DENIED, "no terminal; noninteractive = deny",
                     why ? why : "refused: no terminal to ask on");
    case HG_PROMPT_WRONG:
      return refuse (a, cmd, HG_DEC_DECLINED, "the answer was not the host name",
                     "not confirmed: that is not this host's name; nothing was run");
    case HG_PROMPT_EOF:
      return refuse (a, cmd, HG_DEC_DECLINED, "no answer (end of input)",
                     "not confirmed: no answer; nothing was run");
    case HG_PROMPT_INTERRUPTED:
      return refuse (a, cmd, HG_DEC_DECLINED, "interrupted at the prompt",
                     "not confirmed: interrupted; nothing was run");
    case HG_PROMPT_ERROR:
    default:
      return refuse (a, cmd, HG_DEC_ERROR, hg_error_message (perr), hg_error_message (perr));
    }
}

static int
record_request (void *ctx, struct hg_cmd *cmd, const char *event)
{
  return record (ctx, cmd, event, "the request could not be recorded");
}

/* approve: a request in the spool, and the wait for other people. */
static int
approve (struct hg_audit *a, struct hg_cmd *cmd, const struct hg_settings *s)
{
  int tty = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (tty < 0)
    {
      /* cron, puppet and ansible never hang on an approver. */
      if (s->noninteractive == HG_ACTION_ALLOW)
        {
          cmd->decision = HG_DEC_ALLOWED;
          cmd->note = strdup ("no terminal; noninteractive = allow: no approver was asked");
          return run_recorded (a, cmd);
        }
      return refuse (a, cmd, HG_DEC_DENIED, "no terminal; noninteractive = deny",
                     "refused: this command needs a second approver and there is no terminal "
                     "to wait on (noninteractive = deny)");
    }
  close (tty);
  struct hg_approval_opts ao = { .settings = s,
                                 .record = record_request,
                                 .ctx = a,
                                 .own_signals = true,
                                 .self_uid = getuid (),
                                 .self_login_uid = cmd->login_uid };
  cleanup_error hg_error *err = NULL;
  int r = hg_approval_request (cmd, &ao, &err);
  if (r < 0)
    {
      cleanup_free char *why = NULL;
      if (asprintf (&why, "not running %s: %s", cmd->argv[0], hg_error_message (err)) < 0)
        why = NULL;
      return refuse (a, cmd, HG_DEC_ERROR, hg_error_message (err), why ? why : "refused");
    }
  cmd->decision = hg_approval_decision ((enum hg_approval_result) r);
  record (a, cmd, "approval", "the approval could not be recorded");
  cleanup_free char *note = dup_or_null (cmd->note);
  switch ((enum hg_approval_result) r)
    {
    case HG_APPROVAL_APPROVED:
      cmd->decision = HG_DEC_APPROVED;
      return run_recorded (a, cmd);
    case HG_APPROVAL_DENIED:
      return refuse (a, cmd, HG_DEC_DENIED, note, "refused: the request was denied");
    case HG_APPROVAL_TIMEOUT:
      return refuse (a, cmd, HG_DEC_TIMEOUT, note, "refused: no approval in time");
    case HG_APPROVAL_WITHDRAWN:
    default:
      return refuse (a, cmd, HG_DEC_DECLINED, note, "withdrawn: nothing was run");
    }
}

/* Whether the caller is break_glass ("%group" or a user name), by the
 * kernel's groups of this process. */
static bool
may_break_glass (const struct hg_cmd *cmd, const char *who)
{
  if (who[0] != '%')
    return strcmp (who, cmd->user) == 0;
  struct group gr, *res = NULL;
  char buf[16384];
  if (getgrnam_r (who + 1, &gr, buf, sizeof buf, &res) != 0 || !res)
    return false;
  if (getgid () == res->gr_gid || getegid () == res->gr_gid)
    return true;
  gid_t groups[NGROUPS_MAX];
  int n = getgroups (NGROUPS_MAX, groups);
  for (int i = 0; i < n; i++)
    if (groups[i] == res->gr_gid)
      return true;
  return false;
}

/* --break-glass: approve becomes confirm, for break_glass members, loudly:
 * the record carries break_glass (syslog at LOG_ALERT), notify is told. */
static int
break_glass (struct hg_audit *a, struct hg_cmd *cmd, const struct hg_settings *s)
{
  cleanup_free char *why = NULL;
  if (!s->break_glass || !may_break_glass (cmd, s->break_glass))
    {
      if (asprintf (&why, "refused: --break-glass is %s%s%s",
                    s->break_glass ? "for " : "not enabled by this policy (no break_glass)",
                    s->break_glass ? s->break_glass : "", s->break_glass ? " only" : "")
          < 0)
        why = NULL;
      return refuse (a, cmd, HG_DEC_DENIED, "break-glass refused: not permitted",
                     why ? why : "refused: --break-glass is not permitted");
    }
  cmd->break_glass = true;
  hg_warn ("BREAK-GLASS: %s skips its second approver (rule %s); this is recorded and "
           "reported",
           cmd->argv[0], cmd->rule ? cmd->rule : "none");
  int nfd = -1;
  if (s->notify)
    {
      cleanup_error hg_error *err = NULL;
      struct hg_redactor *red = NULL;
      cleanup_strv char **shown = NULL;
      if (hg_redactor_new (s->redact, s->n_redact, &red, &err) == 0)
        shown = hg_redact_argv (red, (const char *const *) cmd->argv, cmd->argc);
      hg_redactor_free (red);
      cleanup_free char *json
          = shown ? hg_record_build (cmd, "request", (const char *const *) shown, cmd->argc, 0, NULL)
                  : NULL;
      errno = ENOMEM;
      if (json)
        nfd = hg_notify_start (s->notify, json, strlen (json), "break-glass");
      if (nfd < 0)
        {
          /* Nobody was told: say so here and in the decision record. */
          int e = errno;
          hg_warn ("BREAK-GLASS: notify %s could not be started: %s", s->notify, strerror (e));
          free (cmd->note);
          if (asprintf (&cmd->note, "notify could not be started: %s", strerror (e)) < 0)
            cmd->note = NULL;
        }
    }
  int status = confirm (a, cmd, s);
  if (nfd >= 0)
    {
      cleanup_free char *res = hg_notify_result (nfd);
      if (res && strcmp (res, "exited with status 0") != 0)
        hg_warn ("notify %s: %s", s->notify, res);
    }
  return status;
}

/* Every decision but allow: the command struct, the log, the verdict. */
static int
guarded (const struct hg_run_opts *o, const hg_policy *pol, const hg_verdict *v, char **cmdv,
         size_t cmdc, char **exe)
{
  cleanup_error hg_error *err = NULL;
  cleanup_cmd struct hg_cmd cmd;
  if (hg_cmd_init_self (&cmd, HG_MODE_RUN, (const char *const *) cmdv, cmdc, &err) < 0)
    {
      hg_warn ("not running %s: %s", cmdv[0], hg_error_message (err));
      return HG_EXIT_REFUSED;
    }
  cmd.exe = steal_pointer (exe);
  cmd.action = hg_verdict_action (v);
  cmd.approvals_needed = hg_verdict_approvals (v);
  if ((o->reason && !(cmd.reason = strdup (o->reason)))
      || (hg_verdict_rule (v) && !(cmd.rule = strdup (hg_verdict_rule (v))))
      || (hg_verdict_message (v) && !(cmd.message = strdup (hg_verdict_message (v))))
      || (hg_verdict_runs (v) && !(cmd.runs = strdup (hg_verdict_runs (v)))))
    {
      hg_warn ("not running %s: out of memory", cmdv[0]);
      return HG_EXIT_REFUSED;
    }

  const struct hg_settings *s = hg_policy_settings (pol);
  struct hg_audit_config cfg = {
    .log_dir = s->log_dir,
    .redact = s->redact,
    .n_redact = s->n_redact,
    .syslog = true,
    .kernel_audit = true,
  };
  cleanup_audit struct hg_audit *a = NULL;
  if (hg_audit_open (&cfg, cmd.user, cmd.uid, &a, &err) < 0)
    {
      hg_warn ("not running %s: the audit record cannot be written: %s", cmdv[0],
               hg_error_message (err));
      return HG_EXIT_REFUSED;
    }

  cleanup_free char *why = NULL;
  const char *rule = cmd.rule ? cmd.rule : "none";
  switch (cmd.action)
    {
    case HG_ACTION_LOG:
      cmd.decision = HG_DEC_LOGGED;
      return run_recorded (a, &cmd);
    case HG_ACTION_CONFIRM:
      return confirm (a, &cmd, s);
    case HG_ACTION_APPROVE:
      if (o->break_glass)
        return break_glass (a, &cmd, s);
      return approve (a, &cmd, s);
    case HG_ACTION_DENY:
    default:
      if (asprintf (&why, "refused by rule %s: %s", rule,
                    cmd.message ? cmd.message : "denied by policy") < 0)
        why = NULL;
      return refuse (a, &cmd, HG_DEC_DENIED, NULL, why ? why : "refused by policy");
    }
}

int
hg_main_run (int argc, char **argv)
{
  struct hg_run_opts o = { 0 };
  int first = hg_run_opts_parse (argc, argv, &o, false);
  if (first == -2)
    return 0;
  if (first < 0)
    return HG_EXIT_USAGE;
  char **cmdv = argv + first;
  size_t cmdc = (size_t) (argc - first);

  cleanup_error hg_error *err = NULL;
  cleanup_run_policy hg_policy *pol = NULL;
  if (hg_policy_load_file_cached (hg_policy_path (o.policy), HG_LOAD_TRUSTED_ONLY, hg_cache_dir (), &pol, &err) < 0)
    return hg_report_error (err);

  cleanup_free char *host = NULL, *fqdn = NULL;
  if (hg_host_names (&host, &fqdn) < 0)
    {
      hg_warn ("not running %s: cannot read the host name: %s", cmdv[0], strerror (errno));
      return HG_EXIT_REFUSED;
    }
  if (!hg_policy_guards_host (pol, host, fqdn))
    {
      /* Not a host this policy guards: exactly the bare command. */
      execvp (cmdv[0], cmdv);
      return hg_exec_failed (cmdv[0], errno);
    }

  cleanup_free char *exe = NULL;
  int e = hg_exec_resolve (cmdv[0], &exe);
  if (e)
    return hg_exec_failed (cmdv[0], e);
  cleanup_free char *cwd = getcwd (NULL, 0);
  cleanup_free char *user = hg_user_name (getuid ());
  if (!cwd || !user)
    {
      hg_warn ("not running %s: cannot read the %s: %s", cmdv[0],
               !cwd ? "current directory" : "user name", strerror (errno));
      return HG_EXIT_REFUSED;
    }

  struct hg_request req = {
    .argv = (const char *const *) cmdv,
    .argc = cmdc,
    .exe = exe,
    .cwd = cwd,
    .user = user,
    .host_short = host,
    .host_fqdn = fqdn,
    .look_through = true,
    /* its standard input is the command's: `mysql wiki < dump.sql` */
    .stdin_fd = STDIN_FILENO,
    .has_stdin_fd = true,
  };
  cleanup_verdict hg_verdict *v = NULL;
  if (hg_policy_decide (pol, &req, &v, &err) < 0)
    {
      hg_warn ("not running %s: %s", cmdv[0], hg_error_message (err));
      return HG_EXIT_REFUSED;
    }
  /* As root, what the command starts is decided too: an allowed make may
   * start rm.  Measured, this costs about a fork and a filter (see
   * tests/bench/run); an ordinary user's run decides this without a
   * system call. */
  hg_runsup_init (&runsup, pol, o.reason);
  if (hg_verdict_action (v) == HG_ACTION_ALLOW)
    {
      if (runsup.on)
        return hg_runsup_allowed (&runsup, exe, cmdv);
      /* The hot path: the program that was decided on, nothing else. */
      hg_exec_program (exe, cmdv);
      return hg_exec_failed (cmdv[0], errno);
    }
  return guarded (&o, pol, v, cmdv, cmdc, &exe);
}
