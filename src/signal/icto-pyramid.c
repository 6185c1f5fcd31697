/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-pyramid"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "signal/icto-pyramid.h"
#include "signal/icto-recording-private.h"

#define MAX_BINS       16384
#define MIN_BIN        64
#define LEVEL_FACTOR   8
#define CHUNK_BYTES    (1024 * 1024)
#define CACHE_MAGIC    "ICTOPYR1"

typedef struct {
  gint64  n_samples;
  gint64  bin;             /* samples per level-0 bin */
  int     spr;
  guint   n_levels;
  gsize   n_bins[16];
  float  *min[16];
  float  *max[16];
} SignalPyramid;

struct _IctoPyramid
{
  guint          n_signals;
  SignalPyramid *signals;
  float         *storage;
  gsize          n_floats;
  gboolean       loaded;
  /* time mapping */
  gint64         n_records;
  gint64         record_duration;
  gint64        *onsets;    /* NULL: contiguous */
  gint64         duration;
};

static void
plan (IctoPyramid *self, IctoRecording *rec)
{
  gsize total = 0;

  self->n_signals = icto_recording_get_n_signals (rec);
  self->signals = g_new0 (SignalPyramid, MAX (self->n_signals, 1));
  for (guint s = 0; s < self->n_signals; s++)
    {
      SignalPyramid *sp = &self->signals[s];
      gsize n;
      sp->n_samples = icto_recording_get_n_samples (rec, s);
      sp->spr = icto_recording_get_signal (rec, s)->samples_per_record;
      /* at least MIN_BIN samples per bin: smaller bins cost more to scan
       * than the overview needs */
      sp->bin = MAX (MIN_BIN, (sp->n_samples + MAX_BINS - 1) / MAX_BINS);
      n = (gsize) ((sp->n_samples + sp->bin - 1) / sp->bin);
      sp->n_levels = 0;
      for (;;)
        {
          sp->n_bins[sp->n_levels++] = n;
          total += 2 * n;
          if (n <= 64 || sp->n_levels == 16)
            break;
          n = (n + LEVEL_FACTOR - 1) / LEVEL_FACTOR;
        }
    }
  self->n_floats = total;
  {
    gsize bytes = MAX (total, 1) * sizeof (float);
    void *p = NULL;
    if (posix_memalign (&p, 2 * 1024 * 1024, bytes) != 0)
      g_error ("out of memory");
#ifdef MADV_HUGEPAGE
    madvise (p, bytes, MADV_HUGEPAGE);
#endif
    self->storage = p;
  }
  total = 0;
  for (guint s = 0; s < self->n_signals; s++)
    {
      SignalPyramid *sp = &self->signals[s];
      for (guint l = 0; l < sp->n_levels; l++)
        {
          sp->min[l] = self->storage + total;
          sp->max[l] = self->storage + total + sp->n_bins[l];
          total += 2 * sp->n_bins[l];
        }
    }
  self->n_records = icto_recording_get_n_records (rec);
  self->record_duration = icto_recording_get_record_duration (rec);
  self->duration = icto_recording_get_duration (rec);
  if (icto_recording_get_n_gaps (rec) > 0)
    {
      self->onsets = g_new (gint64, self->n_records);
      for (gint64 r = 0; r < self->n_records; r++)
        self->onsets[r] = icto_recording_get_record_onset (rec, r);
    }
}

static void
build_upper_levels (IctoPyramid *self)
{
  for (guint s = 0; s < self->n_signals; s++)
    {
      SignalPyramid *sp = &self->signals[s];
      for (guint l = 1; l < sp->n_levels; l++)
        for (gsize b = 0; b < sp->n_bins[l]; b++)
          {
            gsize a = b * LEVEL_FACTOR, e = MIN (a + LEVEL_FACTOR, sp->n_bins[l - 1]);
            float lo = sp->min[l - 1][a], hi = sp->max[l - 1][a];
            for (gsize i = a + 1; i < e; i++)
              {
                lo = MIN (lo, sp->min[l - 1][i]);
                hi = MAX (hi, sp->max[l - 1][i]);
              }
            sp->min[l][b] = lo;
            sp->max[l][b] = hi;
          }
    }
}

typedef struct {
  gint32 lo, hi;
} DigitalBin;

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define ICTO_VECTORIZE __attribute__ ((optimize ("O3"), target_clones ("avx2", "default")))
#elif defined(__GNUC__) && !defined(__clang__)
#define ICTO_VECTORIZE __attribute__ ((optimize ("O3")))
#else
#define ICTO_VECTORIZE
#endif

