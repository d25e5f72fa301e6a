/* The verify hot path's reader: a small scanner of the top-level object
 * (strings and nesting skipped, keys compared), then json-c only for the
 * lines it cannot read. */
#include <limits.h>
#include <string.h>

#include <json-c/json.h>

#include "util/util.h"
#include "review.h"
#include "internal.h"

static int
hexval (char ch)
{
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  return -1;
}

bool
hg_hex_decode (const char *s, size_t n, uint8_t out[SHA256_DIGEST_SIZE])
{
  if (n != 2 * SHA256_DIGEST_SIZE)
    return false;
  for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++)
    {
      int hi = hexval (s[2 * i]), lo = hexval (s[2 * i + 1]);
      if (hi < 0 || lo < 0)
        return false;
      out[i] = (uint8_t) (hi << 4 | lo);
    }
  return true;
}

#define WS(ch) ((ch) == ' ' || (ch) == '\t' || (ch) == '\r' || (ch) == '\n')

/* Past the closing quote of the string that starts after *p; NULL if it
 * does not end or holds a raw control character. *esc: it has escapes. */
static const char *
skip_string (const char *p, const char *end, bool *esc)
{
  *esc = false;
  for (; p < end; p++)
    {
      unsigned char ch = (unsigned char) *p;
      if (ch == '"')
        return p + 1;
      if (ch == '\\')
        {
          *esc = true;
          if (++p == end)
            return NULL;
        }
      else if (ch < 0x20)
        return NULL;
    }
  return NULL;
}

/* Past a value that is not a string: a number or literal, or a nested
 * array or object (brackets counted, strings skipped). */
static const char *
skip_value (const char *p, const char *end)
{
  int depth = 0;
  bool esc;
  for (; p < end; p++)
    {
      char ch = *p;
      if (ch == '"')
        {
          if (depth == 0 || !(p = skip_string (p + 1, end, &esc)))
            return NULL;
          p--;
        }
      else if (ch == '[' || ch == '{')
        depth++;
      else if (ch == ']' || ch == '}')
        {
          if (depth == 0)
            return p;
          if (--depth == 0)
            return p + 1;
        }
      else if (depth == 0 && (ch == ',' || WS (ch)))
        return p;
      else if (depth == 0 && !strchr ("-+.0123456789eEtruefalsn", ch))
        return NULL;
    }
  return depth == 0 ? p : NULL;
}

static const char *
number (const char *p, const char *end, unsigned long long *v)
{
  const char *start = p;
  *v = 0;
  for (; p < end && *p >= '0' && *p <= '9'; p++)
    {
      if (*v > (ULLONG_MAX - 9) / 10)
        return NULL;
      *v = *v * 10 + (unsigned) (*p - '0');
    }
  return p > start ? p : NULL;
}

/* Reads the top-level `seq`, `uid` and `prev` of a record line.  False when
 * the line is not a plain JSON object or a key comes twice. */
bool
hg_scan_record (const char *p, size_t len, struct hg_recfields *f)
{
  const char *end = p + len;
  memset (f, 0, sizeof *f);
  while (p < end && WS (*p))
    p++;
  if (p == end || *p++ != '{')
    return false;
  for (;;)
    {
      while (p < end && WS (*p))
        p++;
      if (p == end || *p != '"')
        return false;
      bool esc;
      const char *key = ++p;
      if (!(p = skip_string (p, end, &esc)))
        return false;
      size_t klen = (size_t) (p - 1 - key);
      while (p < end && WS (*p))
        p++;
      if (p == end || *p++ != ':')
        return false;
      while (p < end && WS (*p))
        p++;
      if (p == end)
        return false;
#define IS(k) (!esc && klen == sizeof (k) - 1 && memcmp (key, k, klen) == 0)
      if (IS ("seq") || IS ("uid"))
        {
          bool *has = IS ("seq") ? &f->has_seq : &f->has_uid;
          if (*has || !(p = number (p, end, IS ("seq") ? &f->seq : &f->uid)))
            return false;
          *has = true;
        }
      else if (IS ("prev"))
        {
          const char *v = p + 1;
          if (f->has_prev || *p != '"' || !(p = skip_string (v, end, &esc)) || esc
              || !hg_hex_decode (v, (size_t) (p - 1 - v), f->prev))
            return false;
          f->has_prev = true;
        }
      else if (*p == '"')
        {
          if (!(p = skip_string (p + 1, end, &esc)))
            return false;
        }
      else if (!(p = skip_value (p, end)))
        return false;
#undef IS
      while (p < end && WS (*p))
        p++;
      if (p == end)
        return false;
      if (*p == '}')
        break;
      if (*p++ != ',')
        return false;
    }
  for (p++; p < end && WS (*p); p++)
    ;
  return p == end && f->has_seq && f->has_prev;
}

/* The slow path: json-c, and journald entries. */
bool
hg_scan_slow (const char *line, size_t len, struct hg_recfields *f, uint8_t hash[SHA256_DIGEST_SIZE])
{
  const char *text;
  size_t tlen;
  cleanup_free char *buf = NULL;
  struct json_object *obj = hg_record_from_line (line, len, &text, &tlen, &buf), *v;
  if (!obj)
    return false;
  memset (f, 0, sizeof *f);
  if (json_object_object_get_ex (obj, "seq", &v) && json_object_is_type (v, json_type_int)
      && json_object_get_int64 (v) >= 0)
    f->seq = (unsigned long long) json_object_get_int64 (v), f->has_seq = true;
  if (json_object_object_get_ex (obj, "uid", &v) && json_object_is_type (v, json_type_int)
      && json_object_get_int64 (v) >= 0)
    f->uid = (unsigned long long) json_object_get_int64 (v), f->has_uid = true;
  if (json_object_object_get_ex (obj, "prev", &v) && json_object_is_type (v, json_type_string)
      && hg_hex_decode (json_object_get_string (v), (size_t) json_object_get_string_len (v), f->prev))
    f->has_prev = true;
  json_object_put (obj);
  /* A journald entry chains on the record it carries, not on itself. */
  struct sha256_ctx h;
  sha256_init (&h);
  sha256_update (&h, tlen, (const uint8_t *) text);
  sha256_digest (&h, SHA256_DIGEST_SIZE, hash);
  return f->has_seq && f->has_prev;
}

