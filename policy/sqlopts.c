/* The options of the MariaDB/MySQL clients, read as the clients read
 * them (my_getopt: bundled short options, -xVALUE or -x VALUE, unique
 * prefixes of long ones, the loose-/enable-/skip- prefixes), in one table
 * per client: for sqlcli.c (which SQL runs) and for audit/redact.c
 * (where the passwords are). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sqlkind.h"

/* ---- the client's options ---- */

enum arg
{
  A_NONE, /* a flag (a boolean takes =VALUE glued, never the next word) */
  A_REQ,  /* -xVALUE, -x VALUE, --name=VALUE, --name VALUE */
  A_OPT,  /* glued only: -pSECRET, --password=SECRET */
};

enum role
{
  R_NONE = HG_SQL_OPT_OTHER,
  R_EXECUTE = HG_SQL_OPT_EXECUTE,
  R_INIT = HG_SQL_OPT_INIT,
  R_DELIMITER = HG_SQL_OPT_DELIMITER,
};

struct opt
{
  const char *name;
  char letter;
  unsigned char arg, role;
};

/* mysql --help of MariaDB 10.11 (client/mysql.cc my_long_options). */
static const struct opt mysql_opts[] = {
  { "help", '?', A_NONE, 0 },
  { "help", 'I', A_NONE, 0 },
  { "abort-source-on-error", 0, A_NONE, 0 },
  { "auto-rehash", 0, A_NONE, 0 },
  { "no-auto-rehash", 'A', A_NONE, 0 },
  { "auto-vertical-output", 0, A_NONE, 0 },
  { "batch", 'B', A_NONE, 0 },
  { "binary-as-hex", 0, A_NONE, 0 },
  { "binary-mode", 0, A_NONE, 0 },
  { "character-sets-dir", 0, A_REQ, 0 },
  { "column-names", 0, A_NONE, 0 },
  { "skip-column-names", 'N', A_NONE, 0 },
  { "column-type-info", 0, A_NONE, 0 },
  { "comments", 'c', A_NONE, 0 },
  { "compress", 'C', A_NONE, 0 },
  { "connect-expired-password", 0, A_NONE, 0 },
  { "connect-timeout", 0, A_REQ, 0 },
  { "database", 'D', A_REQ, 0 },
  { "debug", '#', A_OPT, 0 },
  { "debug-check", 0, A_NONE, 0 },
  { "debug-info", 'T', A_NONE, 0 },
  { "default-auth", 0, A_REQ, 0 },
  { "default-character-set", 0, A_REQ, 0 },
  { "delimiter", 0, A_REQ, R_DELIMITER },
  { "enable-cleartext-plugin", 0, A_NONE, 0 },
  { "execute", 'e', A_REQ, R_EXECUTE },
  { "force", 'f', A_NONE, 0 },
  { "host", 'h', A_REQ, 0 },
  { "html", 'H', A_NONE, 0 },
  { "ignore-spaces", 'i', A_NONE, 0 },
  { "init-command", 0, A_REQ, R_INIT },
  { "line-numbers", 0, A_NONE, 0 },
  { "skip-line-numbers", 'L', A_NONE, 0 },
  { "local-infile", 0, A_NONE, 0 },
  { "max-allowed-packet", 0, A_REQ, 0 },
  { "max-join-size", 0, A_REQ, 0 },
  { "named-commands", 'G', A_NONE, 0 },
  { "net-buffer-length", 0, A_REQ, 0 },
  { "no-beep", 'b', A_NONE, 0 },
  { "one-database", 'o', A_NONE, 0 },
  { "pager", 0, A_OPT, 0 },
  { "password", 'p', A_OPT, 0 },
  { "plugin-dir", 0, A_REQ, 0 },
  { "port", 'P', A_REQ, 0 },
  { "print-query-on-error", 0, A_NONE, 0 },
  { "progress-reports", 0, A_NONE, 0 },
  { "prompt", 0, A_REQ, 0 },
  { "protocol", 0, A_REQ, 0 },
  { "quick", 'q', A_NONE, 0 },
  { "quick-max-column-width", 0, A_REQ, 0 },
  { "raw", 'r', A_NONE, 0 },
  { "reconnect", 0, A_NONE, 0 },
  { "safe-updates", 'U', A_NONE, 0 },
  { "i-am-a-dummy", 'U', A_NONE, 0 },
  { "sandbox", 0, A_NONE, 0 },
  { "secure-auth", 0, A_NONE, 0 },
  { "select-limit", 0, A_REQ, 0 },
  { "server-arg", 0, A_REQ, 0 },
  { "show-warnings", 0, A_NONE, 0 },
  { "sigint-ignore", 0, A_NONE, 0 },
  { "silent", 's', A_NONE, 0 },
  { "socket", 'S', A_REQ, 0 },
  { "ssl", 0, A_NONE, 0 },
  { "ssl-ca", 0, A_REQ, 0 },
  { "ssl-capath", 0, A_REQ, 0 },
  { "ssl-cert", 0, A_REQ, 0 },
  { "ssl-cipher", 0, A_REQ, 0 },
  { "ssl-key", 0, A_REQ, 0 },
  { "ssl-crl", 0, A_REQ, 0 },
  { "ssl-crlpath", 0, A_REQ, 0 },
  { "tls-version", 0, A_REQ, 0 },
  { "ssl-verify-server-cert", 0, A_NONE, 0 },
  { "table", 't', A_NONE, 0 },
  { "tee", 0, A_REQ, 0 },
  { "unbuffered", 'n', A_NONE, 0 },
  { "user", 'u', A_REQ, 0 },
  { "verbose", 'v', A_NONE, 0 },
  { "version", 'V', A_NONE, 0 },
  { "vertical", 'E', A_NONE, 0 },
  { "wait", 'w', A_NONE, 0 },
  { "xml", 'X', A_NONE, 0 },
  /* my_load_defaults' own, taken with =VALUE only */
  { "defaults-file", 0, A_OPT, 0 },
  { "defaults-extra-file", 0, A_OPT, 0 },
  { "defaults-group-suffix", 0, A_OPT, 0 },
  { "no-defaults", 0, A_NONE, 0 },
  { "print-defaults", 0, A_NONE, 0 },
  { NULL, 0, 0, 0 },
};

