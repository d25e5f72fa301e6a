/* hg_look_through: table-driven.  Each row is an argv and the commands it
 * runs, item 0 first, rendered one per string: words joined by spaces (a
 * dynamic word as <word>, a static one holding a space as 'word'), then
 * " @USER" for as_user, " +args" for more_args, " [VIA]" for the trail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

#define MAX_WORDS 32
#define MAX_CMDS 12
#define U16 "abcdefghijklmnop"
#define LONG_USER U16 U16 U16 U16 U16 U16 U16 U16 U16 U16 U16 U16 U16 U16 U16 U16

struct row
{
  const char *argv[MAX_WORDS]; /* NULL-terminated */
  const char *want[MAX_CMDS];  /* NULL-terminated; item 0 first */
  const char *unknowable;      /* a part of the expected explanation; NULL: none */
};

static const struct row rows[] = {
  /* not launchers */
  { { "rm", "-rf", "/" }, { "rm -rf /" }, NULL },
  { { "/usr/bin/mysql", "-e", "drop database x" }, { "/usr/bin/mysql -e 'drop database x'" }, NULL },
  { { "su", "-c", "rm -rf /" }, { "su -c 'rm -rf /'" }, NULL },
  { { "sudoedit", "/etc/passwd" }, { "sudoedit /etc/passwd" }, NULL },
  /* sudo */
  { { "sudo", "rm", "-rf", "/" }, { "sudo rm -rf /", "rm -rf / @root [sudo]" }, NULL },
  { { "sudo", "-u", "mysql", "mysql", "-e", "drop database x" },
    { "sudo -u mysql mysql -e 'drop database x'", "mysql -e 'drop database x' @mysql [sudo -u mysql]" },
    NULL },
  { { "/usr/bin/sudo", "-umysql", "id" }, { "/usr/bin/sudo -umysql id", "id @mysql [sudo -u mysql]" }, NULL },
  { { "sudo", "--user=bob", "id" }, { "sudo --user=bob id", "id @bob [sudo -u bob]" }, NULL },
  { { "sudo", "--user", "bob", "id" }, { "sudo --user bob id", "id @bob [sudo -u bob]" }, NULL },
  { { "sudo", "--us", "bob", "id" }, { "sudo --us bob id", "id @bob [sudo -u bob]" }, NULL },
  { { "sudo", "-Eu", "#1001", "id" }, { "sudo -Eu #1001 id", "id @#1001 [sudo -u #1001]" }, NULL },
  { { "sudo", "-nHE", "-g", "adm", "-h", "db1", "-p", "pw:", "-C", "5", "-D", "/srv", "ls" },
    { "sudo -nHE -g adm -h db1 -p pw: -C 5 -D /srv ls", "ls [sudo]" }, NULL },
  { { "sudo", "-g", "adm", "-u", "bob", "ls" }, { "sudo -g adm -u bob ls", "ls @bob [sudo -u bob]" }, NULL },
  { { "sudo", "-r", "role", "-t", "type", "-T", "10", "-U", "x", "-R", "/c", "ls" },
    { "sudo -r role -t type -T 10 -U x -R /c ls", "ls @root [sudo]" }, NULL },
  { { "sudo", "-i", "rm", "x" }, { "sudo -i rm x", "rm x @root [sudo]" }, NULL },
  { { "sudo", "-s", "rm", "x" }, { "sudo -s rm x", "rm x @root [sudo]" }, NULL },
  { { "sudo", "-i" }, { "sudo -i" }, NULL },
  { { "sudo", "--", "-weird" }, { "sudo -- -weird", "-weird @root [sudo]" }, NULL },
  { { "sudo", "A=1", "B=2", "rm", "x" }, { "sudo A=1 B=2 rm x", "rm x @root [sudo]" }, NULL },
  { { "sudo", "--preserve-env=PATH", "rm", "x" }, { "sudo --preserve-env=PATH rm x", "rm x @root [sudo]" }, NULL },
  { { "sudo", "-l" }, { "sudo -l" }, NULL },
  { { "sudo", "-l", "rm", "x" }, { "sudo -l rm x" }, NULL },
  { { "sudo", "-v" }, { "sudo -v" }, NULL },
  { { "sudo", "-e", "/etc/hosts" }, { "sudo -e /etc/hosts" }, NULL },
  { { "sudo", "-K" }, { "sudo -K" }, NULL },
  { { "sudo", "--list", "rm" }, { "sudo --list rm" }, NULL },
  { { "sudo", "-k" }, { "sudo -k" }, NULL },
  /* sudo(8): -k with a command runs it */
  { { "sudo", "-k", "rm", "x" }, { "sudo -k rm x", "rm x @root [sudo]" }, NULL },
  { { "sudo", "-u" }, { "sudo -u" }, NULL },
  /* user names: sudo refuses past LOGIN_NAME_MAX; trails show 32 bytes */
  { { "sudo", "-u", "u123456789012345678901234567890123456789", "id" },
    { "sudo -u u123456789012345678901234567890123456789 id",
      "id @u123456789012345678901234567890123456789 [sudo -u u1234567890123456789012345678901...]" }, NULL },
  { { "sudo", "-u", LONG_USER, "id" }, { "sudo -u " LONG_USER " id" }, NULL },
  /* env */
  { { "env", "-i", "PATH=/x", "rm", "-rf", "/" }, { "env -i PATH=/x rm -rf /", "rm -rf / [env]" }, NULL },
  { { "env", "-u", "HOME", "-uPATH", "--unset=X", "-C", "/srv", "--", "A=1", "rm" },
    { "env -u HOME -uPATH --unset=X -C /srv -- A=1 rm", "rm [env]" }, NULL },
  { { "env", "-", "A=1", "id" }, { "env - A=1 id", "id [env]" }, NULL },
  { { "env" }, { "env" }, NULL },
  { { "env", "A=1" }, { "env A=1" }, NULL },
  { { "env", "-S", "rm -rf /" }, { "env -S 'rm -rf /'" }, "env -S" },
  /* nice, ionice, nohup, timeout, stdbuf */
  { { "nice", "rm" }, { "nice rm", "rm [nice]" }, NULL },
  { { "nice", "-n", "10", "rm" }, { "nice -n 10 rm", "rm [nice]" }, NULL },
  { { "nice", "-n5", "--adjustment=3", "rm" }, { "nice -n5 --adjustment=3 rm", "rm [nice]" }, NULL },
  { { "nice", "-10", "rm" }, { "nice -10 rm", "rm [nice]" }, NULL },
  { { "nice", "--5", "rm" }, { "nice --5 rm", "rm [nice]" }, NULL },
  { { "ionice", "-c", "3", "-n", "7", "-t", "rm" }, { "ionice -c 3 -n 7 -t rm", "rm [ionice]" }, NULL },
  { { "ionice", "-c2", "rm" }, { "ionice -c2 rm", "rm [ionice]" }, NULL },
  { { "ionice", "-p", "1", "2" }, { "ionice -p 1 2" }, NULL },
  { { "nohup", "rm", "x" }, { "nohup rm x", "rm x [nohup]" }, NULL },
  { { "nohup", "--", "rm" }, { "nohup -- rm", "rm [nohup]" }, NULL },
  { { "timeout", "-s", "KILL", "10", "rm", "-rf", "/srv" },
    { "timeout -s KILL 10 rm -rf /srv", "rm -rf /srv [timeout]" }, NULL },
  { { "timeout", "--kill-after=5", "-k", "1", "--foreground", "-v", "1m", "rm" },
    { "timeout --kill-after=5 -k 1 --foreground -v 1m rm", "rm [timeout]" }, NULL },
  { { "timeout", "10" }, { "timeout 10" }, NULL },
  { { "stdbuf", "-oL", "-e", "0", "--input=0", "rm" }, { "stdbuf -oL -e 0 --input=0 rm", "rm [stdbuf]" }, NULL },
  /* chrt, taskset, setsid */
  { { "chrt", "-f", "10", "rm" }, { "chrt -f 10 rm", "rm [chrt]" }, NULL },
  { { "chrt", "--rr", "-T", "100", "5", "rm" }, { "chrt --rr -T 100 5 rm", "rm [chrt]" }, NULL },
  { { "chrt", "-p", "10", "1" }, { "chrt -p 10 1" }, NULL },
  { { "chrt", "-m" }, { "chrt -m" }, NULL },
  { { "taskset", "0x3", "rm" }, { "taskset 0x3 rm", "rm [taskset]" }, NULL },
  { { "taskset", "-c", "0-3", "rm" }, { "taskset -c 0-3 rm", "rm [taskset]" }, NULL },
  { { "taskset", "-p", "3", "1" }, { "taskset -p 3 1" }, NULL },
  { { "setsid", "-c", "-f", "-w", "rm" }, { "setsid -c -f -w rm", "rm [setsid]" }, NULL },
  { { "setsid", "-fw", "rm" }, { "setsid -fw rm", "rm [setsid]" }, NULL },
  /* xargs */
  { { "xargs", "-0", "rm", "-f" }, { "xargs -0 rm -f", "rm -f +args [xargs]" }, NULL },
  { { "xargs" }, { "xargs", "echo +args [xargs]" }, NULL },
  { { "xargs", "-n", "1", "-P4", "-d", "\\n", "-a", "list", "-E", "END", "-L", "2", "-s", "100", "rm" },
    { "xargs -n 1 -P4 -d \\n -a list -E END -L 2 -s 100 rm", "rm +args [xargs]" }, NULL },
  { { "xargs", "--arg-file=x", "--max-procs", "2", "-r", "-t", "-x", "rm" },
    { "xargs --arg-file=x --max-procs 2 -r -t -x rm", "rm +args [xargs]" }, NULL },
  { { "xargs", "-e", "rm" }, { "xargs -e rm", "rm +args [xargs]" }, NULL },
  { { "xargs", "-I", "{}", "mv", "{}", "{}.bak" }, { "xargs -I {} mv {} {}.bak", "mv <{}> <{}.bak> +args [xargs]" }, NULL },
  { { "xargs", "-i", "rm", "{}" }, { "xargs -i rm {}", "rm <{}> +args [xargs]" }, NULL },
  { { "xargs", "nice", "rm" }, { "xargs nice rm", "nice rm +args [xargs]", "rm +args [xargs > nice]" }, NULL },
  { { "xargs", "sudo" }, { "xargs sudo", "sudo +args [xargs]" }, "run time" },
  /* sh -c */
  { { "bash", "-c", "cd /srv && rm -rf *" },
    { "bash -c 'cd /srv && rm -rf *'", "cd /srv [bash -c]", "rm -rf <*> [bash -c]" }, NULL },
  { { "/bin/sh", "-c", "x=rm; $x -rf /" }, { "/bin/sh -c 'x=rm; $x -rf /'", "<$x> -rf / [sh -c]" }, NULL },
  { { "dash", "-ec", "ls" }, { "dash -ec ls", "ls [dash -c]" }, NULL },
  { { "bash", "-lc", "ls", "name", "a", "b" }, { "bash -lc ls name a b", "ls [bash -c]" }, NULL },
  { { "bash", "-xc", "ls" }, { "bash -xc ls", "ls [bash -c]" }, NULL },
  { { "bash", "-c", "-e", "ls" }, { "bash -c -e ls", "ls [bash -c]" }, NULL },
  { { "bash", "-o", "pipefail", "--norc", "-c", "a|b" }, { "bash -o pipefail --norc -c a|b", "a [bash -c]", "b [bash -c]" }, NULL },
  { { "sh", "script.sh" }, { "sh script.sh" }, NULL },
  { { "sh", "-c" }, { "sh -c" }, NULL },
  { { "sh", "-c", "case x in *) rm;; esac" }, { "sh -c 'case x in *) rm;; esac'" }, "case" },
  { { "sh", "-c", "" }, { "sh -c ''" }, NULL },
  { { "sh", "-c", "sh -c \"$0\"" }, { "sh -c 'sh -c \"$0\"'", "sh -c <$0> [sh -c]" }, "run time" },
  /* recursion, trails and users */
  { { "sudo", "env", "nice", "sh", "-c", "sudo rm -rf /" },
    { "sudo env nice sh -c 'sudo rm -rf /'", "env nice sh -c 'sudo rm -rf /' @root [sudo]",
      "nice sh -c 'sudo rm -rf /' @root [sudo > env]", "sh -c 'sudo rm -rf /' @root [sudo > env > nice]",
      "sudo rm -rf / @root [sudo > env > nice > sh -c]", "rm -rf / @root [sudo > env > nice > sh -c > sudo]" },
    NULL },
  { { "sudo", "-u", "mysql", "sh", "-c", "mysql -e 'drop database x'; sudo -u bob id" },
    { "sudo -u mysql sh -c 'mysql -e '\\''drop database x'\\''; sudo -u bob id'",
      "sh -c 'mysql -e '\\''drop database x'\\''; sudo -u bob id' @mysql [sudo -u mysql]",
      "mysql -e 'drop database x' @mysql [sudo -u mysql > sh -c]",
      "sudo -u bob id @mysql [sudo -u mysql > sh -c]", "id @bob [sudo -u mysql > sh -c > sudo -u bob]" },
    NULL },
  { { "sudo", "-g", "adm", "id" }, { "sudo -g adm id", "id [sudo]" }, NULL },
  { { "sudo", "sudo", "-g", "adm", "id" }, { "sudo sudo -g adm id", "sudo -g adm id @root [sudo]", "id @root [sudo > sudo]" }, NULL },
  { { "sh", "-c", "echo $(sudo rm x)" }, { "sh -c 'echo $(sudo rm x)'", "sudo rm x [sh -c]", "rm x @root [sh -c > sudo]", "echo <$(sudo rm x)> [sh -c]" }, NULL },
  /* a dynamic word before the program: kept as the program */
  { { "sh", "-c", "sudo $cmd x" }, { "sh -c 'sudo $cmd x'", "sudo <$cmd> x [sh -c]", "<$cmd> x @root [sh -c > sudo]" }, NULL },
  { { "sh", "-c", "env A=$x rm y" }, { "sh -c 'env A=$x rm y'", "env <A=$x> rm y [sh -c]", "<A=$x> rm y [sh -c > env]" }, NULL },
  { { "sh", "-c", "timeout $t rm z" }, { "sh -c 'timeout $t rm z'", "timeout <$t> rm z [sh -c]", "<$t> rm z [sh -c > timeout]" }, NULL },
  { { "sh", "-c", "$SUDO rm z" }, { "sh -c '$SUDO rm z'", "<$SUDO> rm z [sh -c]" }, NULL },
  { { "sh", "-c", "bash -c \"$x\"" }, { "sh -c 'bash -c \"$x\"'", "bash -c <$x> [sh -c]" }, "run time" },
  { { "xargs", "-I{}", "sh", "-c", "rm {}" }, { "xargs -I{} sh -c 'rm {}'", "sh -c <rm {}> +args [xargs]" }, "run time" },
};

