/* The chained log file: seq and prev, the head across rotation, refusal of
 * untrustworthy files, torn and big lines, syslog copies, and 16 writers at
 * once.  Runs in a fresh directory under /dev/shm (fsync is cheap there). */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "audit/audit.h"
#include "audit/internal.h"
#include "util/util.h"

static const char zeros[] = "0000000000000000000000000000000000000000000000000000000000000000";
static char dir[64];
static char path[128];

static int
setup (void **state)
{
  strcpy (dir, access ("/dev/shm", W_OK) == 0 ? "/dev/shm/hg-log-XXXXXX" : "/tmp/hg-log-XXXXXX");
  if (!mkdtemp (dir))
    return -1;
  snprintf (path, sizeof path, "%s/alice.jsonl", dir);
  return 0;
}

static int
teardown (void **state)
{
  char cmd[160];
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system (cmd) == 0 ? 0 : -1;
}

static char *fake_argv[] = { "mysql", "-uroot", "-pS3cret", "-e", "drop database x", NULL };

static void
fake_cmd (struct hg_cmd *c)
{
  memset (c, 0, sizeof *c);
  strcpy (c->id, "0123456789abcdef0123456789abcdef");
  c->argv = fake_argv;
  c->argc = 5;
  c->host = "db1";
  c->user = "alice";
  c->uid = getuid ();
  c->pid = getpid ();
  c->cwd = "/";
  c->boot_id = "b";
  c->action = HG_ACTION_APPROVE;
  c->decision = HG_DEC_APPROVED;
  c->exit_status = -1;
  c->duration_ms = -1;
}

static int
open_audit (const char *d, struct hg_audit **a, hg_error **err)
{
  struct hg_audit_config cfg = { .log_dir = d };
  return hg_audit_open (&cfg, "alice", getuid (), a, err);
}

static void
write_records (size_t n)
{
  struct hg_audit *a = NULL;
  hg_error *err = NULL;
  struct hg_cmd c;
  fake_cmd (&c);
  if (open_audit (dir, &a, &err) < 0)
    fail_msg ("open: %s", hg_error_message (err));
  for (size_t i = 0; i < n; i++)
    if (hg_audit_record (a, &c, "decision", &err) < 0)
      fail_msg ("record: %s", hg_error_message (err));
  hg_audit_close (a);
}

/* Every line of a file; *n gets their count. */
static char **
read_lines (const char *p, size_t *n)
{
  cleanup_fclose FILE *f = fopen (p, "re");
  assert_non_null (f);
  char **v = NULL;
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  *n = 0;
  while ((len = getline (&line, &cap, f)) >= 0)
    {
      assert_true (len > 0 && line[len - 1] == '\n');
      line[len - 1] = '\0';
      v = reallocarray (v, *n + 2, sizeof *v);
      v[(*n)++] = strdup (line);
      v[*n] = NULL;
    }
  free (line);
  return v;
}

/* Checks lines[i] has seq first_seq+i and prev = sha256 (lines[i-1]). */
static void
check_chain (char **lines, size_t n, unsigned long long first_seq, const char *first_prev)
{
  char want[HG_HASH_HEX];
  strcpy (want, first_prev);
  for (size_t i = 0; i < n; i++)
    {
      json_object *o = json_tokener_parse (lines[i]);
      if (!o)
        fail_msg ("line %zu is not JSON", i + 1);
      unsigned long long seq = (unsigned long long) json_object_get_int64 (json_object_object_get (o, "seq"));
      if (seq != first_seq + i)
        fail_msg ("line %zu: seq %llu, want %llu", i + 1, seq, first_seq + i);
      const char *prev = json_object_get_string (json_object_object_get (o, "prev"));
      if (!prev || strcmp (prev, want) != 0)
        fail_msg ("line %zu: prev %s, want %s", i + 1, prev, want);
      hg_sha256_hex (lines[i], strlen (lines[i]), want);
      json_object_put (o);
    }
}

