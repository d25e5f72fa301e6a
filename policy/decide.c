/* Deciding: which rules a command matches, and the strictest of them.
 *
 * Every command is decided together with what the kernel really runs for
 * it (realexec.c: a #! interpreter, an applet, the loader's program) and
 * with the rules' programs it is a copy of (identity.c).  Rules are found
 * through the index (ruleindex.c); the conditions themselves are in
 * match.c, the verdict in verdict.c. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "decide.h"

/* The checks below return 0, -1 when out of memory, or HG_ERR_NEEDS_USER
 * when a rule needs the user name the request does not give (passed up as
 * is). */

/* ---- the decision ---- */

/* What decides so far: a rule that matched, or an escalation of a command
 * that cannot be known statically (rule NULL, or the rule that could
 * match). */
struct pick
{
  bool set;
  enum hg_action action;
  bool escalation;
  unsigned approvals;
  const struct hg_rule *rule;
  char *explanation; /* escalations: owned message */
  char *runs;        /* a match on a command found inside: its program, owned */
};

/* Strictest action first; at the same action a real match before an
 * escalation, then more approvals, then the name that sorts first, so that
 * the order of the file never matters.  Among escalations, one without a
 * rule (unknown program) first, then the strictest rule that could match. */
static bool
pick_better (const struct pick *a, const struct pick *b)
{
  if (!b->set)
    return true;
  if (a->action != b->action)
    return a->action > b->action;
  if (a->escalation != b->escalation)
    return !a->escalation;
  if (a->approvals != b->approvals)
    return a->approvals > b->approvals;
  if (!a->rule || !b->rule)
    return !a->rule && b->rule; /* "cannot know the program" says more than "rule R could" */
  if (a->escalation && a->rule->action != b->rule->action)
    return a->rule->action > b->rule->action; /* the rule that could do the most */
  return strcmp (a->rule->name, b->rule->name) < 0;
}

/* Offers a candidate; takes its explanation either way. */
static void
pick_offer (struct pick *best, struct pick cand)
{
  cand.set = true;
  if (pick_better (&cand, best))
    {
      free (best->explanation);
      free (best->runs);
      *best = cand;
    }
  else
    {
      free (cand.explanation);
      free (cand.runs);
    }
}

/* How many matching rules are described in the why lines; the rest are
 * counted, so a huge policy cannot make a verdict huge. */
#define MAX_DESCRIBED 16

struct decision
{
  const struct hg_policy *p;
  const struct hg_request *req;
  hg_verdict *v;
  struct pick best;
  size_t n_matched, n_described; /* rules that matched, and described */
  size_t n_could, n_could_described; /* rules that could match unknown arguments */
  struct hg_match_cache cache;
};

static int
offer_match (struct decision *d, const struct hg_rule *r, const struct hg_cmd_facts *f,
             const struct hg_match *m)
{
  d->n_matched++;
  if (d->n_described < MAX_DESCRIBED)
    {
      d->n_described++;
      cleanup_free char *line = hg_match_describe (r, f, m);
      if (!line || hg_verdict_add_why (d->v, "rule %s: %s", r->name, line) < 0)
        return -1;
    }
  char *runs = NULL;
  const char *shown = f->cmd->applet || !f->n_paths ? f->cmd->argv[0] : f->paths[f->n_paths - 1];
  if ((f->cmd->via || f->by_content) && !(runs = strdup (shown)))
    return -1;
  pick_offer (&d->best, (struct pick){ .action = r->action, .rule = r, .runs = runs,
                                       .approvals = r->action == HG_ACTION_APPROVE ? r->approvals : 0,
                                       .explanation = hg_match_message (r, m) });
  return 0;
}

/* Case (b): the arguments are only known at run time, and the rule's
 * program and users hold, so they could satisfy its args/paths. */
static int
offer_could_match (struct decision *d, const struct hg_rule *r, const struct hg_cmd_facts *f)
{
  char *expl = NULL;
  const char *word = hg_cmd_facts_dynamic_word (f);
  cleanup_free char *shown = NULL;
  const char *source = f->cmd->more_args ? "added by xargs" : "relative to a directory a `cd` chose at run time";
  const char *sql = hg_cmd_facts_sql_unknown (f);
  if (sql && !word && !f->cmd->more_args)
    {
      if (asprintf (&expl, "the SQL %s runs cannot all be known before it runs (%s), and rule %s "
                           "could match it", f->cmd->argv[0], sql, r->name) < 0)
        return -1;
    }
  else if (word ? asprintf (&shown, "`%s`", word) < 0 : !(shown = strdup (source)))
    return -1;
  if (!expl && asprintf (&expl, "arguments of %s are only known at run time (%s), and rule %s could match them",
                         f->cmd->argv[0], shown, r->name) < 0)
    return -1;
  d->n_could++;
  if (d->n_could_described < MAX_DESCRIBED)
    {
      d->n_could_described++;
      if (hg_verdict_add_why (d->v, "%s", expl) < 0)
        {
          free (expl);
          return -1;
        }
    }
  pick_offer (&d->best, (struct pick){ .action = HG_ACTION_CONFIRM, .escalation = true, .rule = r,
                                       .explanation = expl });
  return 0;
}

