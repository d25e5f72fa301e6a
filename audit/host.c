#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "util/util.h"
#include "audit.h"

/* The canonical name of the first /etc/hosts line that lists `name`: what
 * `hostname -f` answers on a host configured the Debian way, without
 * asking DNS. */
static char *
fqdn_from_hosts (const char *name)
{
  cleanup_fclose FILE *f = fopen ("/etc/hosts", "re");
  if (!f)
    return NULL;
  char line[1024];
  while (fgets (line, sizeof line, f))
    {
      char *save = NULL;
      char *hash = strchr (line, '#');
      if (hash)
        *hash = '\0';
      char *addr = strtok_r (line, " \t\r\n", &save);
      char *canonical = addr ? strtok_r (NULL, " \t\r\n", &save) : NULL;
      if (!canonical)
        continue;
      for (char *alias = canonical; alias; alias = strtok_r (NULL, " \t\r\n", &save))
        {
          size_t n = strlen (name);
          bool same = strcasecmp (alias, name) == 0
                      || (strncasecmp (alias, name, n) == 0 && alias[n] == '.');
          if (same)
            return strchr (canonical, '.') ? strdup (canonical) : NULL;
        }
    }
  return NULL;
}

int
hg_host_names (char **short_name, char **fqdn)
{
  struct utsname u;
  if (uname (&u) < 0)
    return -1;
  cleanup_free char *shortn = strndup (u.nodename, strcspn (u.nodename, "."));
  if (!shortn)
    return -1;
  char *full = NULL;
  if (strchr (u.nodename, '.'))
    full = strdup (u.nodename);
  else
    full = fqdn_from_hosts (shortn);
  *short_name = steal_pointer (&shortn);
  *fqdn = full;
  return 0;
}
