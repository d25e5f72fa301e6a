/* The chain check, on lines handed in one by one (files, stdin, or the
 * fuzzer's buffer).  The hot path hashes each line with nettle and picks
 * `seq`, `uid` and `prev` with a small scanner of the top-level object; only
 * a line the scanner cannot read is parsed with json-c, to tell a record in
 * another layout (or a journald entry) from a broken line. */
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>

#include <json-c/json.h>
#include <nettle/sha2.h>

#include "review.h"
#include "util/util.h"
#include "internal.h"

#define MAX_GAPS 4096

struct loc
{
  size_t file; /* index in files[] */
  unsigned long line;
};

struct brk
{
  struct loc at;
  size_t order;
  char *what;
};

struct torn /* a line cut short, not yet judged */
{
  bool pending, refuted, unterminated;
  struct loc at;
  uint8_t hash[SHA256_DIGEST_SIZE];
};

struct gap /* seqs lo..hi not seen (yet), first noticed at `at` */
{
  unsigned long long lo, hi;
  struct loc at;
};

struct hg_chain
{
  hg_break_fn fn;
  void *ctx;
  hg_line_hook line_hook;
  hg_end_hook end_hook;
  void *hook_ctx;
  size_t n_breaks, n_records, n_files, n_notes;
  struct torn torn;

  char **files;
  size_t nfiles;
  bool owner_known;
  uid_t owner;
  unsigned long line;  /* in the current file */
  bool file_start;     /* no line of the current file seen yet */
  bool seen;           /* some line of the chain seen */
  bool hw_known;       /* hw_seq is known */
  unsigned long long hw_seq; /* the highest seq so far ("high water") */
  uint8_t hw_hash[SHA256_DIGEST_SIZE];
  struct loc hw_at;
  bool hw_reported; /* a break was already reported at hw_at */
  unsigned long long last_seq; /* the last line read, for the head */
  bool last_known;
  uint8_t last_hash[SHA256_DIGEST_SIZE];
  struct loc last_at;

  struct gap *gaps;
  size_t ngaps;
  struct brk *brks;
  size_t nbrks, cap_brks;
  char *head_name;
  bool has_head, head_ok, head_missing;
  unsigned long long head_seq;
  uint8_t head_hash[SHA256_DIGEST_SIZE];
};

struct hg_chain *
hg_chain_new (hg_break_fn fn, void *ctx)
{
  struct hg_chain *c = calloc (1, sizeof *c);
  if (!c)
    return NULL;
  c->fn = fn;
  c->ctx = ctx;
  return c;
}

static void
reset (struct hg_chain *c)
{
  for (size_t i = 0; i < c->nfiles; i++)
    free (c->files[i]);
  free (c->files);
  for (size_t i = 0; i < c->nbrks; i++)
    free (c->brks[i].what);
  free (c->brks);
  free (c->gaps);
  free (c->head_name);
  struct hg_chain keep = *c;
  memset (c, 0, sizeof *c);
  c->fn = keep.fn, c->ctx = keep.ctx, c->n_breaks = keep.n_breaks, c->n_records = keep.n_records;
  c->n_files = keep.n_files, c->n_notes = keep.n_notes;
  c->line_hook = keep.line_hook, c->end_hook = keep.end_hook, c->hook_ctx = keep.hook_ctx;
}

void
hg_chain_free (struct hg_chain *c)
{
  if (!c)
    return;
  reset (c);
  free (c);
}

void
hg_chain_begin (struct hg_chain *c)
{
  reset (c);
}

static void judge_torn (struct hg_chain *c, bool continued);

void
hg_chain_file (struct hg_chain *c, const char *name, bool owner_known, uid_t owner)
{
  judge_torn (c, false);
  char **f = realloc (c->files, (c->nfiles + 1) * sizeof *f);
  if (!f)
    abort (); /* a few bytes per file: nothing sensible to do without them */
  c->files = f;
  f[c->nfiles] = strdup (name);
  if (!f[c->nfiles])
    abort ();
  c->nfiles++;
  c->n_files++;
  c->owner_known = owner_known;
  c->owner = owner;
  c->line = 0;
  c->file_start = true;
}

static void
add_brk (struct hg_chain *c, struct loc at, bool counts, const char *fmt, va_list ap)
{
  if (c->nbrks == c->cap_brks)
    {
      size_t cap = c->cap_brks ? c->cap_brks * 2 : 16;
      struct brk *b = realloc (c->brks, cap * sizeof *b);
      if (!b)
        abort ();
      c->brks = b;
      c->cap_brks = cap;
    }
  char *what = NULL;
  if (vasprintf (&what, fmt, ap) < 0)
    abort ();
  c->brks[c->nbrks] = (struct brk){ at, c->nbrks, what };
  c->nbrks++;
  if (counts)
    c->n_breaks++;
  else
    c->n_notes++;
}