static void ICTO_VECTORIZE
minmax_i16 (const guint8 *q, int n, gint32 *lo_io, gint32 *hi_io)
{
  /* 16-bit accumulators: SSE2 has packed 16-bit min/max */
  gint16 lo = (gint16) CLAMP (*lo_io, G_MININT16, G_MAXINT16);
  gint16 hi = (gint16) CLAMP (*hi_io, G_MININT16, G_MAXINT16);
  for (int i = 0; i < n; i++)
    {
      gint16 v;
      memcpy (&v, q + 2 * i, 2);
      v = GINT16_FROM_LE (v);
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
  *lo_io = lo;
  *hi_io = hi;
}

static void ICTO_VECTORIZE
minmax_i24 (const guint8 *q, int n, gint32 *lo_io, gint32 *hi_io)
{
  int lo = *lo_io, hi = *hi_io;
  for (int i = 0; i < n; i++)
    {
      const guint8 *p = q + 3 * i;
      int v = (int) ((guint32) p[0] << 8 | (guint32) p[1] << 16 | (guint32) p[2] << 24) >> 8;
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
  *lo_io = lo;
  *hi_io = hi;
}

static inline void
store_bin (SignalPyramid *sp, const _IctoRawLayout *L, gint64 b, DigitalBin c)
{
  gint32 lo = CLAMP (c.lo, L->digital_min, L->digital_max);
  gint32 hi = CLAMP (c.hi, L->digital_min, L->digital_max);
  float x = (float) (((double) lo + L->offset) * L->scale);
  float z = (float) (((double) hi + L->offset) * L->scale);

  sp->min[0][b] = MIN (x, z);
  sp->max[0][b] = MAX (x, z);
}

/* The file is read by a second thread into a ring of buffers while this one
 * scans the previous buffer, so that the scan costs (almost) no time beyond
 * the reads on a machine with two cores. */
typedef struct {
  guint8       *buf;
  const guint8 *data;     /* the chunk's first record (= buf) */
  gint64        r0;
  gint64        n;        /* 0: end of the file (or of reading) */
  GError       *error;
} Chunk;

typedef struct {
  IctoRecording *rec;
  gint64         n_records;
  gint64         chunk;
  GAsyncQueue   *free_q;
  GAsyncQueue   *full_q;
  gsize          record_bytes;
  gint           stop;
} Reader;

#define N_BUFFERS 3

static gpointer
reader_thread (gpointer data)
{
  Reader *rd = data;
  gint64 r0 = 0;

  for (;;)
    {
      Chunk *c = g_async_queue_pop (rd->free_q);
      if (g_atomic_int_get (&rd->stop) || r0 >= rd->n_records)
        {
          c->n = 0;
          g_async_queue_push (rd->full_q, c);
          break;
        }
      c->r0 = r0;
      c->n = MIN (rd->chunk, rd->n_records - r0);
      if (c->buf == NULL)
        c->buf = g_malloc ((gsize) rd->chunk * rd->record_bytes);
      c->data = c->buf;
      if (!_icto_recording_read_raw (rd->rec, c->r0, c->n, c->buf, &c->error))
        {
          g_async_queue_push (rd->full_q, c);
          break;
        }
      r0 += c->n;
      g_async_queue_push (rd->full_q, c);
    }
  return NULL;
}

static gboolean
scan_file (IctoPyramid *self, IctoRecording *rec, IctoPyramidProgress progress, gpointer user_data,
           GCancellable *cancellable, GError **error)
{
  gsize record_bytes = _icto_recording_get_record_bytes (rec);
  gint64 chunk = MAX (1, (gint64) (CHUNK_BYTES / MAX (record_bytes, 1)));
  g_autofree _IctoRawLayout *layout = g_new (_IctoRawLayout, MAX (self->n_signals, 1));
  g_autofree DigitalBin *cur = g_new (DigitalBin, MAX (self->n_signals, 1));
  g_autofree gint64 *cur_bin = g_new0 (gint64, MAX (self->n_signals, 1));
  Chunk chunks[N_BUFFERS];
  Reader rd;
  GThread *thread;
  gboolean ok = TRUE, done = FALSE;

  if (self->n_signals == 0)
    return TRUE;
  chunk = MIN (chunk, self->n_records);
  for (guint s = 0; s < self->n_signals; s++)
    {
      _icto_recording_get_layout (rec, s, &layout[s]);
      cur[s].lo = G_MAXINT32;
      cur[s].hi = G_MININT32;
    }
#ifdef POSIX_FADV_SEQUENTIAL
  posix_fadvise (_icto_recording_get_fd (rec), 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

  rd.rec = rec;
  rd.n_records = self->n_records;
  rd.chunk = chunk;
  rd.record_bytes = record_bytes;
  rd.free_q = g_async_queue_new ();
  rd.full_q = g_async_queue_new ();
  rd.stop = 0;
  for (int i = 0; i < N_BUFFERS; i++)
    {
      chunks[i].buf = NULL;
      chunks[i].error = NULL;
      g_async_queue_push (rd.free_q, &chunks[i]);
    }
  thread = g_thread_new ("icto-pyramid-read", reader_thread, &rd);

  while (!done)
    {
      Chunk *ck = g_async_queue_pop (rd.full_q);
      const guint8 *raw = ck->data;
      gint64 r0 = ck->r0, n = ck->n;

      if (ck->error)
        {
          if (ok)
            g_propagate_error (error, g_steal_pointer (&ck->error));
          g_clear_error (&ck->error);
          ok = FALSE;
          done = TRUE;
          continue;
        }
      if (n == 0)
        {
          done = TRUE;
          continue;
        }
      if (ok && g_cancellable_is_cancelled (cancellable))
        {
          g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_CANCELLED,
                       _("Building the overview was cancelled"));
          ok = FALSE;
          g_atomic_int_set (&rd.stop, 1);
        }
      if (ok)
        {
          for (guint s = 0; s < self->n_signals; s++)
            {
              const _IctoRawLayout *L = &layout[s];
              const SignalPyramid *sp = &self->signals[s];
              gint64 bin = sp->bin;
              DigitalBin c = cur[s];
              gint64 b = cur_bin[s];

              for (gint64 r = 0; r < n; r++)
                {
                  const guint8 *p = raw + (gsize) r * record_bytes + L->byte_offset;
                  gint64 k = (r0 + r) * L->samples_per_record;
                  int j = 0;
                  while (j < L->samples_per_record)
                    {
                      gint64 boundary = (b + 1) * bin;
                      int stop = (int) MIN ((gint64) L->samples_per_record, (gint64) j + (boundary - k));
                      gint32 lo = c.lo, hi = c.hi;
                      if (L->bytes_per_sample == 2)
                        minmax_i16 (p + 2 * j, stop - j, &lo, &hi);
                      else
                        minmax_i24 (p + 3 * j, stop - j, &lo, &hi);
                      c.lo = lo;
                      c.hi = hi;
                      k += stop - j;
                      j = stop;
                      if (k == boundary)
                        {
                          store_bin (&self->signals[s], L, b++, c);
                          c.lo = G_MAXINT32;
                          c.hi = G_MININT32;
                        }
                    }
                }
              cur[s] = c;
              cur_bin[s] = b;
            }
          if (progress)
            progress ((double) (r0 + n) / (double) self->n_records, user_data);
        }
      g_async_queue_push (rd.free_q, ck);
    }
  g_thread_join (thread);
  for (int i = 0; i < N_BUFFERS; i++)
    {
      g_free (chunks[i].buf);
      g_clear_error (&chunks[i].error);
    }
  g_async_queue_unref (rd.free_q);
  g_async_queue_unref (rd.full_q);

  for (guint s = 0; ok && s < self->n_signals; s++)
    {
      SignalPyramid *sp = &self->signals[s];
      if ((gsize) cur_bin[s] < sp->n_bins[0])
        store_bin (sp, &layout[s], cur_bin[s]++, cur[s]);
      g_assert ((gsize) cur_bin[s] == sp->n_bins[0]);
    }
  if (ok)
    build_upper_levels (self);
  return ok;
}

static char *
cache_path (IctoRecording *rec, const char *cache_dir)
{
  g_autofree char *name = g_strconcat (icto_recording_get_fingerprint (rec), ".icto-pyramid", NULL);
  return g_build_filename (cache_dir, name, NULL);
}

static gboolean
load_cache (IctoPyramid *self, IctoRecording *rec, const char *path)
{
  char head[8 + 64 + 8];
  guint64 n_floats;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  struct stat st;
  gsize want = self->n_floats * sizeof (float), done = 0;
  gboolean ok = FALSE;

  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) == 0 && (gsize) st.st_size == sizeof head + want &&
      pread (fd, head, sizeof head, 0) == (ssize_t) sizeof head &&
      memcmp (head, CACHE_MAGIC, 8) == 0 &&
      memcmp (head + 8, icto_recording_get_fingerprint (rec), 64) == 0)
    {
      memcpy (&n_floats, head + 72, 8);
      if (n_floats == self->n_floats)
        {
          while (done < want)
            {
              ssize_t r = pread (fd, (char *) self->storage + done, want - done, (off_t) (sizeof head + done));
              if (r < 0 && errno == EINTR)
                continue;
              if (r <= 0)
                break;
              done += (gsize) r;
            }
          ok = done == want;
        }
    }
  close (fd);
  if (!ok)
    g_debug ("ignoring damaged or stale overview cache %s", path);
  return ok;
}

