/* The witness check: each record line of the files against the hashes a
 * witness holds, by hash, by id and by (host, user, seq); what the witness
 * holds and no file has, as ranges of seq at the place they should be. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "review.h"
#include "util/util.h"
#include "internal.h"

static char *
slice_dup (struct hg_slice s)
{
  return s.p ? strndup (s.p, s.n) : NULL;
}

static char *
make_key (struct hg_slice host, struct hg_slice user)
{
  if (!host.p || !user.p)
    return NULL;
  char *k = NULL;
  if (asprintf (&k, "%.*s\n%.*s", (int) host.n, host.p, (int) user.n, user.p) < 0)
    abort ();
  return k;
}

/* A record's identity apart from its seq: the command's id and the event. */
static char *
make_id (struct hg_slice id, struct hg_slice event)
{
  if (!id.p || id.n == 0)
    return NULL;
  char *k = NULL;
  if (asprintf (&k, "%.*s%s%.*s", (int) id.n, id.p, event.p ? " " : "", event.p ? (int) event.n : 0,
                event.p ? event.p : "") < 0)
    abort ();
  return k;
}

bool
hg_witness_add_line (struct hg_witness *w, const char *line, size_t len, unsigned long lineno)
{
  struct hg_wline wl;
  int kind = hg_wscan_line (line, len, &wl);
  if (kind == HG_WLINE_DROPPED)
    w->dropped++;
  if (kind != HG_WLINE_RECORD)
    return false;
  cleanup_free char *buf = wl.buf;
  struct hg_wfields f;
  hg_wscan_fields (wl.rec, wl.rec_len, &f);
  /* hostguard sends a record as its writer or as root: a line the trusted
   * sender could not have written (`logger -t hostguard` by anyone) is no
   * evidence, for or against any file. */
  if (wl.sender_uid > 0 && (!f.has_uid || (unsigned long long) wl.sender_uid != f.uid))
    {
      w->suspect++;
      return false;
    }
  if (w->n == w->cap)
    {
      size_t cap = w->cap ? w->cap * 2 : 1024;
      struct went *v = realloc (w->v, cap * sizeof *v);
      if (!v)
        abort ();
      w->v = v, w->cap = cap;
    }
  struct went *e = &w->v[w->n++];
  *e = (struct went){ .seq = f.seq, .has_seq = f.has_seq, .sender = wl.sender_uid,
                      .uid = f.has_uid ? (long long) f.uid : -1 };
  memcpy (e->hash, wl.hash, sizeof e->hash);
  e->key = make_key (f.host, f.user);
  e->id = make_id (f.id, f.event);
  e->ts = slice_dup (f.ts);
  if (e->sender >= 0)
    w->n_uid++;
  if (e->ts && (!w->first_ts || strcmp (e->ts, w->first_ts) < 0))
    w->first_ts = e->ts;
  if (e->ts && (!w->last_ts || strcmp (e->ts, w->last_ts) > 0))
    w->last_ts = e->ts;
  (void) lineno;
  return true;
}

struct hg_witness *
hg_witness_new (const char *name)
{
  struct hg_witness *w = calloc (1, sizeof *w);
  if (!w || !(w->name = strdup (name)))
    abort ();
  return w;
}