static void __attribute__ ((format (printf, 3, 4)))
add_break (struct hg_chain *c, struct loc at, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  add_brk (c, at, true, fmt, ap);
  va_end (ap);
}

void
hg_chain_note (struct hg_chain *c, size_t file, unsigned long line, bool is_break, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  add_brk (c, (struct loc){ file < c->nfiles ? file : 0, line }, is_break, fmt, ap);
  va_end (ap);
}

void
hg_chain_where (const struct hg_chain *c, size_t *file, unsigned long *line)
{
  *file = c->nfiles ? c->nfiles - 1 : 0;
  *line = c->line;
}

void
hg_chain_set_hooks (struct hg_chain *c, hg_line_hook line, hg_end_hook end, void *ctx)
{
  c->line_hook = line, c->end_hook = end, c->hook_ctx = ctx;
}

/* A line cut short is an interrupted write when it ends its file without a
 * newline, or when the next record continues from it (the writer goes on
 * from a torn tail); anything else is an edit. */
static void
judge_torn (struct hg_chain *c, bool continued)
{
  struct torn *t = &c->torn;
  if (!t->pending)
    return;
  t->pending = false;
  if (!t->refuted && (continued || t->unterminated))
    hg_chain_note (c, t->at.file, t->at.line, false, "%s",
                   continued ? "torn: a record cut short by an interrupted write; the chain goes on from it"
                             : "torn: the file ends in a record cut short (an interrupted write)");
  else
    add_break (c, t->at, "edited: not a record (unparsable line)");
}

void
hg_chain_refute_torn (struct hg_chain *c)
{
  c->torn.refuted = true;
}

void
hg_chain_unterminated (struct hg_chain *c)
{
  if (c->torn.pending && c->torn.at.file + 1 == c->nfiles && c->torn.at.line == c->line)
    c->torn.unterminated = true;
}

/* Whether an unparsable line is the start of a JSON object cut short. */
static bool
cut_short (const char *line, size_t len)
{
  if (len < 2 || line[0] != '{' || len > INT32_MAX)
    return false;
  struct json_tokener *tok = json_tokener_new ();
  if (!tok)
    return false;
  struct json_object *o = json_tokener_parse_ex (tok, line, (int) len);
  bool cont = !o && json_tokener_get_error (tok) == json_tokener_continue;
  json_object_put (o);
  json_tokener_free (tok);
  return cont;
}

static struct loc
here (const struct hg_chain *c)
{
  return (struct loc){ c->nfiles ? c->nfiles - 1 : 0, c->line };
}

bool
hg_chain_line_seq (const char *line, size_t len, unsigned long long *seq)
{
  struct hg_recfields f;
  uint8_t hash[SHA256_DIGEST_SIZE];
  if (!hg_scan_record (line, len, &f) && !hg_scan_slow (line, len, &f, hash))
    return false;
  *seq = f.seq;
  return true;
}

/* ---- the chain ---- */

static const uint8_t zeros[SHA256_DIGEST_SIZE];

static void
set_hw (struct hg_chain *c, unsigned long long seq, const uint8_t *hash, struct loc at)
{
  c->hw_known = true;
  c->hw_seq = seq;
  memcpy (c->hw_hash, hash, SHA256_DIGEST_SIZE);
  c->hw_at = at;
  c->hw_reported = false;
}

static void
add_gap (struct hg_chain *c, unsigned long long lo, unsigned long long hi, struct loc at)
{
  if (c->ngaps == MAX_GAPS || (!c->gaps && !(c->gaps = malloc (MAX_GAPS * sizeof *c->gaps))))
    {
      /* Too many holes to track: say it now, without reorder detection. */
      add_break (c, at, "removed: %llu record(s) missing before this line (seq %llu..%llu)", hi - lo + 1,
           lo, hi);
      return;
    }
  c->gaps[c->ngaps++] = (struct gap){ lo, hi, at };
}

