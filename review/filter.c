/* The filters of `log` and `report`.  Times are UTC throughout: records
 * carry UTC, the table shows UTC, and a WHEN without a zone means UTC, so
 * that the same command gives the same answer on every host. */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "review.h"
#include "audit/audit.h"
#include "util/util.h"

static const char *const decisions[] = { "allowed", "logged",   "confirmed", "approved",
                                         "denied",  "declined", "timeout",   "error" };

bool
hg_decision_known (const char *name)
{
  for (size_t i = 0; i < N_ELEMENTS (decisions); i++)
    if (strcmp (name, decisions[i]) == 0)
      return true;
  return false;
}

/* Reads exactly `n` digits at *p; -1 when they are not there. */
static long
digits (const char **p, int n)
{
  long v = 0;
  for (int i = 0; i < n; i++, (*p)++)
    {
      if (!isdigit ((unsigned char) **p))
        return -1;
      v = v * 10 + (**p - '0');
    }
  return v;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil): no timegm, no TZ, no locale. */
static int64_t
days_from_civil (int64_t y, unsigned m, unsigned d)
{
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned) (y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t) doe - 719468;
}

int
hg_iso_parse (const char *s, int64_t *us)
{
  static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  const char *p = s;
  long y = digits (&p, 4);
  if (y < 0 || *p++ != '-')
    return -1;
  long mo = digits (&p, 2);
  if (mo < 1 || mo > 12 || *p++ != '-')
    return -1;
  long d = digits (&p, 2);
  if (d < 1 || (unsigned long) d > mdays[mo - 1]
      || (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
    return -1;
  long h = 0, mi = 0, sec = 0, frac = 0, off = 0;
  if (*p == 'T' || *p == 't' || *p == ' ')
    {
      p++;
      h = digits (&p, 2);
      if (h < 0 || h > 23 || *p++ != ':')
        return -1;
      mi = digits (&p, 2);
      if (mi < 0 || mi > 59)
        return -1;
      if (*p == ':')
        {
          p++;
          sec = digits (&p, 2);
          if (sec < 0 || sec > 60)
            return -1;
          if (*p == '.' || *p == ',')
            {
              p++;
              int n = 0;
              for (; isdigit ((unsigned char) *p); p++, n++)
                if (n < 6)
                  frac = frac * 10 + (*p - '0');
              if (n == 0)
                return -1;
              for (; n < 6; n++)
                frac *= 10;
            }
        }
      if (*p == 'Z' || *p == 'z')
        p++;
      else if (*p == '+' || *p == '-')
        {
          int sign = *p++ == '-' ? -1 : 1;
          long oh = digits (&p, 2);
          if (*p == ':')
            p++;
          long om = digits (&p, 2);
          if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return -1;
          off = sign * (oh * 3600 + om * 60);
        }
    }
  if (*p != '\0')
    return -1;
  int64_t t = days_from_civil (y, (unsigned) mo, (unsigned) d) * 86400 + h * 3600 + mi * 60 + sec
              - off;
  *us = t * 1000000 + frac;
  return 0;
}

int
hg_when_parse (const char *s, time_t now, int64_t *us)
{
  int64_t midnight = ((int64_t) now - (((int64_t) now % 86400) + 86400) % 86400);
  if (strcmp (s, "today") == 0)
    {
      *us = midnight * 1000000;
      return 0;
    }
  if (strcmp (s, "yesterday") == 0)
    {
      *us = (midnight - 86400) * 1000000;
      return 0;
    }
  if (isdigit ((unsigned char) s[0]))
    {
      char *end;
      errno = 0;
      unsigned long long n = strtoull (s, &end, 10);
      static const struct
      {
        char unit;
        int64_t sec;
      } units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 604800 } };
      for (size_t i = 0; errno == 0 && end[0] && !end[1] && i < N_ELEMENTS (units); i++)
        if (end[0] == units[i].unit)
          {
            /* Beyond a century ago is a typo, and would overflow soon after. */
            if (n > 36600ull * 86400 / (unsigned long long) units[i].sec)
              return -1;
            *us = ((int64_t) now - (int64_t) n * units[i].sec) * 1000000;
            return 0;
          }
    }
  return hg_iso_parse (s, us);
}

