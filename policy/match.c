/* The conditions of one rule against one command.
 *
 * Wherever a command can be read several ways (the name typed, the program
 * that will really run, its real path after symlinks), every reading is
 * tried and any match counts: stricter is safer. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "decide.h"
#include "sqlkind.h"

/* ---- the facts of a command ---- */

static void
add_unique (const char **v, size_t *n, const char *s)
{
  if (!s || *n >= HG_MAX_CANDIDATES)
    return;
  for (size_t i = 0; i < *n; i++)
    if (strcmp (v[i], s) == 0)
      return;
  v[(*n)++] = s;
}

/* Keeps s (owned) as a path candidate and its base name as a name
 * candidate.  NULL s is skipped. */
static void
add_program (struct hg_cmd_facts *f, char *s)
{
  if (!s)
    return;
  if (f->n_owned >= HG_MAX_CANDIDATES)
    {
      free (s);
      return;
    }
  f->owned[f->n_owned++] = s;
  add_unique (f->paths, &f->n_paths, s);
  add_unique (f->names, &f->n_names, hg_base_name (s));
}

static bool
is_executable_file (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && (st.st_mode & 0111);
}

char *
hg_locate_program (const char *name, const char *cwd)
{
  char *s = NULL;
  if (strchr (name, '/'))
    {
      if (name[0] == '/')
        return strdup (name);
      if (asprintf (&s, "%s/%s", cwd && cwd[0] == '/' ? cwd : "", name) < 0)
        return NULL;
      return s;
    }
  const char *dir = HG_SECURE_PATH;
  while (*dir)
    {
      size_t n = strcspn (dir, ":");
      if (asprintf (&s, "%.*s/%s", (int) n, dir, name) < 0)
        return NULL;
      if (is_executable_file (s))
        return s;
      free (s);
      s = NULL;
      dir += n + (dir[n] == ':');
    }
  return NULL;
}

static char *
join_args (const struct hg_simple_cmd *cmd)
{
  size_t len = 1;
  for (size_t i = 1; i < cmd->argc; i++)
    len += strlen (cmd->argv[i]) + 1;
  char *s = malloc (len), *o = s;
  if (!s)
    return NULL;
  for (size_t i = 1; i < cmd->argc; i++)
    {
      if (i > 1)
        *o++ = ' ';
      o = stpcpy (o, cmd->argv[i]);
    }
  *o = '\0';
  return s;
}

int
hg_cmd_facts_init (struct hg_cmd_facts *f, const struct hg_simple_cmd *cmd, bool outer,
                   const struct hg_request *req)
{
  memset (f, 0, sizeof *f);
  f->cmd = cmd;
  f->req = req;
  f->outer = outer;
  const char *arg0 = cmd->argv[0];
  const char *name0 = hg_base_name (arg0);
  add_unique (f->names, &f->n_names, name0);
  add_unique (f->names, &f->n_names, hg_login_name (name0)); /* -bash is bash */
  if (arg0[0] == '/')
    add_unique (f->paths, &f->n_paths, arg0);

  /* The outer command's program is known to the caller; an inner one's is
   * found as its launcher would find it. */
  char *program = outer && req->exe ? strdup (req->exe) : hg_locate_program (arg0, req->cwd);
  if (outer && req->exe && !program)
    return -1; /* ENOMEM: never taken for "not found" */
  if (program)
    {
      char *real = realpath (program, NULL);
      add_program (f, program);
      add_program (f, real);
    }
  f->joined = join_args (cmd);
  if (!f->joined)
    {
      hg_cmd_facts_free (f);
      return -1;
    }
  return 0;
}

void
hg_cmd_facts_add_program (struct hg_cmd_facts *f, char *path)
{
  add_program (f, path);
}

void
hg_cmd_facts_free (struct hg_cmd_facts *f)
{
  for (size_t i = 0; i < f->n_owned; i++)
    free (f->owned[i]);
  for (size_t i = 0; i < f->n_path_args; i++)
    strv_free (f->path_args[i].forms);
  free (f->path_args);
  free (f->joined);
  if (f->sql)
    hg_sql_facts_free (f->sql);
  free (f->sql);
  memset (f, 0, sizeof *f);
}

