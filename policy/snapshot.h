/* Private to load.c, snapfmt.c, snapshot.c and the snapshot tests: a
 * pre-validated policy, so that a start whose files have not changed skips
 * libconfuse and regcomp.  See snapshot.c for when one is trusted. */
#ifndef HOSTGUARD_POLICY_SNAPSHOT_H
#define HOSTGUARD_POLICY_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "internal.h"

/* Raised whenever the encoding or the meaning of a field changes. */
#define HG_SNAPSHOT_FORMAT 4
/* A snapshot larger than this is not read (a policy is at most
 * HG_MAX_POLICY_FILES files of 4 MiB, but real ones are kilobytes). */
#define HG_SNAPSHOT_MAX_BYTES (64u << 20)

/* What a load read: each policy file, and the directory of each include
 * glob (an added or removed file changes its mtime).  The snapshot is
 * used only while every one of them stats the same. */
struct hg_source
{
  char *path;
  bool is_dir;
  bool exists; /* a directory may be absent (an empty policy.d) */
  uint64_t dev, ino, size;
  int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
};

struct hg_sources
{
  struct hg_source *v;
  size_t n, cap;
  /* A glob the stat of one directory cannot watch (wildcards or escapes
   * before its last component): such a policy is never snapshotted. */
  bool unwatchable;
};

void hg_sources_clear (struct hg_sources *s);
/* st NULL: the directory does not exist.  -1 on ENOMEM. */
int hg_sources_add (struct hg_sources *s, const char *path, bool is_dir, const struct stat *st);
void hg_source_set_stat (struct hg_source *src, const struct stat *st);

/* ---- snapfmt.c: the encoding, pure (no I/O) ---- */

/* The whole file.  -1 on ENOMEM. */
int hg_snapshot_encode (const struct hg_policy *p, const char *policy_path,
                        const struct hg_sources *src, char **out, size_t *len);
/* Parses a file's bytes, trusting nothing of them: every length and count
 * is bounded by what is left, every enum is checked.  On success *out is a
 * policy with its index built, but with no regex compiled yet.  -1 on a
 * malformed input or ENOMEM. */
int hg_snapshot_decode (const void *buf, size_t len, char **policy_path, struct hg_sources *src,
                        struct hg_policy **out);

/* ---- snapshot.c: the cache directory ---- */

/* 0 and *out when cache_dir holds a usable snapshot of `path` for this
 * load; -1 otherwise (never an error: the caller loads the files). */
int hg_snapshot_read (const char *cache_dir, const char *path, unsigned flags,
                      struct hg_policy **out);
/* Writes the snapshot when running as root and every condition holds;
 * silently does nothing otherwise. */
void hg_snapshot_write (const char *cache_dir, const char *path, const struct hg_policy *p,
                        const struct hg_sources *src);

/* ---- load.c ---- */

/* The checks of HG_LOAD_TRUSTED_ONLY on one file: a regular file owned by
 * root and not writable by group or others, in such a directory. */
int hg_check_trusted (const char *path, const struct stat *st, hg_error **err);

#endif
