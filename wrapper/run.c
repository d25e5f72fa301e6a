/* hostguard [OPTIONS] [--] COMMAND, hostguard run ...: the prefix form.
 *
 * The command is decided on from its command line alone (launchers looked
 * through).  allow execs it at once: no fork, no record, no log file
 * opened, so an allowed command costs little more than the bare one.
 * Every other decision is recorded, and fsynced, before anything runs. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cmd.h"
#include "commands.h"
#include "exec.h"
#include "host.h"
#include "prompt.h"
#include "redact.h"
#include "util.h"

struct run_opts
{
  const char *policy;
  const char *reason;
};

static const struct option run_long[] = {
  { "policy", required_argument, NULL, 'f' },
  { "reason", required_argument, NULL, 'r' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static void
cleanup_policy_impl (hg_policy **p)
{
  hg_policy_free (*p);
}
static void
cleanup_verdict_impl (hg_verdict **v)
{
  hg_verdict_free (*v);
}
static void
cleanup_audit_impl (struct hg_audit **a)
{
  if (*a)
    hg_audit_close (*a);
}
static void
cleanup_redactor_impl (struct hg_redactor **r)
{
  hg_redactor_free (*r);
}
#define cleanup_policy __attribute__ ((cleanup (cleanup_policy_impl)))
#define cleanup_verdict __attribute__ ((cleanup (cleanup_verdict_impl)))
#define cleanup_audit __attribute__ ((cleanup (cleanup_audit_impl)))
#define cleanup_redactor __attribute__ ((cleanup (cleanup_redactor_impl)))
#define cleanup_cmd __attribute__ ((cleanup (hg_cmd_clear)))

/* Index of the command in argv; -1: usage error; -2: --help was shown.
 * Options stop at `--` or at the first word that is not one, so that the
 * command's own options are never taken for ours. */
static int
parse_opts (int argc, char **argv, struct run_opts *o)
{
  optind = 0;
  opterr = 0;
  int c;
  while ((c = getopt_long (argc, argv, "+f:r:h", run_long, NULL)) != -1)
    switch (c)
      {
      case 'f':
        o->policy = optarg;
        break;
      case 'r':
        o->reason = optarg;
        break;
      case 'h':
        hg_usage (stdout);
        return -2;
      default:
        if (optopt)
          hg_warn ("unknown or incomplete option '-%c'", optopt);
        else
          hg_warn ("unknown or incomplete option '%s'", argv[optind - 1]);
        hg_usage (stderr);
        return -1;
      }
  if (optind >= argc)
    {
      hg_warn ("no command given");
      hg_usage (stderr);
      return -1;
    }
  return optind;
}

static char *
caller_name (void)
{
  struct passwd pw, *res = NULL;
  char buf[4096];
  if (getpwuid_r (getuid (), &pw, buf, sizeof buf, &res) != 0 || !res)
    {
      char *s = NULL;
      return asprintf (&s, "%u", (unsigned) getuid ()) < 0 ? NULL : s;
    }
  return strdup (res->pw_name);
}

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
  if (hg_exec_run (cmd->exe, cmd->argv, &r) < 0)
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
  };
  int e = 0;
  cleanup_free char *why = NULL;
  switch (hg_prompt_confirm (&p, &e))
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
      if (asprintf (&why, "cannot ask on the terminal: %s", strerror (e)) < 0)
        why = NULL;
      return refuse (a, cmd, HG_DEC_ERROR, why, why ? why : "cannot ask on the terminal");
    }
}

/* Every decision but allow: the command struct, the log, the verdict. */
static int
guarded (const struct run_opts *o, const hg_policy *pol, const hg_verdict *v, char **cmdv,
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
      || (hg_verdict_message (v) && !(cmd.message = strdup (hg_verdict_message (v)))))
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
      {
        cleanup_free char *note = NULL;
        if (asprintf (&note, "needs %u approver(s); approvals are not available in this version",
                      cmd.approvals_needed) < 0
            || asprintf (&why, "refused by rule %s: %s%s%s", rule, note, cmd.message ? ": " : "",
                         cmd.message ? cmd.message : "") < 0)
          return refuse (a, &cmd, HG_DEC_DENIED, NULL, "refused: out of memory");
        return refuse (a, &cmd, HG_DEC_DENIED, note, why);
      }
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
  struct run_opts o = { 0 };
  int first = parse_opts (argc, argv, &o);
  if (first == -2)
    return 0;
  if (first < 0)
    return HG_EXIT_USAGE;
  char **cmdv = argv + first;
  size_t cmdc = (size_t) (argc - first);

  cleanup_error hg_error *err = NULL;
  cleanup_policy hg_policy *pol = NULL;
  if (hg_policy_load_file (hg_policy_path (o.policy), HG_LOAD_TRUSTED_ONLY, &pol, &err) < 0)
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
  cleanup_free char *user = caller_name ();
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
  };
  cleanup_verdict hg_verdict *v = NULL;
  if (hg_policy_decide (pol, &req, &v, &err) < 0)
    {
      hg_warn ("not running %s: %s", cmdv[0], hg_error_message (err));
      return HG_EXIT_REFUSED;
    }
  if (hg_verdict_action (v) == HG_ACTION_ALLOW)
    {
      /* The hot path: the program that was decided on, nothing else. */
      hg_exec_program (exe, cmdv);
      return hg_exec_failed (cmdv[0], errno);
    }
  return guarded (&o, pol, v, cmdv, cmdc, &exe);
}
