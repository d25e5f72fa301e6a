/* Private to the parser of shell strings: shell.c (lists), shell_simple.c
 * (simple commands), shell_word.c (words and their expansions) and
 * shell_ansi.c ($'...'). */
#ifndef HOSTGUARD_POLICY_SHELL_PARSE_H
#define HOSTGUARD_POLICY_SHELL_PARSE_H

#include <string.h>

#include "internal.h"

#define MAX_DEPTH 64

/* A NUL-terminated string being built. */
struct buf
{
  char *s;
  size_t len, cap;
};

static inline bool
buf_add (struct buf *b, const char *p, size_t n)
{
  if (n >= SIZE_MAX - b->len - 1)
    return false;
  if (b->len + n + 1 > b->cap)
    {
      size_t ncap = b->cap ? b->cap : 32;
      while (ncap < b->len + n + 1)
        ncap = ncap > SIZE_MAX / 2 ? b->len + n + 1 : ncap * 2;
      char *v = realloc (b->s, ncap);
      if (!v)
        return false;
      b->s = v;
      b->cap = ncap;
    }
  memcpy (b->s + b->len, p, n);
  b->len += n;
  b->s[b->len] = '\0';
  return true;
}

static inline bool
buf_addc (struct buf *b, char c)
{
  return buf_add (b, &c, 1);
}

struct parser
{
  struct hg_cmd_list *out;
  size_t cap; /* of out->items */
  hg_error **err;
  /* Set with out->unknowable when the text holds something not followed:
   * every level then returns, keeping what it found. */
  bool stop;
  /* shell.c's parse_list: the list that eval, $(...) or `...` holds. */
  int (*list) (struct parser *p, const char *s, size_t *ip, unsigned depth, int term);
};

/* One word as the shell will see it before expansion. */
struct word
{
  struct buf text;   /* quotes removed; expansions kept as written */
  bool any;          /* something was read, even '' */
  bool dynamic;      /* expansion, glob, leading ~, brace expansion */
  bool quoted;       /* some part was quoted or escaped */
  size_t plain;      /* length of text before the first quoted part */
  bool bracket, brace, brace_sep; /* unquoted [ or { seen; , or .. after { */
};

static inline void
word_reset (struct word *w)
{
  free (w->text.s);
  memset (w, 0, sizeof *w);
}

/* The simple command being gathered by one level of parse_list. */
enum cmd_state
{
  ST_START,     /* the next word may be a keyword, assignment or the program */
  ST_PROGRAM,   /* after exec/command/builtin: the next word is the program */
  ST_ARGS,      /* the program was found */
  ST_FOR_NAME,  /* for/select NAME */
  ST_FOR_IN,    /* for NAME [in] */
  ST_FOR_WORDS, /* for NAME in WORDS: not a command */
  ST_TIME_OPTS, /* time -p */
  ST_CMD_OPTS,  /* command -p */
  ST_EXEC_OPTS, /* exec -c -l -a NAME */
  ST_EXEC_NAME, /* the NAME of exec -a */
};

struct cmd
{
  char **argv;
  bool *dynamic;
  size_t argc, cap;
  enum cmd_state state;
  bool eval;
};

static inline void
cmd_reset (struct cmd *c)
{
  for (size_t i = 0; i < c->argc; i++)
    free (c->argv[i]);
  free (c->argv);
  free (c->dynamic);
  memset (c, 0, sizeof *c);
}

static inline int
nomem (struct parser *p)
{
  return hg_fail (p->err, HG_ERR_NOMEM, "out of memory");
}

/* Records a construct the parser does not follow; the first reason wins.
 * With `stop`, parsing ends here. */
static inline int
unknowable (struct parser *p, const char *why, bool stop)
{
  if (!p->out->unknowable)
    {
      p->out->unknowable = strdup (why);
      if (!p->out->unknowable)
        return nomem (p);
    }
  if (stop)
    p->stop = true;
  return 0;
}

static inline int
too_deep (struct parser *p)
{
  return hg_fail (p->err, HG_ERR_INVALID, "shell string nested deeper than %d levels", MAX_DEPTH);
}

static inline bool
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

/* Characters that end an unquoted word. */
static inline bool
is_meta (char c)
{
  return c == '\0' || is_blank (c) || c == '\n' || strchr (";&|<>()", c);
}

static inline bool
is_name_start (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static inline bool
is_name_char (char c)
{
  return is_name_start (c) || (c >= '0' && c <= '9');
}

static inline bool
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

/* ---- shell_word.c ---- */

int hg_sh_read_word (struct parser *p, const char *s, size_t *ip, unsigned depth, struct word *w);
int hg_sh_scan_to_close (struct parser *p, const char *s, size_t *ip, unsigned depth, char close);
int hg_sh_scan_subst (struct parser *p, const char *s, size_t *ip, unsigned depth);

/* ---- shell_ansi.c ---- */

int hg_sh_read_ansi (struct parser *p, const char *s, size_t *ip, struct word *w);

/* ---- shell_simple.c ---- */

int hg_sh_take_word (struct parser *p, const char *s, size_t *ip, unsigned depth, struct cmd *c,
                     struct word *w);
int hg_sh_end_cmd (struct parser *p, struct cmd *c, unsigned depth);

#endif
