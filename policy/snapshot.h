/* Private to load.c and the snapshot tests: a pre-validated policy, so
 * that a start whose files have not changed skips libconfuse and regcomp.
 * See snapshot.c for when one is trusted. */
#ifndef HOSTGUARD_POLICY_SNAPSHOT_H
#define HOSTGUARD_POLICY_SNAPSHOT_H

#include "object.h"

/* A snapshot larger than this is not read (a policy is at most
 * HG_MAX_POLICY_FILES files of 4 MiB, but real ones are kilobytes). */
#define HG_SNAPSHOT_MAX_BYTES (64u << 20)

/* 0 and *out when cache_dir holds a usable snapshot of `path` for this
 * load; -1 otherwise (never an error: the caller loads the files). */
int hg_snapshot_read (const char *cache_dir, const char *path, unsigned flags,
                      struct hg_policy **out);
/* Writes the snapshot when running as root and every condition holds;
 * silently does nothing otherwise. */
void hg_snapshot_write (const char *cache_dir, const char *path, const struct hg_policy *p,
                        const struct hg_sources *src);

#endif