/* mysqladmin's options that take a value (the others are flags). */
static const struct opt admin_opts[] = {
  { "count", 'c', A_REQ, 0 },          { "host", 'h', A_REQ, 0 },
  { "password", 'p', A_OPT, 0 },       { "port", 'P', A_REQ, 0 },
  { "socket", 'S', A_REQ, 0 },         { "user", 'u', A_REQ, 0 },
  { "sleep", 'i', A_REQ, 0 },          { "wait", 'w', A_OPT, 0 },
  { "debug", '#', A_OPT, 0 },          { "character-sets-dir", 0, A_REQ, 0 },
  { "connect-timeout", 0, A_REQ, 0 },  { "shutdown-timeout", 0, A_REQ, 0 },
  { "default-auth", 0, A_REQ, 0 },     { "default-character-set", 0, A_REQ, 0 },
  { "plugin-dir", 0, A_REQ, 0 },       { "protocol", 0, A_REQ, 0 },
  { "ssl-ca", 0, A_REQ, 0 },           { "ssl-capath", 0, A_REQ, 0 },
  { "ssl-cert", 0, A_REQ, 0 },         { "ssl-cipher", 0, A_REQ, 0 },
  { "ssl-key", 0, A_REQ, 0 },          { "ssl-crl", 0, A_REQ, 0 },
  { "ssl-crlpath", 0, A_REQ, 0 },      { "tls-version", 0, A_REQ, 0 },
  { "defaults-file", 0, A_OPT, 0 },    { "defaults-extra-file", 0, A_OPT, 0 },
  { "defaults-group-suffix", 0, A_OPT, 0 },
  { NULL, 0, 0, 0 },
};

/* my_getopt compares names with - and _ as one. */
static bool
name_prefix (const char *name, const char *pat, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      char a = name[i] == '_' ? '-' : name[i], b = pat[i] == '_' ? '-' : pat[i];
      if (!a || a != b)
        return false;
    }
  return true;
}

/* An exact name, else the one option the text is a prefix of (the client
 * takes unique prefixes: --exec, --pass).  NULL when none or ambiguous. */
static const struct opt *
find_long (const struct opt *t, const char *pat, size_t n)
{
  const struct opt *found = NULL;
  for (; t->name; t++)
    if (name_prefix (t->name, pat, n))
      {
        if (!t->name[n])
          return t;
        if (found && strcmp (found->name, t->name) != 0)
          return NULL;
        found = t;
      }
  return found;
}

