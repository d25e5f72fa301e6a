/* Redaction of secrets in argv, before any record or prompt is built.
 *
 * Every argument is looked at three ways:
 *  - as one word (argv element): -pSECRET after a mysql/mariadb program,
 *    --password=SECRET, --password SECRET, PGPASSWORD=SECRET...; the secret
 *    runs to the end of the argument;
 *  - when it holds blanks (sh -c, ssh HOST "...", mysql -e "..."), as a
 *    shell string: each word, split on unquoted blanks and ; & | ( ) `,
 *    gets the same word rules, the secret running to the end of the word;
 *  - anywhere inside: user:pass@ in URLs, Authorization: and *-Access-Key:
 *    headers, SQL passwords (IDENTIFIED BY '...'), the policy's patterns.
 * Each secret becomes ***.  docs/audit-record.md lists the forms. */
#include <ctype.h>
#include <regex.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "util/util.h"
#include "audit.h"
#include "policy/sqllex.h"

/* SQL passwords of MariaDB (IDENTIFIED BY, PASSWORD(), USING...) are
 * found by the SQL lexer (redact_sql.c); this is PostgreSQL's
 * [ENCRYPTED] PASSWORD '...', ending on the quote that opens the secret. */
static const char sql_re[] = "(^|[^a-z0-9_])password[[:space:]]+'";

struct hg_redactor
{
  regex_t sql;
  regex_t *extra;
  size_t n_extra;
};

struct span
{
  size_t a, b;
};

struct spans
{
  struct span *v;
  size_t n, cap;
  bool oom;
};

static void
add_span (struct spans *sp, size_t a, size_t b)
{
  if (a >= b || sp->oom)
    return;
  if (sp->n == sp->cap)
    {
      size_t cap = sp->cap ? sp->cap * 2 : 8;
      struct span *v = reallocarray (sp->v, cap, sizeof *v);
      if (!v)
        {
          sp->oom = true;
          return;
        }
      sp->v = v;
      sp->cap = cap;
    }
  sp->v[sp->n++] = (struct span) { a, b };
}

static void
add_span_cb (void *ctx, size_t a, size_t b)
{
  add_span (ctx, a, b);
}

static bool
ends_with_ci (const char *s, size_t n, const char *suffix)
{
  size_t k = strlen (suffix);
  return n >= k && strncasecmp (s + n - k, suffix, k) == 0;
}

static bool
all_chars (const char *s, size_t n, const char *extra)
{
  for (size_t i = 0; i < n; i++)
    if (!isalnum ((unsigned char) s[i]) && !strchr (extra, s[i]))
      return false;
  return n > 0;
}

/* mysql, mysqldump, mysqladmin, mariadb, mariadb-dump...: the programs whose
 * -p takes an attached password. */
static bool
is_mysql_program (const char *w, size_t n)
{
  const char *slash = memrchr (w, '/', n);
  if (slash)
    n -= (size_t) (slash + 1 - w), w = slash + 1;
  return all_chars (w, n, "-_.")
         && ((n >= 5 && strncmp (w, "mysql", 5) == 0) || (n >= 7 && strncmp (w, "mariadb", 7) == 0));
}

struct word_ctx
{
  bool mysql;       /* a mysql-family program was seen */
  bool redact_next; /* the previous word was --password */
};

/* The word rules, on s[start, end). */
static void
word_rules (struct word_ctx *ctx, const char *s, size_t start, size_t end, struct spans *sp)
{
  const char *w = s + start;
  size_t n = end - start;
  if (n >= 2 && (w[0] == '\'' || w[0] == '"') && w[n - 1] == w[0])
    w++, start++, n -= 2, end--; /* a quoted word of a shell string */
  if (ctx->redact_next)
    {
      ctx->redact_next = false;
      add_span (sp, start, end);
      return;
    }
  if (is_mysql_program (w, n))
    {
      ctx->mysql = true;
      return;
    }
  /* -pSECRET, -BpSECRET, --pass=SECRET...: as the client's parser reads them */
  long at = ctx->mysql ? hg_sql_password_at (w, n) : -1;
  if (at >= 0)
    {
      add_span (sp, start + (size_t) at, end);
      return;
    }
  const char *eq = memchr (w, '=', n);
  size_t name = eq ? (size_t) (eq - w) : n;
  if (n > 2 && w[0] == '-' && w[1] == '-')
    {
      /* --password, --db-password, --passwd; not --password-file. */
      if (!all_chars (w + 2, name - 2, "-_")
          || !(ends_with_ci (w, name, "password") || ends_with_ci (w, name, "passwd")))
        return;
      if (eq)
        add_span (sp, start + name + 1, end);
      else
        ctx->redact_next = true;
      return;
    }
  /* PGPASSWORD=, MYSQL_PWD=, DB_PASSWORD=... (as env or shell assignments) */
  if (eq && all_chars (w, name, "_")
      && (ends_with_ci (w, name, "password") || ends_with_ci (w, name, "passwd")
          || ends_with_ci (w, name, "_pwd")))
    add_span (sp, start + name + 1, end);
}

