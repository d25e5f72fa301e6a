/* The verify hot path's reader of a record line: `seq`, `uid` and `prev`
 * of the top-level object, without building it. */
#ifndef HOSTGUARD_RECSCAN_H
#define HOSTGUARD_RECSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nettle/sha2.h>

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

#endif