/* A decision with no rule (takes expl): the program or the commands are
 * unknown, or a program has no path. */
static int
offer_escalation (struct decision *d, enum hg_action action, char *expl)
{
  if (!expl || hg_verdict_add_why (d->v, "%s", expl) < 0)
    {
      free (expl);
      return -1;
    }
  pick_offer (&d->best, (struct pick){ .action = action, .escalation = true, .explanation = expl });
  return 0;
}

/* A reason to ask: the program or the commands are unknown. */
static int
offer_unknown (struct decision *d, char *expl)
{
  return offer_escalation (d, HG_ACTION_CONFIRM, expl);
}

/* A shell string whose commands cannot all be known (list->unknowable). */
static int
offer_unknowable (struct decision *d, const char *why)
{
  char *expl = NULL;
  if (asprintf (&expl, "cannot know every command it runs: %s", why) < 0)
    expl = NULL;
  return offer_unknown (d, expl);
}

static int
check_rule (struct decision *d, const struct hg_rule *r, struct hg_cmd_facts *f)
{
  struct hg_match m;
  switch (hg_match_rule (r, f, &d->cache, &m))
    {
    case HG_MATCH_YES:
      return offer_match (d, r, f, &m);
    case HG_MATCH_COULD:
      return r->action >= HG_ACTION_CONFIRM ? offer_could_match (d, r, f) : 0;
    case HG_MATCH_NO:
      return 0;
    case HG_MATCH_ERROR:
      return -1;
    case HG_MATCH_NEEDS_USER:
      return HG_ERR_NEEDS_USER;
    }
  return 0;
}

/* Levels of #! interpreters, loaders and multi-call programs followed
 * (the kernel itself refuses a sixth #! level with ELOOP). */
#define MAX_REAL_DEPTH 6

static int check_command (struct decision *d, const struct hg_simple_cmd *cmd, bool outer,
                          unsigned depth);

/* What runs is what the kernel runs: a script's interpreter, a multi-call
 * program's applet, the loader's program; each is decided as a command of
 * its own, and its launchers looked through as the prefix form does. */
static int
check_real (struct decision *d, const struct hg_simple_cmd *cmd, const struct hg_cmd_facts *f,
            int fd, unsigned depth)
{
  if (f->n_owned == 0)
    return 0; /* not found: nothing runs */
  struct hg_simple_cmd real;
  char *why = NULL;
  int r = hg_real_command (cmd, (const char *const *) f->owned, f->n_owned, fd, d->req->cwd, &real,
                           &why);
  if (r < 0)
    {
      hg_simple_cmd_clear (&real);
      return -1;
    }
  if (r == HG_REAL_UNKNOWN)
    return offer_unknown (d, why);
  if (r == HG_REAL_SELF)
    return 0;
  if (depth + 1 >= MAX_REAL_DEPTH)
    {
      char *expl = NULL;
      if (asprintf (&expl, "%s runs through more than %d levels of #! interpreters, loaders and "
                           "multi-call programs (a #! loop?): the kernel refuses a chain this deep",
                    cmd->argv[0], MAX_REAL_DEPTH - 1) < 0)
        expl = NULL;
      hg_simple_cmd_clear (&real);
      return offer_unknown (d, expl);
    }
  r = check_command (d, &real, false, depth + 1);
  if (r == 0 && d->req->look_through)
    {
      struct hg_cmd_list inner = { 0 };
      hg_error *err = NULL;
      r = hg_look_through ((const char *const *) real.argv, real.argc, &inner, &err);
      if (r == HG_ERR_INVALID)
        {
          char *expl = NULL;
          if (asprintf (&expl, "cannot know every command %s runs: %s", real.argv[0],
                        hg_error_message (err)) < 0)
            expl = NULL;
          r = offer_unknown (d, expl);
        }
      else if (r < 0)
        r = -1;
      hg_error_free (err);
      for (size_t i = 1; r == 0 && i < inner.n; i++)
        r = check_command (d, &inner.items[i], false, depth + 1);
      /* A shell running the script file is the script itself, decided
       * above by its own names, as a script always was. */
      if (r == 0 && inner.unknowable && !real.script)
        r = offer_unknowable (d, inner.unknowable);
      hg_cmd_list_free (&inner);
    }
  hg_simple_cmd_clear (&real);
  return r;
}

