#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "program.h"

int
hg_report_error (const hg_error *e)
{
  const char *m = hg_error_message (e);
  fprintf (stderr, "hostguard: %s\n", m);
  /* A fresh install without a policy: say how to make one. */
  size_t n = strlen (HG_DEFAULT_POLICY);
  if (strncmp (m, HG_DEFAULT_POLICY ": ", n + 2) == 0 && access (HG_DEFAULT_POLICY, F_OK) < 0
      && errno == ENOENT)
    fprintf (stderr, "hostguard: no policy yet; start from the example, as root:\n"
                     "  install -m 0644 %s/policy.conf.example %s\n",
             HG_DATADIR, HG_DEFAULT_POLICY);
  switch (hg_error_status (e))
    {
    case HG_ERR_POLICY:
    case HG_ERR_IO:
    case HG_ERR_UNTRUSTED:
      return HG_EXIT_CONFIG;
    case HG_ERR_INVALID:
      return HG_EXIT_USAGE;
    default:
      return HG_EXIT_REFUSED;
    }
}


void
hg_warn_bad_option (char **argv)
{
  if (optopt)
    hg_warn ("unknown or incomplete option '-%c'", optopt);
  else
    hg_warn ("unknown or incomplete option '%s'", argv[optind - 1]);
}

const char *
hg_policy_path (const char *option)
{
  if (option)
    return option;
  /* Choosing the file is the caller's right; trusting it is not: run and
   * shell accept only a root-owned file that no one else can write. */
  const char *env = getenv ("HOSTGUARD_POLICY");
  if (env && *env)
    return env;
  return HG_DEFAULT_POLICY;
}

void
hg_usage (FILE *out)
{
  fputs ("usage: hostguard [OPTIONS] [--] COMMAND [ARG...]   run COMMAND under the guard\n"
         "       hostguard run [OPTIONS] [--] COMMAND [ARG...]\n"
         "       hostguard shell [-c COMMAND] [SHELL-ARGS...]\n"
         "       hostguard check [--json] [--host NAME] [--user NAME] [--cwd DIR] [--stdin FILE]\n"
         "                       -- COMMAND [ARG...]\n"
         "       hostguard policy lint [FILE]\n"
         "       hostguard pending [--json]\n"
         "       hostguard approve ID [--reason TEXT]\n"
         "       hostguard deny ID [--reason TEXT]\n"
         "       hostguard log [FILTERS] [--json] [FILE...]\n"
         "       hostguard log --verify [FILE...]\n"
         "       hostguard report [FILTERS] [--html FILE] [FILE...]\n"
         "       hostguard version | --version | help | --help\n"
         "\n"
         "options: -f, --policy FILE   policy file (default " HG_DEFAULT_POLICY
         ", or $HOSTGUARD_POLICY)\n"
         "         -r, --reason TEXT   a ticket or a sentence, kept in the audit record\n"
         "         --break-glass       (with -r) members of the policy's break_glass group turn\n"
         "                             an approve into a confirm, loudly recorded\n"
         "filters: --user NAME --host GLOB --since WHEN --until WHEN --rule NAME\n"
         "         --decision D --id ID --grep TEXT\n"
         "exit status: the command's own; 64 usage; 77 refused; 78 bad policy;\n"
         "             126/127 cannot execute / not found\n",
         out);
}