static const struct opt *
resolve_long (const struct opt *t, const char *pat, size_t n)
{
  const struct opt *o = find_long (t, pat, n);
  static const char *const specials[] = { "loose-", "enable-", "disable-", "skip-", NULL };
  for (size_t i = 0; !o && specials[i]; i++)
    {
      size_t k = strlen (specials[i]);
      if (n > k && memcmp (pat, specials[i], k) == 0)
        {
          o = find_long (t, pat + k, n - k);
          /* --skip-execute sets nothing */
          if (o && i >= 2 && o->arg != A_NONE)
            {
              static const struct opt nothing = { "", 0, A_NONE, 0 };
              return &nothing;
            }
        }
    }
  return o;
}

static const struct opt *
find_short (const struct opt *t, char c)
{
  for (; t->name; t++)
    if (t->letter == c)
      return t;
  return NULL;
}

/* Walks argv as the client does: fn gets each option that has a value
 * (its entry, the value), and each positional word (NULL, the word).
 * Unknown options are taken as flags: a table older than the client
 * then loses no -e. */
typedef int (*opt_fn) (void *arg, const struct opt *o, const char *value);

static int
walk_options (const struct opt *table, const char *const *argv, size_t argc, opt_fn fn, void *arg)
{
  bool options = true;
  int r = 0;
  for (size_t i = 1; i < argc && r == 0; i++)
    {
      const char *a = argv[i];
      if (!options || a[0] != '-' || a[1] == '\0')
        {
          r = fn (arg, NULL, a);
          continue;
        }
      if (strcmp (a, "--") == 0)
        {
          options = false;
          continue;
        }
      if (a[1] == '-')
        {
          const char *name = a + 2, *eq = strchr (name, '=');
          size_t n = eq ? (size_t) (eq - name) : strlen (name);
          if (n > 8 && memcmp (name, "maximum-", 8) == 0)
            continue; /* sets a maximum, not the option */
          const struct opt *o = resolve_long (table, name, n);
          if (!o || o->arg == A_NONE)
            continue;
          if (eq)
            r = fn (arg, o, eq + 1);
          else if (o->arg == A_REQ && i + 1 < argc)
            r = fn (arg, o, argv[++i]);
          continue;
        }
      for (const char *c = a + 1; *c; c++)
        {
          const struct opt *o = find_short (table, *c);
          if (!o || o->arg == A_NONE)
            continue;
          if (c[1])
            r = fn (arg, o, c + 1);
          else if (o->arg == A_REQ && i + 1 < argc)
            r = fn (arg, o, argv[++i]);
          break;
        }
    }
  return r;
}

static const char *const admin_commands[] = {
  "create", "debug", "drop", "extended-status", "flush-all-statistics", "flush-all-status",
  "flush-client-statistics", "flush-hosts", "flush-index-statistics", "flush-logs",
  "flush-privileges", "flush-binary-log", "flush-engine-log", "flush-error-log",
  "flush-general-log", "flush-relay-log", "flush-slow-log", "flush-ssl", "flush-status",
  "flush-table-statistics", "flush-tables", "flush-threads", "flush-user-statistics",
  "flush-user-resources", "kill", "password", "old-password", "ping", "processlist", "reload",
  "refresh", "shutdown", "status", "start-all-slaves", "start-slave", "stop-all-slaves",
  "stop-slave", "variables", "version", NULL,
};

struct admin
{
  struct hg_sql_facts *sf;
  const char *takes; /* the previous command takes this word */
};

/* mysqladmin's commands may be shortened, as long as they stay unique. */
static const char *
admin_command (const char *w)
{
  size_t n = strlen (w);
  const char *found = NULL;
  for (size_t i = 0; admin_commands[i]; i++)
    if (strncasecmp (admin_commands[i], w, n) == 0)
      {
        if (!admin_commands[i][n])
          return admin_commands[i];
        if (found)
          return NULL;
        found = admin_commands[i];
      }
  return found;
}