static void
save_cache (IctoPyramid *self, IctoRecording *rec, const char *cache_dir, const char *path)
{
  gsize head = 8 + 64 + 8;
  gsize len = head + self->n_floats * sizeof (float);
  g_autofree char *buf = g_malloc (len);
  guint64 n_floats = self->n_floats;
  g_autoptr(GError) error = NULL;

  memcpy (buf, CACHE_MAGIC, 8);
  memcpy (buf + 8, icto_recording_get_fingerprint (rec), 64);
  memcpy (buf + 72, &n_floats, 8);
  memcpy (buf + head, self->storage, self->n_floats * sizeof (float));
  if (g_mkdir_with_parents (cache_dir, 0700) != 0 ||
      !g_file_set_contents_full (path, buf, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_debug ("could not write the overview cache %s: %s", path, error ? error->message : "mkdir failed");
}

IctoPyramid *
icto_pyramid_build (IctoRecording        *recording,
                    const char           *cache_dir,
                    IctoPyramidProgress   progress,
                    gpointer              user_data,
                    GCancellable         *cancellable,
                    GError              **error)
{
  g_autoptr(IctoPyramid) self = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (ICTO_IS_RECORDING (recording), NULL);

  self = g_new0 (IctoPyramid, 1);
  plan (self, recording);
  if (cache_dir)
    {
      path = cache_path (recording, cache_dir);
      if (load_cache (self, recording, path))
        {
          self->loaded = TRUE;
          if (progress)
            progress (1.0, user_data);
          return g_steal_pointer (&self);
        }
    }
  if (!scan_file (self, recording, progress, user_data, cancellable, error))
    return NULL;
  if (path)
    save_cache (self, recording, cache_dir, path);
  return g_steal_pointer (&self);
}

void
icto_pyramid_free (IctoPyramid *self)
{
  if (self == NULL)
    return;
  g_free (self->signals);
  free (self->storage);
  g_free (self->onsets);
  g_free (self);
}

gboolean
icto_pyramid_was_loaded (const IctoPyramid *self)
{
  return self->loaded;
}

guint
icto_pyramid_get_n_signals (const IctoPyramid *self)
{
  return self->n_signals;
}

/* Stored sample index at time @t (ticks) of a signal with @spr samples per
 * record: the first sample at or after @t (gaps map to the next record). */
static gint64
time_to_sample (const IctoPyramid *self, int spr, gint64 t)
{
  gint64 D = self->record_duration;
  gint64 r;

  if (t <= 0)
    return 0;
  if (self->onsets == NULL)
    {
      gint64 k = (gint64) ceil ((double) t * spr / (double) D - 1e-9);
      return MIN (k, self->n_records * spr);
    }
  {
    gint64 lo = 0, hi = self->n_records;
    while (lo < hi)  /* first record whose end is after t */
      {
        gint64 mid = (lo + hi) / 2;
        if (self->onsets[mid] + D <= t)
          lo = mid + 1;
        else
          hi = mid;
      }
    r = lo;
  }
  if (r >= self->n_records)
    return self->n_records * spr;
  if (t <= self->onsets[r])
    return r * spr;
  return r * spr + (gint64) ceil ((double) (t - self->onsets[r]) * spr / (double) D - 1e-9);
}

gboolean
icto_pyramid_query (const IctoPyramid *self,
                    guint              signal,
                    gint64             start,
                    gint64             end,
                    guint              n_columns,
                    float             *min,
                    float             *max)
{
  const SignalPyramid *sp;

  g_return_val_if_fail (self != NULL, FALSE);
  if (signal >= self->n_signals || n_columns == 0 || end <= start)
    return FALSE;
  sp = &self->signals[signal];
  for (guint c = 0; c < n_columns; c++)
    {
      gint64 ta = start + (gint64) ((double) c * (double) (end - start) / n_columns);
      gint64 tb = start + (gint64) ((double) (c + 1) * (double) (end - start) / n_columns);
      gint64 ka = time_to_sample (self, sp->spr, ta);
      gint64 kb = time_to_sample (self, sp->spr, tb);
      guint level = 0;
      gint64 bin = sp->bin;
      float lo = INFINITY, hi = -INFINITY;

      if (ka >= kb || ta >= self->duration || tb <= 0)
        {
          min[c] = max[c] = NAN;
          continue;
        }
      while (level + 1 < sp->n_levels && bin * LEVEL_FACTOR * 2 <= kb - ka)
        {
          level++;
          bin *= LEVEL_FACTOR;
        }
      for (gint64 b = ka / bin; b <= (kb - 1) / bin && b < (gint64) sp->n_bins[level]; b++)
        {
          lo = MIN (lo, sp->min[level][b]);
          hi = MAX (hi, sp->max[level][b]);
        }
      min[c] = lo <= hi ? lo : NAN;
      max[c] = lo <= hi ? hi : NAN;
    }
  return TRUE;
}
