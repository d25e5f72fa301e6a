/* The prefix form's command line, shared by the whole program (run.c) and
 * its first stage (front.c), so that both read one command line alike. */
#ifndef HOSTGUARD_RUNOPTS_H
#define HOSTGUARD_RUNOPTS_H

#include <stdbool.h>

struct hg_run_opts
{
  const char *policy;
  const char *reason;
  bool break_glass;
};

/* Started as a login shell: "-hostguard" from login/sshd, or sshd's
 * `SHELL -c CMD`. */
bool hg_is_login_shell (int argc, char **argv);

/* Where the prefix form's arguments start in main's argv: 1 for
 * `hostguard run ...`, 0 for `hostguard [OPTIONS] [--] COMMAND`, -1 for
 * anything else (a subcommand, a login shell, no arguments). */
int hg_run_args_at (int argc, char **argv);

/* Parses the options of argv (argv[0] is not looked at).  Returns the index
 * of the command; -1 on a usage error; -2 when --help was asked for.
 * Quiet: prints nothing, not even --help (the first stage hands such a
 * command line over).  Options stop at `--` or at the first word that is
 * not one, so that the command's own options are never taken for ours. */
int hg_run_opts_parse (int argc, char **argv, struct hg_run_opts *o, bool quiet);

#endif
