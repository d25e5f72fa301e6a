/* hostguard_sudo.so: a sudo approval plugin on hostguard's policy.
 *
 *   Plugin hostguard_approval hostguard_sudo.so [policy=FILE]
 *
 * sudo calls check() after its policy plugin accepted a command, and with
 * `intercept` for every command that command starts.  The plugin decides
 * on what sudo will run (command_info's command, run_argv, cwd), with the
 * same policy, look-through, real-exec resolution and audit trail as
 * hostguard itself; it asks through sudo's conversation function and waits
 * for approvers through the same spool.
 *
 * It runs inside sudo (euid 0, ruid the invoking user): the policy path
 * comes from sudo.conf, never from the environment; identity comes from the
 * kernel (getuid, the login uid) and user_info; a broken or untrusted
 * policy runs under the built-in fallback, never locking root out.  Only
 * the plugin symbol is exported (sudo_plugin.map). */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sudo_plugin.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "approval/approval.h"
#include "audit/audit.h"
#include "program.h"

#define DEFAULT_POLICY HG_SYSCONFDIR "/hostguard/policy.conf"
#define FALLBACK_SHELL "/bin/sh"

extern struct approval_plugin hostguard_approval;

static struct
{
  sudo_conv_t conv;
  sudo_printf_t say;
  char *policy_path;
  char *cwd;  /* user_info cwd */
  char *user; /* user_info user */
} plugin;

static const char *
info_value (char *const info[], const char *key)
{
  size_t n = strlen (key);
  for (size_t i = 0; info && info[i]; i++)
    if (strncmp (info[i], key, n) == 0 && info[i][n] == '=')
      return info[i] + n + 1;
  return NULL;
}

static int
plugin_open (unsigned int version, sudo_conv_t conversation, sudo_printf_t sudo_printf,
             char *const settings[], char *const user_info[], int submit_optind,
             char *const submit_argv[], char *const submit_envp[], char *const plugin_options[],
             const char **errstr)
{
  plugin.conv = conversation;
  plugin.say = sudo_printf;
  const char *path = info_value (plugin_options, "policy");
  const char *cwd = info_value (user_info, "cwd");
  const char *user = info_value (user_info, "user");
  free (plugin.policy_path);
  free (plugin.cwd);
  free (plugin.user);
  plugin.policy_path = strdup (path && path[0] == '/' ? path : DEFAULT_POLICY);
  plugin.cwd = cwd ? strdup (cwd) : NULL;
  plugin.user = user ? strdup (user) : NULL;
  if (!plugin.policy_path)
    {
      *errstr = "hostguard: out of memory";
      return -1;
    }
  return 1;
}

static void
plugin_close (void)
{
  free (plugin.policy_path);
  free (plugin.cwd);
  free (plugin.user);
  memset (&plugin, 0, sizeof plugin);
}

static int
plugin_version (int verbose)
{
  plugin.say (SUDO_CONV_INFO_MSG, "hostguard approval plugin version %s\n", HG_VERSION);
  return 1;
}

/* ---- the policy, never locking anyone out ---- */

/* With intercept, sudo asks about every exec of the command from its own
 * process: the policy is loaded once for the life of that sudo (a policy
 * edited meanwhile applies from the next sudo), and so is the content
 * table of the rules' programs that it carries. */
static hg_policy *session_policy;

/* The policy, or the fallback with *why set (owned) when it cannot be
 * trusted or loaded.  The caller frees it unless it is session_policy. */
static hg_policy *
load_policy (char **why)
{
  hg_policy *p = NULL;
  hg_error *err = NULL;
  *why = NULL;
  if (session_policy)
    return session_policy;
  if (hg_policy_load_file_cached (plugin.policy_path, HG_LOAD_TRUSTED_ONLY, hg_cache_dir (), &p,
                                  &err)
      == 0)
    return session_policy = p;
  if (asprintf (why, "%s; running under the built-in fallback policy", hg_error_message (err)) < 0)
    *why = NULL;
  hg_error_free (err);
  err = NULL;
  /* (the plugin's own path: a build run from its tree) */
  Dl_info info;
  cleanup_free char *dir
      = hg_rules_dir (dladdr ((void *) &hostguard_approval, &info) ? info.dli_fname : NULL);
  if (hg_policy_fallback (dir, FALLBACK_SHELL, &p, &err) < 0)
    p = NULL;
  hg_error_free (err);
  return p;
}

