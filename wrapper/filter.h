/* The filters of `log` and `report` (DESIGN.md, "Commands"). */
#ifndef HOSTGUARD_FILTER_H
#define HOSTGUARD_FILTER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "policy.h"

struct json_object;

struct hg_filter
{
  const char *user;     /* exact */
  const char *host;     /* glob, case-insensitive */
  const char *rule;     /* exact */
  const char *decision; /* one name or a comma-separated list */
  const char *id;       /* exact */
  const char *grep;     /* substring of the command line (argv joined by spaces) */
  bool has_since, has_until;
  int64_t since, until; /* microseconds since the epoch, both inclusive */
};

/* ISO 8601 date or date-time: YYYY-MM-DD, YYYY-MM-DD[T ]HH:MM[:SS[.frac]]
 * [Z|+HH:MM|-HH:MM|+HHMM]; UTC when no zone is given.  Returns 0, or -1. */
int hg_iso_parse (const char *s, int64_t *us);

/* WHEN: ISO 8601 (see above), `today` / `yesterday` (the start of that UTC
 * day), or a duration ago: N followed by s, m, h, d or w.  `now` in
 * seconds.  Returns 0, or -1 when `s` is none of these. */
int hg_when_parse (const char *s, time_t now, int64_t *us);

/* Applies one filter option (`--user`...) with its argument.  Returns 1
 * when taken, 0 when `opt` is not a filter option, -1 when `arg` is
 * invalid (a bad WHEN, an unknown decision). */
int hg_filter_option (struct hg_filter *f, const char *opt, const char *arg, time_t now);

/* Whether a parsed record (its time in `ts`, INT64_MIN when it has none)
 * passes every filter set in `f`. */
bool hg_filter_match (const struct hg_filter *f, struct json_object *rec, int64_t ts);

/* The command line of `log` and `report`. */
struct hg_review_opts
{
  struct hg_filter f;
  bool json, verify;   /* log */
  const char *witness; /* log --verify --witness SOURCE */
  const char *html;    /* report */
  const char *policy;  /* -f */
  char **files;        /* operands (into argv) */
  size_t nfiles;
};

/* Parses argv (argv[0] is the subcommand).  Returns 0, or the exit status
 * to leave with: 64 after printing why, or -1 for --help (printed). */
int hg_review_parse (int argc, char **argv, bool report, struct hg_review_opts *o);

/* The operands, or the policy's log_dir when there are none.  Returns 0 and
 * sets *paths / *n (*policy holds them: free it with hg_policy_free), or
 * prints the error and returns the exit status. */
int hg_review_inputs (const struct hg_review_opts *o, char *const **paths, size_t *n,
                      hg_policy **policy);

/* Whether `name` is one of the recorded decisions. */
bool hg_decision_known (const char *name);

#endif
