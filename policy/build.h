/* Private to the policy loader: copying what libconfuse parsed (build.c). */
#ifndef HOSTGUARD_POLICY_BUILD_H
#define HOSTGUARD_POLICY_BUILD_H

#include <confuse.h>

#include "internal.h"

/* The `include` patterns one file gave, with their lines. */
struct hg_includes
{
  char **patterns; /* NULL-terminated */
  int *lines;
  size_t n;
};

void hg_includes_clear (struct hg_includes *inc);

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

#endif
