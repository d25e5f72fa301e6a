/* The report's chart: decisions per day as stacked bars, in inline SVG
 * (no scripts, nothing fetched). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "review.h"
#include "util/util.h"

#define MAX_DAYS 366
#define DAY_US (86400LL * 1000000)

/* 0 refused, 1 asked (confirmed/approved), 2 passed (allowed/logged), 3 other */
static int
kind (const char *d)
{
  if (!d)
    return 3;
  if (!strcmp (d, "denied") || !strcmp (d, "declined") || !strcmp (d, "timeout"))
    return 0;
  if (!strcmp (d, "confirmed") || !strcmp (d, "approved"))
    return 1;
  if (!strcmp (d, "allowed") || !strcmp (d, "logged"))
    return 2;
  return 3;
}

static int64_t
day_of (int64_t us)
{
  return us >= 0 ? us / DAY_US : -((-us + DAY_US - 1) / DAY_US);
}

void
hg_report_chart (FILE *f, const struct hg_recset *set)
{
  static const char *const colours[] = { "#c62828", "#f9a825", "#9e9e9e", "#6a1b9a" };
  static const char *const names[] = { "refused", "confirmed/approved", "allowed/logged", "error" };
  int64_t first = INT64_MAX, last = INT64_MIN;
  for (size_t i = 0; i < set->n; i++)
    if (set->v[i].ts != INT64_MIN)
      {
        int64_t d = day_of (set->v[i].ts);
        first = d < first ? d : first;
        last = d > last ? d : last;
      }
  if (first == INT64_MAX)
    return;
  if (last - first >= MAX_DAYS) /* the most recent year only */
    first = last - MAX_DAYS + 1;
  size_t ndays = (size_t) (last - first + 1);
  size_t (*counts)[4] = calloc (ndays, sizeof *counts);
  if (!counts)
    abort ();
  size_t max = 1;
  for (size_t i = 0; i < set->n; i++)
    {
      struct json_object *rec = set->v[i].obj;
      const char *e = hg_rec_str (rec, "event");
      if (set->v[i].ts == INT64_MIN || (e && strcmp (e, "decision") != 0))
        continue;
      int64_t d = day_of (set->v[i].ts);
      if (d < first)
        continue;
      size_t *c = counts[d - first];
      c[kind (hg_rec_str (rec, "decision"))]++;
      size_t total = c[0] + c[1] + c[2] + c[3];
      max = total > max ? total : max;
    }
  const int h = 160, bw = ndays > 60 ? 6 : 18, left = 40;
  int w = left + (int) ndays * (bw + 2) + 10;
  fputs ("<h2>Decisions per day</h2>\n<p class=key>", f);
  for (int k = 0; k < 4; k++)
    fprintf (f, "<span style=\"background:%s\"></span>%s", colours[k], names[k]);
  fprintf (f, "</p>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
              "role=\"img\" aria-label=\"decisions per day\">\n",
           w, h + 40);
  fprintf (f, "<text x=\"0\" y=\"12\" font-size=\"11\">%zu</text>\n", max);
  fprintf (f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>\n", left - 2, h + 5, w, h + 5);
  for (size_t i = 0; i < ndays; i++)
    {
      int x = left + (int) i * (bw + 2), y = h + 5;
      int64_t days = first + (int64_t) i;
      time_t t = (time_t) (days * 86400);
      struct tm tm;
      char date[16] = "?";
      if (gmtime_r (&t, &tm))
        strftime (date, sizeof date, "%Y-%m-%d", &tm);
      for (int k = 0; k < 4; k++)
        {
          int bh = (int) (counts[i][k] * (size_t) h / max);
          if (!counts[i][k])
            continue;
          y -= bh;
          fprintf (f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                      "<title>%s: %zu %s</title></rect>\n",
                   x, y, bw, bh, colours[k], date, counts[i][k], names[k]);
        }
      if (i == 0 || i + 1 == ndays || (ndays > 14 && i % 7 == 0))
        fprintf (f, "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text>\n", x, h + 20 + (int) (i % 2) * 12,
                 date);
    }
  fputs ("</svg>\n", f);
  free (counts);
}
