/* hostguard: the command line.  Dispatches to the subcommands; the bare
 * form `hostguard [OPTIONS] [--] COMMAND` is `run`. */
#include <stdio.h>
#include <string.h>

#include "program.h"
#include "runopts.h"
#include "supervise/supervise.h"

int
main (int argc, char **argv)
{
  switch (hg_run_args_at (argc, argv))
    {
    case 1:
      return hg_main_run (argc - 1, argv + 1);
    case 0:
      /* hostguard [OPTIONS] [--] COMMAND: everything after argv[0] is run's. */
      argv[0] = (char *) "run";
      return hg_main_run (argc, argv);
    }
  if (hg_is_login_shell (argc, argv))
    return hg_main_shell (argc, argv);
  if (argc < 2)
    {
      hg_usage (stderr);
      return HG_EXIT_USAGE;
    }
  const char *sub = argv[1];
  if (strcmp (sub, "help") == 0 || strcmp (sub, "--help") == 0 || strcmp (sub, "-h") == 0)
    {
      hg_usage (stdout);
      return 0;
    }
  if (strcmp (sub, "version") == 0 || strcmp (sub, "--version") == 0)
    {
      printf ("hostguard %s\n", HG_VERSION);
      return 0;
    }
  if (strcmp (sub, "check") == 0)
    return hg_main_check (argc - 1, argv + 1, hg_policy_decide);
  if (strcmp (sub, "policy") == 0)
    {
      if (argc >= 3 && strcmp (argv[2], "lint") == 0)
        return hg_main_lint (argc - 2, argv + 2);
      hg_warn ("usage: hostguard policy lint [FILE]");
      return HG_EXIT_USAGE;
    }
  if (strcmp (sub, "log") == 0)
    return hg_main_log (argc - 1, argv + 1);
  if (strcmp (sub, "report") == 0)
    return hg_main_report (argc - 1, argv + 1);
  if (strcmp (sub, "shell") == 0)
    return hg_main_shell (argc - 1, argv + 1);
  if (strcmp (sub, "pending") == 0)
    return hg_main_pending (argc - 1, argv + 1);
  if (strcmp (sub, "approve") == 0)
    return hg_main_approve (argc - 1, argv + 1);
  if (strcmp (sub, "deny") == 0)
    return hg_main_deny (argc - 1, argv + 1);
  /* A word runopts.c lists as a subcommand that is not dispatched here. */
  hg_warn ("internal error: subcommand '%s' has no handler", sub);
  return HG_EXIT_USAGE;
}
