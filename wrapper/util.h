#ifndef HOSTGUARD_UTIL_H
#define HOSTGUARD_UTIL_H

#include <stdbool.h>

#include "cleanup.h"
#include "policy.h"

/* Exit status (DESIGN.md, "Exit status"). */
enum
{
  HG_EXIT_USAGE = 64,
  HG_EXIT_REFUSED = 77,
  HG_EXIT_CONFIG = 78,
  HG_EXIT_NOEXEC = 126,
  HG_EXIT_NOTFOUND = 127,
};

#define HG_DEFAULT_POLICY HG_SYSCONFDIR "/hostguard/policy.conf"

static inline void
cleanup_error_impl (hg_error **e)
{
  hg_error_free (*e);
}
#define cleanup_error __attribute__ ((cleanup (cleanup_error_impl)))

/* Prints "hostguard: MESSAGE" on stderr and returns the exit status for the
 * error's status (78 for policy, I/O and trust errors). */
int hg_report_error (const hg_error *e);

/* "hostguard: " + printf on stderr, newline added. */
void hg_warn (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/* After getopt_long returned '?' or ':': names the option it refused. */
void hg_warn_bad_option (char **argv);

/* The policy file to use: -f FILE, else $HOSTGUARD_POLICY, else the default. */
const char *hg_policy_path (const char *option);

/* The directory of policy snapshots (HG_CACHE_DIR, set at build time). */
const char *hg_cache_dir (void);

/* Prints the usage on `out`. */
void hg_usage (FILE *out);

#endif
