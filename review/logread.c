/* Lines and records read back from logs.  One reader serves `log`,
 * `report`, `log --verify` and the fuzzer: a memory buffer, a descriptor,
 * or a gzip stream, read in large blocks (verify must keep pace with
 * sha256sum). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>
#include <zlib.h>

#include "review.h"
#include "util/util.h"

#define CHUNK (1u << 20)

struct hg_lines
{
  const char *mem; /* memory source, else NULL */
  size_t mem_len;
  int fd;
  gzFile gz;
  char *buf;
  size_t cap, start, end, scan; /* unread bytes are buf[start..end); no \n in [start..scan) */
  bool eof;
  bool unterminated; /* the line last returned had no newline */
  bool skip_long, skipping; /* over-long lines dropped (hg_lines_skip_long); in one now */
  size_t skipped;
  unsigned long lineno;
};

struct hg_lines *
hg_lines_from_memory (const char *buf, size_t len)
{
  struct hg_lines *r = calloc (1, sizeof *r);
  if (!r)
    return NULL;
  r->mem = buf ? buf : "";
  r->mem_len = len;
  r->end = len;
  r->fd = -1;
  return r;
}

struct hg_lines *
hg_lines_from_fd (int fd, bool gz)
{
  struct hg_lines *r = calloc (1, sizeof *r);
  if (r)
    r->buf = malloc (CHUNK);
  if (!r || !r->buf)
    goto fail;
  r->cap = CHUNK;
  r->fd = fd;
  if (gz)
    {
      r->gz = gzdopen (fd, "rb");
      if (!r->gz)
        goto fail;
      r->fd = -1; /* gzclose closes it */
      gzbuffer (r->gz, 256u << 10);
    }
  return r;
fail:
  if (r)
    free (r->buf);
  free (r);
  close (fd);
  errno = ENOMEM;
  return NULL;
}

static bool
ends_with (const char *s, const char *suffix)
{
  size_t n = strlen (s), m = strlen (suffix);
  return n >= m && strcmp (s + n - m, suffix) == 0;
}

