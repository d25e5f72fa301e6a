/* The policy object itself, beneath every way of making one (load.c from
 * the files, snapfmt.c from a snapshot): freeing it and its rules, its
 * settings' view of its storage, the accessors, what a load read
 * (struct hg_sources), and the trust check of one file. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "object.h"

static int
check_owner_mode (const char *what, const char *path, const struct stat *st, hg_error **err)
{
  if (st->st_uid != 0)
    return hg_fail (err, HG_ERR_UNTRUSTED, "%s%s: owned by uid %u, not root", what, path,
                    (unsigned) st->st_uid);
  if (st->st_mode & 022)
    return hg_fail (err, HG_ERR_UNTRUSTED, "%s%s: writable by group or others (mode %04o)", what,
                    path, (unsigned) (st->st_mode & 07777));
  return 0;
}

int
hg_check_trusted (const char *path, const struct stat *st, hg_error **err)
{
  if (!S_ISREG (st->st_mode))
    return hg_fail (err, HG_ERR_UNTRUSTED, "%s: not a regular file", path);
  int r = check_owner_mode ("", path, st, err);
  if (r < 0)
    return r;

  cleanup_free char *copy = strdup (path);
  if (!copy)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  const char *dir = dirname (copy);
  struct stat dst;
  if (stat (dir, &dst) < 0)
    return hg_fail (err, HG_ERR_IO, "%s: %s", dir, strerror (errno));
  cleanup_free char *what = NULL;
  if (asprintf (&what, "%s: its directory ", path) < 0)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  return check_owner_mode (what, dir, &dst, err);
}

void
hg_source_set_stat (struct hg_source *s, const struct stat *st)
{
  s->exists = st != NULL;
  if (!st)
    return;
  s->dev = st->st_dev;
  s->ino = st->st_ino;
  s->size = s->is_dir ? 0 : (uint64_t) st->st_size;
  s->mtime_s = st->st_mtim.tv_sec;
  s->mtime_ns = st->st_mtim.tv_nsec;
  s->ctime_s = st->st_ctim.tv_sec;
  s->ctime_ns = st->st_ctim.tv_nsec;
}

int
hg_sources_add (struct hg_sources *s, const char *path, bool is_dir, const struct stat *st)
{
  if (!hg_grow (&s->v, &s->cap, s->n + 1, sizeof *s->v))
    return -1;
  struct hg_source *src = &s->v[s->n];
  *src = (struct hg_source) { .path = strdup (path), .is_dir = is_dir };
  if (!src->path)
    return -1;
  hg_source_set_stat (src, st);
  s->n++;
  return 0;
}

void
hg_sources_clear (struct hg_sources *s)
{
  for (size_t i = 0; i < s->n; i++)
    free (s->v[i].path);
  free (s->v);
  *s = (struct hg_sources) { 0 };
}

void
hg_settings_fill (struct hg_policy *p)
{
  struct hg_settings *s = &p->settings;
  s->hosts = (const char *const *) p->hosts;
  s->redact = (const char *const *) p->redact;
  s->approvers = p->approvers;
  s->spool = p->spool;
  s->log_dir = p->log_dir;
  s->shell = p->shell;
  s->notify = p->notify;
  s->break_glass = p->break_glass;
}

void
hg_rule_clear_regexes (struct hg_rule *r)
{
  for (size_t i = 0; i < r->n_args; i++)
    hg_lazy_re_clear (&r->args[i]);
  free (r->args);
  r->args = NULL;
  r->n_args = 0;
}

void
hg_rule_clear (struct hg_rule *r)
{
  free (r->name);
  free (r->file);
  strv_free (r->commands);
  strv_free (r->args_src);
  hg_rule_clear_regexes (r);
  strv_free (r->paths);
  strv_free (r->users);
  free (r->message);
  *r = (struct hg_rule) { 0 };
}

void
hg_policy_free (hg_policy *p)
{
  if (!p)
    return;
  hg_index_free (p->index);
  for (size_t i = 0; i < p->n_rules; i++)
    {
      if (p->arena)
        hg_rule_clear_regexes (&p->rules[i]);
      else
        hg_rule_clear (&p->rules[i]);
    }
  free (p->rules);
  if (p->arena)
    {
      free (p->arena);
      free (p);
      return;
    }
  strv_free (p->hosts);
  strv_free (p->redact);
  free (p->approvers);
  free (p->spool);
  free (p->log_dir);
  free (p->shell);
  free (p->notify);
  free (p->break_glass);
  free (p);
}

const struct hg_settings *
hg_policy_settings (const hg_policy *p)
{
  return &p->settings;
}

bool
hg_policy_guards_host (const hg_policy *p, const char *short_name, const char *fqdn)
{
  for (size_t i = 0; p && i < p->settings.n_hosts; i++)
    if (hg_glob_name (p->hosts[i], short_name, true) || hg_glob_name (p->hosts[i], fqdn, true))
      return true;
  return false;
}

size_t
hg_policy_rule_count (const hg_policy *p)
{
  return p ? p->n_rules : 0;
}