/* A copy, rename, hard link or memfd of a rules' program is that program;
 * a program with no path that is none of them is anonymous_exec's. */
static int
identify (struct decision *d, struct hg_cmd_facts *f, int fd, bool outer)
{
  if (f->n_owned == 0 && fd < 0)
    return 0;
  if (d->req->names_only)
    {
      /* A program that root installed (hg_path_root_only of its real
       * path) is taken by its names; a copy made by anyone else is
       * compared by content in the whole program. */
      const char *real = f->n_owned > 1 ? f->owned[1] : f->n_owned ? f->owned[0] : NULL;
      return fd < 0 && real && hg_path_root_only (real) ? 0 : HG_ERR_NEEDS_CONTENT;
    }
  const char *program = f->n_owned ? f->owned[0] : "";
  char *same = NULL;
  int r = hg_identity_lookup (d->p->index->identity, d->p, program, fd, &same);
  if (r < 0)
    return -1;
  if (r == HG_IDENTITY_FOUND)
    {
      bool known = false;
      for (size_t i = 0; i < f->n_paths; i++)
        known |= strcmp (f->paths[i], same) == 0;
      if (!known && hg_verdict_add_why (d->v, "%s: same content as %s", program, same) < 0)
        {
          free (same);
          return -1;
        }
      if (!known)
        {
          hg_cmd_facts_add_program (f, same);
          f->by_content = true;
        }
      else
        free (same);
      return 0;
    }
  char *expl = NULL;
  if (r == HG_IDENTITY_UNREADABLE)
    {
      if (asprintf (&expl, "cannot read %s to compare it with the rules' programs", program) < 0)
        return -1;
      return offer_unknown (d, expl);
    }
  struct stat st;
  enum hg_action anon = d->p->settings.anonymous_exec;
  if (outer && fd >= 0 && anon != HG_ACTION_ALLOW && fstat (fd, &st) == 0 && st.st_nlink == 0)
    {
      if (asprintf (&expl, "%s has no path (a memfd or a deleted file) and is none of the rules' "
                           "programs: anonymous_exec = %s",
                    program, hg_action_name (anon)) < 0)
        return -1;
      return offer_escalation (d, anon, expl);
    }
  return 0;
}

static int
check_command (struct decision *d, const struct hg_simple_cmd *cmd, bool outer, unsigned depth)
{
  if (cmd->argc == 0)
    return 0;
  if (cmd->via && hg_verdict_add_why (d->v, "looked through: %s", cmd->via) < 0)
    return -1;

  struct hg_cmd_facts f;
  if (hg_cmd_facts_init (&f, cmd, outer, d->req) < 0)
    return -1;
  int fd = outer && d->req->has_exe_fd ? d->req->exe_fd : -1;
  int r = 0;
  if (cmd->dynamic && cmd->dynamic[0])
    {
      char *expl = NULL;
      if (asprintf (&expl, "cannot know which program `%s` runs", cmd->argv[0]) < 0)
        expl = NULL;
      r = offer_unknown (d, expl);
    }
  else
    r = identify (d, &f, fd, outer);

  const struct hg_rule_index *idx = d->p->index;
  cleanup_free size_t *cand = NULL;
  size_t n_cand = 0;
  if (r == 0 && (r = hg_index_candidates (idx, &f, &cand, &n_cand)) == 0)
    {
      for (size_t i = 0; r == 0 && i < n_cand; i++)
        r = check_rule (d, &d->p->rules[cand[i]], &f);
      for (size_t i = 0; r == 0 && i < idx->n_scan; i++)
        r = check_rule (d, &d->p->rules[idx->scan[i]], &f);
    }
  if (r == 0 && !(cmd->dynamic && cmd->dynamic[0]))
    r = check_real (d, cmd, &f, fd, depth);
  hg_cmd_facts_free (&f);
  return r;
}