struct hg_witness *
hg_witness_load (const char *source)
{
  struct hg_witness *w = hg_witness_new (source);
  int fd = strcmp (source, "-") == 0 ? dup (0) : open (source, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  struct hg_lines *r = fd < 0 ? NULL : hg_lines_from_fd (fd, true);
  if (!r)
    {
      cleanup_free char *shown = hg_escape_str (source);
      hg_warn ("witness %s: %s", shown, strerror (errno));
      hg_witness_free (w);
      return NULL;
    }
  const char *line;
  size_t len;
  int got;
  while ((got = hg_lines_next (r, &line, &len)) > 0)
    hg_witness_add_line (w, line, len, hg_lines_lineno (r));
  if (got < 0)
    {
      cleanup_free char *shown = hg_escape_str (source);
      hg_warn ("witness %s: line %lu: %s", shown, hg_lines_lineno (r) + 1, strerror (errno));
      hg_lines_free (r);
      hg_witness_free (w);
      return NULL;
    }
  hg_lines_free (r);
  hg_witness_index (w);
  return w;
}

void
hg_witness_free (struct hg_witness *w)
{
  if (!w)
    return;
  for (size_t i = 0; i < w->n; i++)
    free (w->v[i].key), free (w->v[i].id), free (w->v[i].ts);
  free (w->v), free (w->by_hash), free (w->by_ks), free (w->by_id);
  for (size_t i = 0; i < w->nclaimed; i++)
    free (w->claimed[i]);
  free (w->claimed);
  free (w->name), free (w->key), free (w->seen);
  free (w);
}

static const char *
str (const char *s)
{
  return s ? s : "?";
}

/* ---- checking a chain ---- */

static void
push_seen (struct hg_witness *w, unsigned long long seq, size_t file, unsigned long line)
{
  if (w->nseen == w->capseen)
    {
      size_t cap = w->capseen ? w->capseen * 2 : 1024;
      struct seen *s = realloc (w->seen, cap * sizeof *s);
      if (!s)
        abort ();
      w->seen = s, w->capseen = cap;
    }
  w->seen[w->nseen++] = (struct seen){ seq, file, line };
}

static void
unwitnessed (struct hg_witness *w, struct hg_chain *c, size_t file, unsigned long ln,
             unsigned long long seq, const char *ts)
{
  cleanup_free char *t = hg_escape_str (ts);
  if (!w->first_ts)
    hg_chain_note (c, file, ln, true, "never witnessed: the witness holds no record hash at all (seq %llu at %s)", seq, t);
  else if (ts && (strcmp (ts, w->first_ts) < 0 || (!w->complete && strcmp (ts, w->last_ts) > 0)))
    hg_chain_note (c, file, ln, false,
                   "not witnessed: seq %llu at %s is outside the witness's time range %s .. %s "
                   "(not shipped yet, or a gap in shipping)",
                   seq, t, w->first_ts, w->last_ts);
  else if (w->dropped)
    hg_chain_note (c, file, ln, true,
                   "never witnessed (seq %llu at %s), and the witness says it dropped messages "
                   "(%zu rate-limit line(s)): a drop cannot be told from a forgery",
                   seq, t, w->dropped);
  else
    hg_chain_note (c, file, ln, true,
                   "never witnessed, though the witness covers %s .. %s: forged, or the chain "
                   "rewritten after the fact (seq %llu at %s)",
                   w->first_ts, w->last_ts, seq, t);
}

static void
on_line (void *ctx, struct hg_chain *c, const uint8_t *hash, const char *line, size_t len,
         const struct hg_recfields *f)
{
  struct hg_witness *w = ctx;
  size_t file;
  unsigned long ln;
  hg_chain_where (c, &file, &ln);
  struct went *e = f ? hg_witness_find_hash (w, hash) : NULL;
  if (e)
    {
      e->matched = true;
      w->witnessed++;
      if (!w->key && e->key && !(w->key = strdup (e->key)))
        abort ();
      push_seen (w, f->seq, file, ln);
      if (e->conflict)
        hg_chain_note (c, file, ln, true,
                       "the witness also holds another hash for seq %llu: a second record with "
                       "this seq was sent (the chain rewritten, or a forged witness line)",
                       f->seq);
      return;
    }
  struct hg_wfields wf;
  if (!hg_wscan_fields (line, len, &wf) && !f)
    return; /* not a record, no seq: the chain reports it */
  unsigned long long seq = f ? f->seq : wf.seq;
  cleanup_free char *key = make_key (wf.host, wf.user), *id = make_id (wf.id, wf.event),
                    *ts = slice_dup (wf.ts);
  if (!w->key && key)
    w->key = steal_pointer (&key);
  push_seen (w, seq, file, ln);
  if (!f)
    {
      /* Cut short: an interrupted write was never sent; a whole record
       * the witness holds for this seq was cut afterwards. */
      if ((e = hg_witness_find_ks (w, w->key, seq)) && !e->matched)
        {
          e->matched = true;
          hg_chain_refute_torn (c);
          hg_chain_note (c, file, ln, true,
                         "edited: cut short, but the witness holds the whole record seq %llu "
                         "(sent at %s): written whole, cut afterwards",
                         seq, str (e->ts));
        }
      return;
    }
  cleanup_free char *sid = hg_escape_str (id);
  const char *why;
  bool fatal = false;
  if ((e = hg_witness_find_id (w, id)) != NULL)
    {
      e->matched = true;
      if (e->seq != seq)
        hg_chain_note (c, file, ln, true,
                       "renumbered: the witness saw this record (id %s) as seq %llu, with "
                       "another hash; the file has it as seq %llu",
                       sid, e->seq, seq);
      else
        hg_chain_note (c, file, ln, true,
                       "edited: the witness holds another hash for this record (id %s, seq %llu, "
                       "sent at %s)",
                       sid, e->seq, str (e->ts));
    }
  else if ((e = hg_witness_find_ks (w, key ? key : w->key, seq)) != NULL)
    {
      e->matched = true;
      hg_chain_note (c, file, ln, true,
                     "rewritten: the witness holds another hash for seq %llu (record id %s, sent "
                     "at %s): this is not the record written with that seq",
                     seq, str (e->id), str (e->ts));
    }
  else if (!w->scope || !(why = w->scope (w->scope_ctx, wf.host.p, wf.host.n, f->has_uid, f->uid, &fatal)))
    unwitnessed (w, c, file, ln, seq, ts);
  else if (*why) /* "": outside its view, and said so already */
    hg_chain_note (c, file, ln, fatal, "not witnessed: %s (seq %llu at %s)", why, seq, str (ts));
}

static int
seen_cmp (const void *a, const void *b)
{
  const struct seen *x = a, *y = b;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
seq_cmp (const void *a, const void *b)
{
  const struct went *const *x = a, *const *y = b;
  return (*x)->seq < (*y)->seq ? -1 : (*x)->seq > (*y)->seq;
}

/* The first seen record with seq >= s, or NULL. */
static const struct seen *
lower_bound (const struct hg_witness *w, unsigned long long s)
{
  size_t lo = 0, hi = w->nseen;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (w->seen[mid].seq < s)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < w->nseen ? &w->seen[lo] : NULL;
}

static void
on_end (void *ctx, struct hg_chain *c)
{
  struct hg_witness *w = ctx;
  if (w->key)
    {
      if (w->nseen)
        qsort (w->seen, w->nseen, sizeof *w->seen, seen_cmp);
      struct went **miss = NULL;
      size_t nmiss = 0;
      for (size_t i = 0; i < w->n; i++)
        {
          struct went *e = &w->v[i];
          if (e->matched || !e->has_seq || !e->key || strcmp (e->key, w->key) != 0)
            continue;
          struct went **m = realloc (miss, (nmiss + 1) * sizeof *m);
          if (!m)
            abort ();
          miss = m;
          miss[nmiss++] = e;
        }
      if (nmiss)
        qsort (miss, nmiss, sizeof *miss, seq_cmp);
      size_t lastf;
      unsigned long lastl;
      hg_chain_where (c, &lastf, &lastl);
      for (size_t i = 0; i < nmiss;)
        {
          size_t j = i;
          while (j + 1 < nmiss && miss[j + 1]->seq <= miss[j]->seq + 1)
            j++;
          const struct seen *at = lower_bound (w, miss[i]->seq);
          size_t f = at ? at->file : lastf;
          unsigned long l = at ? at->line : lastl + 1;
          if (i == j)
            hg_chain_note (c, f, l, true,
                           "removed: the witness holds seq %llu (record id %s, sent at %s) that no "
                           "file has",
                           miss[i]->seq, str (miss[i]->id), str (miss[i]->ts));
          else
            hg_chain_note (c, f, l, true,
                           "removed: the witness holds seq %llu..%llu (%zu record(s), sent %s .. "
                           "%s) that no file has",
                           miss[i]->seq, miss[j]->seq, j - i + 1, str (miss[i]->ts), str (miss[j]->ts));
          i = j + 1;
        }
      free (miss);
      char **cl = realloc (w->claimed, (w->nclaimed + 1) * sizeof *cl);
      if (!cl)
        abort ();
      w->claimed = cl;
      w->claimed[w->nclaimed++] = steal_pointer (&w->key);
    }
  free (w->key);
  w->key = NULL;
  w->nseen = 0;
}

static bool
claimed (const struct hg_witness *w, const char *key, bool host_only)
{
  size_t hn = strcspn (key, "\n");
  for (size_t i = 0; i < w->nclaimed; i++)
    if (host_only ? strncmp (w->claimed[i], key, hn) == 0 && w->claimed[i][hn] == '\n'
                  : strcmp (w->claimed[i], key) == 0)
      return true;
  return false;
}

static int
key_cmp (const void *a, const void *b)
{
  const struct went *const *x = a, *const *y = b;
  int c = strcmp ((*x)->key, (*y)->key);
  return c ? c : ((*x)->seq < (*y)->seq ? -1 : (*x)->seq > (*y)->seq);
}

size_t
hg_witness_unclaimed (struct hg_witness *w, const char *dir, hg_break_fn fn, void *ctx)
{
  cleanup_free struct went **v = malloc ((w->n + 1) * sizeof *v);
  size_t n = 0, found = 0;
  if (!v)
    abort ();
  for (size_t i = 0; i < w->n; i++)
    if (w->v[i].key && w->v[i].has_seq && !w->v[i].dup && !claimed (w, w->v[i].key, false)
        && (w->nclaimed == 0 || claimed (w, w->v[i].key, true)))
      v[n++] = &w->v[i];
  if (n)
    qsort (v, n, sizeof *v, key_cmp);
  for (size_t i = 0; i < n;)
    {
      size_t j = i;
      while (j + 1 < n && strcmp (v[j + 1]->key, v[i]->key) == 0)
        j++;
      const char *user = strchr (v[i]->key, '\n') + 1;
      cleanup_free char *file = NULL, *what = NULL, *host = strndup (v[i]->key, (size_t) (user - 1 - v[i]->key));
      cleanup_free char *shost = hg_escape_str (host);
      if (asprintf (&file, "%s%s%s.jsonl", dir, dir[0] && dir[strlen (dir) - 1] != '/' ? "/" : "", user) < 0
          || asprintf (&what,
                       "removed: the witness holds %zu record(s) of this user on %s (seq %llu..%llu, "
                       "sent %s .. %s), but none of their files is here",
                       j - i + 1, shost, v[i]->seq, v[j]->seq, str (v[i]->ts), str (v[j]->ts)) < 0)
        abort ();
      fn (ctx, file, 0, what);
      found++;
      i = j + 1;
    }
  return found;
}

void
hg_witness_set_local (struct hg_witness *w, hg_witness_scope_fn fn, void *ctx)
{
  w->scope = fn, w->scope_ctx = ctx;
  w->complete = true;
}

void
hg_witness_attach (struct hg_witness *w, struct hg_chain *c)
{
  hg_chain_set_hooks (c, on_line, on_end, w);
}

void
hg_witness_summary (const struct hg_witness *w, FILE *to)
{
  cleanup_free char *shown = hg_escape_str (w->name);
  fprintf (to, "hostguard: witness %s: %zu record hash(es)", shown, w->n);
  if (w->first_ts)
    fprintf (to, " from %s to %s", w->first_ts, w->last_ts);
  fprintf (to, ", %zu with the sender's trusted _UID; %zu record(s) of the files witnessed", w->n_uid,
           w->witnessed);
  if (w->dropped)
    fprintf (to, "; the witness says it dropped messages %zu time(s) (rate limits)", w->dropped);
  if (w->suspect)
    fprintf (to, "; %zu line(s) set aside, sent by a uid that is neither root nor their record's "
                 "writer (not evidence)", w->suspect);
  fputc ('\n', to);
}
