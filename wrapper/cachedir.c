/* Where policy snapshots are kept (policy/snapshot.c): fixed when hostguard
 * is built, never taken from the caller (environment or options), so that a
 * guarded run reads what the install set up.  In a file of its own so that
 * `make bench` can link a twin of the program whose cache is in the build
 * tree. */
#include "program.h"

const char *
hg_cache_dir (void)
{
  return HG_CACHE_DIR;
}
