/* `hostguard report`: a period's summary: counts by decision, rule, user
 * and host; the refused and declined commands; the approvals.  As text, or
 * with --html as one self-contained page (inline CSS and SVG, no scripts,
 * nothing fetched, every value escaped). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <json-c/json.h>

#include "program.h"
#include "review/review.h"

struct count
{
  char *key;
  size_t n;
};

struct tally
{
  struct count *v;
  size_t n;
};

static void
tally_add (struct tally *t, const char *key)
{
  if (!key)
    key = "(none)";
  for (size_t i = 0; i < t->n; i++)
    if (strcmp (t->v[i].key, key) == 0)
      {
        t->v[i].n++;
        return;
      }
  struct count *v = realloc (t->v, (t->n + 1) * sizeof *v);
  if (!v || !(key = strdup (key)))
    abort ();
  t->v = v;
  t->v[t->n++] = (struct count){ (char *) key, 1 };
}

static int
count_cmp (const void *a, const void *b)
{
  const struct count *x = a, *y = b;
  if (x->n != y->n)
    return x->n > y->n ? -1 : 1;
  return strcmp (x->key, y->key);
}

static void
tally_free (struct tally *t)
{
  for (size_t i = 0; i < t->n; i++)
    free (t->v[i].key);
  free (t->v);
}

static bool
is_decision (struct json_object *rec)
{
  const char *e = hg_rec_str (rec, "event");
  return !e || strcmp (e, "decision") == 0;
}

static bool
refused (const char *d)
{
  return d && (strcmp (d, "denied") == 0 || strcmp (d, "declined") == 0 || strcmp (d, "timeout") == 0);
}

/* The approvers of a record, comma-separated, escaped. */
static char *
approvers (struct json_object *rec)
{
  struct json_object *a;
  char *out = strdup ("");
  if (json_object_object_get_ex (rec, "approvers", &a) && json_object_is_type (a, json_type_array))
    for (size_t i = 0; out && i < json_object_array_length (a); i++)
      {
        cleanup_free char *name = hg_escape_str (json_object_get_string (json_object_array_get_idx (a, i)));
        char *next = NULL;
        if (asprintf (&next, "%s%s%s", out, *out ? ", " : "", name) < 0)
          next = NULL;
        free (out);
        out = next;
      }
  if (!out)
    abort ();
  return out;
}

/* ---- output ---- */

struct out
{
  FILE *f;
  bool html;
};

/* Text as is, or HTML-escaped; `s` is already terminal-escaped (valid UTF-8). */
static void
put (struct out *o, const char *s)
{
  if (!o->html)
    {
      fputs (s, o->f);
      return;
    }
  for (; *s; s++)
    switch (*s)
      {
      case '&': fputs ("&amp;", o->f); break;
      case '<': fputs ("&lt;", o->f); break;
      case '>': fputs ("&gt;", o->f); break;
      case '"': fputs ("&quot;", o->f); break;
      case '\'': fputs ("&#39;", o->f); break;
      default: fputc (*s, o->f);
      }
}

static void
heading (struct out *o, const char *title)
{
  fprintf (o->f, o->html ? "<h2>%s</h2>\n" : "\n%s\n", title);
}

static void
print_tally (struct out *o, const char *title, struct tally *t)
{
  heading (o, title);
  if (t->n)
    qsort (t->v, t->n, sizeof *t->v, count_cmp);
  if (o->html)
    fputs ("<table>\n", o->f);
  for (size_t i = 0; i < t->n; i++)
    {
      cleanup_free char *k = hg_escape_str (t->v[i].key);
      if (o->html)
        {
          fprintf (o->f, "<tr><td>");
          put (o, k);
          fprintf (o->f, "</td><td class=n>%zu</td></tr>\n", t->v[i].n);
        }
      else
        fprintf (o->f, "  %-24s %8zu\n", k, t->v[i].n);
    }
  if (o->html)
    fputs ("</table>\n", o->f);
}

/* One command: time, host, user, decision, rule, [approvers,] command. */
static void
print_row (struct out *o, struct json_object *rec, bool with_approvers)
{
  const char *keys[] = { "ts", "host", "user", "decision", "rule" };
  cleanup_free char *cmd = hg_rec_command (rec);
  cleanup_free char *appr = with_approvers ? approvers (rec) : NULL;
  fputs (o->html ? "<tr>" : " ", o->f);
  for (size_t i = 0; i < N_ELEMENTS (keys); i++)
    {
      cleanup_free char *v = hg_escape_str (hg_rec_str (rec, keys[i]));
      fputs (o->html ? "<td>" : " ", o->f);
      put (o, v);
      fputs (o->html ? "</td>" : "", o->f);
    }
  if (appr)
    {
      fputs (o->html ? "<td>" : " by ", o->f);
      put (o, *appr ? appr : "-");
      fputs (o->html ? "</td>" : "", o->f);
    }
  fputs (o->html ? "<td><code>" : "  ", o->f);
  put (o, cmd);
  fputs (o->html ? "</code></td></tr>\n" : "\n", o->f);
}

