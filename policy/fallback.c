/* The built-in fallback policy (DESIGN.md, "`hostguard shell`"): what a
 * session runs under when its policy cannot be loaded, so that a broken
 * policy never locks anyone out. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The directory goes into the policy text between quotes, as the
 * directory of an include glob: a name that would be read as more than a
 * plain directory (a quote, an escape, ${, a glob character) is not used. */
static bool
plain_dir (const char *dir)
{
  return *dir && !strpbrk (dir, "\"\\$") && !glob_pattern_p (dir, 0);
}

static const char BUILT_IN_RULES[]
    = "rule fallback-destructive {\n"
      "  command = {\"rm\", \"rmdir\", \"shred\", \"dd\", \"truncate\", \"mkfs*\", \"wipefs\",\n"
      "             \"fdisk\", \"sfdisk\", \"parted\", \"lvremove\", \"vgremove\", \"zfs\", \"zpool\",\n"
      "             \"mysql\", \"mariadb\", \"mysqladmin\", \"mariadb-admin\", \"systemctl\",\n"
      "             \"service\", \"reboot\", \"shutdown\", \"poweroff\", \"halt\", \"kill\",\n"
      "             \"pkill\", \"killall\", \"puppet\", \"exportfs\", \"umount\", \"mv\", \"rsync\",\n"
      "             \"find\", \"chmod\", \"chown\"}\n"
      "  action = confirm\n"
      "  message = \"The policy could not be loaded: programs that can lose data ask first.\"\n"
      "}\n";

int
hg_policy_fallback (const char *rules_dir, const char *shell, hg_policy **out, hg_error **err)
{
  if (!shell || strpbrk (shell, "\"\\$"))
    return hg_fail (err, HG_ERR_INVALID, "the fallback shell '%s' cannot be named in a policy",
                    shell ? shell : "(none)");
  bool packs = false;
  if (rules_dir && plain_dir (rules_dir))
    {
      char *pat = NULL;
      glob_t g;
      packs = asprintf (&pat, "%s/*.conf", rules_dir) >= 0 && glob (pat, 0, NULL, &g) == 0;
      if (packs)
        globfree (&g);
      free (pat);
    }
  char *text = NULL;
  int r = -1;
  hg_error *perr = NULL;
  if (packs)
    {
      if (asprintf (&text, "hosts = {\"*\"}\nshell = \"%s\"\ninclude = {\"%s/*.conf\"}\n", shell,
                    rules_dir)
          < 0)
        return hg_fail (err, HG_ERR_NOMEM, "out of memory");
      /* The packs are trusted like any policy file of run and shell. */
      r = hg_policy_load_buffer ("<built-in fallback>", text, strlen (text), HG_LOAD_TRUSTED_ONLY,
                                 out, &perr);
      free (text);
      text = NULL;
      if (r == 0)
        return 0;
    }
  /* No packs, or unusable ones: a few rules built in, so that the
   * programs that lose data still ask (the supervisor raises whatever a
   * rule matches to at least confirm); the rest runs.  Nobody is locked
   * out, and nothing destructive runs unasked. */
  if (asprintf (&text, "hosts = {\"*\"}\nshell = \"%s\"\n%s", shell, BUILT_IN_RULES) < 0)
    {
      hg_error_free (perr);
      return hg_fail (err, HG_ERR_NOMEM, "out of memory");
    }
  r = hg_policy_load_buffer ("<built-in fallback>", text, strlen (text), 0, out, err);
  free (text);
  if (r < 0)
    {
      hg_error_free (perr);
      return r;
    }
  /* Why the packs were not used, when there were some: the caller tells
   * the operator. */
  if (perr)
    *err = perr;
  return HG_FALLBACK_BARE;
}