struct hg_lines *
hg_lines_open (int dirfd, const char *path, uid_t *owner)
{
  /* O_NONBLOCK: a FIFO planted in the log directory must not hang us. */
  int fd = openat (dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    return NULL;
  struct stat st = { 0 };
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    {
      int e = errno;
      close (fd);
      errno = st.st_mode && !S_ISREG (st.st_mode) ? EINVAL : e;
      return NULL;
    }
  fcntl (fd, F_SETFL, 0);
  if (owner)
    *owner = st.st_uid;
  return hg_lines_from_fd (fd, ends_with (path, ".gz"));
}

static ssize_t
fill (struct hg_lines *r, char *to, size_t n)
{
  if (r->gz)
    {
      int got = gzread (r->gz, to, n > (1u << 30) ? (1u << 30) : (unsigned) n);
      if (got < 0)
        {
          int zerr;
          gzerror (r->gz, &zerr);
          errno = zerr == Z_ERRNO ? errno : EIO;
        }
      return got;
    }
  ssize_t got;
  do
    got = read (r->fd, to, n);
  while (got < 0 && errno == EINTR);
  return got;
}

int
hg_lines_next (struct hg_lines *r, const char **line, size_t *len)
{
  const char *base = r->mem ? r->mem : r->buf;
  for (;;)
    {
      base = r->mem ? r->mem : r->buf;
      const char *nl = memchr (base + r->scan, '\n', r->end - r->scan);
      if (nl && r->skipping)
        {
          r->start = r->scan = (size_t) (nl - base) + 1;
          r->lineno++;
          r->skipping = false;
          r->skipped++;
          continue;
        }
      if (nl)
        {
          *line = base + r->start;
          *len = (size_t) (nl - *line);
          r->start = r->scan = (size_t) (nl - base) + 1;
          r->lineno++;
          r->unterminated = false;
          return 1;
        }
      r->scan = r->end;
      if (r->mem || r->eof)
        break;
      if (r->start > 0)
        {
          memmove (r->buf, r->buf + r->start, r->end - r->start);
          r->end -= r->start;
          r->scan = r->end;
          r->start = 0;
        }
      if (r->end == r->cap)
        {
          if (r->cap >= HG_LINE_MAX && r->skip_long)
            {
              r->skipping = true; /* what there is of it goes */
              r->start = r->end = r->scan = 0;
              continue;
            }
          if (r->cap >= HG_LINE_MAX)
            {
              errno = EFBIG;
              return -1;
            }
          char *b = realloc (r->buf, r->cap * 2);
          if (!b)
            return -1;
          r->buf = b;
          r->cap *= 2;
        }
      ssize_t got = fill (r, r->buf + r->end, r->cap - r->end);
      if (got < 0)
        return -1;
      if (got == 0)
        r->eof = true;
      r->end += (size_t) got;
    }
  if (r->start == r->end || r->skipping)
    return 0;
  /* A last line without its newline (a torn write): returned as it is, so
   * that verify can name it. */
  *line = base + r->start;
  *len = r->end - r->start;
  r->start = r->scan = r->end;
  r->lineno++;
  r->unterminated = true;
  return 1;
}

void
hg_lines_skip_long (struct hg_lines *r)
{
  r->skip_long = true;
}

size_t
hg_lines_skipped (const struct hg_lines *r)
{
  return r->skipped;
}

unsigned long
hg_lines_lineno (const struct hg_lines *r)
{
  return r->lineno;
}

bool
hg_lines_unterminated (const struct hg_lines *r)
{
  return r->unterminated;
}

void
hg_lines_free (struct hg_lines *r)
{
  if (!r)
    return;
  if (r->gz)
    gzclose (r->gz);
  if (r->fd >= 0)
    close (r->fd);
  free (r->buf);
  free (r);
}

/* journald's MESSAGE: a string, or an array of byte values when it was not
 * valid UTF-8.  Returns a malloc'd copy (NUL-terminated), NULL if neither. */
char *
hg_journal_message (struct json_object *msg, size_t *len)
{
  if (json_object_is_type (msg, json_type_string))
    {
      *len = (size_t) json_object_get_string_len (msg);
      char *s = malloc (*len + 1);
      if (s)
        memcpy (s, json_object_get_string (msg), *len + 1);
      return s;
    }
  if (!json_object_is_type (msg, json_type_array))
    return NULL;
  size_t n = json_object_array_length (msg);
  cleanup_free char *s = malloc (n + 1);
  if (!s)
    return NULL;
  for (size_t i = 0; i < n; i++)
    {
      struct json_object *b = json_object_array_get_idx (msg, i);
      if (!json_object_is_type (b, json_type_int))
        return NULL;
      int64_t v = json_object_get_int64 (b);
      if (v < 0 || v > 255)
        return NULL;
      s[i] = (char) v;
    }
  s[n] = '\0';
  *len = n;
  return steal_pointer (&s);
}

struct json_object *
hg_record_from_line (const char *line, size_t len, const char **text, size_t *text_len,
                     char **buf)
{
  *buf = NULL;
  struct json_object *obj = hg_record_parse (line, len), *msg;
  if (!obj)
    return NULL;
  if (json_object_object_get_ex (obj, "seq", NULL)
      || !json_object_object_get_ex (obj, "MESSAGE", &msg))
    {
      *text = line;
      *text_len = len;
      return obj;
    }
  size_t n = 0;
  cleanup_free char *m = hg_journal_message (msg, &n);
  json_object_put (obj);
  if (!m)
    return NULL;
  /* Our syslog line is "sha256=HEX {record}". */
  size_t skip = 0;
  if (n > 7 + 64 && memcmp (m, "sha256=", 7) == 0 && m[7 + 64] == ' '
      && strspn (m + 7, "0123456789abcdef") >= 64)
    skip = 7 + 64 + 1;
  obj = hg_record_parse (m + skip, n - skip);
  if (!obj)
    return NULL;
  if (skip)
    memmove (m, m + skip, n - skip + 1);
  *text_len = n - skip;
  *text = *buf = steal_pointer (&m);
  return obj;
}

int64_t
hg_record_ts (struct json_object *rec)
{
  struct json_object *v;
  int64_t us;
  if (!json_object_object_get_ex (rec, "ts", &v) || !json_object_is_type (v, json_type_string)
      || hg_iso_parse (json_object_get_string (v), &us) < 0)
    return INT64_MIN;
  return us;
}
