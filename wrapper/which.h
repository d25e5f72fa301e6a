#ifndef HOSTGUARD_WHICH_H
#define HOSTGUARD_WHICH_H

/* The absolute path execvp(3) would run for `name`: `name` itself when it
 * holds a slash (made absolute against the cwd), else the first executable
 * regular file of that name in $PATH (or the default path).  NULL when none
 * is found; errno is then ENOENT or EACCES. */
char *hg_which (const char *name);

#endif