/* ---- talking through sudo ---- */

static enum hg_prompt_answer
confirm (const struct hg_cmd *c, const struct hg_settings *s)
{
  struct hg_prompt p;
  cleanup_strv char **shown = NULL;
  hg_prompt_for_cmd (c, s, &p, &shown);
  cleanup_free char *text = hg_prompt_text (&p);
  /* Typed-ahead input never answers (as hostguard's own prompt). */
  int tty = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (tty < 0)
    return HG_PROMPT_NO_TTY;
  tcflush (tty, TCIFLUSH);
  close (tty);
  plugin.say (SUDO_CONV_INFO_MSG, "%s", text ? text : "hostguard: this command needs confirmation\n");
  struct sudo_conv_message msg = { .msg_type = SUDO_CONV_PROMPT_ECHO_ON,
                                   .msg = "Type the hostname to continue: " };
  struct sudo_conv_reply reply = { 0 };
  if (plugin.conv (1, &msg, &reply, NULL) != 0 || !reply.reply)
    return HG_PROMPT_INTERRUPTED;
  bool yes = strcmp (reply.reply, c->host) == 0;
  explicit_bzero (reply.reply, strlen (reply.reply));
  free (reply.reply);
  return yes ? HG_PROMPT_YES : HG_PROMPT_WRONG;
}

/* ---- recording and refusing ---- */

struct run
{
  struct hg_audit *audit;
  struct hg_cmd cmd;
  const struct hg_settings *settings;
  const char **errstr;
};

static int
record (struct run *r, const char *event)
{
  cleanup_error hg_error *err = NULL;
  if (!r->audit || hg_audit_record (r->audit, &r->cmd, event, &err) < 0)
    {
      plugin.say (SUDO_CONV_ERROR_MSG, "hostguard: refused: the audit record cannot be written%s%s\n",
                  err ? ": " : "", err ? hg_error_message (err) : "");
      return -1;
    }
  return 0;
}

static int
record_request (void *ctx, struct hg_cmd *c, const char *event)
{
  return record (ctx, event);
}

/* Refuses with sudo's own error line (*errstr) and one of ours. */
static int
refuse (struct run *r, enum hg_decision d, const char *note, const char *shown)
{
  r->cmd.decision = d;
  free (r->cmd.note);
  r->cmd.note = note ? strdup (note) : NULL;
  record (r, "decision");
  static char line[1100];
  snprintf (line, sizeof line, "hostguard: %.1024s", shown);
  /* sudo hands errstr to audit plugins; the user sees our line. */
  *r->errstr = line;
  plugin.say (SUDO_CONV_ERROR_MSG, "%s\n", line);
  return 0;
}

static int
allow_recorded (struct run *r, enum hg_decision d)
{
  r->cmd.decision = d;
  return record (r, "decision") < 0 ? refuse (r, HG_DEC_ERROR, "record failed",
                                               "refused: the record could not be written")
                                    : 1;
}

static int
approve (struct run *r)
{
  int tty = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (tty < 0)
    {
      if (r->settings->noninteractive == HG_ACTION_ALLOW)
        {
          r->cmd.note = strdup ("no terminal; noninteractive = allow: no approver was asked");
          return allow_recorded (r, HG_DEC_ALLOWED);
        }
      return refuse (r, HG_DEC_DENIED, "no terminal; noninteractive = deny",
                     "refused: this command needs a second approver and there is no terminal to "
                     "wait on (noninteractive = deny)");
    }
  close (tty);
  struct hg_approval_opts ao = { .settings = r->settings, .record = record_request, .ctx = r,
                                 .own_signals = true, .self_uid = getuid (),
                                 .self_login_uid = r->cmd.login_uid };
  cleanup_error hg_error *err = NULL;
  int res = hg_approval_request (&r->cmd, &ao, &err);
  if (res < 0)
    return refuse (r, HG_DEC_ERROR, hg_error_message (err), hg_error_message (err));
  r->cmd.decision = hg_approval_decision ((enum hg_approval_result) res);
  record (r, "approval");
  cleanup_free char *note = r->cmd.note ? strdup (r->cmd.note) : NULL;
  switch ((enum hg_approval_result) res)
    {
    case HG_APPROVAL_APPROVED:
      return allow_recorded (r, HG_DEC_APPROVED);
    case HG_APPROVAL_DENIED:
      return refuse (r, HG_DEC_DENIED, note, "refused: the request was denied");
    case HG_APPROVAL_TIMEOUT:
      return refuse (r, HG_DEC_TIMEOUT, note, "refused: no approval in time");
    case HG_APPROVAL_WITHDRAWN:
    default:
      return refuse (r, HG_DEC_DECLINED, note, "withdrawn: nothing was run");
    }
}

