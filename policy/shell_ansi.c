/* ANSI-C quoting, $'...': its escapes decoded as bash decodes them. */
#include "shell_parse.h"

static int
hex_value (char c)
{
  if (is_digit (c))
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads up to `max` digits of `base` at s[*ip]; -1 when there are none. */
static long
read_number (const char *s, size_t *ip, int base, int max)
{
  long v = 0;
  int n = 0;
  for (; n < max; n++)
    {
      int d = hex_value (s[*ip]);
      if (d < 0 || d >= base)
        break;
      v = v * base + d;
      (*ip)++;
    }
  return n ? v : -1;
}

/* \uHHHH and \UHHHHHHHH: the code point in UTF-8, as bash does in a UTF-8
 * locale (the policy never depends on the caller's locale). */
static bool
add_utf8 (struct buf *b, long cp)
{
  unsigned char u[4];
  size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : cp < 0x110000 ? 4 : 0;
  static const unsigned char lead[] = { 0, 0, 0xc0, 0xe0, 0xf0 };

  for (size_t k = n; k > 1; k--, cp >>= 6)
    u[k - 1] = (unsigned char) (0x80 | (cp & 0x3f));
  if (n)
    u[0] = (unsigned char) (lead[n] | cp);
  return buf_add (b, (const char *) u, n);
}

/* One escape of $'...' at s[*ip] (after the backslash): returns the byte,
 * or -1 for a \u or \U already added to b (when b is not NULL), or -2 for
 * an escape that stays as written. */
static long
ansi_escape (const char *s, size_t *ip, struct buf *b, bool *ok)
{
  static const char from[] = "abeEfnrtv\\'\"?";
  static const char to[] = "\a\b\033\033\f\n\r\t\v\\'\"?";
  char c = s[*ip];
  const char *k = c ? strchr (from, c) : NULL;
  long v;

  *ok = true;
  if (k)
    {
      (*ip)++;
      return to[k - from];
    }
  if (c >= '0' && c <= '7')
    return read_number (s, ip, 8, 3) & 0xff;
  if (c == 'x' || c == 'u' || c == 'U')
    {
      (*ip)++;
      v = read_number (s, ip, 16, c == 'x' ? 2 : c == 'u' ? 4 : 8);
      if (v < 0 || c == 'x')
        return v < 0 ? -2 : v;
      *ok = !b || add_utf8 (b, v);
      return -1;
    }
  if (c == 'c' && s[*ip + 1])
    {
      *ip += 2;
      return s[*ip - 1] & 0x1f;
    }
  return -2;
}

/* s[*ip] is the character after `$'`: ANSI-C quoting, decoded. */
int
hg_sh_read_ansi (struct parser *p, const char *s, size_t *ip, struct word *w)
{
  size_t i = *ip;
  bool cut = false; /* after a NUL, bash drops the rest of the string */

  for (;;)
    {
      char c = s[i];
      long v = (unsigned char) c;
      bool ok = true;
      if (c == '\0')
        {
          *ip = i;
          return unknowable (p, "an unterminated quote", true);
        }
      if (c == '\'')
        break;
      i++;
      if (c == '\\')
        {
          size_t at = i;
          v = ansi_escape (s, &i, cut ? NULL : &w->text, &ok);
          if (v == -2)
            {
              i = at;
              v = '\\';
            }
        }
      if (v == 0)
        cut = true;
      else if (v > 0 && !cut)
        ok = buf_addc (&w->text, (char) v);
      if (!ok)
        return nomem (p);
    }
  *ip = i + 1;
  return 0;
}
