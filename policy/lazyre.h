/* A rule's `args` regex, compiled on first use.
 *
 * A policy loaded from a snapshot holds only the patterns: glibc's regcomp
 * is most of what a policy costs to load, and a command meets few of the
 * rules.  The supervisor decides from several threads on one const policy,
 * so the first use compiles under a lock and publishes with release
 * semantics; every later use reads the flag and goes straight to regexec,
 * which glibc makes safe on a shared regex_t. */
#ifndef HOSTGUARD_POLICY_LAZYRE_H
#define HOSTGUARD_POLICY_LAZYRE_H

#include <pthread.h>
#include <regex.h>
#include <stdbool.h>

#define HG_ARGS_REGFLAGS (REG_EXTENDED | REG_ICASE | REG_NOSUB)

struct hg_lazy_re
{
  const char *src; /* owned by the rule (args_src) */
  pthread_mutex_t lock;
  bool ready; /* read and written with __atomic builtins */
  regex_t re;
};

/* Not yet compiled. */
void hg_lazy_re_init (struct hg_lazy_re *l, const char *src);
/* Already compiled (validation at load did it): takes re. */
void hg_lazy_re_init_compiled (struct hg_lazy_re *l, const char *src, regex_t re);
void hg_lazy_re_clear (struct hg_lazy_re *l);
/* 1: matches, 0: does not, -1: the pattern could not be compiled (only
 * memory can fail for a validated pattern; the caller fails closed). */
int hg_lazy_re_match (struct hg_lazy_re *l, const char *subject);

#endif
