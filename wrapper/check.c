#define _GNU_SOURCE
/* hostguard check: what the policy would decide, and why.  Runs nothing.
 * hostguard policy lint: validate a policy file. */
#include <getopt.h>
#include <json-c/json.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "host.h"
#include "util.h"
#include "which.h"

struct check_opts
{
  bool json;
  const char *policy;
  const char *host;
  const char *user;
  const char *cwd;
};

enum
{
  OPT_JSON = 256,
  OPT_HOST,
  OPT_USER,
  OPT_CWD,
};

static const struct option check_long[] = {
  { "json", no_argument, NULL, OPT_JSON },   { "host", required_argument, NULL, OPT_HOST },
  { "user", required_argument, NULL, OPT_USER }, { "cwd", required_argument, NULL, OPT_CWD },
  { "policy", required_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

/* Parses options up to `--` or the first non-option; returns the index of
 * the command, or -1 after printing the usage. */
static int
parse_opts (int argc, char **argv, struct check_opts *o, bool allow_json)
{
  optind = 1;
  opterr = 0;
  int c;
  while ((c = getopt_long (argc, argv, "+f:h", check_long, NULL)) != -1)
    switch (c)
      {
      case OPT_JSON:
        if (!allow_json)
          goto usage;
        o->json = true;
        break;
      case OPT_HOST:
        o->host = optarg;
        break;
      case OPT_USER:
        o->user = optarg;
        break;
      case OPT_CWD:
        o->cwd = optarg;
        break;
      case 'f':
        o->policy = optarg;
        break;
      case 'h':
        hg_usage (stdout);
        exit (0);
      default:
        if (optopt)
          hg_warn ("unknown or incomplete option '-%c'", optopt);
        else
          hg_warn ("unknown or incomplete option '%s'", argv[optind - 1]);
        goto usage;
      }
  return optind;
usage:
  hg_usage (stderr);
  return -1;
}

/* Bytes that are not UTF-8 become U+FFFD: check's output is for reading,
 * and JSON must stay valid whatever was typed. */
static char *
display_utf8 (const char *s)
{
  size_t n = strlen (s);
  char *out = malloc (n * 3 + 1);
  if (!out)
    return NULL;
  size_t o = 0;
  const unsigned char *p = (const unsigned char *) s;
  while (*p)
    {
      size_t len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
      bool ok = len > 0;
      for (size_t i = 1; ok && i < len; i++)
        ok = (p[i] & 0xc0) == 0x80;
      if (ok && len == 2 && *p < 0xc2)
        ok = false; /* overlong */
      if (ok && len == 3 && ((*p == 0xe0 && p[1] < 0xa0) || (*p == 0xed && p[1] >= 0xa0)))
        ok = false; /* overlong, surrogate */
      if (ok && len == 4 && ((*p == 0xf0 && p[1] < 0x90) || *p > 0xf4 || (*p == 0xf4 && p[1] >= 0x90)))
        ok = false;
      if (!ok)
        {
          memcpy (out + o, "\xef\xbf\xbd", 3);
          o += 3;
          p++;
          continue;
        }
      memcpy (out + o, p, len);
      o += len;
      p += len;
    }
  out[o] = '\0';
  return out;
}

static json_object *
json_str_or_null (const char *s)
{
  if (!s)
    return NULL;
  cleanup_free char *u = display_utf8 (s);
  return u ? json_object_new_string (u) : NULL;
}

static int
print_json (const hg_verdict *v, const char *host, char **cmd, size_t n)
{
  json_object *o = json_object_new_object ();
  json_object *args = json_object_new_array ();
  if (!o || !args)
    return -1;
  for (size_t i = 0; i < n; i++)
    json_object_array_add (args, json_str_or_null (cmd[i]));
  json_object_object_add (o, "decision", json_object_new_string (hg_action_name (hg_verdict_action (v))));
  json_object_object_add (o, "rule", json_str_or_null (hg_verdict_rule (v)));
  json_object_object_add (o, "message", json_str_or_null (hg_verdict_message (v)));
  json_object_object_add (o, "host", json_str_or_null (host));
  json_object_object_add (o, "guarded_host", json_object_new_boolean (hg_verdict_guarded (v)));
  json_object_object_add (o, "argv", args);
  json_object_object_add (o, "approvals", json_object_new_int ((int) hg_verdict_approvals (v)));
  puts (json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put (o);
  return 0;
}

/* A word as a shell would need it typed, for display only. */
static void
print_word (FILE *out, const char *w)
{
  bool plain = *w != '\0';
  for (const char *p = w; *p && plain; p++)
    plain = strchr ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%", *p);
  if (plain)
    {
      fputs (w, out);
      return;
    }
  fputc ('\'', out);
  for (const unsigned char *p = (const unsigned char *) w; *p; p++)
    if (*p == '\'')
      fputs ("'\\''", out);
    else if (*p < 0x20 || *p == 0x7f)
      fprintf (out, "'$'\\x%02x''", *p);
    else
      fputc (*p, out);
  fputc ('\'', out);
}

static void
print_text (const hg_verdict *v, const char *host, char **cmd, size_t n)
{
  enum hg_action a = hg_verdict_action (v);
  printf ("decision: %s", hg_action_name (a));
  if (a == HG_ACTION_APPROVE)
    printf (" (%u approver%s)", hg_verdict_approvals (v), hg_verdict_approvals (v) == 1 ? "" : "s");
  printf ("\nrule:     %s\n", hg_verdict_rule (v) ? hg_verdict_rule (v) : "(none)");
  if (hg_verdict_message (v))
    printf ("message:  %s\n", hg_verdict_message (v));
  printf ("host:     %s (%s)\n", host, hg_verdict_guarded (v) ? "guarded" : "not guarded");
  fputs ("command: ", stdout);
  for (size_t i = 0; i < n; i++)
    {
      fputc (' ', stdout);
      print_word (stdout, cmd[i]);
    }
  fputs ("\nwhy:\n", stdout);
  for (size_t i = 0; i < hg_verdict_why_count (v); i++)
    printf ("  - %s\n", hg_verdict_why (v, i));
}

static char *
caller_name (void)
{
  struct passwd *pw = getpwuid (getuid ());
  return pw ? strdup (pw->pw_name) : NULL;
}

int
hg_main_check (int argc, char **argv)
{
  struct check_opts o = { 0 };
  int first = parse_opts (argc, argv, &o, true);
  if (first < 0)
    return HG_EXIT_USAGE;
  if (first >= argc)
    {
      hg_warn ("check: no command given");
      hg_usage (stderr);
      return HG_EXIT_USAGE;
    }

  cleanup_error hg_error *err = NULL;
  hg_policy *policy = NULL;
  if (hg_policy_load_file (hg_policy_path (o.policy), 0, &policy, &err) < 0)
    return hg_report_error (err);

  cleanup_free char *host_short = NULL, *host_fqdn = NULL, *user = NULL, *cwd = NULL;
  if (o.host)
    {
      host_short = strndup (o.host, strcspn (o.host, "."));
      host_fqdn = strchr (o.host, '.') ? strdup (o.host) : NULL;
    }
  else if (hg_host_names (&host_short, &host_fqdn) < 0)
    host_short = strdup ("localhost");
  user = o.user ? strdup (o.user) : caller_name ();
  cwd = o.cwd ? strdup (o.cwd) : getcwd (NULL, 0);
  if (!host_short || !user || !cwd)
    {
      hg_warn ("check: cannot tell the host, user or working directory");
      hg_policy_free (policy);
      return HG_EXIT_REFUSED;
    }
  if (cwd[0] != '/')
    {
      hg_warn ("check: --cwd must be an absolute path");
      hg_policy_free (policy);
      return HG_EXIT_USAGE;
    }

  char **cmd = argv + first;
  size_t n = (size_t) (argc - first);
  cleanup_free char *exe = hg_which (cmd[0]);
  struct hg_request req = {
    .argv = (const char *const *) cmd,
    .argc = n,
    .exe = exe,
    .cwd = cwd,
    .user = user,
    .host_short = host_short,
    .host_fqdn = host_fqdn,
    .look_through = true,
  };
  hg_verdict *v = NULL;
  int r = hg_policy_decide (policy, &req, &v, &err);
  hg_policy_free (policy);
  if (r < 0)
    return hg_report_error (err);
  const char *host = host_fqdn && o.host ? o.host : host_short;
  if (o.json)
    print_json (v, host, cmd, n);
  else
    print_text (v, host, cmd, n);
  hg_verdict_free (v);
  return 0;
}

int
hg_main_lint (int argc, char **argv)
{
  struct check_opts o = { 0 };
  int first = parse_opts (argc, argv, &o, false);
  if (first < 0)
    return HG_EXIT_USAGE;
  if (argc - first > 1)
    {
      hg_warn ("policy lint: one file at a time");
      return HG_EXIT_USAGE;
    }
  const char *path = first < argc ? argv[first] : hg_policy_path (o.policy);

  cleanup_error hg_error *err = NULL;
  hg_policy *policy = NULL;
  if (hg_policy_load_file (path, 0, &policy, &err) < 0)
    return hg_report_error (err);
  printf ("%s: valid, %zu rule%s\n", path, hg_policy_rule_count (policy),
          hg_policy_rule_count (policy) == 1 ? "" : "s");
  if (o.host)
    {
      cleanup_free char *shortn = strndup (o.host, strcspn (o.host, "."));
      bool guarded = shortn && hg_policy_guards_host (policy, shortn, strchr (o.host, '.') ? o.host : NULL);
      printf ("%s: %s\n", o.host, guarded ? "guarded" : "not guarded");
    }
  hg_policy_free (policy);

  /* Valid is not enough for run and shell: say now if they would refuse it. */
  hg_policy *trusted = NULL;
  cleanup_error hg_error *trust_err = NULL;
  if (hg_policy_load_file (path, HG_LOAD_TRUSTED_ONLY, &trusted, &trust_err) < 0)
    printf ("note: run and shell would refuse it: %s\n", hg_error_message (trust_err));
  hg_policy_free (trusted);
  return 0;
}
