/* Private to decide.c, match.c and verdict.c: the facts of one command,
 * the conditions of one rule, and building a verdict. */
#ifndef HOSTGUARD_POLICY_DECIDE_H
#define HOSTGUARD_POLICY_DECIDE_H

#include "internal.h"

/* ---- match.c ---- */

/* What a command offers to the conditions of the rules, computed once per
 * command and shared by every rule checked against it. */
struct hg_path_arg
{
  const char *word; /* the argument as given */
  const char *arg;  /* the word, or the VALUE of --opt=VALUE / key=VALUE */
  char **forms;     /* hg_path_forms (arg) */
};

#define HG_MAX_CANDIDATES 6

struct hg_cmd_facts
{
  const struct hg_simple_cmd *cmd;
  const struct hg_request *req;
  const char *names[HG_MAX_CANDIDATES]; /* program name candidates */
  size_t n_names;
  const char *paths[HG_MAX_CANDIDATES]; /* program path candidates */
  size_t n_paths;
  char *owned[HG_MAX_CANDIDATES]; /* storage of the above */
  size_t n_owned;
  char *joined; /* argv[1..] joined by single spaces */
  struct hg_path_arg *path_args; /* computed on first use */
  size_t n_path_args;
  bool path_args_ready;
  bool by_content; /* the last path is a rules' program of the same content */
  bool outer;                /* the request's own command, not one found inside */
  struct hg_sql_facts *sql;  /* the SQL it runs (sqlcli.c), read on first use */
};

int hg_cmd_facts_init (struct hg_cmd_facts *f, const struct hg_simple_cmd *cmd, bool outer,
                       const struct hg_request *req);
void hg_cmd_facts_free (struct hg_cmd_facts *f);
/* One more program path of the command (and its base name as a name):
 * takes path, which may be NULL. */
void hg_cmd_facts_add_program (struct hg_cmd_facts *f, char *path);
/* Why the SQL the command runs cannot all be known, or NULL. */
const char *hg_cmd_facts_sql_unknown (const struct hg_cmd_facts *f);
/* The first argument known only at run time, or NULL. */
const char *hg_cmd_facts_dynamic_word (const struct hg_cmd_facts *f);

/* Which item of each condition matched what, for the why lines. */
struct hg_match
{
  const char *cmd_glob, *cmd_subject;
  const char *args_src;
  const struct hg_path_arg *path_arg;
  const char *path_glob, *path_form;
  const char *user_item, *user_name;
  bool user_is_target; /* the sudo -u target, not the caller */
  int sql_kind;          /* the kind that matched the sql condition, or -1 */
  const char *sql_where; /* which statement had it */
};

enum hg_match_result
{
  HG_MATCH_NO,
  HG_MATCH_YES,
  /* program and users hold, args or paths do not, but the command has
   * arguments known only at run time that could satisfy them */
  HG_MATCH_COULD,
  HG_MATCH_ERROR, /* ENOMEM */
  /* a `users` item was reached and the request gives no user name */
  HG_MATCH_NEEDS_USER,
};

/* Group lookups go through NSS; within one decision each (item, user)
 * pair is asked once. */
#define HG_USER_CACHE_SIZE 32
struct hg_match_cache
{
  struct
  {
    const char *item, *user;
    bool result;
  } e[HG_USER_CACHE_SIZE];
  size_t n;
  /* users.c's hg_user_matches, for %group items; NULL without the name
   * service (hg_policy_decide_no_nss): a rule with one needs the user. */
  bool (*user_matches) (const char *item, const char *user);
};

/* hg_policy_decide, with user_matches as above. */
int hg_decide (const hg_policy *p, const struct hg_request *req,
               bool (*user_matches) (const char *item, const char *user), hg_verdict **out,
               hg_error **err);

enum hg_match_result hg_match_rule (const struct hg_rule *r, struct hg_cmd_facts *f,
                                    struct hg_match_cache *cache, struct hg_match *m);
/* "command matched 'mysql'; args matched /.../ in '...'; users matched 'alice'",
 * or NULL on ENOMEM. */
char *hg_match_describe (const struct hg_rule *r, const struct hg_cmd_facts *f,
                         const struct hg_match *m);
/* The verdict's message for a match of an sql condition: the rule's
 * message and the statement that decided; NULL otherwise (or ENOMEM). */
char *hg_match_message (const struct hg_rule *r, const struct hg_match *m);

/* ---- ruleindex.c ---- */

struct name_entry
{
  const char *name;
  size_t rule;
};

struct hg_rule_index
{
  struct name_entry *by_name; /* sorted by name, then rule */
  size_t n_by_name;
  size_t *scan; /* rules checked for every command, in file order */
  size_t n_scan;
  struct hg_identity *identity; /* the rules' programs by content, built on first use */
};

/* The rules that may match a command: those indexed under one of its name
 * candidates (each once, in file order), then the caller checks the
 * scan-always list.  0, or -1 on ENOMEM. */
int hg_index_candidates (const struct hg_rule_index *idx, const struct hg_cmd_facts *f, size_t **out,
                         size_t *n_out);

/* ---- verdict.c ---- */

hg_verdict *hg_verdict_new (bool guarded);
/* Copies rule and message; approvals are kept only for approve.  -1 on ENOMEM. */
int hg_verdict_set (hg_verdict *v, enum hg_action action, const char *rule, const char *message,
                    unsigned approvals);
int hg_verdict_add_why (hg_verdict *v, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
/* Copies runs (may be NULL).  -1 on ENOMEM. */
int hg_verdict_set_runs (hg_verdict *v, const char *runs);

#endif
