/* hostguard's first stage, installed as `hostguard`: an ordinary user's
 * allowed `hostguard -- COMMAND`, and `hostguard check` (check.c), from the
 * policy snapshot; nothing else.
 *
 * That run is what hostguard does most often, and what it costs is mostly
 * the start of a program: the whole program (HG_FULL_PROGRAM) links six
 * libraries and binds some 250 symbols of libc at every start.  This one
 * is linked statically with only libc and the policy library's snapshot
 * reader and decider (Makefile), and it asks NSS nothing: a static libc
 * must not load NSS modules (they belong to the libc.so of the day), so
 * the link fails if anything here would (--fatal-warnings: glibc warns of
 * every such function linked statically).
 *
 * Whatever it cannot settle alone it hands over, by exec with the same
 * argv and environment, to the whole program, which decides again from the
 * start and trusts nothing this stage did:
 *   - a subcommand other than check, a login shell, a command line
 *     run.c or check.c would refuse, --help, --break-glass;
 *   - root (whose runs are supervised), or a policy that supervises
 *     ordinary users' runs too;
 *   - no current, trusted snapshot of the policy (the whole program parses
 *     the files and says what is wrong with them);
 *   - a decision other than allow, or one that depends on the user's name
 *     (a `users` item reached: the name is an NSS lookup);
 *   - any error, and an exec that fails (the whole program says why).
 * What runs is then what the whole program would have run: the same
 * decision, from the same policy library, and the same exec (exec.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "program.h"
#include "supervise/supervise.h"
#include "audit/audit.h"
#include "runopts.h"

/* main's argv, for the whole program. */
static char **whole_argv;

/* Execs the whole program with the same argv and environment. */
static _Noreturn void
hand_over (void)
{
  execv (HG_FULL_PROGRAM, whole_argv);
  hg_warn ("cannot start %s: %s", HG_FULL_PROGRAM, strerror (errno));
  exit (HG_EXIT_NOEXEC);
}

/* Execs the command when this stage can settle it; returns otherwise. */
static void
run_if_allowed (int argc, char **argv)
{
  struct hg_run_opts o = { 0 };
  int first = hg_run_opts_parse (argc, argv, &o, true);
  /* hg_supervise_possible's cheap test: root's runs are supervised. */
  if (first < 0 || o.break_glass || geteuid () == 0)
    return;
  char **cmdv = argv + first;

  cleanup_policy hg_policy *pol = NULL;
  if (hg_policy_load_snapshot (hg_policy_path (o.policy), HG_LOAD_TRUSTED_ONLY, hg_cache_dir (),
                               &pol)
          < 0
      || hg_policy_settings (pol)->supervise_unprivileged)
    return;
  cleanup_free char *host = NULL, *fqdn = NULL;
  if (hg_host_names (&host, &fqdn) < 0)
    return;
  if (!hg_policy_guards_host (pol, host, fqdn))
    {
      execvp (cmdv[0], cmdv);
      return;
    }

  cleanup_free char *exe = NULL;
  cleanup_free char *cwd = NULL;
  if (hg_exec_resolve (cmdv[0], &exe) != 0 || !(cwd = getcwd (NULL, 0)))
    return;
  struct hg_request req = {
    .argv = (const char *const *) cmdv,
    .argc = (size_t) (argc - first),
    .exe = exe,
    .cwd = cwd,
    .user = NULL, /* HG_ERR_NEEDS_USER if the decision depends on it */
    .host_short = host,
    .host_fqdn = fqdn,
    .look_through = true,
    .names_only = true, /* HG_ERR_NEEDS_CONTENT: the whole program compares contents */
    /* its standard input is the command's: `mysql wiki < dump.sql` */
    .stdin_fd = STDIN_FILENO,
    .has_stdin_fd = true,
  };
  cleanup_verdict hg_verdict *v = NULL;
  cleanup_error hg_error *err = NULL;
  /* _no_nss: users.c's NSS lookups stay out of the link (a %group item
   * reached fails, and the whole program decides) */
  if (hg_policy_decide_no_nss (pol, &req, &v, &err) < 0 || hg_verdict_action (v) != HG_ACTION_ALLOW)
    return;
  hg_exec_program (exe, cmdv);
}

int
main (int argc, char **argv)
{
  whole_argv = argv;
  int at = hg_run_args_at (argc, argv);
  if (at >= 0)
    run_if_allowed (argc - at, argv + at);
  else if (argc >= 2 && strcmp (argv[1], "check") == 0 && !hg_is_login_shell (argc, argv))
    {
      int status = hg_check_first_stage (argc - 1, argv + 1);
      if (status >= 0)
        return status;
    }
  hand_over ();
}
