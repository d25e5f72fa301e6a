/* `hostguard log`: the records that pass the filters, sorted by time, as
 * a table on a terminal or exactly as stored (one JSON object a line). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "program.h"
#include "review/review.h"

static void
review_usage (FILE *out, bool report)
{
  if (report)
    fputs ("usage: hostguard report [FILTERS] [--html FILE] [-f POLICY] [FILE...]\n", out);
  else
    fputs ("usage: hostguard log [FILTERS] [--json] [-f POLICY] [FILE...]\n"
           "       hostguard log --verify [--witness SOURCE] [-f POLICY] [FILE...]\n",
           out);
  fputs ("filters: --user NAME --host GLOB --since WHEN --until WHEN --rule NAME\n"
         "         --decision D[,D...] --id ID --grep TEXT\n"
         "WHEN: 2026-11-24, 2026-11-24T14:00[:00][Z|+01:00] (UTC if no zone), today,\n"
         "      yesterday, or 30m / 2h / 7d ago\n"
         "FILE: a log file (.gz too), a directory of logs, or - for standard input;\n"
         "      default: the policy's log_dir (/var/log/hostguard without a policy)\n"
         "SOURCE: a syslog file (.gz too), a journalctl -o json export, - for standard\n"
         "      input, journal (the default, when journalctl can read it) or none\n",
         out);
}

static int
usage_error (bool report, const char *what, const char *detail)
{
  fprintf (stderr, "hostguard: %s%s\n", what, detail);
  review_usage (stderr, report);
  return HG_EXIT_USAGE;
}

int
hg_review_parse (int argc, char **argv, bool report, struct hg_review_opts *o)
{
  memset (o, 0, sizeof *o);
  o->files = argv + argc;
  time_t now = time (NULL);
  int i = 1;
  for (; i < argc; i++)
    {
      char *a = argv[i];
      if (strcmp (a, "--") == 0)
        {
          i++;
          break;
        }
      if (a[0] != '-' || strcmp (a, "-") == 0)
        break;
      if (strcmp (a, "-h") == 0 || strcmp (a, "--help") == 0)
        {
          review_usage (stdout, report);
          return -1;
        }
      if (!report && strcmp (a, "--json") == 0)
        o->json = true;
      else if (!report && strcmp (a, "--verify") == 0)
        o->verify = true;
      else
        {
          /* Options with a value: "--opt VALUE" or "--opt=VALUE". */
          static const char *const valued[]
              = { "-f",     "--policy", "--html",     "--user", "--host", "--since",
                  "--until", "--rule",  "--decision", "--id",   "--grep", "--witness" };
          cleanup_free char *name = strdup (a);
          if (!name)
            abort ();
          char *eq = strncmp (name, "--", 2) == 0 ? strchr (name, '=') : NULL;
          if (eq)
            *eq = '\0';
          bool known = false;
          for (size_t k = 0; k < N_ELEMENTS (valued); k++)
            known |= strcmp (name, valued[k]) == 0 && (report || strcmp (name, "--html") != 0)
                     && (!report || strcmp (name, "--witness") != 0);
          if (!known)
            return usage_error (report, "unknown option ", name);
          const char *val;
          if (eq)
            val = a + (eq - name) + 1;
          else if (i + 1 < argc)
            val = argv[++i];
          else
            return usage_error (report, a, " needs a value");
          if (strcmp (name, "-f") == 0 || strcmp (name, "--policy") == 0)
            o->policy = val;
          else if (strcmp (name, "--html") == 0)
            o->html = val;
          else if (strcmp (name, "--witness") == 0)
            o->witness = val;
          else if (hg_filter_option (&o->f, name, val, now) < 0)
            return usage_error (report, name, ": invalid value");
        }
    }
  o->files = argv + i;
  o->nfiles = (size_t) (argc - i);
  const struct hg_filter *f = &o->f;
  if (o->verify && (o->json || f->user || f->host || f->rule || f->decision || f->id || f->grep
                    || f->has_since || f->has_until))
    return usage_error (report, "--verify checks whole chains: it takes no filters", "");
  if (o->witness && !o->verify)
    return usage_error (report, "--witness goes with --verify", "");
  return 0;
}

int
hg_review_inputs (const struct hg_review_opts *o, char *const **paths, size_t *n,
                  hg_policy **policy)
{
  *policy = NULL;
  if (o->nfiles)
    {
      *paths = o->files;
      *n = o->nfiles;
      return 0;
    }
  static char *dir[1];
  /* No policy file (a fresh install, a central log host), none named by
   * -f: the default log_dir, policy/schema.c's. */
  const char *path = hg_policy_path (o->policy);
  if (!o->policy && access (path, F_OK) < 0 && errno == ENOENT)
    {
      dir[0] = (char *) "/var/log/hostguard";
      *paths = dir;
      *n = 1;
      return 0;
    }
  cleanup_error hg_error *err = NULL;
  if (hg_policy_load_file (path, 0, policy, &err) < 0)
    return hg_report_error (err);
  dir[0] = (char *) hg_policy_settings (*policy)->log_dir;
  *paths = dir;
  *n = 1;
  return 0;
}

