/* Private to snapshot.c and the snapshot tests: a snapshot's bytes
 * (snapfmt.c), pure (no I/O). */
#ifndef HOSTGUARD_POLICY_SNAPFMT_H
#define HOSTGUARD_POLICY_SNAPFMT_H

#include "object.h"

/* Raised whenever the encoding or the meaning of a field changes. */
#define HG_SNAPSHOT_FORMAT 4

/* The whole file.  -1 on ENOMEM. */
int hg_snapshot_encode (const struct hg_policy *p, const char *policy_path,
                        const struct hg_sources *src, char **out, size_t *len);
/* Parses a file's bytes, trusting nothing of them: every length and count
 * is bounded by what is left, every enum is checked.  On success *out is a
 * policy with its index built, but with no regex compiled yet.  -1 on a
 * malformed input or ENOMEM. */
int hg_snapshot_decode (const void *buf, size_t len, char **policy_path, struct hg_sources *src,
                        struct hg_policy **out);

#endif
