/* The snapshot's bytes.  Little-endian integers, strings as a u32 length
 * (NULL as 0xffffffff) and their bytes, vectors as a u32 count and their
 * strings.  A header carries a magic, the format, the hostguard version
 * and a checksum of the rest, so that a torn or stale file is
 * refused before its fields are believed.  The decoder is written for
 * hostile input (tests/fuzz/fuzz_snapshot.c), even though only root can
 * write a snapshot that is used. */
#include <endian.h>
#include <string.h>

#include "snapfmt.h"
#include "sqlkind.h"

#define MAGIC "HGSNAP\r\n"
#define NO_STRING 0xffffffffu
#define MAX_APPROVALS 16

/* ---- writing ---- */

struct out
{
  char *buf;
  size_t len, cap;
  bool failed;
};

static void
put (struct out *o, const void *p, size_t n)
{
  if (o->failed || !hg_grow (&o->buf, &o->cap, o->len + n, 1))
    {
      o->failed = true;
      return;
    }
  memcpy (o->buf + o->len, p, n);
  o->len += n;
}

static void
put_u64 (struct out *o, uint64_t v)
{
  unsigned char b[8];
  for (int i = 0; i < 8; i++)
    b[i] = (unsigned char) (v >> (8 * i));
  put (o, b, 8);
}

static void
put_u32 (struct out *o, uint32_t v)
{
  unsigned char b[4];
  for (int i = 0; i < 4; i++)
    b[i] = (unsigned char) (v >> (8 * i));
  put (o, b, 4);
}

static void
put_str (struct out *o, const char *s)
{
  if (!s)
    {
      put_u32 (o, NO_STRING);
      return;
    }
  size_t n = strlen (s);
  if (n >= NO_STRING)
    {
      o->failed = true;
      return;
    }
  put_u32 (o, (uint32_t) n);
  put (o, s, n);
}

static void
put_strv (struct out *o, char *const *v, size_t n)
{
  put_u32 (o, (uint32_t) n);
  for (size_t i = 0; i < n; i++)
    put_str (o, v[i]);
}

/* FNV-1a over little-endian 64-bit words (the tail zero-padded), then the
 * length: a torn or stale file is what it catches, not an adversary (only
 * root writes a snapshot that is used).  A word at a time, as every start
 * checks one: a byte at a time cost 0.02x of a /bin/true here. */
static uint64_t
checksum (const unsigned char *p, size_t n)
{
  uint64_t h = 0xcbf29ce484222325ull;
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    {
      uint64_t w;
      memcpy (&w, p + i, 8);
      h = (h ^ le64toh (w)) * 0x100000001b3ull;
      h ^= h >> 32; /* a product carries only upward: fold the high half down */
    }
  uint64_t tail = 0;
  for (size_t k = 0; i + k < n; k++)
    tail |= (uint64_t) p[i + k] << (8 * k);
  h = (h ^ tail) * 0x100000001b3ull;
  return (h ^ n) * 0x100000001b3ull;
}

static void
put_source (struct out *o, const struct hg_source *s)
{
  put_str (o, s->path);
  put_u32 (o, (uint32_t) s->is_dir | (uint32_t) s->exists << 1);
  put_u64 (o, s->dev);
  put_u64 (o, s->ino);
  put_u64 (o, s->size);
  put_u64 (o, (uint64_t) s->mtime_s);
  put_u64 (o, (uint64_t) s->mtime_ns);
  put_u64 (o, (uint64_t) s->ctime_s);
  put_u64 (o, (uint64_t) s->ctime_ns);
}

static void
put_rule (struct out *o, const struct hg_rule *r)
{
  put_str (o, r->name);
  put_str (o, r->file);
  put_u32 (o, (uint32_t) r->line);
  put_strv (o, r->commands, r->n_commands);
  put_strv (o, r->args_src, r->n_args);
  put_strv (o, r->paths, r->n_paths);
  put_strv (o, r->users, r->n_users);
  put_u64 (o, r->sql);
  put_u32 (o, (uint32_t) r->action);
  put_u32 (o, r->approvals);
  put_str (o, r->message);
}

int
hg_snapshot_encode (const struct hg_policy *p, const char *policy_path,
                    const struct hg_sources *src, char **out_buf, size_t *out_len)
{
  const struct hg_settings *s = &p->settings;
  struct out o = { 0 };
  put (&o, MAGIC, 8);
  put_u32 (&o, HG_SNAPSHOT_FORMAT);
  put_u32 (&o, 0);
  put_u64 (&o, 0); /* checksum, below */
  size_t body = o.len;
  put_str (&o, HG_VERSION);
  put_str (&o, policy_path);
  put_u32 (&o, (uint32_t) src->n);
  for (size_t i = 0; i < src->n; i++)
    put_source (&o, &src->v[i]);
  put_strv (&o, p->hosts, s->n_hosts);
  put_u32 (&o, (uint32_t) s->default_action);
  put_str (&o, p->approvers);
  put_u32 (&o, s->approval_timeout);
  put_str (&o, p->spool);
  put_str (&o, p->log_dir);
  put_str (&o, p->shell);
  put_u32 (&o, (uint32_t) s->noninteractive);
  put_u32 (&o, (uint32_t) s->supervise_unprivileged | (uint32_t) s->verify_exec_all << 1
                   | (uint32_t) s->anonymous_exec << 2);
  put_strv (&o, p->redact, s->n_redact);
  put_str (&o, p->notify);
  put_str (&o, p->break_glass);
  put_u32 (&o, (uint32_t) p->n_rules);
  for (size_t i = 0; i < p->n_rules; i++)
    put_rule (&o, &p->rules[i]);
  if (o.failed)
    {
      free (o.buf);
      return -1;
    }
  uint64_t sum = checksum ((unsigned char *) o.buf + body, o.len - body);
  for (int i = 0; i < 8; i++)
    o.buf[body - 8 + i] = (char) (sum >> (8 * i));
  *out_buf = o.buf;
  *out_len = o.len;
  return 0;
}