static void
render (char *out, size_t size, const struct hg_simple_cmd *c)
{
  out[0] = '\0';
  assert_non_null (c->argv);
  assert_null (c->argv[c->argc]);
  for (size_t i = 0; i < c->argc; i++)
    {
      size_t n = strlen (out);
      const char *w = c->argv[i];
      if (c->dynamic[i])
        snprintf (out + n, size - n, "%s<%s>", i ? " " : "", w);
      else if (!*w || strchr (w, ' '))
        {
          /* quoted as the shell would read it back */
          n += snprintf (out + n, size - n, "%s'", i ? " " : "");
          for (; *w && n + 5 < size; w++)
            n += *w == '\'' ? snprintf (out + n, size - n, "'\\''") : snprintf (out + n, size - n, "%c", *w);
          snprintf (out + n, size - n, "'");
        }
      else
        snprintf (out + n, size - n, "%s%s", i ? " " : "", w);
    }
  size_t n = strlen (out);
  if (c->as_user)
    n += snprintf (out + n, size - n, " @%s", c->as_user);
  if (c->more_args)
    n += snprintf (out + n, size - n, " +args");
  if (c->via)
    snprintf (out + n, size - n, " [%s]", c->via);
}

static size_t
count (const char *const *v, size_t max)
{
  size_t n = 0;
  while (n < max && v[n])
    n++;
  return n;
}

