/* `hostguard shell [-c COMMAND] [SHELL-ARGS...]`, and hostguard as a login
 * shell (argv[0] "-hostguard", or sshd's `SHELL -c COMMAND`, or sshd's
 * ForceCommand with SSH_ORIGINAL_COMMAND): the policy's real shell, under
 * supervision.  It never locks anyone out: a broken policy gives the
 * built-in fallback, an unguarded host or an unsupervisable user the real
 * shell untouched. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "util/util.h"
#include "supervise/supervise.h"
#include "program.h"

#define FALLBACK_SHELL "/bin/bash"

/* The fallback (policy/fallback.c) with the shipped packs; it says here
 * why the packs could not be used, if they could not. */
static hg_policy *
fallback_policy (void)
{
  char exe[PATH_MAX];
  ssize_t n = readlink ("/proc/self/exe", exe, sizeof exe - 1);
  exe[n > 0 ? n : 0] = '\0';
  cleanup_free char *dir = hg_rules_dir (n > 0 ? exe : NULL);
  hg_policy *p = NULL;
  cleanup_error hg_error *err = NULL;
  int r = hg_policy_fallback (dir, FALLBACK_SHELL, &p, &err);
  if (r < 0)
    return NULL;
  if (r == HG_FALLBACK_BARE && err)
    hg_warn ("the fallback rule packs are not usable either: %s", hg_error_message (err));
  return p;
}

static struct hg_audit *
open_audit (const hg_policy *p)
{
  const struct hg_settings *s = hg_policy_settings (p);
  struct hg_audit_config cfg = { .log_dir = s->log_dir, .redact = s->redact,
                                 .n_redact = s->n_redact, .syslog = true, .kernel_audit = true };
  struct hg_cmd self;
  const char *none[] = { "shell", NULL };
  cleanup_error hg_error *err = NULL;
  struct hg_audit *a = NULL;
  if (hg_cmd_init_self (&self, HG_MODE_SHELL, none, 1, &err) == 0
      && hg_audit_open (&cfg, self.user, self.uid, &a, &err) == 0)
    {
      hg_cmd_clear (&self);
      return a;
    }
  hg_cmd_clear (&self);
  hg_warn ("%s: programs that need a record will be refused", hg_error_message (err));
  return NULL;
}

/* The `policy` event: the session runs under the fallback, and why. */
static void
record_fallback (struct hg_audit *a, const char *why, char **argv, int argc)
{
  struct hg_cmd c;
  cleanup_error hg_error *err = NULL;
  if (!a || hg_cmd_init_self (&c, HG_MODE_SHELL, (const char *const *) argv, (size_t) argc, &err) < 0)
    return;
  c.decision = HG_DEC_ERROR;
  c.note = strdup (why);
  if (hg_audit_record (a, &c, "policy", &err) < 0)
    hg_warn ("%s", hg_error_message (err));
  hg_cmd_clear (&c);
}

/* The real shell's argv: a login shell is "-bash"; otherwise the given
 * arguments follow the shell's path unchanged (-c CMD ARGS...). */
static char **
shell_argv (const char *shell, bool login, int argc, char **argv)
{
  const char *cmd = getenv ("SSH_ORIGINAL_COMMAND");
  bool forced = argc <= 1 && cmd; /* sshd's ForceCommand ran us without arguments */
  char **v = calloc ((size_t) argc + 3, sizeof *v);
  if (!v)
    return NULL;
  size_t n = 0;
  cleanup_free char *copy = strdup (shell);
  if (!copy)
    return free (v), NULL;
  if (login && !forced && argc <= 1)
    {
      if (asprintf (&v[n++], "-%s", basename (copy)) < 0)
        return free (v), NULL;
      return v;
    }
  v[n++] = strdup (shell);
  if (forced)
    {
      v[n++] = strdup ("-c");
      v[n++] = strdup (cmd);
    }
  else
    for (int i = 1; i < argc; i++)
      v[n++] = strdup (argv[i]);
  for (size_t i = 0; i < n; i++)
    if (!v[i])
      return strv_free (v), NULL;
  return v;
}

int
hg_main_shell (int argc, char **argv)
{
  bool login = argv[0][0] == '-';
  /* Always the system's policy: the mandatory guard is not the user's
   * to choose (no -f, no $HOSTGUARD_POLICY). */
  hg_policy *p = NULL;
  cleanup_error hg_error *err = NULL;
  bool fallback = false;
  if (hg_policy_load_file_cached (HG_DEFAULT_POLICY, HG_LOAD_TRUSTED_ONLY, hg_cache_dir (), &p, &err) < 0)
    {
      hg_warn ("%s", hg_error_message (err));
      hg_warn ("this session runs under the built-in fallback policy: risky programs need "
               "confirmation");
      fallback = true;
      if (!(p = fallback_policy ()))
        {
          hg_warn ("the fallback policy failed too; running %s unguarded", FALLBACK_SHELL);
          char *sh[] = { (char *) (login ? "-bash" : FALLBACK_SHELL), NULL };
          if (argc > 1)
            argv[0] = (char *) FALLBACK_SHELL;
          hg_exec_program (FALLBACK_SHELL, argc > 1 ? argv : sh);
          return hg_exec_failed (FALLBACK_SHELL, errno);
        }
    }
  const struct hg_settings *set = hg_policy_settings (p);
  const char *shell = set->shell ? set->shell : FALLBACK_SHELL;
  cleanup_strv char **sargv = shell_argv (shell, login, argc, argv);
  if (!sargv)
    {
      hg_warn ("out of memory");
      return HG_EXIT_REFUSED;
    }

  cleanup_free char *host = NULL, *fqdn = NULL;
  bool no_new_privs = false;
  const char *why = NULL;
  if ((!fallback && (hg_host_names (&host, &fqdn) < 0 || !hg_policy_guards_host (p, host, fqdn)))
      || !hg_supervise_possible (p, &no_new_privs, &why))
    {
      /* Not this host's business, already supervised, or not root without
       * supervise_unprivileged: the real shell, untouched. */
      hg_exec_program (shell, sargv);
      return hg_exec_failed (shell, errno);
    }

  struct hg_supervise_opts o = { .mode = HG_MODE_SHELL, .no_new_privs = no_new_privs,
                                 .fallback = fallback, .audit = open_audit (p) };
  if (fallback)
    record_fallback (o.audit, hg_error_message (err), argv, argc);
  struct hg_exec_result r = { .status = HG_EXIT_REFUSED };
  cleanup_error hg_error *serr = NULL;
  if (hg_supervise_run (p, &o, shell, sargv, &r, &serr) < 0)
    {
      hg_warn ("%s", hg_error_message (serr));
      return r.status;
    }
  if (r.exec_errno)
    return hg_exec_failed (shell, r.exec_errno);
  return r.status;
}