static void
test_chain_and_head (void **state)
{
  write_records (2);
  write_records (1); /* a new process continues the chain */
  size_t n;
  cleanup_strv char **lines = read_lines (path, &n);
  assert_int_equal (n, 3);
  check_chain (lines, n, 1, zeros);
  assert_null (strstr (lines[0], "S3cret")); /* redacted before it was built */
  assert_non_null (strstr (lines[0], "\"-p***\""));
  char head[256], hash[HG_HASH_HEX], want[256];
  hg_sha256_hex (lines[2], strlen (lines[2]), hash);
  snprintf (want, sizeof want, "{\"seq\":3,\"hash\":\"%s\"}\n", hash);
  char hp[160];
  snprintf (hp, sizeof hp, "%s.head", path);
  cleanup_fclose FILE *f = fopen (hp, "re");
  assert_non_null (fgets (head, sizeof head, f));
  assert_string_equal (head, want);
  struct stat st;
  assert_int_equal (stat (path, &st), 0);
  assert_int_equal (st.st_mode & 0777, 0600);
}

static void
test_rotation_continues (void **state)
{
  struct hg_audit *a = NULL;
  hg_error *err = NULL;
  struct hg_cmd c;
  fake_cmd (&c);
  assert_int_equal (open_audit (dir, &a, &err), 0);
  assert_int_equal (hg_audit_record (a, &c, "decision", &err), 0);
  assert_int_equal (hg_audit_record (a, &c, "exit", &err), 0);
  char old[160];
  snprintf (old, sizeof old, "%s.1", path);
  assert_int_equal (rename (path, old), 0); /* logrotate, while a session is open */
  assert_int_equal (hg_audit_record (a, &c, "decision", &err), 0);
  hg_audit_close (a);
  write_records (1);
  size_t n1, n2;
  cleanup_strv char **l1 = read_lines (old, &n1);
  cleanup_strv char **l2 = read_lines (path, &n2);
  assert_int_equal (n1, 2);
  assert_int_equal (n2, 2);
  char h[HG_HASH_HEX];
  hg_sha256_hex (l1[1], strlen (l1[1]), h);
  check_chain (l1, n1, 1, zeros);
  check_chain (l2, n2, 3, h);
}

static void
expect_refusal (const char *d, const char *needle)
{
  struct hg_audit *a = NULL;
  hg_error *err = NULL;
  assert_int_equal (open_audit (d, &a, &err), HG_ERR_IO);
  assert_null (a);
  if (!strstr (hg_error_message (err), needle))
    fail_msg ("message '%s' lacks '%s'", hg_error_message (err), needle);
  hg_error_free (err);
}

static void
test_refuses_symlink (void **state)
{
  assert_int_equal (symlink ("/etc/passwd", path), 0);
  expect_refusal (dir, "is a symbolic link");
  assert_int_equal (unlink (path), 0);
  /* A dangling one must not be followed to create its target either. */
  char target[160];
  snprintf (target, sizeof target, "%s/elsewhere", dir);
  assert_int_equal (symlink (target, path), 0);
  expect_refusal (dir, "is a symbolic link");
  assert_int_equal (access (target, F_OK), -1);
}

static void
test_refuses_fifo (void **state)
{
  assert_int_equal (mkfifo (path, 0600), 0);
  expect_refusal (dir, "a FIFO"); /* and does not hang */
}

static void
test_refuses_hardlink (void **state)
{
  write_records (1);
  char other[160];
  snprintf (other, sizeof other, "%s/copy", dir);
  assert_int_equal (link (path, other), 0);
  expect_refusal (dir, "2 hard links");
}

static void
test_refuses_other_owner (void **state)
{
  if (geteuid () != 0)
    skip ();
  int fd = open (path, O_CREAT | O_WRONLY, 0600);
  assert_true (fd >= 0);
  assert_int_equal (fchown (fd, 65534, 65534), 0);
  close (fd);
  expect_refusal (dir, "is owned by");
  expect_refusal (dir, "uid 65534");
}