static bool
is_separator (char c)
{
  return isspace ((unsigned char) c) || strchr (";&|()`", c);
}

/* End of the shell word that starts at i: quotes and backslashes hold
 * blanks inside it. */
static size_t
word_end (const char *s, size_t i, size_t n)
{
  char q = 0;
  for (; i < n; i++)
    {
      char c = s[i];
      if (q)
        {
          if (c == q)
            q = 0;
          else if (c == '\\' && q == '"' && i + 1 < n)
            i++;
        }
      else if (c == '\\' && i + 1 < n)
        i++;
      else if (c == '\'' || c == '"')
        q = c;
      else if (is_separator (c))
        break;
    }
  return i;
}

static void
shell_words (const char *s, size_t n, struct spans *sp)
{
  struct word_ctx ctx = { 0 };
  for (size_t i = 0; i < n;)
    {
      if (is_separator (s[i]))
        {
          i++;
          continue;
        }
      size_t e = word_end (s, i, n);
      word_rules (&ctx, s, i, e, sp);
      i = e;
    }
}

/* scheme://user:pass@host: keeps the user, blanks the password. */
static void
url_passwords (const char *s, size_t n, struct spans *sp)
{
  for (const char *p = s; (p = memmem (p, n - (size_t) (p - s), "://", 3)); p += 3)
    {
      size_t i = (size_t) (p - s) + 3, end = i, at = 0, colon = 0;
      while (end < n && s[end] != '/' && !isspace ((unsigned char) s[end]) && !strchr ("'\"", s[end]))
        {
          if (s[end] == '@')
            at = end; /* the last @ ends the user info */
          end++;
        }
      for (size_t k = i; k < at && !colon; k++)
        if (s[k] == ':')
          colon = k;
      if (at && colon)
        add_span (sp, colon + 1, at);
    }
}

/* Authorization:, Proxy-Authorization:, X-...-Access-Key:, X-Api-Key:
 * values: to the quote that opened the header, else to the line's end. */
static void
header_values (const char *s, size_t n, struct spans *sp)
{
  for (const char *p = s; (p = memchr (p, ':', n - (size_t) (p - s))); p++)
    {
      size_t c = (size_t) (p - s), st = c;
      while (st > 0 && (isalnum ((unsigned char) s[st - 1]) || s[st - 1] == '-'))
        st--;
      if (!(ends_with_ci (s + st, c - st, "authorization") || ends_with_ci (s + st, c - st, "-access-key")
            || ends_with_ci (s + st, c - st, "-api-key")))
        continue;
      size_t v = c + 1, e;
      while (v < n && (s[v] == ' ' || s[v] == '\t'))
        v++;
      if (st > 0 && (s[st - 1] == '\'' || s[st - 1] == '"'))
        {
          const char *q = memchr (s + v, s[st - 1], n - v);
          e = q ? (size_t) (q - s) : n;
        }
      else
        {
          const char *nl = memchr (s + v, '\n', n - v);
          e = nl ? (size_t) (nl - s) : n;
        }
      add_span (sp, v, e);
    }
}

/* From just after an opening quote to its closing twin ('' and \' stay
 * inside), or to the end. */
static size_t
quoted_end (const char *s, size_t i, size_t n, char q)
{
  for (; i < n; i++)
    {
      if (s[i] == '\\' && i + 1 < n)
        i++;
      else if (s[i] == q && i + 1 < n && s[i + 1] == q)
        i++;
      else if (s[i] == q)
        return i;
    }
  return n;
}

static void
regex_spans (const regex_t *re, const char *s, size_t n, bool quoted, struct spans *sp)
{
  regmatch_t m[1];
  for (size_t off = 0; off <= n;)
    {
      if (regexec (re, s + off, 1, m, off ? REG_NOTBOL : 0) != 0)
        return;
      size_t a = off + (size_t) m[0].rm_so, b = off + (size_t) m[0].rm_eo;
      if (quoted)
        {
          b = quoted_end (s, b, n, s[b - 1]);
          add_span (sp, off + (size_t) m[0].rm_eo, b);
        }
      else
        add_span (sp, a, b);
      off = b > off ? b : off + 1;
    }
}