const char *
hg_cmd_facts_dynamic_word (const struct hg_cmd_facts *f)
{
  const struct hg_simple_cmd *cmd = f->cmd;
  for (size_t i = 1; cmd->dynamic && i < cmd->argc; i++)
    if (cmd->dynamic[i])
      return cmd->argv[i];
  return NULL;
}

/* After a `cd` to somewhere known only at run time, a relative argument
 * names an unknown place. */
static bool
has_relative_arg_in_unknown_cwd (const struct hg_cmd_facts *f)
{
  for (size_t i = 1; f->cmd->cwd_unknown && i < f->cmd->argc; i++)
    if (f->cmd->argv[i][0] != '/' && f->cmd->argv[i][0] != '-')
      return true;
  return false;
}

static bool
has_unknown_args (const struct hg_cmd_facts *f)
{
  return f->cmd->more_args || hg_cmd_facts_dynamic_word (f) != NULL
         || has_relative_arg_in_unknown_cwd (f);
}

/* `key=VALUE` as dd's of=/dev/sda: a key of letters, digits and _. */
static const char *
assignment_value (const char *arg)
{
  size_t n = strspn (arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
  return n > 0 && arg[n] == '=' ? arg + n + 1 : NULL;
}

static int
add_path_arg (struct hg_cmd_facts *f, const char *word, const char *arg)
{
  if (!arg || !*arg)
    return 0;
  char **forms = hg_path_forms (arg, f->req->cwd);
  if (!forms)
    return -1;
  if (f->cmd->cwd && arg[0] != '/')
    {
      /* A `cd` earlier in the shell string: the argument may lie there too. */
      cleanup_free char *dir = NULL;
      if (f->cmd->cwd[0] == '/')
        dir = strdup (f->cmd->cwd);
      else if (asprintf (&dir, "%s/%s", f->req->cwd ? f->req->cwd : "", f->cmd->cwd) < 0)
        dir = NULL;
      char **more = dir ? hg_path_forms (arg, dir) : NULL;
      size_t n = 0, m = 0;
      while (forms[n])
        n++;
      while (more && more[m])
        m++;
      char **all = more ? realloc (forms, (n + m + 1) * sizeof *forms) : NULL;
      if (!all)
        {
          strv_free (forms);
          strv_free (more);
          return -1;
        }
      memcpy (all + n, more, (m + 1) * sizeof *more);
      free (more);
      forms = all;
    }
  f->path_args[f->n_path_args++] = (struct hg_path_arg){ word, arg, forms };
  return 0;
}

/* The arguments that may name files: options are skipped (until `--`),
 * but --opt=VALUE gives VALUE, and key=VALUE gives both the whole word and
 * VALUE. */
static int
path_args_prepare (struct hg_cmd_facts *f)
{
  const struct hg_simple_cmd *cmd = f->cmd;
  f->path_args_ready = true;
  f->path_args = calloc (2 * cmd->argc + 1, sizeof *f->path_args);
  if (!f->path_args)
    return -1;
  bool options_done = false;
  for (size_t i = 1; i < cmd->argc; i++)
    {
      const char *a = cmd->argv[i];
      int r = 0;
      if (!options_done && strcmp (a, "--") == 0)
        options_done = true;
      else if (!options_done && a[0] == '-')
        r = add_path_arg (f, a, a[1] == '-' && strchr (a, '=') ? strchr (a, '=') + 1 : NULL);
      else
        {
          r = add_path_arg (f, a, a);
          if (r == 0)
            r = add_path_arg (f, a, assignment_value (a));
        }
      if (r < 0)
        return -1;
    }
  return 0;
}

/* ---- the conditions ---- */

static bool
match_command (const struct hg_rule *r, const struct hg_cmd_facts *f, struct hg_match *m)
{
  if (r->n_commands == 0)
    return true;
  for (size_t i = 0; i < r->n_commands; i++)
    {
      const char *g = r->commands[i];
      bool by_path = strchr (g, '/') != NULL;
      const char *const *subj = by_path ? f->paths : f->names;
      size_t n = by_path ? f->n_paths : f->n_names;
      for (size_t j = 0; j < n; j++)
        if (by_path ? hg_glob_path (g, subj[j]) : hg_glob_name (g, subj[j], false))
          {
            m->cmd_glob = g;
            m->cmd_subject = subj[j];
            return true;
          }
    }
  return false;
}

static bool
user_matches_cached (struct hg_match_cache *c, const char *item, const char *user)
{
  if (item[0] != '%')
    return hg_glob_name (item, user, false);
  for (size_t i = 0; i < c->n; i++)
    if (strcmp (c->e[i].item, item) == 0 && strcmp (c->e[i].user, user) == 0)
      return c->e[i].result;
  bool r = c->user_matches (item, user);
  if (c->n < HG_USER_CACHE_SIZE)
    {
      c->e[c->n].item = item;
      c->e[c->n].user = user;
      c->e[c->n++].result = r;
    }
  return r;
}

/* Whether r has a %group item, which asks NSS. */
static bool
has_group_item (const struct hg_rule *r)
{
  for (size_t i = 0; i < r->n_users; i++)
    if (r->users[i][0] == '%')
      return true;
  return false;
}

/* The caller, or the target of sudo -u: either matching applies the rule. */
static bool
match_users (const struct hg_rule *r, const struct hg_cmd_facts *f, struct hg_match_cache *c,
             struct hg_match *m)
{
  if (r->n_users == 0)
    return true;
  const char *who[2] = { f->req->user, f->cmd->as_user };
  /* Not reached without a user name: hg_match_rule says so first. */
  for (size_t i = 0; i < r->n_users; i++)
    for (size_t k = 0; k < 2; k++)
      if (who[k] && user_matches_cached (c, r->users[i], who[k]))
        {
          m->user_item = r->users[i];
          m->user_name = who[k];
          m->user_is_target = k == 1;
          return true;
        }
  return false;
}

/* 1 matched, 0 not, -1 a pattern could not be compiled. */
static int
match_args (const struct hg_rule *r, const struct hg_cmd_facts *f, struct hg_match *m)
{
  if (r->n_args == 0)
    return 1;
  for (size_t i = 0; i < r->n_args; i++)
    {
      int hit = hg_lazy_re_match (&r->args[i], f->joined);
      if (hit < 0)
        return -1;
      if (hit)
        {
          m->args_src = r->args_src[i];
          return 1;
        }
    }
  return 0;
}

static bool
match_paths (const struct hg_rule *r, const struct hg_cmd_facts *f, struct hg_match *m)
{
  if (r->n_paths == 0)
    return true;
  for (size_t i = 0; i < r->n_paths; i++)
    for (size_t a = 0; a < f->n_path_args; a++)
      for (char **form = f->path_args[a].forms; *form; form++)
        if (hg_glob_path_related (r->paths[i], *form))
          {
            m->path_glob = r->paths[i];
            m->path_form = *form;
            m->path_arg = &f->path_args[a];
            return true;
          }
  return false;
}

/* 1 matched, 0 not, 2 some of the SQL is unknown, -1 ENOMEM. */
static int
match_sql (const struct hg_rule *r, struct hg_cmd_facts *f, struct hg_match *m)
{
  if (!f->sql)
    {
      if (!(f->sql = calloc (1, sizeof *f->sql)))
        return -1;
      if (hg_sql_facts_read (f->sql, f->cmd, f->names, f->n_names, f->req, f->outer) < 0)
        return -1;
    }
  uint64_t hit = r->sql & f->sql->kinds;
  if (hit)
    {
      m->sql_kind = __builtin_ctzll (hit);
      m->sql_where = f->sql->where[m->sql_kind];
      return 1;
    }
  return f->sql->client && f->sql->unknown ? 2 : 0;
}

const char *
hg_cmd_facts_sql_unknown (const struct hg_cmd_facts *f)
{
  return f->sql && f->sql->client ? f->sql->unknown : NULL;
}

enum hg_match_result
hg_match_rule (const struct hg_rule *r, struct hg_cmd_facts *f, struct hg_match_cache *cache,
               struct hg_match *m)
{
  memset (m, 0, sizeof *m);
  m->sql_kind = -1;
  if (!match_command (r, f, m))
    return HG_MATCH_NO;
  /* Even the sudo -u target alone is not enough: a %group item asks NSS,
   * which a request without the caller's name means to avoid. */
  if (r->n_users > 0 && (!f->req->user || (!cache->user_matches && has_group_item (r))))
    return HG_MATCH_NEEDS_USER;
  if (!match_users (r, f, cache, m))
    return HG_MATCH_NO;
  int args = match_args (r, f, m);
  if (args < 0)
    return HG_MATCH_ERROR;
  bool ok = args == 1;
  if (ok && r->n_paths > 0)
    {
      if (!f->path_args_ready && path_args_prepare (f) < 0)
        return HG_MATCH_ERROR;
      ok = match_paths (r, f, m);
    }
  if (ok && r->sql)
    {
      int s = match_sql (r, f, m);
      if (s < 0)
        return HG_MATCH_ERROR;
      if (s == 2)
        return HG_MATCH_COULD;
      ok = s == 1;
    }
  if (ok)
    return HG_MATCH_YES;
  return has_unknown_args (f) ? HG_MATCH_COULD : HG_MATCH_NO;
}

/* ---- why ---- */

/* Long argument strings are cut in why lines. */
#define MAX_SHOWN 200

static int
append (char **s, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static int
append (char **s, const char *fmt, ...)
{
  cleanup_free char *part = NULL;
  va_list ap;
  va_start (ap, fmt);
  int r = vasprintf (&part, fmt, ap);
  va_end (ap);
  if (r < 0)
    return -1;
  char *joined = NULL;
  if (asprintf (&joined, "%s%s%s", *s ? *s : "", *s ? "; " : "", part) < 0)
    return -1;
  free (*s);
  *s = joined;
  return 0;
}

char *
hg_match_describe (const struct hg_rule *r, const struct hg_cmd_facts *f, const struct hg_match *m)
{
  cleanup_free char *s = NULL;
  int err = 0;
  if (!m->cmd_glob)
    err |= append (&s, "any program ('%s')", f->cmd->argv[0]);
  else if (strcmp (m->cmd_subject, hg_base_name (f->cmd->argv[0])) != 0
           && strcmp (m->cmd_subject, f->cmd->argv[0]) != 0)
    err |= append (&s, "command matched '%s' with '%s' (what '%s' runs)", m->cmd_glob,
                   m->cmd_subject, f->cmd->argv[0]);
  else if (strcmp (m->cmd_glob, m->cmd_subject) != 0)
    err |= append (&s, "command matched '%s' with '%s'", m->cmd_glob, m->cmd_subject);
  else
    err |= append (&s, "command matched '%s'", m->cmd_glob);
  if (m->args_src)
    {
      size_t n = strlen (f->joined);
      err |= append (&s, "args matched /%s/ in '%.*s%s'", m->args_src, MAX_SHOWN, f->joined,
                     n > MAX_SHOWN ? "..." : "");
    }
  if (m->path_glob)
    {
      if (strcmp (m->path_form, m->path_arg->word) == 0)
        err |= append (&s, "paths matched '%s' with '%.*s'", m->path_glob, MAX_SHOWN, m->path_form);
      else
        err |= append (&s, "paths matched '%s' with '%.*s' (from '%.*s')", m->path_glob, MAX_SHOWN,
                       m->path_form, MAX_SHOWN, m->path_arg->word);
    }
  if (m->sql_kind >= 0)
    err |= append (&s, "sql matched '%s' in %s", hg_sql_kind_name ((unsigned) m->sql_kind),
                   m->sql_where ? m->sql_where : "its arguments");
  if (m->user_is_target)
    err |= append (&s, "users matched '%s' with target user %s", m->user_item, m->user_name);
  else if (m->user_item && strcmp (m->user_item, m->user_name) != 0)
    err |= append (&s, "users matched '%s' with %s", m->user_item, m->user_name);
  else if (m->user_item)
    err |= append (&s, "users matched '%s'", m->user_item);
  (void) r;
  if (err)
    return NULL;
  return steal_pointer (&s);
}

char *
hg_match_message (const struct hg_rule *r, const struct hg_match *m)
{
  char *s = NULL;
  if (m->sql_kind < 0 || !m->sql_where)
    return NULL;
  if (asprintf (&s, "%s%s(%s)", r->message ? r->message : "", r->message ? " " : "", m->sql_where) < 0)
    return NULL;
  return s;
}
