/* The #! line, split as Linux's binfmt_script splits it: table-driven.
 * Each row: the file's first bytes, the result, the interpreter and its
 * argument (NULL: none). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "policy/internal.h"

struct row
{
  const char *head;
  size_t len; /* 0: strlen (head) */
  int want;
  const char *interp, *arg;
};

#define S HG_SHEBANG_SCRIPT
#define N HG_SHEBANG_NONE
#define E HG_SHEBANG_ENOEXEC

static const struct row rows[] = {
  { "#!/bin/sh\necho hi\n", 0, S, "/bin/sh", NULL },
  { "#!/bin/rm -rf\n", 0, S, "/bin/rm", "-rf" },
  { "#! /bin/rm -rf\n", 0, S, "/bin/rm", "-rf" },
  { "#!\t/bin/rm \t-r -f  \t\n", 0, S, "/bin/rm", "-r -f" }, /* one argument, trimmed */
  { "#!/usr/bin/env -S rm -rf\n", 0, S, "/usr/bin/env", "-S rm -rf" },
  { "#!/bin/rm", 0, S, "/bin/rm", NULL },           /* no newline, short file */
  { "#!rm -f\n", 0, S, "rm", "-f" },                 /* relative: from the cwd */
  { "#!\n", 0, E, NULL, NULL },                      /* no interpreter */
  { "#!   \t \n", 0, E, NULL, NULL },
  { "#", 0, N, NULL, NULL },
  { "", 0, N, NULL, NULL },
  { "\x7f" "ELF\x02\x01", 6, N, NULL, NULL },
  { "# !/bin/sh\n", 0, N, NULL, NULL },
  { "#!/bin/r\0m -f\n", 14, S, "/bin/r", NULL },     /* a NUL ends the line */
  { "#!/bin/rm -f\0x\n", 15, S, "/bin/rm", "-f" },   /* and the argument */
};

static void
test_rows (void **state)
{
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
    {
      const struct row *r = &rows[i];
      char *interp = NULL, *arg = NULL;
      int got = hg_shebang_parse (r->head, r->len ? r->len : strlen (r->head), &interp, &arg);
      if (got != r->want)
        fail_msg ("row %zu: result %d, want %d", i, got, r->want);
      if (r->interp)
        assert_string_equal (interp, r->interp);
      else
        assert_null (interp);
      if (r->arg)
        assert_string_equal (arg, r->arg);
      else
        assert_null (arg);
      free (interp);
      free (arg);
    }
}

/* Past the 256 bytes the kernel reads: an interpreter name that ends
 * inside them runs (its argument cut); one that does not is refused. */
static void
test_long_lines (void **state)
{
  char buf[400];
  memset (buf, 'a', sizeof buf);
  memcpy (buf, "#!/bin/rm -", 11);
  char *interp = NULL, *arg = NULL;
  assert_int_equal (hg_shebang_parse (buf, sizeof buf, &interp, &arg), S);
  assert_string_equal (interp, "/bin/rm");
  assert_int_equal (strlen (arg), 255 - 10);
  free (interp);
  free (arg);

  memset (buf, 'a', sizeof buf);
  memcpy (buf, "#!/", 3);
  assert_int_equal (hg_shebang_parse (buf, sizeof buf, &interp, &arg), E);
  assert_null (interp);
  /* The name ends at byte 254: still inside. */
  buf[254] = ' ';
  assert_int_equal (hg_shebang_parse (buf, sizeof buf, &interp, &arg), S);
  assert_int_equal (strlen (interp), 254 - 2);
  free (interp);
  free (arg);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_rows),
    cmocka_unit_test (test_long_lines),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
