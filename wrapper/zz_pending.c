/* TEMPORARY: weak placeholders for subcommands being written; each real
 * definition overrides its placeholder.  Removed once all exist. */
#include "commands.h"
#include "util.h"

#define PLACEHOLDER(fn, name)                                                                      \
  __attribute__ ((weak)) int fn (int argc, char **argv)                                            \
  {                                                                                                \
    hg_warn ("'%s' is not available in this version", name);                                      \
    return HG_EXIT_USAGE;                                                                          \
  }

PLACEHOLDER (hg_main_run, "run")
PLACEHOLDER (hg_main_check, "check")
PLACEHOLDER (hg_main_lint, "policy lint")
PLACEHOLDER (hg_main_log, "log")
PLACEHOLDER (hg_main_report, "report")
