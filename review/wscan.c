/* Witness lines: rsyslog's "... hostguard[PID]: sha256=HEX {record}" (with
 * `_UID=N` when imuxsock annotates trusted properties), or journald's JSON
 * entry whose MESSAGE is "sha256=HEX {record}" and whose _UID is trusted.
 * The record text is read with a forgiving scanner: syslog may have cut it. */
#include <string.h>

#include <json-c/json.h>

#include "util/util.h"
#include "review.h"
#include "internal.h"

static const char *
skip_ws (const char *p, const char *e)
{
  while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
    p++;
  return p;
}

/* Past a JSON string starting after its opening quote; NULL when cut. */
static const char *
skip_string (const char *p, const char *e)
{
  for (; p < e; p++)
    if (*p == '\\')
      p++;
    else if (*p == '"')
      return p + 1;
  return NULL;
}

/* Past any JSON value (not checked in depth); NULL when cut. */
static const char *
skip_value (const char *p, const char *e)
{
  int depth = 0;
  while (p < e)
    {
      char c = *p;
      if (c == '"')
        {
          if (!(p = skip_string (p + 1, e)))
            return NULL;
        }
      else if (c == '{' || c == '[')
        depth++, p++;
      else if (c == '}' || c == ']')
        {
          if (depth == 0)
            return p; /* the end of the enclosing object */
          depth--, p++;
        }
      else if (c == ',' && depth == 0)
        return p;
      else
        p++;
      if (depth == 0 && p < e && (*p == ',' || *p == '}'))
        return p;
    }
  return NULL;
}

static bool
number (const char *p, const char *e, unsigned long long *v)
{
  *v = 0;
  const char *s = p;
  for (; p < e && *p >= '0' && *p <= '9'; p++)
    {
      if (*v > (~0ull - 9) / 10)
        return false;
      *v = *v * 10 + (unsigned) (*p - '0');
    }
  return p > s && (p == e || *p == ',' || *p == '}' || *p == ' ');
}

bool
hg_wscan_fields (const char *p, size_t len, struct hg_wfields *f)
{
  memset (f, 0, sizeof *f);
  const char *e = p + len, *start = p;
  p = skip_ws (p, e);
  if (p == e || *p != '{')
    return false;
  p++;
  for (;;)
    {
      p = skip_ws (p, e);
      if (p == e || *p != '"')
        break;
      const char *k = p + 1, *ke = skip_string (k, e);
      if (!ke)
        break;
      size_t kn = (size_t) (ke - 1 - k);
      p = skip_ws (ke, e);
      if (p == e || *p != ':')
        break;
      p = skip_ws (p + 1, e);
      if (p == e)
        break;
      const char *v = p, *ve;
      if (*v == '"')
        {
          if (!(ve = skip_string (v + 1, e)))
            break;
          struct hg_slice s = { v + 1, (size_t) (ve - 1 - (v + 1)) }, *to = NULL;
          if (kn == 4 && memcmp (k, "host", 4) == 0)
            to = &f->host;
          else if (kn == 4 && memcmp (k, "user", 4) == 0)
            to = &f->user;
          else if (kn == 2 && memcmp (k, "id", 2) == 0)
            to = &f->id;
          else if (kn == 2 && memcmp (k, "ts", 2) == 0)
            to = &f->ts;
          else if (kn == 5 && memcmp (k, "event", 5) == 0)
            to = &f->event;
          if (to && to->p == NULL)
            *to = s;
        }
      else
        {
          if (!(ve = skip_value (v, e)))
            ve = e;
          unsigned long long n;
          if (kn == 3 && memcmp (k, "seq", 3) == 0 && !f->has_seq && number (v, ve, &n))
            f->has_seq = true, f->seq = n;
          else if (kn == 3 && memcmp (k, "uid", 3) == 0 && !f->has_uid && number (v, ve, &n))
            f->has_uid = true, f->uid = n;
          if (ve == e)
            break;
        }
      p = skip_ws (ve, e);
      if (p < e && *p == '}')
        f->end = (size_t) (p + 1 - start);
      if (p == e || *p != ',')
        break;
      p++;
    }
  return f->has_seq;
}