static void
check_row (void **state)
{
  const struct row *r = *state;
  struct hg_cmd_list l;
  hg_error *err = NULL;
  char got[4096];
  size_t argc = count (r->argv, MAX_WORDS), want_n = count (r->want, MAX_CMDS);

  assert_int_equal (hg_look_through (r->argv, argc, &l, &err), 0);
  for (size_t k = 0; k < l.n && k < want_n; k++)
    {
      render (got, sizeof got, &l.items[k]);
      assert_string_equal (got, r->want[k]);
    }
  assert_int_equal (l.n, want_n);
  if (r->unknowable)
    {
      assert_non_null (l.unknowable);
      assert_non_null (strstr (l.unknowable, r->unknowable));
    }
  else if (l.unknowable)
    fail_msg ("unexpected unknowable: %s", l.unknowable);
  hg_cmd_list_free (&l);
}

/* `nice nice ... rm`, and the same through sh -c strings. */
static int
nest (size_t n, bool shells, struct hg_cmd_list *l, hg_error **err)
{
  const char *argv[64];
  size_t argc = 0;
  char *script = NULL;
  if (shells)
    {
      /* sh -c 'nice ... sh -c '\''nice ... rm'\''': a few shells among nice */
      char buf[8192] = "rm";
      for (size_t i = 1; i < n; i++)
        {
          char tmp[8192];
          if (i != 5 && i != 10)
            {
              memcpy (tmp, "nice ", 5);
              strcpy (tmp + 5, buf);
            }
          else
            {
              char *p = tmp + sprintf (tmp, "sh -c '");
              for (const char *c = buf; *c; c++)
                p += *c == '\'' ? sprintf (p, "'\\''") : sprintf (p, "%c", *c);
              sprintf (p, "'");
            }
          strcpy (buf, tmp);
        }
      argv[argc++] = "sh";
      argv[argc++] = "-c";
      argv[argc++] = script = strdup (buf);
    }
  else
    {
      for (size_t i = 0; i < n; i++)
        argv[argc++] = "nice";
      argv[argc++] = "rm";
    }
  int r = hg_look_through (argv, argc, l, err);
  free (script);
  return r;
}

