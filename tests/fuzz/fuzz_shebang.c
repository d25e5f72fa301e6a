/* hg_shebang_parse on arbitrary first bytes of a file: it must return one
 * of its results, and on a script an interpreter name with no space, tab
 * or NUL in it, shorter than the 256 bytes the kernel reads. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *interp = NULL, *arg = NULL;
  int r = hg_shebang_parse ((const char *) data, size, &interp, &arg);
  if (r == HG_SHEBANG_SCRIPT)
    {
      if (!interp || !*interp || strlen (interp) >= 256 || strpbrk (interp, " \t"))
        abort ();
      if (arg && strlen (arg) >= 256) /* an empty one is the kernel's too */
        abort ();
    }
  else if (r != HG_SHEBANG_NONE && r != HG_SHEBANG_ENOEXEC)
    abort ();
  else if (interp || arg)
    abort ();
  free (interp);
  free (arg);
  return 0;
}
