/* The post-exec check's reason for a refused ptrace attach (EPERM): Yama
 * is told apart from another tracer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "supervise/internal.h"

static void
check (int scope, bool cap, const char *want, const char *not_want)
{
  char *s = hg_execcheck_eperm_reason (42, scope, cap);
  assert_non_null (s);
  assert_non_null (strstr (s, want));
  if (not_want)
    assert_null (strstr (s, not_want));
  free (s);
}

static void
test_yama_3_is_said_even_for_root (void **state)
{
  (void) state;
  check (3, true, "ptrace_scope = 3", "already traced");
}

static void
test_yama_2_without_capability (void **state)
{
  (void) state;
  check (2, false, "ptrace_scope = 2", "already traced");
  /* With CAP_SYS_PTRACE, scope 2 permits: EPERM means another tracer. */
  check (2, true, "already traced", "ptrace_scope");
}

static void
test_no_yama_is_another_tracer (void **state)
{
  (void) state;
  check (-1, true, "already traced", "ptrace_scope");
  check (1, true, "already traced", "ptrace_scope");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_yama_3_is_said_even_for_root),
    cmocka_unit_test (test_yama_2_without_capability),
    cmocka_unit_test (test_no_yama_is_another_tracer),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
