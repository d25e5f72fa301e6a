/* The hostguard program: its commands, exit statuses and messages. */
#ifndef HOSTGUARD_PROGRAM_H
#define HOSTGUARD_PROGRAM_H

#include <stdbool.h>
#include <stdio.h>

#include "util/util.h"
#include "policy/policy.h"
#include "review/review.h"

#define HG_DEFAULT_POLICY HG_SYSCONFDIR "/hostguard/policy.conf"

/* Prints "hostguard: MESSAGE" on stderr and returns the exit status for the
 * error's status (78 for policy, I/O and trust errors). */
int hg_report_error (const hg_error *e);

/* After getopt_long returned '?' or ':': names the option it refused. */
void hg_warn_bad_option (char **argv);

/* The policy file to use: -f FILE, else $HOSTGUARD_POLICY, else the default. */
const char *hg_policy_path (const char *option);

/* The directory of policy snapshots (HG_CACHE_DIR, set at build time). */
const char *hg_cache_dir (void);

/* The shipped rule packs: DATADIR/rules once installed, else the source
 * tree's beside the build directory that holds `binary` (this program or
 * the sudo plugin; NULL: unknown).  malloc'd; NULL on ENOMEM. */
char *hg_rules_dir (const char *binary);

/* Prints the usage on `out`. */
void hg_usage (FILE *out);

/* The subcommands.  Each takes the arguments after its name (argv[0] is
 * the subcommand's name) and returns the process exit status. */

int hg_main_run (int argc, char **argv);
/* `hostguard shell` and hostguard as a login shell (shell.c). */
int hg_main_shell (int argc, char **argv);
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

/* The command line of `log` and `report`. */
struct hg_review_opts
{
  struct hg_filter f;
  bool json, verify;   /* log */
  const char *witness; /* log --verify --witness SOURCE */
  const char *html;    /* report */
  const char *policy;  /* -f */
  char **files;        /* operands (into argv) */
  size_t nfiles;
};

/* Parses argv (argv[0] is the subcommand).  Returns 0, or the exit status
 * to leave with: 64 after printing why, or -1 for --help (printed). */
int hg_review_parse (int argc, char **argv, bool report, struct hg_review_opts *o);

/* The operands, or the policy's log_dir when there are none.  Returns 0 and
 * sets *paths / *n (*policy holds them: free it with hg_policy_free), or
 * prints the error and returns the exit status. */
int hg_review_inputs (const struct hg_review_opts *o, char *const **paths, size_t *n,
                      hg_policy **policy);

#endif
