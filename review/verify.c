/* `hostguard log --verify`: groups the operands into per-user chains
 * (USER.jsonl*, in the order of each file's first seq), runs each through
 * the chain check, and the tail against USER.jsonl.head. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "util/util.h"

struct vfile
{
  char *name;  /* relative to the chain's directory */
  char *shown; /* as the operator named it */
  unsigned rot;
  unsigned long long key; /* first seq, for ordering */
};

struct vchain
{
  char *dir;  /* the directory as named */
  char *user; /* NULL: a file that is not USER.jsonl*, a chain of its own */
  bool walked; /* found by walking the directory: its head is expected */
  bool has_current;
  struct vfile *files;
  size_t n;
};

struct vset
{
  struct vchain *v;
  size_t n;
  char *walked_dir; /* the first directory operand */
};

static void
print_break (void *ctx, const char *file, unsigned long line, const char *what)
{
  cleanup_free char *shown = hg_escape (file, strlen (file));
  printf ("%s:%lu: %s\n", shown ? shown : "?", line, what);
}

static struct vchain *
chain_for (struct vset *s, const char *dir, const char *user, size_t ulen)
{
  for (size_t i = 0; user && i < s->n; i++)
    if (s->v[i].user && strcmp (s->v[i].dir, dir) == 0 && strlen (s->v[i].user) == ulen
        && strncmp (s->v[i].user, user, ulen) == 0)
      return &s->v[i];
  struct vchain *v = realloc (s->v, (s->n + 1) * sizeof *v);
  if (!v)
    abort ();
  s->v = v;
  v = &s->v[s->n++];
  *v = (struct vchain){ strdup (dir), user ? strndup (user, ulen) : NULL, false, false, NULL, 0 };
  return v;
}

static void
add_file (struct vset *s, const char *dir, const char *name, const char *shown, bool walked)
{
  size_t ulen = 0;
  unsigned rot = 0;
  bool log = hg_log_name (name, &ulen, &rot);
  struct vchain *c = chain_for (s, dir, log ? name : NULL, ulen);
  c->walked |= walked;
  c->has_current |= log && rot == 0;
  struct vfile *f = realloc (c->files, (c->n + 1) * sizeof *f);
  if (!f)
    abort ();
  c->files = f;
  f[c->n++] = (struct vfile){ strdup (name), strdup (shown), rot, 0 };
}

static int
collect (struct vset *s, const char *path)
{
  struct stat st;
  if (strcmp (path, "-") == 0)
    {
      add_file (s, "", "-", "-", false);
      return 0;
    }
  if (stat (path, &st) == 0 && S_ISDIR (st.st_mode))
    {
      if (!s->walked_dir && !(s->walked_dir = strdup (path)))
        abort ();
      cleanup_close int dirfd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      cleanup_strv char **names = dirfd < 0 ? NULL : hg_log_dir_list (dirfd, path);
      if (!names)
        return -1;
      for (char **n = names; *n; n++)
        {
          cleanup_free char *shown = NULL;
          if (asprintf (&shown, "%s%s%s", path, path[strlen (path) - 1] == '/' ? "" : "/", *n) < 0)
            abort ();
          add_file (s, path, *n, shown, true);
        }
      return 0;
    }
  cleanup_free char *d = strdup (path), *b = strdup (path);
  if (!d || !b)
    abort ();
  add_file (s, dirname (d), basename (b), path, false);
  return 0;
}

