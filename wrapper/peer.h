/* Who is at the other end of a Unix socket, as the kernel says: never as
 * the peer says (DESIGN.md, "Second approver"). */
#ifndef HOSTGUARD_PEER_H
#define HOSTGUARD_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy.h"

struct hg_peer
{
  pid_t pid;
  uid_t uid;
  gid_t gid;
  uid_t login_uid; /* (uid_t) -1 when unset */
  gid_t *groups;   /* supplementary groups (SO_PEERGROUPS) */
  size_t n_groups;
};

/* Reads the peer's credentials from the kernel: SO_PEERCRED for uid, gid
 * and pid, SO_PEERGROUPS for the supplementary groups.  Cheap, and enough
 * to turn away a non-member before anything else is read. */
int hg_peer_read_creds (int sock, struct hg_peer *out, hg_error **err);
/* Then its login uid, through SO_PEERPIDFD, so that a pid reused meanwhile
 * cannot lend its login uid: the pidfd must still name a live process
 * after the read.  An unset login uid is (uid_t) -1; one that cannot be
 * read (/proc mounted with hidepid=, another pid namespace) is an error:
 * an approver whose login nobody can see is refused, not trusted. */
int hg_peer_read_login (int sock, struct hg_peer *p, hg_error **err);
void hg_peer_clear (struct hg_peer *p);

/* Whether the peer's primary or supplementary groups include gid. */
bool hg_peer_in_group (const struct hg_peer *p, gid_t gid);

/* Whether a and b may be the same person: they share a uid or a login uid
 * (an unset login uid says nothing).  Root reached with `sudo -i` keeps its
 * login uid, so it is the same person as the user who ran sudo. */
bool hg_same_person (uid_t a_uid, uid_t a_login, uid_t b_uid, uid_t b_login);

/* A process's login uid from /proc (pid 0: our own, through /proc/self),
 * or (uid_t) -1 when unset or unknown. */
uid_t hg_login_uid_of (pid_t pid);

#endif