static int
cmp_span (const void *x, const void *y)
{
  const struct span *a = x, *b = y;
  return a->a < b->a ? -1 : a->a > b->a;
}

/* s with each (merged) span replaced by ***. */
static char *
apply_spans (const char *s, size_t n, struct spans *sp)
{
  if (sp->n == 0)
    return strdup (s);
  qsort (sp->v, sp->n, sizeof *sp->v, cmp_span);
  char *out = malloc (n + 3 * sp->n + 1), *o = out;
  if (!out)
    return NULL;
  size_t pos = 0;
  for (size_t i = 0; i < sp->n;)
    {
      size_t a = sp->v[i].a, b = sp->v[i].b;
      for (i++; i < sp->n && sp->v[i].a <= b; i++)
        if (sp->v[i].b > b)
          b = sp->v[i].b;
      memcpy (o, s + pos, a - pos);
      o = mempcpy (o + (a - pos), "***", 3);
      pos = b;
    }
  memcpy (o, s + pos, n - pos);
  o[n - pos] = '\0';
  return out;
}

/* A script follows -c (sh, bash -lc, su -c), -e (mysql): its leading word is
 * not an option of the outer command. */
static bool
is_script_flag (const char *a)
{
  size_t n = strlen (a);
  return (n >= 2 && a[0] == '-' && a[1] != '-' && strchr ("ce", a[n - 1]))
         || strcmp (a, "--command") == 0 || strcmp (a, "--execute") == 0;
}

char **
hg_redact_argv (const struct hg_redactor *r, const char *const *argv, size_t argc)
{
  cleanup_strv char **out = calloc (argc + 1, sizeof *out);
  struct spans sp = { 0 };
  struct word_ctx ctx = { 0 };
  if (!out)
    return NULL;
  for (size_t i = 0; i < argc; i++)
    {
      const char *a = argv[i];
      size_t n = strlen (a);
      bool blanks = strpbrk (a, " \t\n") != NULL;
      sp.n = 0;
      if (!(blanks && i > 0 && is_script_flag (argv[i - 1])))
        word_rules (&ctx, a, 0, n, &sp);
      if (blanks)
        shell_words (a, n, &sp);
      if (memmem (a, n, "://", 3))
        url_passwords (a, n, &sp);
      if (memchr (a, ':', n))
        header_values (a, n, &sp);
      if (r && (strcasestr (a, "password") || strcasestr (a, "identified")))
        regex_spans (&r->sql, a, n, true, &sp);
      if (strcasestr (a, "password") || strcasestr (a, "identified") || strcasestr (a, "using"))
        hg_redact_sql (a, n, add_span_cb, &sp);
      for (size_t k = 0; r && k < r->n_extra; k++)
        regex_spans (&r->extra[k], a, n, false, &sp);
      out[i] = sp.oom ? NULL : apply_spans (a, n, &sp);
      if (!out[i])
        {
          free (sp.v);
          return NULL;
        }
    }
  free (sp.v);
  return steal_pointer (&out);
}

int
hg_redactor_new (const char *const *patterns, size_t n, struct hg_redactor **out, hg_error **err)
{
  cleanup_free struct hg_redactor *r = calloc (1, sizeof *r);
  if (!r || !(r->extra = calloc (n + 1, sizeof *r->extra)))
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  if (regcomp (&r->sql, sql_re, REG_EXTENDED | REG_ICASE) != 0)
    {
      free (r->extra);
      return hg_fail (err, HG_ERR_NOMEM, "cannot compile the built-in redaction patterns");
    }
  for (; r->n_extra < n; r->n_extra++)
    if (regcomp (&r->extra[r->n_extra], patterns[r->n_extra], REG_EXTENDED | REG_ICASE) != 0)
      {
        const char *bad = patterns[r->n_extra];
        hg_redactor_free (steal_pointer (&r));
        return hg_fail (err, HG_ERR_POLICY, "bad redact pattern '%s'", bad);
      }
  *out = steal_pointer (&r);
  return 0;
}

void
hg_redactor_free (struct hg_redactor *r)
{
  if (!r)
    return;
  regfree (&r->sql);
  for (size_t k = 0; k < r->n_extra; k++)
    regfree (&r->extra[k]);
  free (r->extra);
  free (r);
}
