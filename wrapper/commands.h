/* The subcommands.  Each takes the arguments after its name (argv[0] is
 * the subcommand's name) and returns the process exit status. */
#ifndef HOSTGUARD_COMMANDS_H
#define HOSTGUARD_COMMANDS_H

int hg_main_run (int argc, char **argv);
#include "policy.h"

/* decide: hg_policy_decide, named by main.c rather than check.c, which the
 * first stage links too: its %group lookups are NSS. */
int hg_main_check (int argc, char **argv, hg_decide_fn *decide);
/* check as the first stage runs it (front.c): from a policy snapshot, and
 * without NSS; -1 when only the whole program can answer. */
int hg_check_first_stage (int argc, char **argv);
int hg_main_lint (int argc, char **argv);
int hg_main_log (int argc, char **argv);
int hg_main_report (int argc, char **argv);
int hg_main_pending (int argc, char **argv);
int hg_main_approve (int argc, char **argv);
int hg_main_deny (int argc, char **argv);

#endif
