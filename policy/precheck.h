/* Private to the policy loader: the pre-scan of a text (precheck.c). */
#ifndef HOSTGUARD_POLICY_PRECHECK_H
#define HOSTGUARD_POLICY_PRECHECK_H

#include "internal.h"

/* What the pre-scan learnt of a text. */
struct hg_scan
{
  /* The text, NUL-terminated, with every comment blanked to spaces
   * (newlines kept): libconfuse then never sees a comment, so it counts
   * lines right (its block comments add a line each) and a comment may sit
   * inside a list. */
  char *text;
  /* Line of each titled section (`rule NAME {`) at the top level, in the
   * order libconfuse will meet them. */
  int *sections;
  size_t n_sections;
};

/* Refuses, with FILE:LINE, what must never reach libconfuse: NUL bytes,
 * `${` (libconfuse expands it from the environment), unterminated strings
 * (a string must close on its line) and comments, nesting deeper than HG_MAX_BRACE_DEPTH (libconfuse
 * recurses without bound), a stray `}`, an empty list. */
int hg_precheck (const char *file, const char *text, size_t len, struct hg_scan *out,
                 hg_error **err);
void hg_scan_clear (struct hg_scan *s);

/* Whether glibc's regcomp would take too long over a pattern: longer than
 * 1024 bytes, or whose repetitions expand too far (`a+++++`). */
bool hg_regex_too_complex (const char *re);

#endif