static int
on_admin_option (void *arg, const struct opt *o, const char *value)
{
  struct admin *a = arg;
  if (o)
    return 0;
  if (a->takes)
    {
      a->takes = NULL;
      return 0;
    }
  const char *cmd = admin_command (value);
  int kind = -1;
  if (!cmd)
    return 0;
  if (strcmp (cmd, "drop") == 0)
    kind = HG_SQLK_DROP_DATABASE;
  else if (strcmp (cmd, "shutdown") == 0)
    kind = HG_SQLK_SHUTDOWN;
  else if (strcmp (cmd, "kill") == 0)
    kind = HG_SQLK_KILL;
  else if (strcmp (cmd, "password") == 0 || strcmp (cmd, "old-password") == 0)
    kind = HG_SQLK_SET_PASSWORD;
  if (strcmp (cmd, "drop") == 0 || strcmp (cmd, "create") == 0 || strcmp (cmd, "kill") == 0
      || strcmp (cmd, "password") == 0 || strcmp (cmd, "old-password") == 0)
    a->takes = cmd;
  if (kind < 0)
    return 0;
  a->sf->kinds |= (uint64_t) 1 << kind;
  if (!a->sf->where[kind]
      && asprintf (&a->sf->where[kind], "mysqladmin command '%s'%s", cmd,
                   kind == HG_SQLK_DROP_DATABASE ? " (DROP DATABASE)" : "") < 0)
    {
      a->sf->where[kind] = NULL;
      return -1;
    }
  return 0;
}

int
hg_sql_admin_kinds (const char *const *argv, size_t argc, struct hg_sql_facts *sf)
{
  struct admin a = { sf, NULL };
  return walk_options (admin_opts, argv, argc, on_admin_option, &a);
}

struct mysql_walk
{
  hg_sql_opt_fn fn;
  void *arg;
};

static int
on_mysql_option (void *arg, const struct opt *o, const char *value)
{
  struct mysql_walk *w = arg;
  return w->fn (w->arg, o ? o->role : HG_SQL_OPT_POSITIONAL, value);
}

int
hg_sql_mysql_options (const char *const *argv, size_t argc, hg_sql_opt_fn fn, void *arg)
{
  struct mysql_walk w = { fn, arg };
  return walk_options (mysql_opts, argv, argc, on_mysql_option, &w);
}

enum hg_sql_client
hg_sql_client_of (const char *const *names, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      if (strcmp (names[i], "mysql") == 0 || strcmp (names[i], "mariadb") == 0)
        return HG_SQL_MYSQL;
      if (strcmp (names[i], "mysqladmin") == 0 || strcmp (names[i], "mariadb-admin") == 0)
        return HG_SQL_ADMIN;
    }
  return HG_SQL_NO_CLIENT;
}

/* ---- for redaction ---- */

long
hg_sql_password_at (const char *w, size_t n)
{
  if (n < 3 || w[0] != '-')
    return -1;
  if (w[1] == '-')
    {
      const char *name = w + 2, *eq = memchr (w, '=', n);
      if (!eq || (size_t) (eq + 1 - w) >= n)
        return -1;
      size_t k = (size_t) (eq - name);
      static const char *const specials[] = { "loose-", "enable-", "maximum-", NULL };
      for (size_t s = 0; specials[s]; s++)
        {
          size_t l = strlen (specials[s]);
          if (k > l && memcmp (name, specials[s], l) == 0)
            name += l, k -= l;
        }
      /* every prefix the client could take for --password (an ambiguous
       * one makes it refuse to run: hiding it costs nothing) */
      return k >= 2 && name_prefix ("password", name, k) ? (long) (eq + 1 - w) : -1;
    }
  for (size_t i = 1; i < n; i++)
    {
      if (w[i] == 'p')
        return i + 1 < n ? (long) (i + 1) : -1;
      const struct opt *o = find_short (mysql_opts, w[i]);
      if (o && o->arg != A_NONE)
        return -1; /* the rest of the word is its value */
    }
  return -1;
}

int
hg_sql_client_secrets (const char *const *argv, size_t argc, hg_sql_secret_fn fn, void *arg)
{
  int found = 0;
  for (size_t i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "--") == 0)
        break;
      if (a[0] != '-')
        continue;
      long at = hg_sql_password_at (a, strlen (a));
      if (at >= 0)
        {
          fn (arg, i, (size_t) at);
          found++;
          continue;
        }
      /* an option whose value is the next word: that word is no option */
      const struct opt *o = NULL;
      if (a[1] == '-' && !strchr (a, '='))
        o = resolve_long (mysql_opts, a + 2, strlen (a + 2));
      else if (a[1] != '-')
        for (const char *c = a + 1; *c && !o; c++)
          if ((o = find_short (mysql_opts, *c)) && (o->arg == A_NONE || c[1]))
            o = NULL;
      if (o && o->arg == A_REQ)
        i++;
    }
  return found;
}
