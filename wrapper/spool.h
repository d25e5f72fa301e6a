/* The spool where approval requests wait (DESIGN.md, "Second approver").
 *
 * The directory is owned by root and sticky (1777, like /tmp, or 0755 so
 * that only root may ask): anyone may create an entry, nobody but its
 * owner and root may remove or rename it.  An entry is a directory named
 * by the request's ID (128 random bits), made with mkdir, which fails
 * when the name exists: nobody can squat a name inside it, since only
 * its owner may write there.  In it: `socket`, where the requester
 * listens, then `request.json` (an audit record line), renamed into place
 * once whole and once the socket listens; the directory is opened to
 * readers (0755) last.  Readers trust an entry only when the directory
 * and the file belong to one owner, root or the uid the file names, the
 * file is a regular file with one link, and the socket is held by a
 * process of that owner (SO_PEERCRED). */
#ifndef HOSTGUARD_SPOOL_H
#define HOSTGUARD_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "policy.h"

struct json_object;

/* A request shows the whole command: ARG_MAX is 2 MiB by default, and
 * escaping rarely doubles it.  Larger, and json-c's tree of a forged file
 * would cost hundreds of MB before its owner is even checked. */
#define HG_REQUEST_FILE_MAX (6u << 20)

/* Opens the spool directory without following a symlink and checks it:
 * owned by root, and sticky if group or others may write to it.  When it
 * is missing and we are root, creates it (1777). */
int hg_spool_open (const char *path, int *dirfd, hg_error **err);

/* Creates the entry ID: the directory, the socket listening (mode 0666:
 * who connects is checked by kernel credentials, not by file modes), then
 * the request.  *listen_fd is non-blocking and close-on-exec. */
int hg_spool_create (int dirfd, const char *id, const char *json, size_t len, int *listen_fd,
                     hg_error **err);
/* Removes the entry (quietly: it may be gone). */
void hg_spool_remove (int dirfd, const char *id);
/* The same, only if ID is still the directory `seen` describes: a dead
 * entry that `pending` found, which its owner may have swapped since. */
void hg_spool_remove_seen (int dirfd, const char *id, const struct stat *seen);

/* Reads and checks the request: *rec is the parsed request, *owner the
 * entry's owner.  *gone when there is no such request (or not yet). */
int hg_spool_read (int dirfd, const char *id, struct json_object **rec, uid_t *owner,
                   bool *gone, hg_error **err);

/* Connects to the entry's socket, which must be a socket owned by `owner`
 * and held by a process of that uid.  *fd is non-blocking, close-on-exec;
 * a requester too busy to accept is an error (try again). */
int hg_spool_connect (int dirfd, const char *id, uid_t owner, int *fd, hg_error **err);

/* Whether a requester still listens on the entry's socket: 1 yes, 0 no (a
 * stale entry from a requester that died). */
int hg_spool_alive (int dirfd, const char *id);

/* The IDs of the entries (names that are valid IDs), sorted;
 * NULL-terminated, free with strv_free. */
int hg_spool_list (int dirfd, char ***ids, hg_error **err);

#endif
