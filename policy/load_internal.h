/* Private to the policy loader (load.c, precheck.c, schema.c). */
#ifndef HOSTGUARD_POLICY_LOAD_INTERNAL_H
#define HOSTGUARD_POLICY_LOAD_INTERNAL_H

#include <confuse.h>

#include "internal.h"

/* A policy file larger than this is refused before it is parsed. */
#define HG_MAX_POLICY_BYTES (4u << 20)
/* Rules in one file: libconfuse takes quadratic time over them. */
#define HG_MAX_RULES_PER_FILE 10000
/* The policy and all its includes together. */
#define HG_MAX_POLICY_FILES 1024

/* Grows *vp (an array of `size`-byte items, *cap of them) to hold `need`. */
static inline bool
hg_grow (void *vp, size_t *cap, size_t need, size_t size)
{
  void **v = vp;
  if (need <= *cap)
    return true;
  size_t c = *cap ? *cap : 8;
  while (c < need)
    c *= 2;
  void *nv = realloc (*v, c * size);
  if (!nv)
    return false;
  *v = nv;
  *cap = c;
  return true;
}

/* ---- precheck.c ---- */

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

/* ---- schema.c ---- */

/* The `include` patterns one file gave, with their lines. */
struct hg_includes
{
  char **patterns; /* NULL-terminated */
  int *lines;
  size_t n;
};

void hg_includes_clear (struct hg_includes *inc);

/* Parses one policy text and adds what it says to p: its settings (only
 * for the main file; an included file may hold only rules and include) and
 * its rules (names unique across p).  Its include patterns go to *inc, not
 * yet resolved. */
int hg_schema_parse (struct hg_policy *p, size_t *rules_cap, const char *file, const char *text,
                     size_t len, bool included, struct hg_includes *inc, hg_error **err);

/* ---- build.c ---- */

/* What schema.c learnt while libconfuse parsed one file. */
/* A regex compiled while validating, kept for the rule that holds it:
 * regcomp is most of a policy's load time, so each is compiled once. */
struct hg_compiled_regex
{
  char *src;
  regex_t re;
  bool taken;
};

struct hg_parsed
{
  const char *file;
  struct hg_compiled_regex *compiled; /* the `args` regexes, in parse order */
  size_t n_compiled;
  size_t *next_compiled; /* the first that may not be taken yet */
  const int *rule_lines; /* line of each rule section, in libconfuse's order */
  size_t n_rule_lines;
  const int *include_lines; /* line of each include pattern */
  size_t n_include_lines;
};

/* Copies settings (unless included), rules and include patterns out of cfg
 * into p and *inc. */
int hg_build (struct hg_policy *p, size_t *rules_cap, cfg_t *cfg, const struct hg_parsed *in,
              bool included, struct hg_includes *inc, hg_error **err);

/* Fills p->settings from the storage of p (defaults where the main file
 * was silent). */
void hg_schema_finish (struct hg_policy *p);

void hg_rule_clear (struct hg_rule *r);
/* Only the compiled regexes, for a policy whose strings are in an arena. */
void hg_rule_clear_regexes (struct hg_rule *r);

#endif
