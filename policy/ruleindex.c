/* The rule index: rules by program name, built once at load time, so a
 * decision does not scan every rule.  Rules whose programs are all literal
 * names sit in a sorted array searched by the command's name candidates;
 * the others (no `command`, a glob, a path) are checked always. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "decide.h"

static bool
rule_is_indexable (const struct hg_rule *r)
{
  if (r->n_commands == 0)
    return false;
  for (size_t i = 0; i < r->n_commands; i++)
    if (!hg_glob_is_literal (r->commands[i]) || strchr (r->commands[i], '/'))
      return false;
  return true;
}

static int
name_entry_cmp (const void *a, const void *b)
{
  const struct name_entry *x = a, *y = b;
  int c = strcmp (x->name, y->name);
  if (c)
    return c;
  return (x->rule > y->rule) - (x->rule < y->rule);
}

void
hg_index_free (struct hg_rule_index *idx)
{
  if (!idx)
    return;
  free (idx->by_name);
  free (idx->scan);
  hg_identity_free (idx->identity);
  free (idx);
}

int
hg_index_build (struct hg_policy *p, hg_error **err)
{
  size_t n_names = 0, n_scan = 0;
  for (size_t i = 0; i < p->n_rules; i++)
    if (rule_is_indexable (&p->rules[i]))
      n_names += p->rules[i].n_commands;
    else
      n_scan++;

  struct hg_rule_index *idx = calloc (1, sizeof *idx);
  if (!idx)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  idx->by_name = calloc (n_names + 1, sizeof *idx->by_name);
  idx->scan = calloc (n_scan + 1, sizeof *idx->scan);
  idx->identity = hg_identity_new ();
  if (!idx->by_name || !idx->scan || !idx->identity)
    {
      hg_index_free (idx);
      return hg_fail (err, HG_ERR_NOMEM, "out of memory");
    }
  for (size_t i = 0; i < p->n_rules; i++)
    {
      const struct hg_rule *r = &p->rules[i];
      if (!rule_is_indexable (r))
        idx->scan[idx->n_scan++] = i;
      else
        for (size_t j = 0; j < r->n_commands; j++)
          idx->by_name[idx->n_by_name++] = (struct name_entry){ r->commands[j], i };
    }
  qsort (idx->by_name, idx->n_by_name, sizeof *idx->by_name, name_entry_cmp);
  hg_index_free (p->index);
  p->index = idx;
  return 0;
}

/* The first entry named `name`, or n_by_name. */
static size_t
index_lower_bound (const struct hg_rule_index *idx, const char *name)
{
  size_t lo = 0, hi = idx->n_by_name;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (strcmp (idx->by_name[mid].name, name) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static int
size_cmp (const void *a, const void *b)
{
  size_t x = *(const size_t *) a, y = *(const size_t *) b;
  return (x > y) - (x < y);
}

/* The rules that may match a command: those indexed under one of its name
 * candidates (each once, in file order), then the scan-always list. */
int
hg_index_candidates (const struct hg_rule_index *idx, const struct hg_cmd_facts *f, size_t **out,
                 size_t *n_out)
{
  size_t n = 0, cap = 16;
  cleanup_free size_t *v = malloc (cap * sizeof *v);
  if (!v)
    return -1;
  for (size_t c = 0; c < f->n_names; c++)
    for (size_t i = index_lower_bound (idx, f->names[c]);
         i < idx->n_by_name && strcmp (idx->by_name[i].name, f->names[c]) == 0; i++)
      {
        if (n == cap)
          {
            size_t *nv = realloc (v, (cap *= 2) * sizeof *v);
            if (!nv)
              return -1;
            v = nv;
          }
        v[n++] = idx->by_name[i].rule;
      }
  qsort (v, n, sizeof *v, size_cmp);
  size_t u = 0;
  for (size_t i = 0; i < n; i++)
    if (u == 0 || v[u - 1] != v[i])
      v[u++] = v[i];
  *n_out = u;
  *out = steal_pointer (&v);
  return 0;
}
