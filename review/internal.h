/* Shared by the files of review/ only. */
#ifndef HOSTGUARD_REVIEW_INTERNAL_H
#define HOSTGUARD_REVIEW_INTERNAL_H

#include <nettle/sha2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "review.h"

/* The verify hot path's reader of a record line: `seq`, `uid` and `prev`
 * of the top-level object, without building it. */

struct hg_recfields
{
  bool has_seq, has_uid, has_prev;
  unsigned long long seq, uid;
  uint8_t prev[SHA256_DIGEST_SIZE];
};

/* 64 lowercase hex digits to 32 bytes. */
bool hg_hex_decode (const char *s, size_t n, uint8_t out[SHA256_DIGEST_SIZE]);

/* Reads the top-level `seq`, `uid` and `prev` of a record line.  False when
 * the line is not a plain JSON object, lacks seq or prev, or repeats a key. */
bool hg_scan_record (const char *p, size_t len, struct hg_recfields *f);

/* The slow path, with json-c: a record in another layout, or a journald
 * entry; `hash` is then the SHA-256 of the record text it carries. */
bool hg_scan_slow (const char *line, size_t len, struct hg_recfields *f,
                   uint8_t hash[SHA256_DIGEST_SIZE]);

/* Reading what a witness holds: a record's identifying fields from its
 * text (even cut short, as syslog cuts long ones), and the hash a syslog
 * line or a `journalctl -o json` entry carries.  Both read untrusted bytes. */

struct hg_slice
{
  const char *p; /* raw JSON string content, escapes left as they are */
  size_t n;
};

struct hg_wfields
{
  bool has_seq, has_uid;
  unsigned long long seq, uid;
  struct hg_slice host, user, id, ts, event; /* p == NULL: absent */
  size_t end; /* past the object's closing brace; 0 when it is cut */
};

/* The top-level `seq`, `uid`, `host`, `user`, `id`, `event` and `ts` of a record
 * text, read left to right and stopping where the text stops: a record cut
 * short still yields the fields before the cut.  True when seq was found. */
bool hg_wscan_fields (const char *p, size_t len, struct hg_wfields *f);

/* One witness line. */
struct hg_wline
{
  uint8_t hash[32];
  const char *rec; /* the record text after "sha256=HEX " (may be cut) */
  size_t rec_len;
  long long sender_uid; /* the trusted _UID, -1 when the source has none */
  char *buf;            /* owns `rec` for a journal entry; free it */
};

enum
{
  HG_WLINE_OTHER = 0,   /* not ours */
  HG_WLINE_RECORD = 1,  /* a record's hash */
  HG_WLINE_DROPPED = 2, /* the syslog daemon says it dropped messages */
};

/* Classifies one line of a syslog file or of a journal export. */
int hg_wscan_line (const char *line, size_t len, struct hg_wline *w);

/* ---- witness.c, witness_index.c: a witness's record hashes ---- */

struct went
{
  uint8_t hash[32];
  unsigned long long seq;
  char *key; /* "host\nuser" as the record spells them */
  char *id, *ts; /* id: "id event", one command's records share the id */
  long long sender, uid; /* -1: not known */
  bool has_seq, matched, conflict, dup;
};

struct seen
{
  unsigned long long seq;
  size_t file;
  unsigned long line;
};

struct hg_witness
{
  char *name;
  struct went *v;
  size_t n, cap;
  size_t *by_hash, *by_ks, *by_id; /* open addressing: index + 1, 0 free */
  size_t mask;
  char *first_ts, *last_ts;
  size_t dropped, n_uid, witnessed;
  size_t suspect; /* lines set aside: their trusted sender could not have written them */
  bool complete;  /* the local journal: nothing after its last entry was ever sent */
  char **claimed; /* keys of the chains checked so far */
  size_t nclaimed;
  hg_witness_scope_fn scope; /* NULL: it could have seen every record */
  void *scope_ctx;
  /* the chain being checked */
  char *key;
  struct seen *seen;
  size_t nseen, capseen;
};

/* witness_index.c: the entry with that record hash; the first for (key,
 * seq), or for id, not yet matched, else any; NULL when none. */
struct went *hg_witness_find_hash (const struct hg_witness *w, const uint8_t *hash);
struct went *hg_witness_find_ks (const struct hg_witness *w, const char *key, unsigned long long seq);
struct went *hg_witness_find_id (const struct hg_witness *w, const char *id);

/* journal.c, the default witness of `log --verify` (docs/audit-record.md,
 * "The witness"): runs journalctl (found in the secure PATH, never the caller's; no shell;
 * a minimal environment) for the hostguard entries of the local journal
 * and reads them as a witness, scoped to this host and, when the caller
 * sees only their own journal, to the caller's uid.  0 with *out holding
 * at least one record hash; else negative, *err saying why there is none:
 * HG_ERR_IO, journalctl absent, failed, or the journal holds no hostguard
 * records (no witness); HG_ERR_UNTRUSTED, the journal could be read only in
 * part (its output unreadable, or journalctl failed after hostguard
 * records): a witness there but unusable, an error even by default. */
int hg_journal_witness (struct hg_witness **out, hg_error **err);

#endif