/* ---- check ---- */

static int
open_audit (struct run *r)
{
  struct hg_audit_config cfg = { .log_dir = r->settings->log_dir, .redact = r->settings->redact,
                                 .n_redact = r->settings->n_redact, .syslog = true,
                                 .kernel_audit = true };
  cleanup_error hg_error *err = NULL;
  if (hg_audit_open_lazy (&cfg, r->cmd.user, r->cmd.uid, &r->audit, &err) < 0)
    {
      r->audit = NULL;
      return -1;
    }
  return 0;
}

static int
decide_and_act (struct run *r, const hg_policy *pol, bool fallback, char *const command_info[])
{
  const char *command = info_value (command_info, "command");
  const char *sudoedit = info_value (command_info, "sudoedit");
  if (sudoedit && strcmp (sudoedit, "true") == 0)
    command = "sudoedit"; /* not the editor: see plugin_check */
  /* sudo 1.9 names the command's directory runcwd (sudo -D, sudoers
   * runcwd, and the cwd of an intercepted exec); older ones cwd. */
  const char *cwd = info_value (command_info, "runcwd");
  if (!cwd)
    cwd = info_value (command_info, "cwd");
  if (!cwd || strcmp (cwd, "*") == 0)
    cwd = plugin.cwd;
  if (command && !(r->cmd.exe = strdup (command)))
    return -1;
  if (cwd && cwd[0] == '/')
    {
      free (r->cmd.cwd);
      if (!(r->cmd.cwd = strdup (cwd)))
        return -1;
    }
  const char *runas = info_value (command_info, "runas_user");
  if (runas && !(r->cmd.runas = strdup (runas)))
    return -1;

  struct hg_request req = { .argv = (const char *const *) r->cmd.argv, .argc = r->cmd.argc,
                            .exe = r->cmd.exe, .cwd = r->cmd.cwd, .user = r->cmd.user,
                            .host_short = r->cmd.host, .host_fqdn = r->cmd.host_fqdn,
                            .look_through = true,
                            /* sudo's standard input is the command's: `sudo mysql < f.sql` */
                            .stdin_fd = STDIN_FILENO, .has_stdin_fd = true };
  hg_verdict *v = NULL;
  cleanup_error hg_error *err = NULL;
  if (hg_policy_decide (pol, &req, &v, &err) < 0)
    return refuse (r, HG_DEC_ERROR, hg_error_message (err), "refused: cannot decide");
  enum hg_action act = hg_verdict_guarded (v) ? hg_verdict_action (v) : HG_ACTION_ALLOW;
  if (fallback && hg_verdict_rule (v) && act < HG_ACTION_CONFIRM)
    act = HG_ACTION_CONFIRM;
  r->cmd.action = act;
  r->cmd.approvals_needed = hg_verdict_approvals (v);
  if ((hg_verdict_rule (v) && !(r->cmd.rule = strdup (hg_verdict_rule (v))))
      || (hg_verdict_message (v) && !(r->cmd.message = strdup (hg_verdict_message (v))))
      || (hg_verdict_runs (v) && !(r->cmd.runs = strdup (hg_verdict_runs (v)))))
    {
      hg_verdict_free (v);
      return -1;
    }
  hg_verdict_free (v);
  if (act == HG_ACTION_ALLOW)
    return 1; /* nothing written */
  if (open_audit (r) < 0)
    return refuse (r, HG_DEC_ERROR, "no audit file", "refused: the audit record cannot be written");

  static char line[1024];
  switch (act)
    {
    case HG_ACTION_LOG:
      return allow_recorded (r, HG_DEC_LOGGED);
    case HG_ACTION_CONFIRM:
      switch (confirm (&r->cmd, r->settings))
        {
        case HG_PROMPT_YES:
          return allow_recorded (r, HG_DEC_CONFIRMED);
        case HG_PROMPT_NO_TTY:
          if (r->settings->noninteractive == HG_ACTION_ALLOW)
            {
              r->cmd.note = strdup ("no terminal; noninteractive = allow");
              return allow_recorded (r, HG_DEC_CONFIRMED);
            }
          snprintf (line, sizeof line,
                    "refused: %s needs confirmation (rule %s) and there is no terminal to ask "
                    "on (noninteractive = deny)",
                    r->cmd.argv[0], r->cmd.rule ? r->cmd.rule : "none");
          return refuse (r, HG_DEC_DENIED, "no terminal; noninteractive = deny", line);
        default:
          return refuse (r, HG_DEC_DECLINED, "not confirmed", "not confirmed: nothing was run");
        }
    case HG_ACTION_APPROVE:
      return approve (r);
    case HG_ACTION_DENY:
    default:
      snprintf (line, sizeof line, "refused by rule %s: %s", r->cmd.rule ? r->cmd.rule : "(none)",
                r->cmd.message ? r->cmd.message : r->cmd.argv[0]);
      return refuse (r, HG_DEC_DENIED, NULL, line);
    }
}

