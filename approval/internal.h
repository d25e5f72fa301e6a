/* Shared by the requester's wait (wait.c), its hearing of the approvers'
 * answers (answers.c) and what its terminal shows (tell.c); internal to
 * approval/. */
#ifndef HOSTGUARD_APPROVAL_INTERNAL_H
#define HOSTGUARD_APPROVAL_INTERNAL_H

#include <stdint.h>
#include <time.h>

#include "approval.h"

#define ACCEPTS_PER_PASS 32
#define MAX_CONNS 16
#define CONN_DEADLINE_MS 5000
#define MAX_APPROVERS 16

struct conn
{
  int fd; /* -1: free */
  struct hg_peer peer; /* read once, when it connected */
  int64_t deadline_ms;
  size_t n;
  char buf[HG_APPROVAL_MSG_MAX];
};

struct waiter
{
  struct hg_cmd *c;
  const struct hg_approval_opts *o;
  gid_t gid;
  int lfd;
  int tty; /* -1: no terminal to show the countdown on */
  int notify_fd;
  char *notify_result;
  struct conn conns[MAX_CONNS];
  struct
  {
    uid_t uid, login_uid;
  } got[MAX_APPROVERS];
  unsigned n_got;
  char **names; /* NULL-terminated approvers' names */
  bool done;
  enum hg_approval_result result;
  char *deny_note;
};

static inline int64_t
approval_now_ms (clockid_t clk)
{
  struct timespec ts;
  clock_gettime (clk, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* tell.c: a line on the requester's terminal (standard error without
 * one), and the countdown line under it. */
void approval_say (struct waiter *w, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
void approval_countdown (struct waiter *w, int64_t left_ms);

/* answers.c: takes the connections waiting on the request's socket (only
 * the approvers group's members get a slot), reads a connection, and ends
 * one. */
void approval_accept (struct waiter *w);
void approval_serve (struct waiter *w, struct conn *k);
void approval_conn_close (struct conn *k);

#endif