static int
conclude (struct decision *d)
{
  const struct pick *b = &d->best;
  if (d->n_matched > d->n_described
      && hg_verdict_add_why (d->v, "... and %zu more matching rules", d->n_matched - d->n_described) < 0)
    return -1;
  if (d->n_could > d->n_could_described
      && hg_verdict_add_why (d->v, "... and %zu more rules that could match unknown arguments",
                             d->n_could - d->n_could_described) < 0)
    return -1;
  if (!b->set)
    {
      enum hg_action a = d->p->settings.default_action;
      if (hg_verdict_set (d->v, a, NULL, NULL, 0) < 0
          || hg_verdict_add_why (d->v, "no rule matched: default %s", hg_action_name (a)) < 0)
        return -1;
      return 0;
    }
  const char *name = b->rule ? b->rule->name : NULL;
  const char *msg = b->explanation ? b->explanation : b->rule->message;
  if (hg_verdict_set (d->v, b->action, name, msg, b->approvals) < 0
      || hg_verdict_set_runs (d->v, b->runs) < 0)
    return -1;
  if (name)
    return hg_verdict_add_why (d->v, "decision: %s by rule %s", hg_action_name (b->action), name);
  return hg_verdict_add_why (d->v, "decision: %s, as the command cannot be fully known",
                             hg_action_name (b->action));
}

static bool
request_valid (const struct hg_request *req)
{
  if (!req->argv || req->argc == 0)
    return false;
  for (size_t i = 0; i < req->argc; i++)
    if (!req->argv[i])
      return false;
  return true;
}

static int
decide_unguarded (const struct hg_request *req, hg_verdict *v)
{
  const char *host = req->host_short ? req->host_short : req->host_fqdn;
  if (hg_verdict_set (v, HG_ACTION_ALLOW, NULL, NULL, 0) < 0
      || hg_verdict_add_why (v, "host %s is not guarded by this policy", host ? host : "(unknown)") < 0)
    return -1;
  return 0;
}

static int
decide_guarded (struct decision *d, hg_error **err)
{
  const struct hg_request *req = d->req;
  struct hg_simple_cmd direct = { .argv = (char **) req->argv, .argc = req->argc };
  struct hg_cmd_list list = { .items = &direct, .n = 1 };
  bool own_list = false;
  if (req->look_through)
    {
      memset (&list, 0, sizeof list);
      int r = hg_look_through (req->argv, req->argc, &list, err);
      if (r < 0)
        return r;
      own_list = true;
    }

  int r = 0;
  for (size_t i = 0; r == 0 && i < list.n; i++)
    r = check_command (d, &list.items[i], i == 0, 0);
  if (r == 0 && list.unknowable)
    r = offer_unknowable (d, list.unknowable);
  if (r == 0)
    r = conclude (d);
  if (own_list)
    hg_cmd_list_free (&list);
  if (r == HG_ERR_NEEDS_USER)
    return hg_fail (err, HG_ERR_NEEDS_USER, "the decision depends on the caller's user name");
  if (r == HG_ERR_NEEDS_CONTENT)
    return hg_fail (err, HG_ERR_NEEDS_CONTENT, "the decision needs a program's content");
  return r < 0 ? hg_fail (err, HG_ERR_NOMEM, "out of memory") : 0;
}

int
hg_decide (const hg_policy *p, const struct hg_request *req,
           bool (*user_matches) (const char *item, const char *user), hg_verdict **out,
           hg_error **err)
{
  if (!p || !req || !out || !request_valid (req))
    return hg_fail (err, HG_ERR_INVALID, "hg_policy_decide: invalid request");
  if (!p->index)
    return hg_fail (err, HG_ERR_INVALID, "hg_policy_decide: the policy has no rule index");

  bool guarded = hg_policy_guards_host (p, req->host_short, req->host_fqdn);
  hg_verdict *v = hg_verdict_new (guarded);
  if (!v)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  if (!guarded)
    {
      if (decide_unguarded (req, v) < 0)
        {
          hg_verdict_free (v);
          return hg_fail (err, HG_ERR_NOMEM, "out of memory");
        }
      *out = v;
      return 0;
    }

  struct decision d = { .p = p, .req = req, .v = v, .cache.user_matches = user_matches };
  int r = decide_guarded (&d, err);
  free (d.best.explanation);
  free (d.best.runs);
  if (r < 0)
    {
      hg_verdict_free (v);
      return r;
    }
  *out = v;
  return 0;
}

int
hg_policy_decide_no_nss (const hg_policy *p, const struct hg_request *req, hg_verdict **out,
                         hg_error **err)
{
  return hg_decide (p, req, NULL, out, err);
}
