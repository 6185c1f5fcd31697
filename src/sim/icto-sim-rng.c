/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-sim"

#include "config.h"

#include <math.h>

#include "icto-sim-rng.h"

static guint64
splitmix64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* FNV-1a over the stream name, then mixed with the index. */
static guint64
stream_hash (const char *stream,
             guint64     index)
{
  guint64 h = G_GUINT64_CONSTANT (0xCBF29CE484222325);
  guint64 st;

  for (const char *p = stream; p != NULL && *p != '\0'; p++)
    {
      h ^= (guchar) *p;
      h *= G_GUINT64_CONSTANT (0x100000001B3);
    }
  st = h ^ (index * G_GUINT64_CONSTANT (0xD6E8FEB86659FD93));
  return splitmix64 (&st);
}

static inline guint64
rotl (guint64 x,
      int     k)
{
  return (x << k) | (x >> (64 - k));
}

void
icto_sim_rng_init (IctoSimRng *rng,
                   guint64     seed,
                   const char *stream,
                   guint64     index)
{
  guint64 st = seed ^ stream_hash (stream, index);

  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&st);
  if ((rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) == 0)
    rng->s[0] = 1;
  rng->spare = 0.0;
  rng->has_spare = FALSE;
}

guint64
icto_sim_rng_next (IctoSimRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

double
icto_sim_rng_uniform (IctoSimRng *rng)
{
  return (double) (icto_sim_rng_next (rng) >> 11) * 0x1.0p-53;
}

double
icto_sim_rng_range (IctoSimRng *rng,
                    double      lo,
                    double      hi)
{
  return lo + (hi - lo) * icto_sim_rng_uniform (rng);
}

double
icto_sim_rng_normal (IctoSimRng *rng)
{
  double u, v, s, f;

  if (rng->has_spare)
    {
      rng->has_spare = FALSE;
      return rng->spare;
    }
  do
    {
      u = 2.0 * icto_sim_rng_uniform (rng) - 1.0;
      v = 2.0 * icto_sim_rng_uniform (rng) - 1.0;
      s = u * u + v * v;
    }
  while (s >= 1.0 || s == 0.0);
  f = sqrt (-2.0 * log (s) / s);
  rng->spare = v * f;
  rng->has_spare = TRUE;
  return u * f;
}
