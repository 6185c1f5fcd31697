/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-bench"

/*
 * bench-model: one MVPFormer window (T segments x C channels) on a model of
 * MVPFormer-S or -M shape with random weights, timed end to end (encoder,
 * all layers, both readouts), against the cblas_sgemm rate measured in the
 * same run at the model's own matrix shapes with the same thread count.
 *
 *   bench-model [--shape S|M] [--threads 2] [--runs 5] [--segments 25] [--channels 64]
 *               [--model-file PATH]
 *
 * The random model file is written once (by a child process, so that the
 * peak RSS printed is that of loading + running) to PATH (default
 * $TMPDIR/icto-bench-<shape>.safetensors) and reused by later runs.
 * FLOPs are counted as in the spec §11 with causal visible pairs
 * (274 GFLOP for S, T = 25, C = 64).
 */

#include "config.h"

#include <cblas.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/icto-model-private.h"
#include "model/icto-model-state.h"
#include "model/icto-model.h"

typedef struct {
  const char *name;
  int D, layers, H, Hkv, F;
} Shape;

static const Shape shapes[] = {
  { "S", 768, 12, 12, 4, 1728 },
  { "M", 2048, 24, 16, 8, 5632 },
};

#define N_POS 110
#define N_CHAN 128
#define SEG_LEN 2560

/* ---- random model file, streamed -------------------------------------------- */

typedef struct {
  char  *name;
  gint64 rows, cols;   /* cols = 0: 1-D */
  int    init;         /* 0 uniform(+-sqrt(3/cols)), 1 ones, 2 uniform(+-0.5), 3 uniform(+-0.02) */
} Entry;

static guint32
xorshift (guint32 *s)
{
  guint32 x = *s;

  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *s = x;
}

static void
add_entry (GPtrArray  *list,
           const char *name,
           gint64      rows,
           gint64      cols,
           int         init)
{
  Entry *e = g_new0 (Entry, 1);

  e->name = g_strdup (name);
  e->rows = rows;
  e->cols = cols;
  e->init = init;
  g_ptr_array_add (list, e);
}

static void
entry_free (gpointer p)
{
  Entry *e = p;

  g_free (e->name);
  g_free (e);
}

static int
write_model (const Shape *s,
             const char  *path)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (entry_free);
  g_autoptr(GString) h = g_string_new ("{\"__metadata__\":{");
  int D = s->D, kv = D / s->H * s->Hkv, S = icto_model_dwt_size_for (SEG_LEN);
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  guint64 off = 0;
  guint64 hlen;
  FILE *f;
  float *buf = g_new (float, 1 << 20);

  g_string_append_printf (h, "\"n_embd\":\"%d\",\"n_layer\":\"%d\",\"n_head\":\"%d\",\"n_head_kv\":\"%d\","
                          "\"n_inner\":\"%d\",\"n_positions\":\"%d\",\"n_channels\":\"%d\","
                          "\"segment_len\":\"%d\",\"dwt_size\":\"%d\"}",
                          D, s->layers, s->H, s->Hkv, s->F, N_POS, N_CHAN, SEG_LEN, S);
  add_entry (list, "encoder.ln.weight", S, 0, 1);
  add_entry (list, "encoder.proj.weight", D, S, 0);
  add_entry (list, "mvpformer.ln_f.weight", D, 0, 1);
  add_entry (list, "mvpformer.positional_embedding.weight", N_POS, D, 2);
  add_entry (list, "mvpformer.channel_embedding.weight", N_CHAN, D, 2);
  add_entry (list, "head.head.weight", D, D, 0);
  add_entry (list, "cls_head.weight", 2, D, 0);
  for (int l = 0; l < s->layers; l++)
    {
      char n[128];
#define L(suffix, r, c, init) \
      (g_snprintf (n, sizeof n, "mvpformer.h.%d.%s", l, suffix), add_entry (list, n, r, c, init))
      L ("ln_1.weight", D, 0, 1);
      L ("attn.attn_bias", 3 * kv, 0, 3);
      L ("attn.q_attn.weight", D, D, 0);
      L ("attn.c_attn.weight", 2 * kv, D, 0);
      L ("attn.position_net.weight", kv, D, 0);
      L ("attn.channel_net.weight", kv, D, 0);
      L ("attn.c_proj.weight", D, D, 0);
      L ("mlp.gate_proj.weight", s->F, D, 0);
      L ("mlp.up_proj.weight", s->F, D, 0);
      L ("mlp.down_proj.weight", D, s->F, 0);
#undef L
    }
  for (guint i = 0; i < list->len; i++)
    {
      Entry *e = g_ptr_array_index (list, i);
      guint64 bytes = (guint64) e->rows * (e->cols ? e->cols : 1) * 4;

      if (e->cols)
        g_string_append_printf (h, ",\"%s\":{\"dtype\":\"F32\",\"shape\":[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "],"
                                "\"data_offsets\":[%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT "]}",
                                e->name, e->rows, e->cols, off, off + bytes);
      else
        g_string_append_printf (h, ",\"%s\":{\"dtype\":\"F32\",\"shape\":[%" G_GINT64_FORMAT "],"
                                "\"data_offsets\":[%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT "]}",
                                e->name, e->rows, off, off + bytes);
      off += bytes;
    }
  g_string_append_c (h, '}');
  while (h->len % 8)
    g_string_append_c (h, ' ');
  hlen = h->len;

  f = g_fopen (tmp, "wb");
  if (f == NULL)
    {
      fprintf (stderr, "cannot write %s\n", tmp);
      return 1;
    }
  fwrite (&hlen, 8, 1, f);   /* little-endian host */
  fwrite (h->str, 1, h->len, f);
  for (guint i = 0; i < list->len; i++)
    {
      Entry *e = g_ptr_array_index (list, i);
      guint64 n = (guint64) e->rows * (e->cols ? e->cols : 1);
      float a = e->init == 0 ? sqrtf (3.0f / (float) e->cols) : e->init == 2 ? 0.5f : 0.02f;
      guint32 st = 0x9e3779b9u ^ (i * 7919u + 1);

      while (n > 0)
        {
          gsize k = MIN (n, (guint64) 1 << 20);

          for (gsize j = 0; j < k; j++)
            buf[j] = e->init == 1 ? 1.0f : a * ((float) (xorshift (&st) >> 8) / 8388608.0f - 1.0f);
          fwrite (buf, 4, k, f);
          n -= k;
        }
    }
  g_free (buf);
  if (fclose (f) != 0 || g_rename (tmp, path) != 0)
    {
      fprintf (stderr, "cannot write %s\n", path);
      return 1;
    }
  return 0;
}