static void
print_list (struct out *o, const struct hg_recset *set, bool approvals)
{
  heading (o, approvals ? "Approvals" : "Refused and declined (denied, declined, timeout)");
  if (o->html)
    fprintf (o->f, "<table class=list><tr><th>time (UTC)</th><th>host</th><th>user</th>"
                   "<th>decision</th><th>rule</th>%s<th>command</th></tr>\n",
             approvals ? "<th>approvers</th>" : "");
  size_t shown = 0;
  for (size_t i = 0; i < set->n; i++)
    {
      struct json_object *rec = set->v[i].obj;
      const char *d = hg_rec_str (rec, "decision");
      if (is_decision (rec) && (approvals ? d && strcmp (d, "approved") == 0 : refused (d)))
        print_row (o, rec, approvals), shown++;
    }
  if (o->html)
    fputs ("</table>\n", o->f);
  if (!shown)
    fputs (o->html ? "<p>none</p>\n" : "  none\n", o->f);
}


static void
report (struct out *o, const struct hg_recset *set)
{
  struct tally dec = { 0 }, rule = { 0 }, user = { 0 }, host = { 0 };
  size_t cmds = 0;
  for (size_t i = 0; i < set->n; i++)
    {
      struct json_object *rec = set->v[i].obj;
      if (!is_decision (rec))
        continue;
      cmds++;
      tally_add (&dec, hg_rec_str (rec, "decision"));
      tally_add (&rule, hg_rec_str (rec, "rule"));
      tally_add (&user, hg_rec_str (rec, "user"));
      tally_add (&host, hg_rec_str (rec, "host"));
    }
  cleanup_free char *from = hg_escape_str (set->n ? hg_rec_str (set->v[0].obj, "ts") : NULL);
  cleanup_free char *to = hg_escape_str (set->n ? hg_rec_str (set->v[set->n - 1].obj, "ts") : NULL);
  if (o->html)
    fputs ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
           "<title>hostguard report</title>\n<style>\n"
           "body{font:14px/1.4 sans-serif;margin:2em;color:#222}table{border-collapse:collapse}\n"
           "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;vertical-align:top}\n"
           "td.n{text-align:right}code{white-space:pre-wrap;word-break:break-all}\n"
           ".key span{display:inline-block;width:1em;height:1em;margin:0 4px 0 12px}\n"
           "</style></head><body>\n<h1>hostguard report</h1>\n",
           o->f);
  fputs (o->html ? "<p>" : "hostguard report: ", o->f);
  put (o, from);
  fputs (" .. ", o->f);
  put (o, to);
  fprintf (o->f, " (UTC): %zu command(s), %zu record(s)%s", cmds, set->n, o->html ? "</p>\n" : "\n");
  if (o->html)
    hg_report_chart (o->f, set);
  print_tally (o, "By decision", &dec);
  print_tally (o, "By rule", &rule);
  print_tally (o, "By user", &user);
  print_tally (o, "By host", &host);
  print_list (o, set, false);
  print_list (o, set, true);
  if (o->html)
    fputs ("</body></html>\n", o->f);
  tally_free (&dec), tally_free (&rule), tally_free (&user), tally_free (&host);
}

int
hg_main_report (int argc, char **argv)
{
  struct hg_review_opts o;
  int ret = hg_review_parse (argc, argv, true, &o);
  if (ret)
    return ret < 0 ? 0 : ret;
  char *const *paths;
  size_t n;
  hg_policy *policy = NULL;
  if ((ret = hg_review_inputs (&o, &paths, &n, &policy)) != 0)
    return ret;
  struct hg_recset set = { 0 };
  int loaded = hg_recset_load (&set, paths, n, &o.f);
  hg_policy_free (policy);
  if (loaded < 0)
    {
      hg_warn ("out of memory");
      return 1;
    }
  struct out out = { stdout, false };
  cleanup_fclose FILE *html = NULL;
  if (o.html)
    {
      int fd = open (o.html, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd < 0 || !(html = fdopen (fd, "w")))
        {
          cleanup_free char *shown = hg_escape_str (o.html);
          hg_warn ("%s: %s", shown, strerror (errno));
          if (fd >= 0)
            close (fd);
          hg_recset_clear (&set);
          return 1;
        }
      out = (struct out){ html, true };
    }
  report (&out, &set);
  if (set.skipped)
    hg_warn ("%zu line(s) skipped: not audit records", set.skipped);
  ret = set.errors ? 1 : 0;
  hg_recset_clear (&set);
  if (fflush (out.f) != 0 || ferror (out.f))
    ret = 1;
  return ret;
}