static bool
decisions_valid (const char *list)
{
  cleanup_free char *copy = strdup (list);
  if (!copy)
    return false;
  char *save = NULL;
  int n = 0;
  for (char *tok = strtok_r (copy, ",", &save); tok; tok = strtok_r (NULL, ",", &save), n++)
    if (!hg_decision_known (tok))
      return false;
  return n > 0;
}

int
hg_filter_option (struct hg_filter *f, const char *opt, const char *arg, time_t now)
{
  if (strcmp (opt, "--user") == 0)
    f->user = arg;
  else if (strcmp (opt, "--host") == 0)
    f->host = arg;
  else if (strcmp (opt, "--rule") == 0)
    f->rule = arg;
  else if (strcmp (opt, "--id") == 0)
    f->id = arg;
  else if (strcmp (opt, "--grep") == 0)
    f->grep = arg;
  else if (strcmp (opt, "--decision") == 0)
    {
      if (!decisions_valid (arg))
        return -1;
      f->decision = arg;
    }
  else if (strcmp (opt, "--since") == 0 || strcmp (opt, "--until") == 0)
    {
      int64_t t;
      if (hg_when_parse (arg, now, &t) < 0)
        return -1;
      if (opt[2] == 's')
        f->since = t, f->has_since = true;
      else
        f->until = t, f->has_until = true;
    }
  else
    return 0;
  return 1;
}

static const char *
str_field (struct json_object *rec, const char *key)
{
  struct json_object *v;
  if (!json_object_object_get_ex (rec, key, &v) || !json_object_is_type (v, json_type_string))
    return NULL;
  return json_object_get_string (v);
}

static bool
in_list (const char *list, const char *word)
{
  size_t n = strlen (word);
  for (const char *p = list; *p;)
    {
      size_t len = strcspn (p, ",");
      if (len == n && memcmp (p, word, n) == 0)
        return true;
      p += len + (p[len] == ',');
    }
  return false;
}

/* --grep looks at the exact argv bytes joined by spaces, as typed. */
static bool
grep_argv (struct json_object *rec, const char *needle)
{
  size_t argc = 0;
  cleanup_strv char **argv = hg_record_argv (rec, &argc);
  if (!argv)
    return false;
  size_t total = 1;
  for (size_t i = 0; i < argc; i++)
    total += strlen (argv[i]) + 1;
  cleanup_free char *line = malloc (total);
  if (!line)
    return false;
  char *p = line;
  for (size_t i = 0; i < argc; i++)
    {
      if (i > 0)
        *p++ = ' ';
      size_t l = strlen (argv[i]);
      memcpy (p, argv[i], l);
      p += l;
    }
  *p = '\0';
  return strstr (line, needle) != NULL;
}

bool
hg_filter_match (const struct hg_filter *f, struct json_object *rec, int64_t ts)
{
  const char *s;
  if (f->has_since && (ts == INT64_MIN || ts < f->since))
    return false;
  if (f->has_until && (ts == INT64_MIN || ts > f->until))
    return false;
  if (f->user && (!(s = str_field (rec, "user")) || strcmp (s, f->user) != 0))
    return false;
  if (f->host && (!(s = str_field (rec, "host")) || fnmatch (f->host, s, FNM_CASEFOLD) != 0))
    return false;
  if (f->rule && (!(s = str_field (rec, "rule")) || strcmp (s, f->rule) != 0))
    return false;
  if (f->id && (!(s = str_field (rec, "id")) || strcmp (s, f->id) != 0))
    return false;
  if (f->decision && (!(s = str_field (rec, "decision")) || !in_list (f->decision, s)))
    return false;
  if (f->grep && !grep_argv (rec, f->grep))
    return false;
  return true;
}
