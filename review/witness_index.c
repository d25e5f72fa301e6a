/* A witness's record hashes, indexed by hash, by (host, user, seq) and by
 * id: open addressing over the entries (index + 1, 0 free). */
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "internal.h"
#include "util/util.h"

/* Slots are keyed with a per-run random seed: the witness's lines are
 * untrusted, and a run of colliding keys must not turn lookups quadratic. */
static uint64_t seed;

static size_t
fnv (const char *s, unsigned long long seq)
{
  uint64_t h = (1469598103934665603ull ^ seed) + seq * 0x9e3779b97f4a7c15ull;
  for (; s && *s; s++)
    h = (h ^ (unsigned char) *s) * 1099511628211ull;
  return (size_t) (h ^ (h >> 29));
}

static size_t
hash_slot (const uint8_t *hash)
{
  uint64_t h = seed;
  for (int i = 0; i < 32; i += 8)
    {
      uint64_t x;
      memcpy (&x, hash + i, sizeof x);
      h = (h ^ x) * 0x9e3779b97f4a7c15ull;
      h ^= h >> 32;
    }
  return (size_t) h;
}

static void
insert (size_t *t, size_t mask, size_t h, size_t idx)
{
  for (size_t i = h & mask;; i = (i + 1) & mask)
    if (!t[i])
      {
        t[i] = idx + 1;
        return;
      }
}

struct went *
hg_witness_find_hash (const struct hg_witness *w, const uint8_t *hash)
{
  if (!w->by_hash)
    return NULL;
  for (size_t i = hash_slot (hash) & w->mask; w->by_hash[i]; i = (i + 1) & w->mask)
    if (memcmp (w->v[w->by_hash[i] - 1].hash, hash, 32) == 0)
      return &w->v[w->by_hash[i] - 1];
  return NULL;
}

/* The first entry for (key, seq) not yet matched, else any. */
struct went *
hg_witness_find_ks (const struct hg_witness *w, const char *key, unsigned long long seq)
{
  struct went *any = NULL;
  if (!w->by_ks || !key)
    return NULL;
  for (size_t i = fnv (key, seq) & w->mask; w->by_ks[i]; i = (i + 1) & w->mask)
    {
      struct went *e = &w->v[w->by_ks[i] - 1];
      if (e->seq == seq && strcmp (e->key, key) == 0)
        {
          if (!e->matched)
            return e;
          any = e;
        }
    }
  return any;
}

/* The first entry for `id` not yet matched, else any. */
struct went *
hg_witness_find_id (const struct hg_witness *w, const char *id)
{
  struct went *any = NULL;
  if (!w->by_id || !id || !*id)
    return NULL;
  for (size_t i = fnv (id, 0) & w->mask; w->by_id[i]; i = (i + 1) & w->mask)
    {
      struct went *e = &w->v[w->by_id[i] - 1];
      if (strcmp (e->id, id) == 0)
        {
          if (!e->matched)
            return e;
          any = e;
        }
    }
  return any;
}

void
hg_witness_index (struct hg_witness *w)
{
  size_t size = 16;
  while (size < 2 * w->n + 2)
    size *= 2;
  w->mask = size - 1;
  if (!seed && getrandom (&seed, sizeof seed, GRND_NONBLOCK) != sizeof seed)
    seed = (uint64_t) (uintptr_t) w ^ (uint64_t) getpid () * 0x9e3779b97f4a7c15ull;
  w->by_hash = calloc (size, sizeof *w->by_hash);
  w->by_ks = calloc (size, sizeof *w->by_ks);
  w->by_id = calloc (size, sizeof *w->by_id);
  if (!w->by_hash || !w->by_ks || !w->by_id)
    abort ();
  for (size_t i = 0; i < w->n; i++)
    {
      struct went *e = &w->v[i];
      if (hg_witness_find_hash (w, e->hash))
        {
          e->dup = e->matched = true; /* the same record sent or kept twice */
          continue;
        }
      insert (w->by_hash, w->mask, hash_slot (e->hash), i);
      if (e->has_seq && e->key)
        {
          /* One entry per (host, user, seq) and per id in the tables: the
           * others are flagged, so that repeats cannot make a long probe. */
          struct went *o = hg_witness_find_ks (w, e->key, e->seq);
          if (o)
            o->conflict = e->conflict = true;
          else
            insert (w->by_ks, w->mask, fnv (e->key, e->seq), i);
        }
      if (e->id && !hg_witness_find_id (w, e->id))
        insert (w->by_id, w->mask, fnv (e->id, 0), i);
    }
}