/* Whether `seq` was missing; if so it is no longer. */
static bool
fill_gap (struct hg_chain *c, unsigned long long seq)
{
  for (size_t i = 0; i < c->ngaps; i++)
    {
      struct gap *g = &c->gaps[i];
      if (seq < g->lo || seq > g->hi)
        continue;
      if (g->lo == g->hi)
        c->gaps[i] = c->gaps[--c->ngaps];
      else if (seq == g->lo)
        g->lo++;
      else if (seq == g->hi)
        g->hi--;
      else
        {
          unsigned long long hi = g->hi;
          g->hi = seq - 1;
          add_gap (c, seq + 1, hi, g->at);
        }
      return true;
    }
  return false;
}

static void
sha256 (const char *s, size_t n, uint8_t out[SHA256_DIGEST_SIZE])
{
  struct sha256_ctx h;
  sha256_init (&h);
  sha256_update (&h, n, (const uint8_t *) s);
  sha256_digest (&h, SHA256_DIGEST_SIZE, out);
}

void
hg_chain_line (struct hg_chain *c, const char *line, size_t len)
{
  if (c->nfiles == 0)
    hg_chain_file (c, "-", false, 0);
  c->line++;
  struct loc at = here (c);
  bool file_start = c->file_start;
  c->file_start = false;
  struct hg_recfields f;
  uint8_t hash[SHA256_DIGEST_SIZE];
  bool ok = hg_scan_record (line, len, &f);
  if (ok)
    sha256 (line, len, hash);
  else
    ok = hg_scan_slow (line, len, &f, hash);
  bool continues_torn = ok && c->torn.pending && memcmp (f.prev, c->torn.hash, sizeof hash) == 0;
  judge_torn (c, continues_torn);
  /* Torn before its seq, the writer took the seq from the head: the cut
   * line holds no seq of its own. */
  if (continues_torn && c->hw_known && f.seq == c->hw_seq && f.seq > 0)
    c->hw_seq = f.seq - 1;
  if (!ok)
    {
      sha256 (line, len, hash);
      if (cut_short (line, len))
        {
          c->torn = (struct torn){ .pending = true, .at = at };
          memcpy (c->torn.hash, hash, sizeof hash);
        }
      else
        add_break (c, at, len == 0 ? "edited: empty line" : "edited: not a record (unparsable line)");
      if (c->line_hook)
        c->line_hook (c->hook_ctx, c, hash, line, len, NULL);
      /* Assume it took the next seq, so that the lines after it still
       * check against their neighbours. */
      unsigned long long seq = c->hw_known ? c->hw_seq + 1 : 0;
      bool known = c->hw_known;
      set_hw (c, seq, hash, at);
      c->hw_known = known;
      c->hw_reported = true;
      /* `last` stays on the last record: a broken line after it is
       * reported once, not again against the head. */
      if (!c->seen)
        c->last_at = at;
      c->seen = true;
      return;
    }
  c->n_records++;
  if (c->line_hook)
    c->line_hook (c->hook_ctx, c, hash, line, len, &f);
  if (c->owner_known && (!f.has_uid || f.uid != (unsigned long long) c->owner))
    add_break (c, at, "record of uid %s%llu in a file owned by uid %u", f.has_uid ? "" : "(none) ",
         f.uid, (unsigned) c->owner);

  if (!c->seen)
    {
      /* seq 1 starts the chain; a later seq starts where older files
       * were rotated away for good, which is retention, not tampering. */
      if (f.seq == 1 && memcmp (f.prev, zeros, sizeof zeros) != 0)
        add_break (c, at, "edited: the first record (seq 1) has a prev that is not 64 zeros");
      if (f.seq > 1)
        add_break (c, at,
                   "cut: the chain starts at seq %llu, not at seq 1 with a genesis prev: %llu "
                   "earlier record(s) are not in the files given (removed, or in a rotated file "
                   "not given)",
                   f.seq, f.seq - 1);
      if (f.seq == 0)
        add_break (c, at, "edited: seq 0 (chains start at 1)");
      set_hw (c, f.seq, hash, at);
    }
  else if (!c->hw_known || f.seq == c->hw_seq + 1)
    {
      if (memcmp (f.prev, c->hw_hash, sizeof hash) != 0)
        {
          /* The seq runs on, so the line before was edited, even when it
           * ends the previous file. */
          if (!c->hw_reported)
            add_break (c, c->hw_at, "edited: this line's hash is not the prev of the next record (%s:%lu)",
                 c->files[at.file], at.line);
        }
      set_hw (c, f.seq, hash, at);
    }
  else if (f.seq > c->hw_seq + 1)
    {
      if (file_start && c->hw_at.file != at.file)
        add_break (c, at,
             "gap across rotation: starts at seq %llu but %s ends at seq %llu "
             "(%llu record(s) missing: a rotated file deleted?)",
             f.seq, c->files[c->hw_at.file], c->hw_seq, f.seq - c->hw_seq - 1);
      else
        add_gap (c, c->hw_seq + 1, f.seq - 1, at);
      set_hw (c, f.seq, hash, at);
    }
  else if (fill_gap (c, f.seq))
    add_break (c, at, "reordered: seq %llu comes after seq %llu", f.seq, c->hw_seq);
  else
    add_break (c, at, "reordered or duplicated: seq %llu after seq %llu", f.seq, c->hw_seq);
  c->seen = true;
  c->last_known = true, c->last_seq = f.seq, c->last_at = at;
  memcpy (c->last_hash, hash, sizeof hash);
}

