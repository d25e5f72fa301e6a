/* The audit record as one JSON line (docs/audit-record.md).  Written by hand
 * with a small escaping writer (no JSON library on the path that runs before
 * every command), read back with json-c; both live here so that escaping and
 * unescaping cannot disagree. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "util/util.h"
#include "audit.h"

struct jbuf
{
  char *p;
  size_t len, cap;
  bool oom;
};

static void
jb_reserve (struct jbuf *b, size_t more)
{
  if (b->oom || b->len + more + 1 <= b->cap)
    return;
  size_t cap = b->cap ? b->cap : 1024;
  while (cap < b->len + more + 1)
    cap *= 2;
  char *p = realloc (b->p, cap);
  if (!p)
    {
      b->oom = true;
      return;
    }
  b->p = p;
  b->cap = cap;
}

static void
jb_mem (struct jbuf *b, const void *s, size_t n)
{
  jb_reserve (b, n);
  if (b->oom)
    return;
  memcpy (b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void
jb_lit (struct jbuf *b, const char *s)
{
  jb_mem (b, s, strlen (s));
}

static void
jb_fmt (struct jbuf *b, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
static void
jb_fmt (struct jbuf *b, const char *fmt, ...)
{
  char tmp[64];
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (tmp, sizeof tmp, fmt, ap);
  va_end (ap);
  if (n > 0)
    jb_mem (b, tmp, (size_t) n < sizeof tmp ? (size_t) n : sizeof tmp - 1);
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0: overlong forms,
 * surrogates and code points past U+10FFFF are invalid. */
static size_t
utf8_seq (const unsigned char *s, size_t n, uint32_t *cp)
{
  unsigned char c = s[0];
  size_t len;
  uint32_t v, min;
  if (c < 0x80)
    return *cp = c, 1;
  else if ((c & 0xe0) == 0xc0)
    len = 2, v = c & 0x1f, min = 0x80;
  else if ((c & 0xf0) == 0xe0)
    len = 3, v = c & 0x0f, min = 0x800;
  else if ((c & 0xf8) == 0xf0)
    len = 4, v = c & 0x07, min = 0x10000;
  else
    return 0;
  if (len > n)
    return 0;
  for (size_t i = 1; i < len; i++)
    {
      if ((s[i] & 0xc0) != 0x80)
        return 0;
      v = (v << 6) | (s[i] & 0x3f);
    }
  if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
    return 0;
  *cp = v;
  return len;
}

static bool
utf8_valid (const char *s, size_t n)
{
  const unsigned char *u = (const unsigned char *) s;
  uint32_t cp;
  for (size_t i = 0; i < n;)
    {
      if (u[i] < 0x80)
        {
          i++;
          continue;
        }
      size_t k = utf8_seq (u + i, n - i, &cp);
      if (!k)
        return false;
      i += k;
    }
  return true;
}

/* One code point, escaped where a JSON reader, a terminal or a JavaScript
 * consumer could trip: controls (C0, DEL, C1), quote, backslash,
 * U+2028/U+2029. */
