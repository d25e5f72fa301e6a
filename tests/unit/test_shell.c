/* hg_shell_parse: table-driven.  Each row is a shell string and the
 * commands it runs, rendered one per string: words joined by spaces, a
 * dynamic word as <word>, a static word holding a space (or empty) as
 * 'word'. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policy/internal.h"

#define MAX_CMDS 12

struct row
{
  const char *in;
  const char *want[MAX_CMDS]; /* NULL-terminated */
  const char *unknowable;     /* a part of the expected explanation; NULL: none */
  int status;
};

#define ANY "" /* some explanation */

static const struct row rows[] = {
  /* words and operators */
  { "", { NULL }, NULL, 0 },
  { "   \t ", { NULL }, NULL, 0 },
  { "ls", { "ls" }, NULL, 0 },
  { "rm -rf /srv", { "rm -rf /srv" }, NULL, 0 },
  { "a; b", { "a", "b" }, NULL, 0 },
  { "a && b || c", { "a", "b", "c" }, NULL, 0 },
  { "a | b |& c", { "a", "b", "c" }, NULL, 0 },
  { "a & b&c", { "a", "b", "c" }, NULL, 0 },
  { "a\nb\n\nc", { "a", "b", "c" }, NULL, 0 },
  { "a;;", { "a" }, NULL, 0 },
  { "ls -l \\\n  /srv", { "ls -l /srv" }, NULL, 0 },
  { "# only a comment", { NULL }, NULL, 0 },
  { "ls # rm -rf /\nid", { "ls", "id" }, NULL, 0 },
  { "echo a#b", { "echo a#b" }, NULL, 0 },
  /* quoting */
  { "echo 'a b' \"c d\"", { "echo 'a b' 'c d'" }, NULL, 0 },
  { "echo '$x' \"\\$y\" \\$z", { "echo $x $y $z" }, NULL, 0 },
  { "echo \"a\\\"b\\\\c\\d\"", { "echo a\"b\\c\\d" }, NULL, 0 },
  { "r'm' -\"rf\" /", { "rm -rf /" }, NULL, 0 },
  { "echo '' \"\"", { "echo '' ''" }, NULL, 0 },
  { "echo \\a\\ b", { "echo 'a b'" }, NULL, 0 },
  { "echo $'a\\tb' $'\\x41\\101\\u00e9' $'it\\'s'", { "echo a\tb A\x41\xc3\xa9 it's" }, NULL, 0 },
  { "echo $'a\\0b'c", { "echo ac" }, NULL, 0 },
  { "echo $\"hi there\"", { "echo 'hi there'" }, NULL, 0 },
  { "echo \"$x\"", { "echo <$x>" }, NULL, 0 },
  { "echo \"unterminated", { "echo unterminated" }, "unterminated quote", 0 },
  { "rm -rf / 'x", { "rm -rf / x" }, "unterminated quote", 0 },
  { "echo $'abc", { "echo abc" }, "unterminated quote", 0 },
  { "echo \xff\xfe '\x80'", { "echo \xff\xfe \x80" }, NULL, 0 },
  /* dynamic words */
  { "x=rm; $x -rf /", { "<$x> -rf /" }, NULL, 0 },
  { "${CMD} ${A:-b} $1 $@ $? $$", { "<${CMD}> <${A:-b}> <$1> <$@> <$?> <$$>" }, NULL, 0 },
  { "rm *.log a?c [ab]x", { "rm <*.log> <a?c> <[ab]x>" }, NULL, 0 },
  { "[ -f x ] && rm x", { "[ -f x ]", "rm x" }, NULL, 0 },
  { "rm '*' \"?\" \\*", { "rm * ? *" }, NULL, 0 },
  { "ls ~ ~/x a~ '~'", { "ls <~> <~/x> a~ ~" }, NULL, 0 },
  { "rm /{srv,etc} {1..3} {x}", { "rm </{srv,etc}> <{1..3}> {x}" }, NULL, 0 },
  { "echo $ a$", { "echo $ a$" }, NULL, 0 },
  { "echo $((1 + 2))x", { "echo <$((1 + 2))x>" }, NULL, 0 },
  /* substitutions run */
  { "echo $(rm -rf /)", { "rm -rf /", "echo <$(rm -rf /)>" }, NULL, 0 },
  { "echo `id -u`", { "id -u", "echo <`id -u`>" }, NULL, 0 },
  { "a $(b $(c) `d`)", { "c", "d", "b <$(c)> <`d`>", "a <$(b $(c) `d`)>" }, NULL, 0 },
  { "echo `a \\`b\\``", { "b", "a <`b`>", "echo <`a \\`b\\``>" }, NULL, 0 },
  { "echo \"x $(rm \"a b\") y\"", { "rm 'a b'", "echo <x $(rm \"a b\") y>" }, NULL, 0 },
  { "echo ${a:-$(rm x)}", { "rm x", "echo <${a:-$(rm x)}>" }, NULL, 0 },
  { "echo $((1 + $(id -u)))", { "id -u", "echo <$((1 + $(id -u)))>" }, NULL, 0 },
  { "diff <(ls a) >(cat)", { "ls a", "cat", "diff <<(ls a)> <>(cat)>" }, NULL, 0 },
  { "echo $(echo ')')", { "echo )", "echo <$(echo ')')>" }, NULL, 0 },
  { "echo $(ls # )\n)", { "ls", "echo <$(ls # )\n)>" }, NULL, 0 },
  { "echo $(rm x", { "rm x", "echo <$(rm x>" }, "unterminated", 0 },
  { "echo `rm x", { "echo <`rm x>" }, "unterminated backquote", 0 },
  /* assignments and redirections */
  { "A=1 B=2 cmd arg", { "cmd arg" }, NULL, 0 },
  { "A=1 B=2", { NULL }, NULL, 0 },
  { "A=$(rm x) B=`id`", { "rm x", "id" }, NULL, 0 },
  { "cmd A=1", { "cmd A=1" }, NULL, 0 },
  { "\"A\"=1 x", { "A=1 x" }, NULL, 0 },
  { "arr=(a $(rm b) c); ls", { "rm b", "ls" }, NULL, 0 },
  { "cmd >out 2>&1 <in >>log 2>err &>all >|x <>y 3<&0 >&-", { "cmd" }, NULL, 0 },
  { "cmd x>&-", { "cmd x" }, NULL, 0 },
  { "cmd >/dev/null arg 2>/dev/null", { "cmd arg" }, NULL, 0 },
  { ">out rm x", { "rm x" }, NULL, 0 },
  { "echo 2>x 2 >y", { "echo 2" }, NULL, 0 },
  { "cat > $(rm x)", { "rm x", "cat" }, NULL, 0 },
  { "cat <<< 'here string' x", { "cat x" }, NULL, 0 },
  { "tee >(rm x) y", { "rm x", "tee <>(rm x)> y" }, NULL, 0 },
  /* keywords and compound commands */
  { "if [ -f x ]; then rm x; elif true; then :; else echo; fi",
    { "[ -f x ]", "rm x", "true", ":", "echo" }, NULL, 0 },
  { "while true; do rm x; done", { "true", "rm x" }, NULL, 0 },
  { "until false; do :; done > log", { "false", ":" }, NULL, 0 },
  { "! grep x y", { "grep x y" }, NULL, 0 },
  { "time -p nice rm", { "nice rm" }, NULL, 0 },
  { "( cd /srv && rm -rf * ) ; { ls; }", { "cd /srv", "rm -rf <*>", "ls" }, NULL, 0 },
  { "(((a)))", { NULL }, NULL, 0 },
  { "( (a) )", { "a" }, NULL, 0 },
  { "{ a; { b; }; }", { "a", "b" }, NULL, 0 },
  { "echo if then } done", { "echo if then } done" }, NULL, 0 },
  { "\"if\" x", { "if x" }, NULL, 0 },
  { "exec rm -rf /", { "rm -rf /" }, NULL, 0 },
  { "exec -a name -c rm x", { "rm x" }, NULL, 0 },
  { "exec >log 2>&1", { NULL }, NULL, 0 },
  { "command rm x; command -p rm y; builtin echo z", { "rm x", "rm y", "echo z" }, NULL, 0 },
  { "for f in *.txt a; do rm \"$f\"; done", { "rm <$f>" }, NULL, 0 },
  { "for f in $(ls); do rm $f; done", { "ls", "rm <$f>" }, NULL, 0 },
  { "for f\ndo rm $f\ndone", { "rm <$f>" }, NULL, 0 },
  { "for ((i = 0; i < 3; i++)); do rm $i; done", { "rm <$i>" }, NULL, 0 },
  { "select x in a b; do echo $x; done", { "echo <$x>" }, NULL, 0 },
  { "((i++)); rm x", { "rm x" }, NULL, 0 },
  { "[[ -f $(which x) && a < b ]] && rm y", { "which x", "rm y" }, NULL, 0 },
  { "[[ $x =~ ^(a|b)$ ]] || rm z", { "rm z" }, NULL, 0 },
  { "eval 'rm -rf /tmp/x; ls'", { "rm -rf /tmp/x", "ls" }, NULL, 0 },
  { "eval rm \"-rf /\"", { "rm -rf /" }, NULL, 0 },
  { "eval $x; ls", { "eval <$x>", "ls" }, "eval", 0 },
  { "builtin eval 'id'", { "id" }, NULL, 0 },
  /* constructs not followed */
  { "case $x in a) rm;; esac", { NULL }, "case statement", 0 },
  { "rm a; case x in *) rm b;; esac", { "rm a" }, "case statement", 0 },
  { "cat <<EOF\nrm -rf /\nEOF", { "cat" }, "here-document", 0 },
  { "cat <<-EOF >x\nEOF", { "cat" }, "here-document", 0 },
  { "f() { rm -rf /; }; f", { NULL }, "function definition", 0 },
  { "function f { rm -rf /; }", { NULL }, "function definition", 0 },
  { "ls; echo )", { "ls", "echo" }, "unmatched )", 0 },
  { "echo (", { "echo" }, "unexpected (", 0 },
  { "[[ -f x", { NULL }, "[[", 0 },
  { "echo $((1 + 2", { "echo <$((1 + 2>" }, "arithmetic", 0 },
  { "echo ${x", { "echo <${x>" }, "${", 0 },
  { "echo $((cd x) )", { "echo <$((cd x>" }, "ambiguous", 0 },
};

