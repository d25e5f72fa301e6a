/* hostguard check: what the policy would decide, and why.  Runs nothing.
 * hostguard policy lint: validate a policy file. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "program.h"
#include "review/review.h"
#include "supervise/supervise.h"

struct check_opts
{
  bool json;
  const char *policy;
  const char *host;
  const char *user;
  const char *cwd;
  const char *stdin_file; /* --stdin FILE: the command's standard input */
};

enum
{
  OPT_JSON = 256,
  OPT_HOST,
  OPT_USER,
  OPT_CWD,
  OPT_STDIN,
};

static const struct option check_long[] = {
  { "json", no_argument, NULL, OPT_JSON },   { "host", required_argument, NULL, OPT_HOST },
  { "user", required_argument, NULL, OPT_USER }, { "cwd", required_argument, NULL, OPT_CWD },
  { "policy", required_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' },
  { "stdin", required_argument, NULL, OPT_STDIN },
  { NULL, 0, NULL, 0 },
};

/* Parses options up to `--` or the first non-option; returns the index of
 * the command, or -1 after printing the usage (quiet: printing nothing,
 * and -1 for --help too). */
static int
parse_opts (int argc, char **argv, struct check_opts *o, bool allow_json, bool quiet)
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
      case OPT_STDIN:
        o->stdin_file = optarg;
        break;
      case 'f':
        o->policy = optarg;
        break;
      case 'h':
        if (quiet)
          return -1;
        hg_usage (stdout);
        exit (0);
      default:
        if (quiet)
          return -1;
        hg_warn_bad_option (argv);
        goto usage;
      }
  return optind;
usage:
  if (!quiet)
    hg_usage (stderr);
  return -1;
}

/* One `,"key":value` of the check --json object; value already JSON. */
static void
put_field (const char *key, const char *value, bool first)
{
  printf ("%s\"%s\":%s", first ? "{" : ",", key, value);
}

/* Exactly the contract's object, written by the record's JSON writer. */
static int
print_json (const hg_verdict *v, const char *host, char **cmd, size_t n)
{
  cleanup_free char *decision = hg_json_string (hg_action_name (hg_verdict_action (v)));
  cleanup_free char *rule = hg_json_string (hg_verdict_rule (v));
  cleanup_free char *message = hg_json_string (hg_verdict_message (v));
  cleanup_free char *host_json = hg_json_string (host);
  if (!decision || !rule || !message || !host_json)
    return -1;
  put_field ("decision", decision, true);
  put_field ("rule", rule, false);
  put_field ("message", message, false);
  put_field ("host", host_json, false);
  put_field ("guarded_host", hg_verdict_guarded (v) ? "true" : "false", false);
  fputs (",\"argv\":[", stdout);
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *arg = hg_json_string (cmd[i]);
      if (!arg)
        return -1;
      printf ("%s%s", i ? "," : "", arg);
    }
  printf ("],\"approvals\":%u}\n", hg_verdict_approvals (v));
  return 0;
}

static int
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
  cleanup_free char *shown = hg_quote_argv (cmd, n);
  printf ("command:  %s\n", shown ? shown : "?");
  if (hg_verdict_runs (v))
    printf ("runs:     %s\n", hg_verdict_runs (v));
  printf ("why:\n");
  for (size_t i = 0; i < hg_verdict_why_count (v); i++)
    printf ("  - %s\n", hg_verdict_why (v, i));
  return shown ? 0 : -1;
}

/* The name run records and decides with (cmd.c), so that check predicts
 * run: a uid without a passwd entry is its number. */
static char *
caller_name (void)
{
  return hg_user_name (getuid ());
}

/* What check needs that only the whole program does: NSS (the caller's
 * name, for a `users` item) and the parser.  The first stage (front.c)
 * passes none of it and gets HAND_OVER wherever either would be needed.
 * The NSS lookups are in cmd.c and, for %group items, behind
 * hg_policy_decide (policy/users.c), which main.c passes: objects the
 * first stage does not link. */
struct check_env
{
  char *(*caller_name) (void);
  int (*load) (const char *path, const char *cache_dir, hg_policy **out, hg_error **err);
  hg_decide_fn *decide;
};

enum
{
  HAND_OVER = -1,
};

static int
load_cached (const char *path, const char *cache_dir, hg_policy **out, hg_error **err)
{
  return hg_policy_load_file_cached (path, 0, cache_dir, out, err);
}