static void
test_nesting_limit (void **state)
{
  for (int shells = 0; shells < 2; shells++)
    {
      struct hg_cmd_list l;
      hg_error *err = NULL;
      assert_int_equal (nest (16, shells, &l, &err), 0);
      assert_string_equal (l.items[l.n - 1].argv[0], "rm");
      assert_int_equal (l.n, 17);
      hg_cmd_list_free (&l);
      assert_int_equal (nest (17, shells, &l, &err), HG_ERR_INVALID);
      assert_non_null (strstr (hg_error_message (err), "16"));
      assert_int_equal (l.n, 0);
      assert_null (l.items);
      hg_error_free (err);
    }
}

static void
test_bad_arguments (void **state)
{
  struct hg_cmd_list l;
  hg_error *err = NULL;
  const char *argv[] = { "ls", NULL };
  assert_int_equal (hg_look_through (argv, 0, &l, &err), HG_ERR_INVALID);
  hg_error_free (err);
  err = NULL;
  assert_int_equal (hg_look_through (argv, 2, &l, &err), HG_ERR_INVALID);
  hg_error_free (err);
}

static void
name_add (char *name, size_t *len, size_t size, const char *s)
{
  size_t n = strlen (s);
  if (*len + n + 1 < size)
    {
      memcpy (name + *len, s, n + 1);
      *len += n;
    }
}

