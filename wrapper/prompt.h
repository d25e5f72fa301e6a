/* The confirmation: asked on the controlling terminal (never on stdin,
 * which a pipe or a script may feed), answered by typing the host's short
 * name exactly, as molly-guard does. */
#ifndef HOSTGUARD_PROMPT_H
#define HOSTGUARD_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum hg_prompt_answer
{
  HG_PROMPT_YES,         /* the host name, typed exactly */
  HG_PROMPT_WRONG,       /* anything else */
  HG_PROMPT_EOF,         /* Ctrl-D, or the terminal went away */
  HG_PROMPT_INTERRUPTED, /* Ctrl-C, Ctrl-\, SIGTERM or SIGHUP while asking */
  HG_PROMPT_NO_TTY,      /* no controlling terminal to ask on */
  HG_PROMPT_ERROR,       /* the terminal failed (errno in *err) */
};

struct hg_prompt
{
  const char *host; /* the answer expected: the short host name */
  const char *rule; /* may be NULL */
  const char *message;
  const char *reason;
  const char *const *argv; /* already redacted */
  size_t argc;
  /* The program that will run, or NULL: shown when argv[0] names another
   * (`exec -a touch rm`, a copy renamed). */
  const char *exe;
};

/* Shows the rule, its message, the command and the reason on /dev/tty,
 * flushes pending input (type-ahead never answers), asks, and puts the
 * terminal's settings back as they were. */
enum hg_prompt_answer hg_prompt_confirm (const struct hg_prompt *p, int *err);

/* What hg_prompt_confirm shows before its question, escaped; NULL on
 * ENOMEM.  For a front end that asks its own way (the sudo plugin). */
char *hg_prompt_text (const struct hg_prompt *p);

/* The same question machinery for other answers: shows `text` (already
 * escaped), flushes type-ahead, asks `question`, and says YES only when
 * the line typed is exactly `expected`. */
enum hg_prompt_answer hg_prompt_expect (const char *text, const char *question,
                                        const char *expected, int *err);

/* Writes `s` to `out` with control characters and invalid bytes escaped
 * (\n, \x1b...), so that nothing shown can move the cursor or hide text;
 * `quote` adds shell quoting for words that need it. */
void hg_prompt_put_escaped (FILE *out, const char *s, bool quote);

#endif