/* Nested past the limit: an error, not an explanation. */
static char *
nested (const char *open, const char *close, int n)
{
  size_t lo = strlen (open), lc = strlen (close);
  char *s = malloc ((lo + lc) * n + 3);
  char *p = s;
  for (int i = 0; i < n; i++)
    p = memcpy (p, open, lo) + lo;
  *p++ = 'x';
  for (int i = 0; i < n; i++)
    p = memcpy (p, close, lc) + lc;
  *p = '\0';
  return s;
}

static void
render_word (char *out, size_t size, const char *w, bool dynamic)
{
  size_t n = strlen (out);
  if (dynamic)
    snprintf (out + n, size - n, "<%s>", w);
  else if (!*w || strchr (w, ' '))
    snprintf (out + n, size - n, "'%s'", w);
  else
    snprintf (out + n, size - n, "%s", w);
}

static void
render (char *out, size_t size, const struct hg_simple_cmd *c)
{
  out[0] = '\0';
  assert_non_null (c->argv);
  assert_null (c->argv[c->argc]);
  for (size_t i = 0; i < c->argc; i++)
    {
      if (i)
        strncat (out, " ", size - strlen (out) - 1);
      render_word (out, size, c->argv[i], c->dynamic[i]);
    }
}

static void
check_row (void **state)
{
  const struct row *r = *state;
  struct hg_cmd_list l;
  hg_error *err = NULL;
  char got[4096];

  int status = hg_shell_parse (r->in, &l, &err);
  assert_int_equal (status, r->status);
  if (status < 0)
    {
      hg_error_free (err);
      return;
    }
  size_t want_n = 0;
  while (want_n < MAX_CMDS && r->want[want_n])
    want_n++;
  for (size_t k = 0; k < l.n && k < want_n; k++)
    {
      render (got, sizeof got, &l.items[k]);
      assert_string_equal (got, r->want[k]);
      assert_false (l.items[k].more_args);
      assert_null (l.items[k].via);
      assert_null (l.items[k].as_user);
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
  hg_cmd_list_free (&l); /* safe twice */
}

static void
check_too_deep (const char *open, const char *close, int ok_depth)
{
  struct hg_cmd_list l;
  hg_error *err = NULL;
  char *s = nested (open, close, ok_depth);
  assert_int_equal (hg_shell_parse (s, &l, &err), 0);
  assert_null (l.unknowable);
  hg_cmd_list_free (&l);
  free (s);
  s = nested (open, close, ok_depth + 1);
  assert_int_equal (hg_shell_parse (s, &l, &err), HG_ERR_INVALID);
  assert_non_null (strstr (hg_error_message (err), "64"));
  assert_int_equal (l.n, 0);
  hg_error_free (err);
  free (s);
}

static void
test_depth_limits (void **state)
{
  check_too_deep ("$(", ")", 64);
  check_too_deep ("( ", " )", 64);
  check_too_deep ("${a:-", "}", 64);
  check_too_deep ("echo \"$(", ")\"", 64);
}

static void
test_eval_depth (void **state)
{
  struct hg_cmd_list l;
  hg_error *err = NULL;
  char buf[1024] = "";
  for (int i = 0; i < 66; i++)
    strcat (buf, "eval ");
  strcat (buf, "rm");
  assert_int_equal (hg_shell_parse (buf, &l, &err), HG_ERR_INVALID);
  hg_error_free (err);
  err = NULL;
  buf[0] = '\0';
  for (int i = 0; i < 10; i++)
    strcat (buf, "eval ");
  strcat (buf, "rm x");
  assert_int_equal (hg_shell_parse (buf, &l, &err), 0);
  assert_int_equal (l.n, 1);
  assert_string_equal (l.items[0].argv[0], "rm");
  hg_cmd_list_free (&l);
}

/* Long inputs stay linear: a quadratic parse would take minutes here. */
static void
test_long_inputs (void **state)
{
  static const char *const units[] = { "a;", "$(", "'x'\"y\"", "${a:-", "`", "((", "[[ ", "\\\n", "x=(" };
  size_t n = 1 << 20;
  char *s = malloc (n + 16);
  for (size_t u = 0; u < N_ELEMENTS (units); u++)
    {
      size_t len = strlen (units[u]), k = 0;
      while (k + len < n)
        memcpy (s + k, units[u], len), k += len;
      s[k] = '\0';
      struct hg_cmd_list l;
      hg_error *err = NULL;
      int r = hg_shell_parse (s, &l, &err);
      assert_true (r == 0 || r == HG_ERR_INVALID);
      hg_cmd_list_free (&l);
      hg_error_free (err);
    }
  free (s);
}

static void
test_bad_arguments (void **state)
{
  struct hg_cmd_list l;
  hg_error *err = NULL;
  assert_int_equal (hg_shell_parse (NULL, &l, &err), HG_ERR_INVALID);
  hg_error_free (err);
}

int
main (void)
{
  static struct CMUnitTest tests[N_ELEMENTS (rows) + 5];
  static char names[N_ELEMENTS (rows)][96];
  size_t n = 0;

  for (size_t i = 0; i < N_ELEMENTS (rows); i++, n++)
    {
      /* TAP needs one line: show the input with its controls escaped. */
      char *p = names[i];
      p += snprintf (p, 24, "row %zu: ", i);
      for (const char *c = rows[i].in; *c && p < names[i] + sizeof names[i] - 5; c++)
        p += (unsigned char) *c < 0x20 || *c == '#' ? sprintf (p, "\\x%02x", (unsigned char) *c)
                                                     : sprintf (p, "%c", *c);
      tests[n] = (struct CMUnitTest){ names[i], check_row, NULL, NULL, (void *) &rows[i] };
    }
  tests[n++] = (struct CMUnitTest){ "depth limits", test_depth_limits, NULL, NULL, NULL };
  tests[n++] = (struct CMUnitTest){ "eval depth", test_eval_depth, NULL, NULL, NULL };
  tests[n++] = (struct CMUnitTest){ "long inputs", test_long_inputs, NULL, NULL, NULL };
  tests[n++] = (struct CMUnitTest){ "bad arguments", test_bad_arguments, NULL, NULL, NULL };
  return _cmocka_run_group_tests ("shell", tests, n, NULL, NULL);
}
