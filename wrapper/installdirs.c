/* Where the install put things.  Fixed when hostguard is built, never taken
 * from the caller (environment or options), so that a guarded run reads
 * what the install set up.  In a file of its own so that `make bench` can
 * link a twin of the program whose snapshot cache is in the build tree. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "program.h"

/* Policy snapshots (policy/snapshot.c). */
const char *
hg_cache_dir (void)
{
  return HG_CACHE_DIR;
}

char *
hg_rules_dir (const char *binary)
{
  struct stat st;
  if (stat (HG_DATADIR "/rules", &st) == 0 && S_ISDIR (st.st_mode))
    return strdup (HG_DATADIR "/rules");
  /* A build run from its tree: BUILD/hostguard or BUILD/hostguard_sudo.so,
   * with policy/rules beside BUILD. */
  cleanup_free char *copy = binary ? strdup (binary) : NULL;
  char *s = NULL;
  if (!copy || asprintf (&s, "%s/../policy/rules", dirname (copy)) < 0)
    return NULL;
  return s;
}
