/* `users` items: a glob on the user name, or %group.
 *
 * Group membership comes from NSS (files, LDAP, sssd...), primary group
 * included.  A group or user that does not exist matches nothing; a lookup
 * that fails for another reason (NSS backend down, out of memory) counts as
 * a match, because a rule that should have applied is worse than one that
 * applied once too often.  hg_policy_decide is here, with the lookups it
 * links; decide.c's hg_policy_decide_no_nss links none. */
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/types.h>

#include "decide.h"

/* NSS buffers grow up to this before we give up. */
#define NSS_BUF_MAX (1u << 20)

enum lookup
{
  FOUND,
  NOT_FOUND,
  FAILED,
};

/* The gid of a group (is_group) or a user's primary gid. */
static enum lookup
lookup_gid (const char *name, bool is_group, gid_t *gid)
{
  size_t size = 1024;
  for (;;)
    {
      cleanup_free char *buf = malloc (size);
      struct group gr, *gres = NULL;
      struct passwd pw, *pres = NULL;
      if (!buf)
        return FAILED;
      int r = is_group ? getgrnam_r (name, &gr, buf, size, &gres)
                       : getpwnam_r (name, &pw, buf, size, &pres);
      if (r == ERANGE && size < NSS_BUF_MAX)
        {
          size *= 2;
          continue;
        }
      if (r == 0 && (gres || pres))
        {
          *gid = gres ? gr.gr_gid : pw.pw_gid;
          return FOUND;
        }
      /* 0, ENOENT, ESRCH, EBADF, EPERM: "not found" per getgrnam_r(3). */
      if (r == 0 || r == ENOENT || r == ESRCH || r == EBADF || r == EPERM)
        return NOT_FOUND;
      return FAILED;
    }
}

/* Whether `user` (primary gid `primary`) is in group `gid`. */
static enum lookup
in_group (const char *user, gid_t primary, gid_t gid)
{
  int n = 64;
  for (int tries = 0; tries < 8; tries++)
    {
      cleanup_free gid_t *groups = malloc ((size_t) n * sizeof *groups);
      if (!groups)
        return FAILED;
      int got = n;
      if (getgrouplist (user, primary, groups, &got) >= 0)
        {
          for (int i = 0; i < got; i++)
            if (groups[i] == gid)
              return FOUND;
          return NOT_FOUND;
        }
      /* Too small: `got` now holds the size needed. */
      n = got > n ? got : n * 2;
    }
  return FAILED;
}

static bool
group_has_member (const char *group, const char *user)
{
  gid_t gid, primary;
  switch (lookup_gid (group, true, &gid))
    {
    case NOT_FOUND:
      return false;
    case FAILED:
      return true;
    case FOUND:
      break;
    }
  switch (lookup_gid (user, false, &primary))
    {
    case NOT_FOUND:
      return false;
    case FAILED:
      return true;
    case FOUND:
      break;
    }
  return in_group (user, primary, gid) != NOT_FOUND;
}

bool
hg_user_matches (const char *item, const char *user)
{
  if (!item || !user)
    return false;
  if (item[0] == '%')
    return item[1] && group_has_member (item + 1, user);
  return hg_glob_name (item, user, false);
}

/* Here, beside the lookups it links: a static program calls
 * hg_policy_decide_no_nss (decide.c) instead, and links none of this. */
int
hg_policy_decide (const hg_policy *p, const struct hg_request *req, hg_verdict **out,
                  hg_error **err)
{
  return hg_decide (p, req, hg_user_matches, out, err);
}
