/* Loading a policy: reading its files (and, for run and shell, trusting
 * them), following `include`; the result is object.c's.
 *
 * Not reentrant: libconfuse's lexer is global.  Load policies from one
 * thread at a time.
 *
 * Trust (HG_LOAD_TRUSTED_ONLY): each file is opened with O_NOFOLLOW (a
 * symlink is refused, even for the main path: an admin points -f at the
 * real file), must be a regular file owned by root and not writable by
 * group or others, and the directory that holds it must be owned by root
 * and not writable by group or others (it decides which file the name
 * means).  Directories further up are not checked: they are system
 * directories (/etc, /usr/share) whose ownership the host already relies
 * on. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "schema.h"
#include "snapshot.h"

struct link
{
  const char *path;
  dev_t dev;
  ino_t ino;
};

struct loader
{
  struct hg_policy *p;
  size_t rules_cap;
  unsigned flags;
  size_t n_files;
  /* The file being read and the files that included it, outermost first. */
  struct link chain[HG_MAX_INCLUDE_DEPTH + 1];
  size_t depth;
  struct hg_sources *sources; /* what a snapshot would depend on, or NULL */
};

static int load_text (struct loader *ld, const char *name, const char *text, size_t len,
                      const struct stat *st, hg_error **err);

/* ---- reading one file ---- */

static int
open_policy (const char *path, unsigned flags, hg_error **err)
{
  bool trusted = flags & HG_LOAD_TRUSTED_ONLY;
  /* O_NONBLOCK: a FIFO in place of a trusted file must not hang us before
   * fstat refuses it. */
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (trusted ? O_NOFOLLOW | O_NONBLOCK : 0));
  if (fd >= 0)
    return fd;
  if (trusted && errno == ELOOP)
    return hg_fail (err, HG_ERR_UNTRUSTED,
                    "%s: is a symbolic link; a trusted policy file must be named by its real path",
                    path);
  return hg_fail (err, HG_ERR_IO, "%s: %s", path, strerror (errno));
}

