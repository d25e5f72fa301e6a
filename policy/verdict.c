/* The verdict: what hg_policy_decide answers, and why.  It owns copies of
 * everything it shows, so it may outlive the policy that produced it. */
#include <stdio.h>
#include <string.h>

#include "decide.h"

struct hg_verdict
{
  enum hg_action action;
  char *rule;    /* NULL: no rule decided */
  char *message; /* may be NULL */
  unsigned approvals;
  bool guarded;
  char *runs; /* the program that really runs, when not the one named; NULL */
  char **why; /* n_why lines */
  size_t n_why;
  size_t cap_why;
};

hg_verdict *
hg_verdict_new (bool guarded)
{
  hg_verdict *v = calloc (1, sizeof *v);
  if (v)
    v->guarded = guarded;
  return v;
}

static int
dup_or_null (const char *s, char **out)
{
  *out = NULL;
  if (s && !(*out = strdup (s)))
    return -1;
  return 0;
}

int
hg_verdict_set (hg_verdict *v, enum hg_action action, const char *rule, const char *message,
                unsigned approvals)
{
  free (v->rule);
  free (v->message);
  v->action = action;
  v->approvals = action == HG_ACTION_APPROVE ? approvals : 0;
  if (dup_or_null (rule, &v->rule) < 0 || dup_or_null (message, &v->message) < 0)
    return -1;
  return 0;
}

int
hg_verdict_add_why (hg_verdict *v, const char *fmt, ...)
{
  if (v->n_why == v->cap_why)
    {
      size_t cap = v->cap_why ? v->cap_why * 2 : 8;
      char **why = realloc (v->why, cap * sizeof *why);
      if (!why)
        return -1;
      v->why = why;
      v->cap_why = cap;
    }
  va_list ap;
  va_start (ap, fmt);
  int r = vasprintf (&v->why[v->n_why], fmt, ap);
  va_end (ap);
  if (r < 0)
    return -1;
  /* Commands of one shell string repeat the same line ("looked through:
   * sh -c"); a recent twin says nothing new.  Only recent lines are
   * compared, so a string of 10,000 commands stays linear. */
  for (size_t i = v->n_why > 8 ? v->n_why - 8 : 0; i < v->n_why; i++)
    if (strcmp (v->why[i], v->why[v->n_why]) == 0)
      {
        free (v->why[v->n_why]);
        return 0;
      }
  v->n_why++;
  return 0;
}

enum hg_action
hg_verdict_action (const hg_verdict *v)
{
  return v ? v->action : HG_ACTION_DENY;
}

const char *
hg_verdict_rule (const hg_verdict *v)
{
  return v ? v->rule : NULL;
}

const char *
hg_verdict_message (const hg_verdict *v)
{
  return v ? v->message : NULL;
}

unsigned
hg_verdict_approvals (const hg_verdict *v)
{
  return v ? v->approvals : 0;
}

bool
hg_verdict_guarded (const hg_verdict *v)
{
  return v ? v->guarded : true;
}

size_t
hg_verdict_why_count (const hg_verdict *v)
{
  return v ? v->n_why : 0;
}

const char *
hg_verdict_why (const hg_verdict *v, size_t i)
{
  if (!v || i >= v->n_why)
    return NULL;
  return v->why[i];
}

void
hg_verdict_free (hg_verdict *v)
{
  if (!v)
    return;
  for (size_t i = 0; i < v->n_why; i++)
    free (v->why[i]);
  free (v->why);
  free (v->rule);
  free (v->message);
  free (v->runs);
  free (v);
}

int
hg_verdict_set_runs (hg_verdict *v, const char *runs)
{
  free (v->runs);
  v->runs = NULL;
  return runs && !(v->runs = strdup (runs)) ? -1 : 0;
}

const char *
hg_verdict_runs (const hg_verdict *v)
{
  return v->runs;
}

static const char *const action_names[] = {
  [HG_ACTION_ALLOW] = "allow", [HG_ACTION_LOG] = "log", [HG_ACTION_CONFIRM] = "confirm",
  [HG_ACTION_APPROVE] = "approve", [HG_ACTION_DENY] = "deny",
};

const char *
hg_action_name (enum hg_action a)
{
  if ((size_t) a >= N_ELEMENTS (action_names))
    return "?";
  return action_names[a];
}

int
hg_action_parse (const char *name, enum hg_action *out)
{
  for (size_t i = 0; i < N_ELEMENTS (action_names); i++)
    if (strcmp (name, action_names[i]) == 0)
      {
        *out = (enum hg_action) i;
        return 0;
      }
  return -1;
}