int
main (void)
{
  static struct CMUnitTest tests[N_ELEMENTS (rows) + 2];
  static char names[N_ELEMENTS (rows)][96];
  size_t n = 0;

  for (size_t i = 0; i < N_ELEMENTS (rows); i++, n++)
    {
      /* TAP needs one line: the argv with its controls escaped. */
      size_t len = (size_t) snprintf (names[i], sizeof names[i], "row %zu:", i);
      for (const char *const *w = rows[i].argv; *w; w++)
        {
          name_add (names[i], &len, sizeof names[i], " ");
          for (const char *c = *w; *c; c++)
            {
              char esc[8];
              bool ctl = (unsigned char) *c < 0x20 || *c == '#';
              snprintf (esc, sizeof esc, ctl ? "\\x%02x" : "%c", (unsigned char) *c);
              name_add (names[i], &len, sizeof names[i], esc);
            }
        }
      tests[n] = (struct CMUnitTest){ names[i], check_row, NULL, NULL, (void *) &rows[i] };
    }
  tests[n++] = (struct CMUnitTest){ "nesting limit", test_nesting_limit, NULL, NULL, NULL };
  tests[n++] = (struct CMUnitTest){ "bad arguments", test_bad_arguments, NULL, NULL, NULL };
  return _cmocka_run_group_tests ("launchers", tests, n, NULL, NULL);
}