/* What the decision column says: the decision, or how it exited. */
static char *
outcome (struct json_object *rec)
{
  const char *event = hg_rec_str (rec, "event"), *d = hg_rec_str (rec, "decision");
  struct json_object *v;
  char *out = NULL;
  if (event && strcmp (event, "exit") == 0)
    {
      if (json_object_object_get_ex (rec, "signal", &v) && json_object_get_int (v) > 0)
        { if (asprintf (&out, "signal %d", json_object_get_int (v)) < 0) out = NULL; }
      else if (json_object_object_get_ex (rec, "exit", &v) && json_object_is_type (v, json_type_int))
        { if (asprintf (&out, "exit %d", json_object_get_int (v)) < 0) out = NULL; }
    }
  else if (event && strcmp (event, "decision") != 0)
    { if (asprintf (&out, "%s%s%s", event, d ? ":" : "", d ? d : "") < 0) out = NULL; }
  if (!out)
    return hg_escape_str (d);
  char *e = hg_escape_str (out);
  free (out);
  return e;
}

static const char *
colour (const char *d)
{
  if (strstr (d, "denied") || strstr (d, "declined") || strstr (d, "timeout")
      || strstr (d, "error"))
    return "\033[31m";
  if (strstr (d, "confirmed") || strstr (d, "approved"))
    return "\033[33m";
  return NULL;
}

enum { C_TIME, C_HOST, C_USER, C_DEC, C_RULE, C_CMD, NCOL };

static void
print_table (const struct hg_recset *set, bool tty)
{
  bool use_colour = tty && !getenv ("NO_COLOR");
  size_t n = set->n;
  char *(*cells)[NCOL] = calloc (n ? n : 1, sizeof *cells);
  int w[NCOL] = { 20, 4, 4, 8, 4, 0 };
  if (!cells)
    abort ();
  for (size_t i = 0; i < n; i++)
    {
      struct json_object *rec = set->v[i].obj;
      cleanup_free char *ts = strndup (hg_rec_str (rec, "ts") ? hg_rec_str (rec, "ts") : "-", 19);
      if (ts && strlen (ts) == 19 && ts[10] == 'T')
        ts[10] = ' ';
      cells[i][C_TIME] = hg_escape_str (ts);
      cells[i][C_HOST] = hg_escape_str (hg_rec_str (rec, "host"));
      cells[i][C_USER] = hg_escape_str (hg_rec_str (rec, "user"));
      cells[i][C_DEC] = outcome (rec);
      cells[i][C_RULE] = hg_escape_str (hg_rec_str (rec, "rule"));
      cells[i][C_CMD] = hg_rec_command (rec);
      for (int c = 0; c < C_CMD; c++)
        {
          int len = (int) strlen (cells[i][c]);
          if (len > w[c] && len <= 32)
            w[c] = len;
        }
    }
  printf ("%-*s  %-*s  %-*s  %-*s  %-*s  %s\n", w[0], "TIME (UTC)", w[1], "HOST", w[2], "USER",
          w[3], "DECISION", w[4], "RULE", "COMMAND");
  for (size_t i = 0; i < n; i++)
    {
      const char *on = use_colour ? colour (cells[i][C_DEC]) : NULL;
      printf ("%-*s  %-*s  %-*s  %s%-*s%s  %-*s  %s\n", w[0], cells[i][C_TIME], w[1],
              cells[i][C_HOST], w[2], cells[i][C_USER], on ? on : "", w[3], cells[i][C_DEC],
              on ? "\033[0m" : "", w[4], cells[i][C_RULE], cells[i][C_CMD] ? cells[i][C_CMD] : "?");
      for (int c = 0; c < NCOL; c++)
        free (cells[i][c]);
    }
  free (cells);
}

int
hg_main_log (int argc, char **argv)
{
  struct hg_review_opts o;
  int ret = hg_review_parse (argc, argv, false, &o);
  if (ret)
    return ret < 0 ? 0 : ret;
  char *const *paths;
  size_t n;
  hg_policy *policy = NULL;
  if ((ret = hg_review_inputs (&o, &paths, &n, &policy)) != 0)
    return ret;
  if (o.verify)
    {
      ret = hg_verify_main (paths, n, NULL, o.witness);
      hg_policy_free (policy);
      return ret;
    }
  struct hg_recset set = { 0 };
  if (hg_recset_load (&set, paths, n, &o.f) < 0)
    {
      hg_warn ("out of memory");
      hg_policy_free (policy);
      return 1;
    }
  bool tty = isatty (1);
  if (o.json || !tty)
    for (size_t i = 0; i < set.n; i++)
      {
        fwrite (set.v[i].text, 1, set.v[i].len, stdout);
        putchar ('\n');
      }
  else
    print_table (&set, tty);
  if (set.skipped)
    hg_warn ("%zu line(s) skipped: not audit records", set.skipped);
  ret = set.errors ? 1 : 0;
  hg_recset_clear (&set);
  hg_policy_free (policy);
  if (fflush (stdout) != 0)
    ret = 1;
  return ret;
}