static void
test_refuses_symlinked_dir (void **state)
{
  char real[160], link_dir[160];
  snprintf (real, sizeof real, "%s/real", dir);
  snprintf (link_dir, sizeof link_dir, "%s/link", dir);
  assert_int_equal (mkdir (real, 0700), 0);
  assert_int_equal (symlink (real, link_dir), 0);
  expect_refusal (link_dir, "is a symbolic link");
}

static void
test_refuses_open_dir (void **state)
{
  char d[160];
  snprintf (d, sizeof d, "%s/open", dir);
  assert_int_equal (mkdir (d, 0777), 0);
  assert_int_equal (chmod (d, 0777), 0);
  expect_refusal (d, "sticky");
  assert_int_equal (chmod (d, 01777), 0);
  struct hg_audit *a = NULL;
  assert_int_equal (open_audit (d, &a, NULL), 0);
  hg_audit_close (a);
}

static void
test_creates_missing_dir (void **state)
{
  char d[160];
  snprintf (d, sizeof d, "%s/new", dir);
  struct hg_audit *a = NULL;
  hg_error *err = NULL;
  int r = open_audit (d, &a, &err);
  if (geteuid () != 0)
    {
      assert_int_equal (r, HG_ERR_IO); /* a user never creates it */
      hg_error_free (err);
      return;
    }
  assert_int_equal (r, 0);
  hg_audit_close (a);
  struct stat st;
  assert_int_equal (stat (d, &st), 0);
  assert_int_equal (st.st_mode & 07777, 01733);
}

static void
test_damaged_head (void **state)
{
  char hp[160];
  snprintf (hp, sizeof hp, "%s.head", path);
  int fd = open (hp, O_CREAT | O_WRONLY, 0600);
  assert_int_equal (write (fd, "{\"seq\":", 7), 7);
  close (fd);
  struct hg_audit *a = NULL;
  hg_error *err = NULL;
  struct hg_cmd c;
  fake_cmd (&c);
  assert_int_equal (open_audit (dir, &a, &err), 0);
  assert_int_equal (hg_audit_record (a, &c, "decision", &err), HG_ERR_IO);
  assert_non_null (strstr (hg_error_message (err), "is damaged"));
  hg_error_free (err);
  hg_audit_close (a);
}

static void
test_torn_last_line (void **state)
{
  write_records (1);
  int fd = open (path, O_WRONLY | O_APPEND);
  assert_int_equal (write (fd, "{\"v\":1,\"se", 10), 10); /* a crash mid-record */
  close (fd);
  write_records (1);
  size_t n;
  cleanup_strv char **lines = read_lines (path, &n);
  assert_int_equal (n, 3);
  assert_string_equal (lines[1], "{\"v\":1,\"se");
  char h[HG_HASH_HEX];
  hg_sha256_hex (lines[1], strlen (lines[1]), h);
  check_chain (lines + 2, 1, 2, h); /* seq from the head, prev over the torn line */
}

static void
test_big_last_line (void **state)
{
  size_t len = 2 * 1024 * 1024 + 17;
  cleanup_free char *big = malloc (len + 1);
  memset (big, 'a', len);
  big[len] = '\0';
  char *argv[] = { "mysql", "-e", big, NULL };
  struct hg_audit *a = NULL;
  struct hg_cmd c;
  fake_cmd (&c);
  c.argv = argv;
  c.argc = 3;
  assert_int_equal (open_audit (dir, &a, NULL), 0);
  assert_int_equal (hg_audit_record (a, &c, "decision", NULL), 0);
  hg_audit_close (a);
  write_records (1); /* a fresh handle must read the 2 MiB line back */
  size_t n;
  cleanup_strv char **lines = read_lines (path, &n);
  assert_int_equal (n, 2);
  check_chain (lines, n, 1, zeros);
}