/* ---- reading ---- */

struct in
{
  const unsigned char *p;
  size_t left;
  bool bad; /* malformed, or out of memory: either way, not used */
  char *arena; /* strings and vectors are carved from it (hg_policy.arena) */
  size_t used, cap;
};

/* A string of n bytes costs 4 + n bytes of input and n + 1 of arena; a
 * vector of n strings at least 4 + 4n of input and 8n + 8 of arena, plus
 * up to 7 of alignment: 4 * len + 16 always suffices. */
static void *
carve (struct in *in, size_t n, size_t align)
{
  size_t at = (in->used + align - 1) & ~(align - 1);
  if (in->bad || at > in->cap || n > in->cap - at)
    {
      in->bad = true;
      return NULL;
    }
  in->used = at + n;
  return in->arena + at;
}

static const unsigned char *
take (struct in *in, size_t n)
{
  if (in->bad || n > in->left)
    {
      in->bad = true;
      return NULL;
    }
  const unsigned char *p = in->p;
  in->p += n;
  in->left -= n;
  return p;
}

static uint64_t
get_u64 (struct in *in)
{
  const unsigned char *b = take (in, 8);
  uint64_t v = 0;
  for (int i = 0; b && i < 8; i++)
    v |= (uint64_t) b[i] << (8 * i);
  return v;
}

static uint32_t
get_u32 (struct in *in)
{
  const unsigned char *b = take (in, 4);
  uint32_t v = 0;
  for (int i = 0; b && i < 4; i++)
    v |= (uint32_t) b[i] << (8 * i);
  return v;
}

/* A string with no NUL inside, or NULL (also on error: check in->bad). */
static char *
get_str (struct in *in, bool nullable)
{
  uint32_t n = get_u32 (in);
  if (in->bad)
    return NULL;
  if (n == NO_STRING)
    {
      in->bad |= !nullable;
      return NULL;
    }
  const unsigned char *b = take (in, n);
  if (!b || memchr (b, '\0', n))
    {
      in->bad = true;
      return NULL;
    }
  char *s = carve (in, (size_t) n + 1, 1);
  if (s)
    {
      memcpy (s, b, n);
      s[n] = '\0';
    }
  return s;
}

/* A count of items each at least `min_size` bytes long: bounded by what
 * is left, so a forged count cannot make us allocate gigabytes. */
static size_t
get_count (struct in *in, size_t min_size)
{
  uint32_t n = get_u32 (in);
  if (!in->bad && (size_t) n > in->left / min_size)
    in->bad = true;
  return in->bad ? 0 : n;
}

static char **
get_strv (struct in *in, size_t *n_out)
{
  size_t n = get_count (in, 4);
  char **v = carve (in, (n + 1) * sizeof *v, sizeof *v);
  if (!v)
    return NULL;
  for (size_t i = 0; i < n && !in->bad; i++)
    v[i] = get_str (in, false);
  v[n] = NULL;
  *n_out = n;
  return v;
}

static void
get_source (struct in *in, struct hg_source *s)
{
  const char *path = get_str (in, false); /* in the arena: the sources own theirs */
  s->path = path ? strdup (path) : NULL;
  in->bad |= !s->path;
  uint32_t bits = get_u32 (in);
  in->bad |= bits > 3;
  s->is_dir = bits & 1;
  s->exists = bits & 2;
  s->dev = get_u64 (in);
  s->ino = get_u64 (in);
  s->size = get_u64 (in);
  s->mtime_s = (int64_t) get_u64 (in);
  s->mtime_ns = (int64_t) get_u64 (in);
  s->ctime_s = (int64_t) get_u64 (in);
  s->ctime_ns = (int64_t) get_u64 (in);
  in->bad |= !s->is_dir && !s->exists; /* every file was read */
}

static enum hg_action
get_action (struct in *in)
{
  uint32_t a = get_u32 (in);
  in->bad |= a > HG_ACTION_DENY;
  return in->bad ? HG_ACTION_DENY : (enum hg_action) a;
}

