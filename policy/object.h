/* Private to policy/: the policy object beneath its loaders (object.c). */
#ifndef HOSTGUARD_POLICY_OBJECT_H
#define HOSTGUARD_POLICY_OBJECT_H

#include <sys/stat.h>

#include "internal.h"

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

/* The checks of HG_LOAD_TRUSTED_ONLY on one file: a regular file owned by
 * root and not writable by group or others, in such a directory. */
int hg_check_trusted (const char *path, const struct stat *st, hg_error **err);

/* Fills p->settings from the storage of p (defaults where the main file
 * was silent). */
void hg_settings_fill (struct hg_policy *p);

void hg_rule_clear (struct hg_rule *r);
/* Only the compiled regexes, for a policy whose strings are in an arena. */
void hg_rule_clear_regexes (struct hg_rule *r);

#endif
