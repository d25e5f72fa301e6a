#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "runopts.h"
#include "program.h"

/* Every word that names a subcommand (main.c); any other first word begins
 * the prefix form. */
static const char *const subcommands[] = {
  "help", "--help", "-h", "version", "--version", "check", "policy", "log",
  "report", "shell", "pending", "approve", "deny",
};

bool
hg_is_login_shell (int argc, char **argv)
{
  return argv[0][0] == '-' || (argc >= 2 && strcmp (argv[1], "-c") == 0);
}

int
hg_run_args_at (int argc, char **argv)
{
  if (argc < 2 || hg_is_login_shell (argc, argv))
    return -1;
  if (strcmp (argv[1], "run") == 0)
    return 1;
  for (size_t i = 0; i < sizeof subcommands / sizeof *subcommands; i++)
    if (strcmp (argv[1], subcommands[i]) == 0)
      return -1;
  return 0;
}

static const struct option run_long[] = {
  { "policy", required_argument, NULL, 'f' },
  { "reason", required_argument, NULL, 'r' },
  { "break-glass", no_argument, NULL, 'B' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

int
hg_run_opts_parse (int argc, char **argv, struct hg_run_opts *o, bool quiet)
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
      case 'B':
        o->break_glass = true;
        break;
      case 'h':
        if (!quiet)
          hg_usage (stdout);
        return -2;
      default:
        if (quiet)
          return -1;
        hg_warn_bad_option (argv);
        hg_usage (stderr);
        return -1;
      }
  if (optind >= argc)
    {
      if (!quiet)
        {
          hg_warn ("no command given");
          hg_usage (stderr);
        }
      return -1;
    }
  if (o->break_glass && (!o->reason || !*o->reason))
    {
      /* Loud by design: who broke the glass must say why, up front. */
      if (!quiet)
        hg_warn ("--break-glass needs -r \"TICKET: why\": the reason goes into the record and "
                 "to the approvers");
      return -1;
    }
  return optind;
}
