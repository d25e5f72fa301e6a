/* Escaping for the terminal.  Log content is attacker-influenced (any
 * argv reaches it), so every byte shown is either known printable or
 * spelled out. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Decodes one UTF-8 character at s (n > 0 bytes left): its length, or 0
 * when invalid (overlong, surrogate, beyond U+10FFFF, truncated). */
static size_t
utf8_char (const unsigned char *s, size_t n, unsigned *cp)
{
  if (s[0] < 0x80)
    {
      *cp = s[0];
      return 1;
    }
  size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
  if (len == 0 || s[0] > 0xf4 || n < len)
    return 0;
  unsigned v = s[0] & (0x7f >> len);
  for (size_t i = 1; i < len; i++)
    {
      if ((s[i] & 0xc0) != 0x80)
        return 0;
      v = v << 6 | (s[i] & 0x3f);
    }
  static const unsigned min[] = { 0, 0, 0x80, 0x800, 0x10000 };
  if (v < min[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
    return 0;
  *cp = v;
  return len;
}

/* Characters a terminal would act on or that reorder what is shown. */
static bool
unsafe (unsigned cp)
{
  return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c
         || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e)
         || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff;
}

char *
hg_escape (const char *s, size_t n)
{
  char *out = malloc (n * 10 + 1), *o = out;
  if (!out)
    return NULL;
  const unsigned char *p = (const unsigned char *) s;
  for (size_t i = 0; i < n;)
    {
      unsigned cp;
      size_t len = utf8_char (p + i, n - i, &cp);
      if (len == 0 || (unsafe (cp) && cp < 0x80))
        o += sprintf (o, "\\x%02x", p[i]), i++;
      else if (unsafe (cp))
        o += sprintf (o, "\\u{%04x}", cp), i += len;
      else if (cp == '\\')
        *o++ = '\\', *o++ = '\\', i++;
      else
        memcpy (o, p + i, len), o += len, i += len;
    }
  *o = '\0';
  return out;
}

static bool
bare (const char *s)
{
  return *s && strspn (s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-")
                   == strlen (s);
}

static bool
printable (const char *s)
{
  const unsigned char *p = (const unsigned char *) s;
  size_t n = strlen (s);
  for (size_t i = 0; i < n;)
    {
      unsigned cp;
      size_t len = utf8_char (p + i, n - i, &cp);
      if (len == 0 || unsafe (cp))
        return false;
      i += len;
    }
  return true;
}

/* Appends one argument, quoted, at o; returns the new end. */
static char *
quote (char *o, const char *s)
{
  if (bare (s))
    return stpcpy (o, s);
  if (printable (s))
    {
      *o++ = '\'';
      for (; *s; s++)
        o = *s == '\'' ? stpcpy (o, "'\\''") : (*o++ = *s, o);
      *o++ = '\'';
      return o;
    }
  const unsigned char *p = (const unsigned char *) s;
  size_t n = strlen (s);
  o = stpcpy (o, "$'");
  for (size_t i = 0; i < n;)
    {
      unsigned cp;
      size_t len = utf8_char (p + i, n - i, &cp);
      if (len == 0 || (unsafe (cp) && cp < 0x80))
        o += sprintf (o, "\\x%02x", p[i]), i++;
      else if (unsafe (cp))
        o += sprintf (o, "\\u%04x", cp), i += len;
      else if (cp == '\\' || cp == '\'')
        *o++ = '\\', *o++ = (char) cp, i++;
      else
        memcpy (o, p + i, len), o += len, i += len;
    }
  *o++ = '\'';
  return o;
}

char *
hg_quote_argv (char *const *argv, size_t argc)
{
  size_t total = 1;
  for (size_t i = 0; i < argc; i++)
    total += strlen (argv[i]) * 6 + 4;
  char *out = malloc (total), *o = out;
  if (!out)
    return NULL;
  for (size_t i = 0; i < argc; i++)
    {
      if (i > 0)
        *o++ = ' ';
      o = quote (o, argv[i]);
    }
  *o = '\0';
  return out;
}

char *
hg_escape_str (const char *s)
{
  if (!s)
    s = "-";
  char *e = hg_escape (s, strlen (s));
  if (!e)
    abort ();
  return e;
}