/* ---- measurement -------------------------------------------------------------- */

static double
now (void)
{
  return g_get_monotonic_time () * 1e-6;
}

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *v,
        int     n)
{
  qsort (v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Resets VmHWM to the current RSS (Linux >= 4.0). */
static void
reset_hwm (void)
{
  g_file_set_contents ("/proc/self/clear_refs", "5", 1, NULL);
}

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static long
vm_hwm_kb (void)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  p = strstr (status, "VmHWM:");
  return p ? strtol (p + 6, NULL, 10) : -1;
}

/* Spec §11, causal V. */
static double
window_flops (const Shape *s,
              int          T,
              int          C)
{
  double N = (double) T * C, D = s->D, kv = (double) s->D / s->H * s->Hkv, F = s->F;
  double V = (double) C * C * T * (T + 1) / 2.0;
  double Ksum = 0, Sw = icto_model_dwt_size_for (SEG_LEN);
  int n = SEG_LEN;
  double enc, layer;

  for (int j = 0; j < 8; j++)
    {
      n = (n + 7) / 2;
      Ksum += n;
    }
  enc = N * (32 * Ksum + 2 * Sw * D);
  layer = N * (4 * D * D + 4 * D * kv + 6 * D * F) + 4 * V * D + 2 * N * D * (T + C) + 2 * D * kv * (T + C);
  return enc + s->layers * layer + 2 * N * D * D;
}

/* cblas_sgemm (OpenBLAS with @threads threads) at one layer's shapes and the
 * encoder projection, rows = N: GFLOP/s of the best of @reps repetitions.
 * Restores OpenBLAS to one thread (the engine's setting) afterwards. */
typedef struct {
  float *A, *B, *C;
} GemmBufs;

static double cpu_seconds (void);

/* @cpu_rate: (out) (optional): GFLOP per CPU second (meaningful for 1 thread) */
static double
sgemm_rate (const Shape *s,
            int          N,
            int          threads,
            int          reps,
            GemmBufs    *b,
            double      *cpu_rate)
{
  int D = s->D, kv = D / s->H * s->Hkv, F = s->F, Sw = icto_model_dwt_size_for (SEG_LEN);
  struct { int n, k; } mm[] = { { D, D }, { 2 * kv, D }, { F, D }, { F, D }, { D, F }, { D, D }, { D, Sw } };
  gsize maxk = MAX (F, Sw), maxn = MAX (F, D), maxnk = 0;
  double best = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (mm); i++)
    maxnk = MAX (maxnk, (gsize) mm[i].n * mm[i].k);
  /* allocated per call and freed after, so that the peak RSS of the window
   * runs does not include them */
    {
      b->A = g_new (float, (gsize) N * maxk);
      b->B = g_new (float, maxnk);
      b->C = g_new (float, (gsize) N * maxn);
      for (gsize i = 0; i < (gsize) N * maxk; i++)
        b->A[i] = (float) ((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
      for (gsize i = 0; i < maxnk; i++)
        b->B[i] = (float) ((i * 40503u) % 1000) / 1000.0f - 0.5f;
    }
  openblas_set_num_threads (threads);
  if (cpu_rate)
    *cpu_rate = 0;
  for (int rep = -1; rep < reps; rep++)
    {
      double flops = 0, t0 = now (), c0 = cpu_seconds (), dt;

      for (gsize i = 0; i < G_N_ELEMENTS (mm); i++)
        {
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, N, mm[i].n, mm[i].k,
                       1.0f, b->A, mm[i].k, b->B, mm[i].k, 0.0f, b->C, mm[i].n);
          flops += 2.0 * N * mm[i].n * mm[i].k;
        }
      dt = now () - t0;
      if (rep >= 0)
        best = MAX (best, flops / dt * 1e-9);
      if (rep >= 0 && cpu_rate)
        *cpu_rate = MAX (*cpu_rate, flops / (cpu_seconds () - c0) * 1e-9);
    }
  openblas_set_num_threads (1);
  g_clear_pointer (&b->A, g_free);
  g_clear_pointer (&b->B, g_free);
  g_clear_pointer (&b->C, g_free);
  return best;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *shape_name = g_strdup ("S");
  g_autofree char *model_file = NULL;
  g_autofree char *write_to = NULL;
  int threads = 2, runs = 5, T = 25, C = 64;
  GOptionEntry entries[] = {
    { "shape", 0, 0, G_OPTION_ARG_STRING, &shape_name, "S or M", "S|M" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "threads", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "timed runs", "N" },
    { "segments", 0, 0, G_OPTION_ARG_INT, &T, "T", "T" },
    { "channels", 0, 0, G_OPTION_ARG_INT, &C, "C", "C" },
    { "model-file", 0, 0, G_OPTION_ARG_FILENAME, &model_file, "random model file", "PATH" },
    { "write-model", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &write_to, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoModel) model = NULL;
  g_autoptr(IctoModelState) st = NULL;
  const Shape *s = NULL;
  g_autofree float *x = NULL;
  g_autofree double *times = NULL;
  g_autofree double *rates = NULL;
  g_autofree double *ratios = NULL;
  g_autofree double *cpus = NULL;
  g_autofree double *cpu_rates = NULL;
  long peak_kb = 0;
  GemmBufs bufs = { 0 };
  double flops, med, prof[4];
  long rss0;
  guint32 seed = 12345;
  gsize nx;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    if (g_ascii_strcasecmp (shape_name, shapes[i].name) == 0)
      s = &shapes[i];
  if (s == NULL || threads < 1 || runs < 1 || T < 1 || T > N_POS || C < 1 || C > N_CHAN)
    {
      fprintf (stderr, "bad arguments\n");
      return 2;
    }
  if (write_to != NULL)
    return write_model (s, write_to);
  if (model_file == NULL)
    model_file = g_strdup_printf ("%s/icto-bench-%s.safetensors", g_get_tmp_dir (), s->name);
  if (!g_file_test (model_file, G_FILE_TEST_EXISTS))
    {
      g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
      const char *child[] = { self, "--shape", s->name, "--write-model", model_file, NULL };
      int status = 0;

      printf ("writing random model %s ...\n", model_file);
      fflush (stdout);
      if (!g_spawn_sync (NULL, (char **) child, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error) ||
          !g_spawn_check_wait_status (status, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
    }

  printf ("MVPFormer-%s shape: D=%d layers=%d heads=%d/%d F=%d; window T=%d C=%d; %d threads; OPENBLAS_CORETYPE=%s\n",
          s->name, s->D, s->layers, s->H, s->Hkv, s->F, T, C, threads,
          g_getenv ("OPENBLAS_CORETYPE") ? g_getenv ("OPENBLAS_CORETYPE") : "(unset)");
  (void) sgemm_rate (s, T * C, threads, 1, &bufs, NULL);   /* warm-up */

  {
    double t0 = now ();

    model = icto_model_load (model_file, NULL, NULL, &error);
    if (model == NULL)
      {
        fprintf (stderr, "%s\n", error->message);
        return 1;
      }
    printf ("load: %.2f s, weights %.1f MB\n", now () - t0, icto_model_get_weight_bytes (model) / 1e6);
  }
  st = icto_model_state_new (model, threads);
  nx = (gsize) T * C * SEG_LEN;
  x = g_new (float, nx);
  for (gsize i = 0; i < nx; i++)
    x[i] = 50.0f * ((float) (xorshift (&seed) >> 8) / 8388608.0f - 1.0f);

  flops = window_flops (s, T, C);
  times = g_new (double, runs);
  rates = g_new (double, runs);
  ratios = g_new (double, runs);
  cpus = g_new (double, runs);
  cpu_rates = g_new (double, runs);
  rss0 = vm_hwm_kb ();
  for (int r = -1; r < runs; r++)
    {
      g_autoptr(IctoModelOutput) out = NULL;
      double t0, c0;

      reset_hwm ();
      t0 = now ();
      c0 = cpu_seconds ();

      out = icto_model_forward (st, x, T, C, SEG_LEN, ICTO_FORWARD_DEFAULT, &error);
      if (out == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      if (r < 0)
        {
          _icto_model_state_get_profile (st, prof, TRUE);
          printf ("warm-up: %.3f s (p(seizure) %.3f)\n", now () - t0, out->class_probs[1]);
          continue;
        }
      times[r] = now () - t0;
      cpus[r] = cpu_seconds () - c0;
      peak_kb = MAX (peak_kb, vm_hwm_kb ());
      /* the reference right after each window, so that both see the same machine load */
      rates[r] = sgemm_rate (s, T * C, threads, 2, &bufs, NULL);
      (void) sgemm_rate (s, T * C, 1, 2, &bufs, &cpu_rates[r]);
      ratios[r] = flops / times[r] * 1e-9 / rates[r];
      printf ("run %d: %.3f s (CPU %.2f s) = %.1f GFLOP/s; cblas_sgemm (M=%d, %d threads) %.1f GFLOP/s; ratio %.0f%%\n",
              r + 1, times[r], cpus[r], flops / times[r] * 1e-9, T * C, threads, rates[r], 100 * ratios[r]);
    }
  _icto_model_state_get_profile (st, prof, TRUE);
  {
    double sum_t = 0;

    for (int r = 0; r < runs; r++)
      sum_t += times[r];
    med = median (times, runs);
    printf ("median %.3f s per window; %.1f GFLOP (spec §11, causal) -> %.1f GFLOP/s; "
            "median sgemm %.1f GFLOP/s; median ratio %.0f%%\n",
            med, flops * 1e-9, flops / med * 1e-9, median (rates, runs), 100 * median (ratios, runs));
    med = sum_t / runs;   /* time shares below are of the mean */
  }
  g_free (bufs.A);
  g_free (bufs.B);
  g_free (bufs.C);
  printf ("time share: encoder %.0f%%, norm+q/kv+MLP %.0f%%, attention %.0f%%, out-proj %.0f%%\n",
          100 * prof[0] / (runs * med), 100 * prof[1] / (runs * med), 100 * prof[2] / (runs * med),
          100 * prof[3] / (runs * med));
  {
    double mc = median (cpus, runs), mr = median (cpu_rates, runs);

    /* load-independent view: work per CPU second against one-thread sgemm per CPU second */
    printf ("median CPU time %.2f s per window (both threads) = %.1f GFLOP per CPU-s; "
            "1-thread cblas_sgemm %.1f GFLOP per CPU-s; ratio %.0f%%; idle-machine estimate %.2f s per window\n",
            mc, flops / mc * 1e-9, mr, 100 * flops / mc * 1e-9 / mr, mc / threads);
  }
  printf ("peak RSS during the windows (VmHWM, reset before each) %.1f MiB; after load %.1f MiB; "
          "weights %.1f MiB; peak - weights %.1f MiB\n",
          peak_kb / 1024.0, rss0 / 1024.0, icto_model_get_weight_bytes (model) / 1048576.0,
          peak_kb / 1024.0 - icto_model_get_weight_bytes (model) / 1048576.0);
  return 0;
}