static int
check (int argc, char **argv, const struct check_env *env)
{
  bool whole = env->load != NULL;
  struct check_opts o = { 0 };
  int first = parse_opts (argc, argv, &o, true, !whole);
  if (first < 0)
    return whole ? HG_EXIT_USAGE : HAND_OVER;
  if (first >= argc)
    {
      if (!whole)
        return HAND_OVER;
      hg_warn ("check: no command given");
      hg_usage (stderr);
      return HG_EXIT_USAGE;
    }

  cleanup_error hg_error *err = NULL;
  cleanup_policy hg_policy *policy = NULL;
  const char *path = hg_policy_path (o.policy);
  if (!whole)
    {
      if (hg_policy_load_snapshot (path, 0, hg_cache_dir (), &policy) < 0)
        return HAND_OVER;
    }
  else if (env->load (path, hg_cache_dir (), &policy, &err) < 0)
    return hg_report_error (err);

  cleanup_free char *host_short = NULL, *host_fqdn = NULL, *user = NULL, *cwd = NULL;
  if (o.host)
    {
      host_short = strndup (o.host, strcspn (o.host, "."));
      host_fqdn = strchr (o.host, '.') ? strdup (o.host) : NULL;
    }
  else if (hg_host_names (&host_short, &host_fqdn) < 0)
    host_short = strdup ("localhost");
  user = o.user ? strdup (o.user) : NULL; /* else the caller's: looked up if needed */
  cwd = o.cwd ? strdup (o.cwd) : getcwd (NULL, 0);
  if (!host_short || (o.user && !user) || !cwd)
    {
      if (!whole)
        return HAND_OVER;
      hg_warn ("check: cannot tell the host, user or working directory");
      return HG_EXIT_REFUSED;
    }
  if (cwd[0] != '/')
    {
      if (!whole)
        return HAND_OVER;
      hg_warn ("check: --cwd must be an absolute path");
      return HG_EXIT_USAGE;
    }
  char **cmd = argv + first;
  size_t n = (size_t) (argc - first);
  cleanup_free char *exe = hg_which (cmd[0]);
  /* --stdin FILE: what the command would read (`mysql wiki < FILE`);
   * without it, a terminal. */
  cleanup_close int in = -1;
  if (o.stdin_file
      && (in = open (o.stdin_file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0)
    {
      if (!whole)
        return HAND_OVER;
      hg_warn ("check: --stdin %s: %s", o.stdin_file, strerror (errno));
      return HG_EXIT_USAGE;
    }
  struct hg_request req = {
    .argv = (const char *const *) cmd,
    .argc = n,
    .exe = exe,
    .cwd = cwd,
    /* Never a name in the first stage, not even --user's: a %group item
     * asks NSS about it (policy/users.c). */
    .user = whole ? user : NULL,
    .host_short = host_short,
    .host_fqdn = host_fqdn,
    .look_through = true,
    .names_only = !whole, /* the whole program compares programs' contents */
    .stdin_fd = in,
    .has_stdin_fd = in >= 0,
  };
  hg_verdict *v = NULL;
  hg_decide_fn *decide = env->decide ? env->decide : hg_policy_decide_no_nss;
  int r = decide (policy, &req, &v, &err);
  if (r == HG_ERR_NEEDS_USER && env->caller_name)
    {
      /* The name is asked for only when a `users` item needs it. */
      hg_error_free (err);
      err = NULL;
      if (!(user = env->caller_name ()))
        {
          hg_warn ("check: cannot tell the user name of uid %u", (unsigned) getuid ());
          return HG_EXIT_REFUSED;
        }
      req.user = user;
      r = decide (policy, &req, &v, &err);
    }
  if (r < 0)
    return whole ? hg_report_error (err) : HAND_OVER;
  const char *host = host_fqdn && o.host ? o.host : host_short;
  int printed = o.json ? print_json (v, host, cmd, n) : print_text (v, host, cmd, n);
  hg_verdict_free (v);
  if (printed < 0)
    {
      hg_warn ("check: out of memory");
      return 1;
    }
  return 0;
}

int
hg_main_check (int argc, char **argv, hg_decide_fn *decide)
{
  const struct check_env whole
      = { .caller_name = caller_name, .load = load_cached, .decide = decide };
  return check (argc, argv, &whole);
}

int
hg_check_first_stage (int argc, char **argv)
{
  static const struct check_env first = { 0 };
  return check (argc, argv, &first);
}

int
hg_main_lint (int argc, char **argv)
{
  struct check_opts o = { 0 };
  int first = parse_opts (argc, argv, &o, false, false);
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
