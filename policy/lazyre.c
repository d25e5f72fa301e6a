#include "lazyre.h"

void
hg_lazy_re_init (struct hg_lazy_re *l, const char *src)
{
  l->src = src;
  pthread_mutex_init (&l->lock, NULL);
  l->ready = false;
}

void
hg_lazy_re_init_compiled (struct hg_lazy_re *l, const char *src, regex_t re)
{
  hg_lazy_re_init (l, src);
  l->re = re;
  l->ready = true;
}

void
hg_lazy_re_clear (struct hg_lazy_re *l)
{
  if (l->ready)
    regfree (&l->re);
  l->ready = false;
  pthread_mutex_destroy (&l->lock);
}

static int
compile_once (struct hg_lazy_re *l)
{
  int r = 0;
  pthread_mutex_lock (&l->lock);
  if (!__atomic_load_n (&l->ready, __ATOMIC_ACQUIRE))
    {
      if (regcomp (&l->re, l->src, HG_ARGS_REGFLAGS) == 0)
        __atomic_store_n (&l->ready, true, __ATOMIC_RELEASE);
      else
        r = -1; /* left unset: a later decision tries again */
    }
  pthread_mutex_unlock (&l->lock);
  return r;
}

int
hg_lazy_re_match (struct hg_lazy_re *l, const char *subject)
{
  if (!__atomic_load_n (&l->ready, __ATOMIC_ACQUIRE) && compile_once (l) < 0)
    return -1;
  return regexec (&l->re, subject, 0, NULL, 0) == 0;
}
