/* Showing what records hold on a terminal: nothing from a log reaches the
 * screen unescaped (escape sequences, bidi overrides, invalid UTF-8). */
#ifndef HOSTGUARD_LOGVIEW_H
#define HOSTGUARD_LOGVIEW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* `s` (n bytes) with control characters, invalid UTF-8, C1 controls and
 * bidi/zero-width format characters written as \xHH or \u{HHHH}.  malloc'd;
 * NULL on ENOMEM. */
char *hg_escape (const char *s, size_t n);

/* argv as a shell would need it typed: plain words bare, others in single
 * quotes, and anything not printable in bash's $'...' form.  malloc'd. */
char *hg_quote_argv (char *const *argv, size_t argc);

struct json_object;

/* A top-level string field of a record, or NULL. */
const char *hg_rec_str (struct json_object *rec, const char *key);
/* A top-level integer field of a record, or dflt. */
int64_t hg_rec_int (struct json_object *rec, const char *key, int64_t dflt);

/* The record's command (exact argv bytes, hg_record_argv) quoted for
 * display; "-" when it has none.  malloc'd, never NULL (aborts on ENOMEM). */
char *hg_rec_command (struct json_object *rec);

/* hg_escape of a NUL-terminated string, "-" for NULL; never NULL. */
char *hg_escape_str (const char *s);

struct hg_recset;

/* report --html: decisions per day as an inline SVG bar chart. */
void hg_report_chart (FILE *f, const struct hg_recset *set);

#endif