void
hg_chain_read_error (struct hg_chain *c, const char *what)
{
  add_break (c, (struct loc){ c->nfiles ? c->nfiles - 1 : 0, c->line + 1 }, "cannot read: %s", what);
}

void
hg_chain_head (struct hg_chain *c, const char *head_name, const char *text, size_t len)
{
  free (c->head_name);
  c->head_name = strdup (head_name);
  if (!c->head_name)
    abort ();
  c->has_head = true;
  c->head_ok = false;
  c->head_missing = text == NULL;
  struct json_object *obj = text ? hg_record_parse (text, len) : NULL, *s, *h;
  if (obj && json_object_object_get_ex (obj, "seq", &s) && json_object_is_type (s, json_type_int)
      && json_object_get_int64 (s) >= 0 && json_object_object_get_ex (obj, "hash", &h)
      && json_object_is_type (h, json_type_string)
      && hg_hex_decode (json_object_get_string (h), (size_t) json_object_get_string_len (h),
                     c->head_hash))
    {
      c->head_seq = (unsigned long long) json_object_get_int64 (s);
      c->head_ok = true;
    }
  json_object_put (obj);
}

static int
brk_cmp (const void *a, const void *b)
{
  const struct brk *x = a, *y = b;
  if (x->at.file != y->at.file)
    return x->at.file < y->at.file ? -1 : 1;
  if (x->at.line != y->at.line)
    return x->at.line < y->at.line ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

static void
check_head (struct hg_chain *c)
{
  /* Breaks about the head file itself sit after every file of the chain. */
  hg_chain_file (c, c->head_name, false, 0);
  c->n_files--;
  struct loc head = here (c);
  head.line = 1;
  if (c->head_missing)
    add_break (c, head, "missing or unreadable head: the tail cannot be checked");
  else if (!c->head_ok)
    add_break (c, head, "unparsable head (expected {\"seq\":N,\"hash\":\"...\"})");
  else if (!c->seen)
    add_break (c, head, "truncated: no records, but the head names seq %llu", c->head_seq);
  else if (c->last_known && c->last_seq < c->head_seq)
    add_break (c, c->last_at, "truncated tail: the log ends at seq %llu, the head names seq %llu",
         c->last_seq, c->head_seq);
  else if (c->last_known && c->last_seq > c->head_seq)
    add_break (c, c->last_at, "the log goes on to seq %llu past the head's seq %llu", c->last_seq,
         c->head_seq);
  else if (memcmp (c->last_hash, c->head_hash, SHA256_DIGEST_SIZE) != 0)
    add_break (c, c->last_at, "edited: the last line's hash differs from the head's");
}

void
hg_chain_end (struct hg_chain *c)
{
  judge_torn (c, false);
  if (c->end_hook)
    c->end_hook (c->hook_ctx, c);
  for (size_t i = 0; i < c->ngaps; i++)
    add_break (c, c->gaps[i].at, "removed: %llu record(s) missing before this line (seq %llu..%llu)",
         c->gaps[i].hi - c->gaps[i].lo + 1, c->gaps[i].lo, c->gaps[i].hi);
  c->ngaps = 0;
  if (c->has_head)
    check_head (c);
  if (c->nbrks)
    qsort (c->brks, c->nbrks, sizeof *c->brks, brk_cmp);
  for (size_t i = 0; i < c->nbrks; i++)
    if (c->fn)
      c->fn (c->ctx, c->files[c->brks[i].at.file], c->brks[i].at.line, c->brks[i].what);
  reset (c);
}

size_t
hg_chain_breaks (const struct hg_chain *c)
{
  return c->n_breaks;
}

size_t
hg_chain_records (const struct hg_chain *c)
{
  return c->n_records;
}

size_t
hg_chain_notes (const struct hg_chain *c)
{
  return c->n_notes;
}

size_t
hg_chain_files (const struct hg_chain *c)
{
  return c->n_files;
}
