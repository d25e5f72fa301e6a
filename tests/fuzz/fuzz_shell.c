/* hg_shell_parse and hg_look_through on arbitrary bytes.  The input is
 * parsed as one shell string (up to its first NUL), and split at newlines
 * and NULs into an argv to look through.  Both must return, within the
 * time limit, a list whose invariants hold, and free it cleanly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/internal.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_list (const struct hg_cmd_list *l)
{
  for (size_t k = 0; k < l->n; k++)
    {
      const struct hg_simple_cmd *c = &l->items[k];
      if (!c->argv || !c->dynamic || c->argv[c->argc])
        abort ();
      for (size_t i = 0; i < c->argc; i++)
        if (!c->argv[i])
          abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = malloc (size + 1);
  const char **argv = malloc ((size + 1) * sizeof *argv);
  struct hg_cmd_list l;
  hg_error *err = NULL;
  size_t argc = 0;

  if (!s || !argv)
    abort ();
  memcpy (s, data, size);
  s[size] = '\0';
  if (hg_shell_parse (s, &l, &err) == 0)
    check_list (&l);
  else if (l.n || l.items)
    abort ();
  hg_cmd_list_free (&l);
  hg_error_free (err);
  err = NULL;

  /* The same bytes as an argv: words end at newlines and NULs. */
  for (size_t i = 0, start = 0; i <= size; i++)
    if (i == size || s[i] == '\n' || s[i] == '\0')
      {
        s[i] = '\0';
        argv[argc++] = s + start;
        start = i + 1;
      }
  if (hg_look_through (argv, argc, &l, &err) == 0)
    {
      check_list (&l);
      if (l.n == 0 || l.items[0].argc != argc || l.items[0].via)
        abort ();
    }
  hg_cmd_list_free (&l);
  hg_error_free (err);
  free (argv);
  free (s);
  return 0;
}
