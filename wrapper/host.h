#ifndef HOSTGUARD_HOST_H
#define HOSTGUARD_HOST_H

/* The host's names from the kernel (uname) and local files only: never
 * DNS on the decision path.  *fqdn is NULL when no domain is known. */
int hg_host_names (char **short_name, char **fqdn);

#endif