/* "sha256=HEX " at m: the hash, and where the record starts. */
static bool
hash_prefix (const char *m, size_t n, struct hg_wline *w)
{
  if (n < 7 + 64 + 1 || memcmp (m, "sha256=", 7) != 0 || m[7 + 64] != ' '
      || !hg_hex_decode (m + 7, 64, w->hash))
    return false;
  w->rec = m + 7 + 64 + 1;
  w->rec_len = n - (7 + 64 + 1);
  return true;
}

static long long
parse_uid (const char *s, size_t n)
{
  unsigned long long v = 0;
  if (n == 0 || n > 10)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      if (s[i] < '0' || s[i] > '9')
        return -1;
      v = v * 10 + (unsigned) (s[i] - '0');
    }
  return v > 0xffffffffull ? -1 : (long long) v;
}

static int
journal_line (const char *line, size_t len, struct hg_wline *w)
{
  struct json_object *obj = hg_record_parse (line, len), *msg, *u, *ident;
  if (!obj)
    return HG_WLINE_OTHER;
  int kind = HG_WLINE_OTHER;
  size_t n = 0;
  if (json_object_object_get_ex (obj, "SYSLOG_IDENTIFIER", &ident)
      && !(json_object_is_type (ident, json_type_string)
           && strcmp (json_object_get_string (ident), "hostguard") == 0))
    goto out;
  if (!json_object_object_get_ex (obj, "MESSAGE", &msg))
    goto out;
  char *m = hg_journal_message (msg, &n);
  if (!m)
    goto out;
  if (!hash_prefix (m, n, w))
    {
      free (m);
      goto out;
    }
  w->buf = m;
  w->sender_uid = -1;
  if (json_object_object_get_ex (obj, "_UID", &u) && json_object_is_type (u, json_type_string))
    w->sender_uid = parse_uid (json_object_get_string (u), (size_t) json_object_get_string_len (u));
  kind = HG_WLINE_RECORD;
out:
  json_object_put (obj);
  return kind;
}

int
hg_wscan_line (const char *line, size_t len, struct hg_wline *w)
{
  memset (w, 0, sizeof *w);
  w->sender_uid = -1;
  if (len > 0 && line[0] == '{')
    return journal_line (line, len, w);
  if (memmem (line, len, "due to rate-limiting", 20) || memmem (line, len, "begins to drop messages", 23))
    return HG_WLINE_DROPPED;
  /* "... hostguard[PID]: sha256=HEX {record}" */
  const char *p = memmem (line, len, " hostguard[", 11), *e = line + len;
  if (!p)
    return HG_WLINE_OTHER;
  p += 11;
  while (p < e && *p >= '0' && *p <= '9')
    p++;
  if (e - p < 3 || memcmp (p, "]: ", 3) != 0)
    return HG_WLINE_OTHER;
  p += 3;
  if (!hash_prefix (p, (size_t) (e - p), w))
    return HG_WLINE_OTHER;
  /* Trusted properties annotated by imuxsock, right after the whole record:
   * " @[_PID=N _UID=N ...]" (what follows, _CMDLINE, is the sender's). */
  struct hg_wfields f;
  hg_wscan_fields (w->rec, w->rec_len, &f);
  if (f.end)
    {
      const char *t = w->rec + f.end;
      if (e - t > 8 && memcmp (t, " @[_PID=", 8) == 0)
        {
          t += 8;
          while (t < e && *t >= '0' && *t <= '9')
            t++;
          if (e - t > 6 && memcmp (t, " _UID=", 6) == 0)
            {
              const char *d = t + 6, *de = d;
              while (de < e && *de >= '0' && *de <= '9')
                de++;
              w->sender_uid = parse_uid (d, (size_t) (de - d));
            }
        }
      w->rec_len = f.end;
    }
  return HG_WLINE_RECORD;
}