static void
jb_cp (struct jbuf *b, uint32_t cp)
{
  char tmp[8];
  switch (cp)
    {
    case '"': jb_mem (b, "\\\"", 2); return;
    case '\\': jb_mem (b, "\\\\", 2); return;
    case '\n': jb_mem (b, "\\n", 2); return;
    case '\r': jb_mem (b, "\\r", 2); return;
    case '\t': jb_mem (b, "\\t", 2); return;
    default: break;
    }
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029)
    {
      snprintf (tmp, sizeof tmp, "\\u%04" PRIx32, cp);
      jb_mem (b, tmp, 6);
      return;
    }
  if (cp < 0x80)
    tmp[0] = (char) cp, jb_mem (b, tmp, 1);
  else if (cp < 0x800)
    {
      tmp[0] = (char) (0xc0 | (cp >> 6));
      tmp[1] = (char) (0x80 | (cp & 0x3f));
      jb_mem (b, tmp, 2);
    }
  else if (cp < 0x10000)
    {
      tmp[0] = (char) (0xe0 | (cp >> 12));
      tmp[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
      tmp[2] = (char) (0x80 | (cp & 0x3f));
      jb_mem (b, tmp, 3);
    }
  else
    {
      tmp[0] = (char) (0xf0 | (cp >> 18));
      tmp[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
      tmp[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
      tmp[3] = (char) (0x80 | (cp & 0x3f));
      jb_mem (b, tmp, 4);
    }
}

static bool
plain_ascii (unsigned char c)
{
  return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

enum str_mode
{
  STR_REPLACE, /* invalid UTF-8 bytes become U+FFFD */
  STR_BYTES,   /* every byte is the code point U+0000-U+00FF */
};

static void
jb_str (struct jbuf *b, const char *s, enum str_mode mode)
{
  if (!s)
    {
      jb_lit (b, "null");
      return;
    }
  const unsigned char *u = (const unsigned char *) s;
  size_t n = strlen (s);
  jb_reserve (b, n + 2); /* the common case: nothing to escape */
  jb_mem (b, "\"", 1);
  for (size_t i = 0; i < n;)
    {
      size_t run = i;
      while (run < n && plain_ascii (u[run]))
        run++;
      if (run > i)
        {
          jb_mem (b, s + i, run - i);
          i = run;
          continue;
        }
      uint32_t cp;
      size_t k = mode == STR_BYTES ? (cp = u[i], 1) : utf8_seq (u + i, n - i, &cp);
      if (k == 0)
        cp = 0xfffd, k = 1;
      jb_cp (b, cp);
      i += k;
    }
  jb_mem (b, "\"", 1);
}

static void
jb_key (struct jbuf *b, const char *key)
{
  jb_mem (b, ",\"", 2);
  jb_lit (b, key);
  jb_mem (b, "\":", 2);
}

static void
jb_kstr (struct jbuf *b, const char *key, const char *val)
{
  jb_key (b, key);
  jb_str (b, val, STR_REPLACE);
}

static void
jb_kint (struct jbuf *b, const char *key, bool present, long long v)
{
  jb_key (b, key);
  if (present)
    jb_fmt (b, "%lld", v);
  else
    jb_lit (b, "null");
}

static void
jb_timestamp (struct jbuf *b)
{
  struct timespec ts;
  struct tm tm;
  char tmp[40];
  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  size_t n = strftime (tmp, sizeof tmp, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (tmp + n, sizeof tmp - n, ".%06ldZ", ts.tv_nsec / 1000);
  jb_kstr (b, "ts", tmp);
}

static void
jb_argv (struct jbuf *b, const char *const *argv, size_t argc)
{
  bool any_bytes = false;
  jb_key (b, "argv");
  jb_mem (b, "[", 1);
  for (size_t i = 0; i < argc; i++)
    {
      bool ok = utf8_valid (argv[i], strlen (argv[i]));
      any_bytes |= !ok;
      if (i)
        jb_mem (b, ",", 1);
      jb_str (b, argv[i], ok ? STR_REPLACE : STR_BYTES);
    }
  jb_mem (b, "]", 1);
  if (!any_bytes)
    return;
  /* Second pass only in the rare case: keep the common one cheap. */
  jb_key (b, "argv_bytes");
  jb_mem (b, "[", 1);
  bool first = true;
  for (size_t i = 0; i < argc; i++)
    if (!utf8_valid (argv[i], strlen (argv[i])))
      {
        jb_fmt (b, first ? "%zu" : ",%zu", i);
        first = false;
      }
  jb_mem (b, "]", 1);
}

char *
hg_record_build (const struct hg_cmd *cmd, const char *event, const char *const *argv, size_t argc,
                 unsigned long long seq, const char *prev)
{
  struct jbuf b = { 0 };
  size_t guess = 1024;
  for (size_t i = 0; i < argc; i++)
    guess += strlen (argv[i]) + 3;
  jb_reserve (&b, guess);

  jb_fmt (&b, "{\"v\":1,\"seq\":%llu", seq);
  jb_timestamp (&b);
  jb_kstr (&b, "boot_id", cmd->boot_id);
  jb_kstr (&b, "id", cmd->id);
  jb_kstr (&b, "event", event);
  jb_kstr (&b, "host", cmd->host);
  jb_kstr (&b, "user", cmd->user);
  jb_kint (&b, "uid", true, (long long) cmd->uid);
  jb_kstr (&b, "login_user", cmd->login_user);
  jb_kint (&b, "pid", true, (long long) cmd->pid);
  jb_kstr (&b, "tty", cmd->tty);
  jb_kstr (&b, "cwd", cmd->cwd);
  jb_kstr (&b, "mode", cmd->mode == HG_MODE_SHELL ? "shell" : cmd->mode == HG_MODE_SUDO ? "sudo" : "run");
  if (cmd->runas)
    jb_kstr (&b, "runas", cmd->runas);
  jb_argv (&b, argv, argc);
  jb_kstr (&b, "exe", cmd->exe);
  if (cmd->runs)
    jb_kstr (&b, "runs", cmd->runs);
  jb_kstr (&b, "rule", cmd->rule);
  jb_kstr (&b, "action", hg_action_name (cmd->action));
  jb_kstr (&b, "decision", hg_decision_name (cmd->decision));
  jb_key (&b, "approvers");
  jb_mem (&b, "[", 1);
  for (size_t i = 0; cmd->approvers && cmd->approvers[i]; i++)
    {
      if (i)
        jb_mem (&b, ",", 1);
      jb_str (&b, cmd->approvers[i], STR_REPLACE);
    }
  jb_mem (&b, "]", 1);
  jb_kstr (&b, "reason", cmd->reason);
  jb_kstr (&b, "message", cmd->message);
  jb_kstr (&b, "note", cmd->note);
  if (cmd->break_glass)
    jb_lit (&b, ",\"break_glass\":true");
  if (cmd->digest)
    {
      /* The approval request's terms: what the spool file shows an
       * approver, and what binds the approval to it. */
      jb_kint (&b, "login_uid", cmd->login_uid != (uid_t) -1, (long long) cmd->login_uid);
      jb_kint (&b, "approvals", true, cmd->approvals_needed);
      jb_kstr (&b, "approvers_group", cmd->approvers_group);
      jb_kstr (&b, "argv_sha256", cmd->argv_sha256);
      jb_kstr (&b, "digest", cmd->digest);
      jb_kint (&b, "expires", true, (long long) cmd->expires);
    }
  jb_kint (&b, "exit", cmd->exit_status >= 0, cmd->exit_status);
  jb_kint (&b, "signal", cmd->signal > 0, cmd->signal);
  jb_kint (&b, "duration_ms", cmd->duration_ms >= 0, (long long) cmd->duration_ms);
  jb_kstr (&b, "prev", prev);
  jb_mem (&b, "}", 1);
  if (b.oom)
    {
      free (b.p);
      return NULL;
    }
  return b.p;
}

char *
hg_json_string (const char *s)
{
  struct jbuf b = { 0 };
  jb_str (&b, s, STR_REPLACE);
  if (b.oom)
    {
      free (b.p);
      return NULL;
    }
  return b.p;
}

/* ---- reading back ---- */

/* Turns a string of code points U+0000-U+00FF back into its bytes; false
 * when some code point is larger or is U+0000 (never in an argv). */
static bool
bytes_from_latin1 (const char *s, size_t n, char *out)
{
  const unsigned char *u = (const unsigned char *) s;
  size_t o = 0;
  for (size_t i = 0; i < n;)
    {
      uint32_t cp;
      size_t k = utf8_seq (u + i, n - i, &cp);
      if (k == 0 || cp == 0 || cp > 0xff)
        return false;
      out[o++] = (char) cp;
      i += k;
    }
  out[o] = '\0';
  return true;
}

char **
hg_record_argv (struct json_object *record, size_t *argc)
{
  struct json_object *av, *ab;
  if (!json_object_object_get_ex (record, "argv", &av) || !json_object_is_type (av, json_type_array))
    return NULL;
  size_t n = json_object_array_length (av);
  cleanup_free bool *bytes = calloc (n + 1, sizeof *bytes);
  if (!bytes)
    return NULL;
  if (json_object_object_get_ex (record, "argv_bytes", &ab))
    {
      if (!json_object_is_type (ab, json_type_array))
        return NULL;
      for (size_t i = 0; i < json_object_array_length (ab); i++)
        {
          struct json_object *x = json_object_array_get_idx (ab, i);
          if (!json_object_is_type (x, json_type_int))
            return NULL;
          int64_t k = json_object_get_int64 (x);
          if (k < 0 || (uint64_t) k >= n)
            return NULL;
          bytes[k] = true;
        }
    }
  cleanup_strv char **out = calloc (n + 1, sizeof *out);
  if (!out)
    return NULL;
  for (size_t i = 0; i < n; i++)
    {
      struct json_object *s = json_object_array_get_idx (av, i);
      if (!json_object_is_type (s, json_type_string))
        return NULL;
      const char *str = json_object_get_string (s);
      size_t len = (size_t) json_object_get_string_len (s);
      if (memchr (str, '\0', len))
        return NULL; /* no C argv holds a NUL */
      out[i] = malloc (len + 1);
      if (!out[i])
        return NULL;
      if (bytes[i])
        {
          if (!bytes_from_latin1 (str, len, out[i]))
            return NULL;
        }
      else
        memcpy (out[i], str, len + 1);
    }
  if (argc)
    *argc = n;
  return steal_pointer (&out);
}

struct json_object *
hg_record_parse (const char *text, size_t len)
{
  if (len > INT32_MAX)
    return NULL;
  struct json_tokener *tok = json_tokener_new_ex (16);
  if (!tok)
    return NULL;
  json_tokener_set_flags (tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
  struct json_object *obj = json_tokener_parse_ex (tok, text, (int) len);
  bool ok = obj && json_tokener_get_error (tok) == json_tokener_success
            && json_tokener_get_parse_end (tok) == len
            && json_object_is_type (obj, json_type_object);
  json_tokener_free (tok);
  if (!ok)
    {
      json_object_put (obj);
      return NULL;
    }
  return obj;
}

int64_t
hg_rec_int (struct json_object *rec, const char *key, int64_t dflt)
{
  struct json_object *v;
  if (!json_object_object_get_ex (rec, key, &v) || !json_object_is_type (v, json_type_int))
    return dflt;
  return json_object_get_int64 (v);
}

const char *
hg_rec_str (struct json_object *rec, const char *key)
{
  struct json_object *v;
  if (!json_object_object_get_ex (rec, key, &v) || !json_object_is_type (v, json_type_string))
    return NULL;
  return json_object_get_string (v);
}

char *
hg_rec_command (struct json_object *rec)
{
  size_t argc = 0;
  cleanup_strv char **argv = hg_record_argv (rec, &argc);
  if (!argv)
    return hg_escape_str (NULL);
  char *q = hg_quote_argv (argv, argc);
  if (!q)
    abort ();
  return q;
}

void
hg_json_put (struct json_object **o)
{
  json_object_put (*o);
}