/* Opens one file of a chain; NULL with errno. */
static struct hg_lines *
open_file (const struct vchain *c, const struct vfile *f, uid_t *owner, bool *owner_known)
{
  *owner_known = false;
  if (strcmp (f->shown, "-") == 0 && !c->user)
    {
      int fd = dup (0);
      return fd < 0 ? NULL : hg_lines_from_fd (fd, true);
    }
  cleanup_close int dirfd = open (c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return NULL;
  struct hg_lines *r = hg_lines_open (dirfd, f->name, owner);
  *owner_known = r != NULL;
  return r;
}

/* Files in chain order: by first seq; a file whose first line has none
 * keeps its place by rotation number just before its successor. */
static void
order_files (struct vchain *c)
{
  unsigned long long next = ~0ull;
  for (size_t i = c->n; i-- > 0;)
    {
      uid_t owner;
      bool known;
      const char *line;
      size_t len;
      struct hg_lines *r = strcmp (c->files[i].shown, "-") == 0 ? NULL
                                                                 : open_file (c, &c->files[i], &owner, &known);
      unsigned long long seq;
      if (r && hg_lines_next (r, &line, &len) > 0 && hg_chain_line_seq (line, len, &seq))
        next = seq;
      c->files[i].key = next;
      hg_lines_free (r);
    }
  for (size_t i = 1; i < c->n; i++) /* insertion sort: stable, and n is small */
    for (size_t j = i; j > 0 && c->files[j - 1].key > c->files[j].key; j--)
      {
        struct vfile t = c->files[j];
        c->files[j] = c->files[j - 1];
        c->files[j - 1] = t;
      }
}

static void
check_head (struct hg_chain *ch, const struct vchain *c)
{
  if (!c->user || !(c->walked || c->has_current))
    return;
  cleanup_free char *name = NULL, *shown = NULL;
  if (asprintf (&name, "%s.jsonl.head", c->user) < 0
      || asprintf (&shown, "%s/%s", c->dir, name) < 0)
    abort ();
  cleanup_close int dirfd = open (c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int fd = dirfd < 0 ? -1 : openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  struct stat st;
  char buf[4096];
  ssize_t got = -1;
  if (fd >= 0 && fstat (fd, &st) == 0 && S_ISREG (st.st_mode))
    got = read (fd, buf, sizeof buf);
  if (fd < 0 && errno == ENOENT && !c->walked)
    return; /* a copied file without its head: nothing to compare with */
  size_t len = got > 0 ? (size_t) got : 0;
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
    len--;
  hg_chain_head (ch, shown, got > 0 ? buf : NULL, len);
}

static void
verify_chain (struct hg_chain *ch, struct vchain *c)
{
  order_files (c);
  hg_chain_begin (ch);
  for (size_t i = 0; i < c->n; i++)
    {
      uid_t owner = 0;
      bool known;
      struct hg_lines *r = open_file (c, &c->files[i], &owner, &known);
      hg_chain_file (ch, c->files[i].shown, known, owner);
      if (!r)
        {
          hg_chain_read_error (ch, errno == ELOOP ? "a symlink, not followed" : strerror (errno));
          continue;
        }
      const char *line;
      size_t len;
      int got;
      bool unterminated = false;
      while ((got = hg_lines_next (r, &line, &len)) > 0)
        {
          hg_chain_line (ch, line, len);
          unterminated = hg_lines_unterminated (r);
        }
      if (unterminated)
        hg_chain_unterminated (ch);
      if (got < 0)
        hg_chain_read_error (ch, strerror (errno));
      hg_lines_free (r);
    }
  check_head (ch, c);
  hg_chain_end (ch);
}

static int
chain_cmp (const void *a, const void *b)
{
  const struct vchain *x = a, *y = b;
  int c = strcmp (x->dir, y->dir);
  return c ? c : strcmp (x->user ? x->user : "", y->user ? y->user : "");
}

int
hg_verify_main (char *const *paths, size_t n, const char *log_dir, const char *witness)
{
  /* No --witness: the local journal when journalctl reads it, else none,
   * and the summary says which.  "journal": it, or fail; "none": none. */
  struct hg_witness *w = NULL;
  cleanup_free char *no_witness = NULL;
  if (witness && strcmp (witness, "none") == 0)
    no_witness = strdup ("--witness none");
  else if (!witness || strcmp (witness, "journal") == 0)
    {
      cleanup_error hg_error *err = NULL;
      int rc = hg_journal_witness (&w, &err);
      if (rc < 0)
        {
          if (witness || rc == HG_ERR_UNTRUSTED)
            {
              hg_warn ("witness journal: %s", hg_error_message (err));
              return 1;
            }
          no_witness = strdup (hg_error_message (err));
        }
    }
  else if (!(w = hg_witness_load (witness)))
    return 1;
  struct vset s = { NULL, 0, NULL };
  char *const dflt[] = { (char *) log_dir };
  if (n == 0)
    paths = dflt, n = 1;
  int status = 0;
  for (size_t i = 0; i < n; i++)
    if (collect (&s, paths[i]) < 0)
      {
        cleanup_free char *shown = hg_escape (paths[i], strlen (paths[i]));
        hg_warn ("%s: %s", shown, strerror (errno));
        status = 1;
      }
  if (s.n)
    qsort (s.v, s.n, sizeof *s.v, chain_cmp);
  struct hg_chain *ch = hg_chain_new (print_break, NULL);
  if (!ch)
    abort ();
  if (w)
    hg_witness_attach (w, ch);
  for (size_t i = 0; i < s.n; i++)
    {
      verify_chain (ch, &s.v[i]);
      for (size_t j = 0; j < s.v[i].n; j++)
        free (s.v[i].files[j].name), free (s.v[i].files[j].shown);
      free (s.v[i].files), free (s.v[i].dir), free (s.v[i].user);
    }
  free (s.v);
  /* A user's whole log deleted: only the witness knows of it, and only a
   * directory given says which files should be there. */
  size_t gone = w && s.walked_dir ? hg_witness_unclaimed (w, s.walked_dir, print_break, NULL) : 0;
  free (s.walked_dir);
  fflush (stdout);
  size_t breaks = hg_chain_breaks (ch) + gone, notes = hg_chain_notes (ch);
  fprintf (stderr, "hostguard: verified %zu file(s), %zu record(s): %zu break(s)%s", hg_chain_files (ch),
           hg_chain_records (ch), breaks, breaks ? "" : ", intact");
  if (notes)
    fprintf (stderr, ", %zu note(s) (torn writes, records outside the witness's time or view)", notes);
  fputc ('\n', stderr);
  if (w)
    hg_witness_summary (w, stderr);
  else
    fprintf (stderr, "hostguard: no witness: %s; against the files' own writer the chain proves "
                     "nothing (give --witness SOURCE: a syslog file or a journalctl -o json export)\n",
             no_witness ? no_witness : "?");
  hg_chain_free (ch);
  hg_witness_free (w);
  return breaks || status ? 1 : 0;
}