static int
read_all (int fd, const char *path, char **out, size_t *len_out, hg_error **err)
{
  size_t cap = 8192, len = 0;
  cleanup_free char *buf = malloc (cap);
  if (!buf)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  for (;;)
    {
      if (len == cap)
        {
          if (cap > HG_MAX_POLICY_BYTES)
            return hg_fail (err, HG_ERR_POLICY, "%s: policy file too large (more than %u bytes)",
                            path, HG_MAX_POLICY_BYTES);
          char *nb = realloc (buf, cap * 2);
          if (!nb)
            return hg_fail (err, HG_ERR_NOMEM, "out of memory");
          buf = nb;
          cap *= 2;
        }
      ssize_t n = read (fd, buf + len, cap - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return hg_fail (err, HG_ERR_IO, "%s: %s", path, strerror (errno));
      if (n == 0)
        break;
      len += (size_t) n;
    }
  *out = steal_pointer (&buf);
  *len_out = len;
  return 0;
}

static int
read_policy (const char *path, unsigned flags, char **text, size_t *len, struct stat *st,
             hg_error **err)
{
  cleanup_close int fd = open_policy (path, flags, err);
  if (fd < 0)
    return fd;
  if (fstat (fd, st) < 0)
    return hg_fail (err, HG_ERR_IO, "%s: %s", path, strerror (errno));
  if (flags & HG_LOAD_TRUSTED_ONLY)
    {
      int r = hg_check_trusted (path, st, err);
      if (r < 0)
        return r;
    }
  return read_all (fd, path, text, len, err);
}

/* ---- includes ---- */

/* "a.conf -> b.conf -> a.conf" */
static char *
chain_text (const struct loader *ld, const char *last)
{
  char *s = NULL;
  size_t n = 0;
  FILE *f = open_memstream (&s, &n);
  if (!f)
    return NULL;
  for (size_t i = 0; i < ld->depth; i++)
    fprintf (f, "%s -> ", ld->chain[i].path);
  fputs (last, f);
  if (fclose (f) != 0)
    {
      free (s);
      return NULL;
    }
  return s;
}

static int
include_file (struct loader *ld, const char *path, const char *from, int line, hg_error **err)
{
  if (++ld->n_files > HG_MAX_POLICY_FILES)
    return hg_fail (err, HG_ERR_POLICY, "%s:%d: more than %d policy files", from, line,
                    HG_MAX_POLICY_FILES);
  cleanup_free char *text = NULL;
  size_t len = 0;
  struct stat st;
  int r = read_policy (path, ld->flags, &text, &len, &st, err);
  if (r < 0)
    return r;
  if (ld->sources && hg_sources_add (ld->sources, path, false, &st) < 0)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");

  bool loop = false;
  for (size_t i = 0; i < ld->depth; i++)
    loop |= ld->chain[i].dev == st.st_dev && ld->chain[i].ino == st.st_ino;
  if (loop || ld->depth > HG_MAX_INCLUDE_DEPTH)
    {
      cleanup_free char *chain = chain_text (ld, path);
      if (loop)
        return hg_fail (err, HG_ERR_POLICY, "%s:%d: include loop: %s", from, line,
                        chain ? chain : path);
      return hg_fail (err, HG_ERR_POLICY, "%s:%d: includes nested deeper than %d: %s", from, line,
                      HG_MAX_INCLUDE_DEPTH, chain ? chain : path);
    }
  return load_text (ld, path, text, len, &st, err);
}

/* Relative patterns are relative to the including file's directory, whose
 * name is taken literally (its glob characters escaped). */
static char *
resolve_pattern (const char *from, const char *pattern)
{
  if (pattern[0] == '/')
    return strdup (pattern);
  cleanup_free char *copy = strdup (from);
  if (!copy)
    return NULL;
  const char *dir = dirname (copy);
  if (strcmp (dir, ".") == 0)
    return strdup (pattern);
  size_t n = strlen (dir);
  cleanup_free char *out = malloc (2 * n + strlen (pattern) + 2);
  if (!out)
    return NULL;
  char *o = out;
  for (const char *d = dir; *d; d++)
    {
      if (strchr ("*?[\\", *d))
        *o++ = '\\';
      *o++ = *d;
    }
  if (o[-1] != '/')
    *o++ = '/';
  strcpy (o, pattern);
  return steal_pointer (&out);
}

/* Stats the directory a glob lists before it is listed: a file added
 * after the stat changes the directory's mtime, so the snapshot is then
 * seen to be stale rather than missing the file. */
static int
watch_glob_dir (struct hg_sources *src, const char *full)
{
  const char *slash = strrchr (full, '/');
  size_t n = slash ? (size_t) (slash - full) : 0;
  if (strcspn (full, "*?[\\") < n)
    {
      src->unwatchable = true;
      return 0;
    }
  cleanup_free char *dir = !slash ? strdup (".") : n ? strndup (full, n) : strdup ("/");
  if (!dir)
    return -1;
  struct stat st;
  if (stat (dir, &st) < 0)
    {
      if (errno != ENOENT)
        src->unwatchable = true;
      return hg_sources_add (src, dir, true, NULL);
    }
  return hg_sources_add (src, dir, true, &st);
}

static int
include_pattern (struct loader *ld, const char *from, const char *pattern, int line, hg_error **err)
{
  cleanup_free char *full = resolve_pattern (from, pattern);
  if (!full)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  bool literal = strpbrk (pattern, "*?[") == NULL;
  if (ld->sources && !literal && watch_glob_dir (ld->sources, full) < 0)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  glob_t g;
  int rc = glob (full, GLOB_MARK, NULL, &g);
  if (rc != 0)
    globfree (&g);
  /* A glob may match nothing (an empty policy.d); a file named outright
   * must be there, or its rules would silently be missing. */
  if (rc == GLOB_NOMATCH && literal)
    return hg_fail (err, HG_ERR_IO, "%s:%d: included file %s: %s", from, line, full,
                    strerror (ENOENT));
  if (rc == GLOB_NOMATCH)
    return 0;
  if (rc == GLOB_NOSPACE)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  if (rc != 0)
    return hg_fail (err, HG_ERR_IO, "%s:%d: cannot read the files of include '%s'", from, line,
                    pattern);
  int r = 0;
  for (size_t i = 0; i < g.gl_pathc && r == 0; i++)
    {
      const char *path = g.gl_pathv[i];
      size_t n = strlen (path);
      if (!literal && n > 0 && path[n - 1] == '/')
        continue; /* a directory a wildcard happened to match */
      r = include_file (ld, path, from, line, err);
    }
  globfree (&g);
  return r;
}

static int
load_text (struct loader *ld, const char *name, const char *text, size_t len,
           const struct stat *st, hg_error **err)
{
  bool included = ld->depth > 0;
  ld->chain[ld->depth++] = (struct link) { name, st ? st->st_dev : 0, st ? st->st_ino : 0 };
  struct hg_includes inc = { 0 };
  int r = hg_schema_parse (ld->p, &ld->rules_cap, name, text, len, included, &inc, err);
  if (!(ld->flags & HG_LOAD_NO_INCLUDES))
    for (size_t i = 0; i < inc.n && r == 0; i++)
      r = include_pattern (ld, name, inc.patterns[i], inc.lines[i], err);
  hg_includes_clear (&inc);
  ld->depth--;
  return r;
}

/* ---- the API ---- */

static int
load (const char *path, const char *name, const char *text, size_t len, unsigned flags,
      struct hg_sources *sources, hg_policy **out, hg_error **err)
{
  if (!out || (!path && !text) || !name)
    return hg_fail (err, HG_ERR_INVALID, "hg_policy_load: missing argument");
  *out = NULL;
  struct hg_policy *p = calloc (1, sizeof *p);
  if (!p)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  struct loader ld = { .p = p, .flags = flags, .n_files = 1, .sources = sources };
  cleanup_free char *file_text = NULL;
  struct stat st;
  int r = 0;
  if (path)
    {
      r = read_policy (path, flags, &file_text, &len, &st, err);
      text = file_text;
      if (r == 0 && sources && hg_sources_add (sources, path, false, &st) < 0)
        r = hg_fail (err, HG_ERR_NOMEM, "out of memory");
    }
  if (r == 0)
    r = load_text (&ld, name, text, len, path ? &st : NULL, err);
  if (r == 0)
    {
      hg_settings_fill (p);
      r = hg_index_build (p, err);
    }
  if (r < 0)
    {
      hg_policy_free (p);
      return r;
    }
  *out = p;
  return 0;
}

/* From a snapshot when one is current (snapshot.c), else from the files,
 * leaving a snapshot behind when root. */
static int
load_file (const char *path, unsigned flags, const char *cache_dir, hg_policy **out,
           hg_error **err)
{
  bool cache = cache_dir && path && out && !(flags & HG_LOAD_NO_INCLUDES);
  if (cache && hg_snapshot_read (cache_dir, path, flags, out) == 0)
    return 0;
  struct hg_sources sources = { 0 };
  int r = load (path, path, NULL, 0, flags, cache ? &sources : NULL, out, err);
  if (r == 0 && cache)
    hg_snapshot_write (cache_dir, path, *out, &sources);
  hg_sources_clear (&sources);
  return r;
}

/* run and shell: a policy that guards no host would let every command
 * through untouched.  Such a file is a rule pack, an empty root-owned file,
 * or a stale -f / $HOSTGUARD_POLICY: never what an operator meant
 * (molly-guard's -f hole, DESIGN.md).  Frees *out when it refuses. */
static int
refuse_guarding_nothing (const char *path, unsigned flags, hg_policy **out, hg_error **err)
{
  if (!(flags & HG_LOAD_TRUSTED_ONLY) || (*out)->settings.n_hosts > 0)
    return 0;
  hg_policy_free (*out);
  *out = NULL;
  return hg_fail (err, HG_ERR_POLICY,
                  "%s: names no hosts, so it would guard nothing: refused (is it the policy you meant?)",
                  path);
}

int
hg_policy_load_file_cached (const char *path, unsigned flags, const char *cache_dir,
                            hg_policy **out, hg_error **err)
{
  int r = load_file (path, flags, cache_dir, out, err);
  return r == 0 ? refuse_guarding_nothing (path, flags, out, err) : r;
}

int
hg_policy_load_snapshot (const char *path, unsigned flags, const char *cache_dir, hg_policy **out)
{
  if (!path || !cache_dir || !out || (flags & HG_LOAD_NO_INCLUDES)
      || hg_snapshot_read (cache_dir, path, flags, out) < 0
      || refuse_guarding_nothing (path, flags, out, NULL) < 0)
    return -1;
  return 0;
}

int
hg_policy_load_file (const char *path, unsigned flags, hg_policy **out, hg_error **err)
{
  return hg_policy_load_file_cached (path, flags, NULL, out, err);
}

int
hg_policy_load_buffer (const char *name, const char *text, size_t len, unsigned flags,
                       hg_policy **out, hg_error **err)
{
  if (!text)
    return hg_fail (err, HG_ERR_INVALID, "hg_policy_load_buffer: no text");
  return load (NULL, name, text, len, flags, NULL, out, err);
}