static void
test_syslog_copy (void **state)
{
  char sock[160];
  snprintf (sock, sizeof sock, "%s/log.sock", dir);
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  strcpy (sa.sun_path, sock);
  int s = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  assert_int_equal (bind (s, (struct sockaddr *) &sa, sizeof sa), 0);
  hg_syslog_path = sock;
  struct hg_audit_config cfg = { .log_dir = dir, .syslog = true };
  struct hg_audit *a = NULL;
  struct hg_cmd c;
  fake_cmd (&c);
  assert_int_equal (hg_audit_open (&cfg, "alice", getuid (), &a, NULL), 0);
  assert_int_equal (hg_audit_record (a, &c, "decision", NULL), 0);
  c.break_glass = true;
  assert_int_equal (hg_audit_record (a, &c, "decision", NULL), 0);
  hg_audit_close (a);
  hg_syslog_path = "/dev/log";
  size_t n;
  cleanup_strv char **lines = read_lines (path, &n);
  for (size_t i = 0; i < 2; i++)
    {
      char buf[65536], h[HG_HASH_HEX], want[128];
      ssize_t got = recv (s, buf, sizeof buf - 1, MSG_DONTWAIT);
      assert_true (got > 0);
      buf[got] = '\0';
      assert_memory_equal (buf, i == 0 ? "<85>" : "<81>", 4); /* authpriv.notice, .alert */
      hg_sha256_hex (lines[i], strlen (lines[i]), h);
      snprintf (want, sizeof want, " hostguard[%d]: sha256=%s {", (int) getpid (), h);
      assert_non_null (strstr (buf, want));
      assert_non_null (strstr (buf, lines[i]));
    }
  close (s);
}

static void
test_no_syslog_is_fine (void **state)
{
  hg_syslog_path = "/nonexistent/log";
  struct hg_audit_config cfg = { .log_dir = dir, .syslog = true, .kernel_audit = true };
  struct hg_audit *a = NULL;
  struct hg_cmd c;
  fake_cmd (&c);
  assert_int_equal (hg_audit_open (&cfg, "alice", getuid (), &a, NULL), 0);
  assert_int_equal (hg_audit_record (a, &c, "decision", NULL), 0);
  hg_audit_close (a);
  hg_syslog_path = "/dev/log";
}

#define WRITERS 16
#define PER_WRITER 1000

static void
test_concurrent_writers (void **state)
{
  pid_t pids[WRITERS];
  for (int i = 0; i < WRITERS; i++)
    {
      pids[i] = fork ();
      assert_true (pids[i] >= 0);
      if (pids[i] == 0)
        {
          struct hg_audit *a = NULL;
          struct hg_cmd c;
          fake_cmd (&c);
          if (open_audit (dir, &a, NULL) < 0)
            _exit (2);
          for (int k = 0; k < PER_WRITER; k++)
            if (hg_audit_record (a, &c, "decision", NULL) < 0)
              _exit (3);
          hg_audit_close (a);
          _exit (0);
        }
    }
  for (int i = 0; i < WRITERS; i++)
    {
      int st;
      assert_int_equal (waitpid (pids[i], &st, 0), pids[i]);
      assert_true (WIFEXITED (st) && WEXITSTATUS (st) == 0);
    }
  size_t n;
  cleanup_strv char **lines = read_lines (path, &n);
  assert_int_equal (n, WRITERS * PER_WRITER);
  check_chain (lines, n, 1, zeros);
}

int
main (void)
{
#define T(f) cmocka_unit_test_setup_teardown (f, setup, teardown)
  const struct CMUnitTest tests[] = {
    T (test_chain_and_head),      T (test_rotation_continues), T (test_refuses_symlink),
    T (test_refuses_fifo),        T (test_refuses_hardlink),   T (test_refuses_other_owner),
    T (test_refuses_symlinked_dir), T (test_refuses_open_dir), T (test_creates_missing_dir),
    T (test_damaged_head),        T (test_torn_last_line),     T (test_big_last_line),
    T (test_syslog_copy),         T (test_no_syslog_is_fine),  T (test_concurrent_writers),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