static int
plugin_check (char *const command_info[], char *const run_argv[], char *const run_envp[],
              const char **errstr)
{
  /* sudo's umask and signal mask are its own: leave them as found. */
  mode_t um = umask (077);
  umask (um);
  size_t argc = 0;
  while (run_argv && run_argv[argc])
    argc++;
  if (argc == 0)
    return 1;

  /* sudoedit runs the user's editor, as the user, on copies: what it
   * changes is the files, so the policy sees `sudoedit FILE...`. */
  cleanup_free char **edit = NULL;
  const char *nfiles = info_value (command_info, "sudoedit_nfiles");
  const char *sudoedit = info_value (command_info, "sudoedit");
  if (sudoedit && strcmp (sudoedit, "true") == 0)
    {
      size_t n = nfiles ? strtoul (nfiles, NULL, 10) : 0;
      if (n > argc)
        n = argc;
      if (!(edit = calloc (n + 2, sizeof *edit)))
        return 0;
      edit[0] = (char *) "sudoedit";
      for (size_t i = 0; i < n; i++)
        edit[i + 1] = run_argv[argc - n + i];
      run_argv = edit;
      argc = n + 1;
    }

  cleanup_free char *why = NULL;
  hg_policy *pol = load_policy (&why);
  struct run r = { .errstr = errstr };
  cleanup_error hg_error *err = NULL;
  int ret;
  if (hg_cmd_init_self (&r.cmd, HG_MODE_SUDO, (const char *const *) run_argv, argc, &err) < 0)
    {
      /* No record can be built: nothing is decided, so nothing runs. */
      plugin.say (SUDO_CONV_ERROR_MSG, "hostguard: refused: %s\n", hg_error_message (err));
      *errstr = "hostguard: refused: cannot build the record";
      ret = 0;
      goto out;
    }
  if (!pol)
    {
      /* Not even the fallback: fail closed, but only by refusing. */
      *errstr = "hostguard: no policy could be loaded, not even the fallback";
      plugin.say (SUDO_CONV_ERROR_MSG, "%s\n", *errstr);
      ret = 0;
      goto out;
    }
  r.settings = hg_policy_settings (pol);
  if (why)
    {
      plugin.say (SUDO_CONV_ERROR_MSG, "hostguard: %s\n", why);
      if (open_audit (&r) == 0)
        {
          r.cmd.decision = HG_DEC_ERROR;
          r.cmd.note = strdup (why);
          hg_audit_record (r.audit, &r.cmd, "policy", NULL);
          free (r.cmd.note);
          r.cmd.note = NULL;
          r.cmd.decision = HG_DEC_NONE;
        }
    }
  ret = decide_and_act (&r, pol, why != NULL, command_info);
  if (ret < 0)
    {
      *errstr = "hostguard: out of memory";
      ret = 0;
    }
out:
  hg_audit_close (r.audit);
  hg_cmd_clear (&r.cmd);
  if (pol != session_policy)
    hg_policy_free (pol);
  umask (um);
  return ret;
}

__attribute__ ((visibility ("default"))) struct approval_plugin hostguard_approval = {
  .type = SUDO_APPROVAL_PLUGIN,
  .version = SUDO_API_VERSION,
  .open = plugin_open,
  .close = plugin_close,
  .check = plugin_check,
  .show_version = plugin_version,
};