static void
get_rule (struct in *in, struct hg_rule *r)
{
  size_t n_args = 0;
  r->name = get_str (in, false);
  r->file = get_str (in, false);
  uint32_t line = get_u32 (in);
  in->bad |= line > (uint32_t) INT32_MAX;
  r->line = (int) line;
  r->commands = get_strv (in, &r->n_commands);
  r->args_src = get_strv (in, &n_args);
  r->paths = get_strv (in, &r->n_paths);
  r->users = get_strv (in, &r->n_users);
  r->sql = get_u64 (in);
  in->bad |= r->sql >> HG_SQLK_COUNT != 0;
  r->action = get_action (in);
  r->approvals = get_u32 (in);
  r->message = get_str (in, true);
  if (r->action == HG_ACTION_APPROVE)
    in->bad |= r->approvals < 1 || r->approvals > MAX_APPROVALS;
  else
    in->bad |= r->approvals != 0;
  if (in->bad)
    return;
  if (!(r->args = calloc (n_args + 1, sizeof *r->args)))
    {
      in->bad = true;
      return;
    }
  for (; r->n_args < n_args; r->n_args++)
    hg_lazy_re_init (&r->args[r->n_args], r->args_src[r->n_args]);
}

static void
get_settings (struct in *in, struct hg_policy *p)
{
  struct hg_settings *s = &p->settings;
  p->hosts = get_strv (in, &s->n_hosts);
  s->default_action = get_action (in);
  in->bad |= s->default_action != HG_ACTION_ALLOW && s->default_action != HG_ACTION_LOG;
  p->approvers = get_str (in, false);
  s->approval_timeout = get_u32 (in);
  p->spool = get_str (in, false);
  p->log_dir = get_str (in, false);
  p->shell = get_str (in, false);
  s->noninteractive = get_action (in);
  in->bad |= s->noninteractive != HG_ACTION_ALLOW && s->noninteractive != HG_ACTION_DENY;
  uint32_t bits = get_u32 (in);
  s->supervise_unprivileged = bits & 1;
  s->verify_exec_all = bits & 2;
  s->anonymous_exec = (enum hg_action) (bits >> 2);
  in->bad |= bits >> 2 > HG_ACTION_DENY || s->anonymous_exec == HG_ACTION_LOG
             || s->anonymous_exec == HG_ACTION_APPROVE;
  p->redact = get_strv (in, &s->n_redact);
  p->notify = get_str (in, true);
  p->break_glass = get_str (in, true);
}

/* The fixed part before the checksummed body. */
static bool
header_ok (struct in *in)
{
  const unsigned char *magic = take (in, 8);
  if (!magic || memcmp (magic, MAGIC, 8) != 0 || get_u32 (in) != HG_SNAPSHOT_FORMAT
      || get_u32 (in) != 0)
    return false;
  uint64_t sum = get_u64 (in);
#ifdef HG_FUZZING
  (void) sum; /* else almost every mutation would stop here */
#else
  if (checksum (in->p, in->left) != sum)
    return false;
#endif
  if (in->bad)
    return false;
  uint32_t n = get_u32 (in);
  const unsigned char *version = n == strlen (HG_VERSION) ? take (in, n) : NULL;
  return version && memcmp (version, HG_VERSION, n) == 0;
}

int
hg_snapshot_decode (const void *buf, size_t len, char **policy_path, struct hg_sources *src,
                    struct hg_policy **out)
{
  struct in in = { buf, len, false, NULL, 0, 0 };
  *policy_path = NULL;
  *out = NULL;
  memset (src, 0, sizeof *src);
  if (!header_ok (&in))
    return -1;
  struct hg_policy *p = calloc (1, sizeof *p);
  if (p && len <= SIZE_MAX / 8 && (p->arena = malloc (4 * len + 16)))
    in.cap = 4 * len + 16;
  in.arena = p ? p->arena : NULL;
  in.bad = !in.arena;
  const char *in_arena = get_str (&in, false);
  char *path = in_arena ? strdup (in_arena) : NULL;
  in.bad |= !path;
  size_t n_src = get_count (&in, 4 + 4 + 7 * 8);
  if (!p || in.bad || !(src->v = calloc (n_src + 1, sizeof *src->v)))
    in.bad = true;
  for (; !in.bad && src->n < n_src; src->n++)
    get_source (&in, &src->v[src->n]);
  if (!in.bad && p)
    get_settings (&in, p);
  size_t n_rules = get_count (&in, 11 * 4);
  if (!in.bad && !(p->rules = calloc (n_rules + 1, sizeof *p->rules)))
    in.bad = true;
  /* A rule or source that fails halfway is counted, so it is freed with
   * the rest. */
  for (; !in.bad && p->n_rules < n_rules; p->n_rules++)
    get_rule (&in, &p->rules[p->n_rules]);
  in.bad |= in.left != 0;
  if (!in.bad)
    {
      hg_settings_fill (p);
      in.bad = hg_index_build (p, NULL) < 0;
    }
  if (in.bad)
    {
      hg_policy_free (p);
      hg_sources_clear (src);
      free (path);
      return -1;
    }
  *policy_path = path;
  *out = p;
  return 0;
}
