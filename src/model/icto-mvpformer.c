/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-model"

#include "config.h"

#include <cblas.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "model/icto-model-private.h"
#include "model/icto-model-state.h"
#include "model/icto-thread-pool.h"

/*
 * The forward pass (spec §4-§7).  Work is split three ways per layer:
 *   A  row chunks: a = RMSNorm(h); q, k|v projections; h += MLP(a)
 *   B  attention blocks (kv head g, query time step t): the G query heads of
 *      g for the C tokens of step t against the keys of steps 0..t only
 *      (future blocks are never computed); the content term only for the
 *      steps inside the content window; time and channel terms from the
 *      per-query tables (q+v')·r_j and (q+z)·s_j, gathered
 *   C  row chunks: h += o W_o^T
 * Every matrix product is a single-threaded cblas_sgemm on one worker.
 * Two exact shortcuts (off with _icto_model_state_set_generic): attention
 * of a layer whose channel table is zero (attention_split), and the first
 * layer's phase A reused from the previous, consecutive window (layer0_rows).
 */

#define ENC_CHUNK 64     /* tokens per encoder work item */

/* Hot loops get an AVX2 clone chosen at run time on x86-64 (ifunc). */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__ELF__)
#define ICTO_SIMD_CLONES __attribute__((target_clones ("avx2", "default")))
#else
#define ICTO_SIMD_CLONES
#endif

typedef struct {
  double *dwt_work;      /* 3 (L + 16) */
  double *feat;          /* S_w */
  float  *gfeat;         /* [ENC_CHUNK, S_w] */
  float  *qc, *qb, *qz;  /* [R, hd] each, R = G C */
  float  *tb;            /* [R, T] */
  float  *tz;            /* [R, C] */
  float  *zc;            /* [C] */
  float  *inv_sum;       /* [C] */
  float  *scores;        /* [R, N] */
  float  *vsum;          /* [T, hd]: values summed over channels (zero channel table) */
  float  *aw;            /* [R, T]: weights of the steps outside the content window */
  float  *ot;            /* [R, hd]: attention output rows before scaling */
  gsize   cap_attn;      /* capacity of scores: C * N */
  int     cap_T, cap_C;
} Worker;

struct _IctoModelState {
  IctoModel            *model;
  IctoThreadPool       *pool;
  int                   n_threads;
  IctoModelProgressFunc progress;
  IctoModelAbortFunc    abort_func;
  gpointer              user_data;
  Worker               *workers;
  int                   cap_N;
  float                *h, *a, *q, *kv, *o, *ff;
  int                   cap_chan;
  float                *chan_part;   /* [Hkv, C, C] */
  double                prof[4];     /* seconds: encoder, rows A, attention, rows C */
  gboolean             *chan_zero;   /* [n_layer]: the layer's channel table s is all zero */
  gboolean              generic;     /* no fast paths (tests) */
  /* the previous window's first layer after its rows phase A (exact reuse:
   * phase A is a function of each token's encoder output alone) */
  int                   l0_T, l0_C;  /* 0: nothing cached */
  int                   l0_base;     /* slot of the cached window's step 0 */
  gsize                 l0_cap;      /* tokens */
  float                *l0_enc, *l0_h, *l0_q, *l0_kv;
};

typedef struct {
  IctoModelState         *st;
  const IctoModel        *m;
  const IctoLayerWeights *w;
  int                     T, C, N;
  int                     chunk_rows, n_chunks;
  int                     row_from;   /* rows below: keys/values only (last layer, LAST_STEPS) */
  int                     a_from;     /* phase A: rows below are already done */
  gboolean                want_chan;
  gboolean                chan_zero;  /* this layer's channel table is zero */
  float                  *attn_full;  /* [H, N, N] or NULL */
  /* encoder */
  const float            *x;
  float                  *enc_out;
  gsize                   n_segments;
  /* readouts */
  const float            *head;
  float                  *head_out;
} Ctx;

/* ---- small numeric kernels ------------------------------------------------ */

/* exp(x) for x <= 0 (softmax after subtracting the row max); relative error ~2e-7. */
static inline __attribute__((always_inline)) float
exp_nonpos (float x)
{
  float n, r, p, scale;
  gint32 bits;

  x = x < -87.0f ? -87.0f : x;
  n = (float) (gint32) (x * 1.44269504088896341f - 0.5f);   /* round to nearest for x <= 0 */
  r = x - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  bits = ((gint32) n + 127) << 23;
  memcpy (&scale, &bits, sizeof scale);
  return p * scale;
}

/*
 * The score-row kernels work on 8 lanes with GCC vector extensions (AVX2
 * in the clone picked on CPUs that have it, two SSE halves otherwise) and
 * keep 8 partial results (max, sum) in fixed lanes: the same bits on every
 * run, no reassociation flags needed.
 */
#define LANES 8
typedef float  v8f __attribute__ ((vector_size (32)));
typedef gint32 v8i __attribute__ ((vector_size (32)));

/* Macros rather than functions: no vector value ever crosses a call (the
 * vector ABI differs between the clones). */
#define V8_LOAD(v, p)   memcpy (&(v), (p), sizeof (v))
#define V8_STORE(p, v)  memcpy ((p), &(v), sizeof (v))
#define V8_SELECT(mask, a, b) ((v8f) (((v8i) (a) & (mask)) | ((v8i) (b) & ~(mask))))

/* out = exp_nonpos (x) on 8 lanes */
#define V8_EXP_NONPOS(out, xin)                                                  \
  do {                                                                           \
    const v8f lo_ = { -87, -87, -87, -87, -87, -87, -87, -87 };                  \
    v8f x_ = (xin), n_, r_, p_;                                                  \
    v8i bits_;                                                                   \
                                                                                 \
    x_ = V8_SELECT (x_ < lo_, lo_, x_);                                          \
    n_ = __builtin_convertvector (__builtin_convertvector (x_ * 1.44269504088896341f - 0.5f, v8i), v8f); \
    r_ = x_ - n_ * 0.693359375f;                                                 \
    r_ = r_ + n_ * 2.12194440e-4f;                                               \
    p_ = r_ * 1.9875691500e-4f + 1.3981999507e-3f;                               \
    p_ = p_ * r_ + 8.3334519073e-3f;                                             \
    p_ = p_ * r_ + 4.1665795894e-2f;                                             \
    p_ = p_ * r_ + 1.6666665459e-1f;                                             \
    p_ = p_ * r_ + 5.0000001201e-1f;                                             \
    p_ = p_ * r_ * r_ + r_ + 1.0f;                                               \
    bits_ = (__builtin_convertvector (n_, v8i) + 127) << 23;                     \
    (out) = p_ * (v8f) bits_;                                                    \
  } while (0)

/* s[i] = (s[i] + b + zc[i]) * scale, i < n; lane maxima of the results into mx */
ICTO_SIMD_CLONES
static void
combine_max (float       *s,
             const float *zc,
             float        b,
             float        scale,
             int          n,
             float       *mx)
{
  v8f m, v, z;
  int i = 0;

  V8_LOAD (m, mx);
  for (; i + LANES <= n; i += LANES)
    {
      V8_LOAD (v, s + i);
      V8_LOAD (z, zc + i);
      v = (v + b + z) * scale;
      V8_STORE (s + i, v);
      m = V8_SELECT (v > m, v, m);
    }
  V8_STORE (mx, m);
  for (; i < n; i++)
    {
      float sv = (s[i] + b + zc[i]) * scale;

      s[i] = sv;
      mx[0] = sv > mx[0] ? sv : mx[0];
    }
}

/* s[i] = exp(s[i] - m), returns the sum */
ICTO_SIMD_CLONES
static float
exp_sum (float *s,
         int    n,
         float  m)
{
  v8f acc = { 0 };
  float lanes[LANES];
  float sum = 0.0f;
  int i = 0;

  for (; i + LANES <= n; i += LANES)
    {
      v8f v, e;

      V8_LOAD (v, s + i);
      V8_EXP_NONPOS (e, v - m);
      V8_STORE (s + i, e);
      acc += e;
    }
  V8_STORE (lanes, acc);
  for (; i < n; i++)
    {
      s[i] = exp_nonpos (s[i] - m);
      lanes[0] += s[i];
    }
  for (int k = 0; k < LANES; k++)
    sum += lanes[k];
  return sum;
}

/* g[i] = SiLU(g[i]) * u[i], SiLU(z) = z / (1 + e^-z) = z sigmoid(z), with
 * sigmoid from e = exp(-|z|) <= 1 on both sides */
ICTO_SIMD_CLONES
static void
silu_mul (float       *g,
          const float *u,
          int          n)
{
  const v8f zero = { 0 };
  int i = 0;

  for (; i + LANES <= n; i += LANES)
    {
      v8f z, uu, e, sig, r;
      v8i neg;

      V8_LOAD (z, g + i);
      V8_LOAD (uu, u + i);
      neg = z < zero;
      V8_EXP_NONPOS (e, V8_SELECT (neg, z, -z));
      sig = V8_SELECT (neg, e, zero + 1.0f) / (e + 1.0f);
      r = z * sig * uu;
      V8_STORE (g + i, r);
    }
  for (; i < n; i++)
    {
      float e = exp_nonpos (-fabsf (g[i]));
      float sig = (g[i] < 0 ? e : 1.0f) / (1.0f + e);

      g[i] = g[i] * sig * u[i];
    }
}

ICTO_SIMD_CLONES
static void
scale_row (float *s,
           int    n,
           float  f)
{
  for (int i = 0; i < n; i++)
    s[i] *= f;
}

/* out = x (mean x^2 + eps)^-1/2 * w, width n */
static void
rms_norm (const float *x,
          const float *w,
          float       *out,
          int          n,
          double       eps)
{
  double ss = 0.0;
  float inv;

  for (int i = 0; i < n; i++)
    ss += (double) x[i] * x[i];
  inv = (float) (1.0 / sqrt (ss / n + eps));
  for (int i = 0; i < n; i++)
    out[i] = x[i] * inv * w[i];
}

static inline void
gemm_nt (int          M,
         int          N,
         int          K,
         const float *A,
         int          lda,
         const float *B,
         int          ldb,
         float        beta,
         float       *C,
         int          ldc)
{
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K,
               1.0f, A, lda, B, ldb, beta, C, ldc);
}

/* ---- state ---------------------------------------------------------------- */

IctoModelState *
icto_model_state_new (IctoModel *model,
                      int        n_threads)
{
  IctoModelState *self;
  const IctoModelConfig *c;
  int L;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (n_threads >= 1, NULL);

  openblas_set_num_threads (1);
  self = g_new0 (IctoModelState, 1);
  self->model = icto_model_ref (model);
  self->n_threads = n_threads;
  self->pool = _icto_thread_pool_new (n_threads);
  self->workers = g_new0 (Worker, n_threads);
  c = &model->cfg;
  L = c->segment_len;
  for (int i = 0; i < n_threads; i++)
    {
      self->workers[i].dwt_work = g_new (double, 3 * ((gsize) L + 16));
      self->workers[i].feat = g_new (double, c->dwt_size);
      self->workers[i].gfeat = g_new (float, (gsize) ENC_CHUNK * c->dwt_size);
    }
  /* A zero channel table (the bundled model keeps it at zero) makes the
   * channel term vanish: attention then has a cheaper exact form (see
   * attention_item). */
  self->chan_zero = g_new0 (gboolean, c->n_layer);
  for (int l = 0; l < c->n_layer; l++)
    {
      const float *st = model->layers[l].s_table;
      gsize n = (gsize) c->n_channels * model->kv_dim;
      gsize i = 0;

      while (i < n && st[i] == 0.0f)
        i++;
      self->chan_zero[l] = i == n;
    }
  return self;
}

static void
worker_free_attn (Worker *w)
{
  g_clear_pointer (&w->qc, g_free);
  g_clear_pointer (&w->qb, g_free);
  g_clear_pointer (&w->qz, g_free);
  g_clear_pointer (&w->tb, g_free);
  g_clear_pointer (&w->tz, g_free);
  g_clear_pointer (&w->zc, g_free);
  g_clear_pointer (&w->inv_sum, g_free);
  g_clear_pointer (&w->scores, g_free);
  g_clear_pointer (&w->vsum, g_free);
  g_clear_pointer (&w->aw, g_free);
  g_clear_pointer (&w->ot, g_free);
}

void
icto_model_state_free (IctoModelState *self)
{
  if (self == NULL)
    return;
  _icto_thread_pool_free (self->pool);
  for (int i = 0; i < self->n_threads; i++)
    {
      Worker *w = &self->workers[i];

      g_free (w->dwt_work);
      g_free (w->feat);
      g_free (w->gfeat);
      worker_free_attn (w);
    }
  g_free (self->workers);
  g_free (self->h);
  g_free (self->a);
  g_free (self->q);
  g_free (self->kv);
  g_free (self->o);
  g_free (self->ff);
  g_free (self->chan_part);
  g_free (self->chan_zero);
  g_free (self->l0_enc);
  g_free (self->l0_h);
  g_free (self->l0_q);
  g_free (self->l0_kv);
  icto_model_unref (self->model);
  g_free (self);
}

void
_icto_model_state_set_generic (IctoModelState *self,
                               gboolean        generic)
{
  self->generic = generic;
}

void
_icto_model_state_get_profile (IctoModelState *self,
                               double         *seconds,
                               gboolean        reset)
{
  memcpy (seconds, self->prof, sizeof self->prof);
  if (reset)
    memset (self->prof, 0, sizeof self->prof);
}

IctoModel *
icto_model_state_get_model (IctoModelState *self)
{
  return self->model;
}

void
icto_model_state_set_callbacks (IctoModelState        *self,
                                IctoModelProgressFunc  progress,
                                IctoModelAbortFunc     abort_func,
                                gpointer               user_data)
{
  self->progress = progress;
  self->abort_func = abort_func;
  self->user_data = user_data;
}

/* Grows the scratch buffers to hold a window of T x C (never shrinks). */
static void
ensure_capacity (IctoModelState *self,
                 int             T,
                 int             C)
{
  const IctoModel *m = self->model;
  const IctoModelConfig *c = &m->cfg;
  int N = T * C;
  gsize R = (gsize) C * (c->n_head / c->n_head_kv);   /* score rows of one kv head */

  if (N > self->cap_N)
    {
      gsize n = (gsize) N;

      g_free (self->h);
      g_free (self->a);
      g_free (self->q);
      g_free (self->kv);
      g_free (self->o);
      g_free (self->ff);
      self->h = g_new (float, n * c->n_embd);
      self->a = g_new (float, n * c->n_embd);
      self->q = g_new (float, n * c->n_embd);
      self->kv = g_new (float, n * 2 * m->kv_dim);
      self->o = g_new (float, n * c->n_embd);
      self->ff = g_new (float, n * 2 * c->n_inner);
      self->cap_N = N;
    }
  if (C > self->cap_chan)
    {
      g_free (self->chan_part);
      self->chan_part = g_new (float, (gsize) c->n_head_kv * C * C);
      self->cap_chan = C;
    }
  for (int i = 0; i < self->n_threads; i++)
    {
      Worker *w = &self->workers[i];

      if (R * N <= w->cap_attn && T <= w->cap_T && C <= w->cap_C)
        continue;
      worker_free_attn (w);
      w->cap_T = MAX (T, w->cap_T);
      w->cap_C = MAX (C, w->cap_C);
      w->cap_attn = MAX (R * N, w->cap_attn);
      {
        gsize rmax = (gsize) w->cap_C * (c->n_head / c->n_head_kv);

        w->qc = g_new (float, rmax * m->head_dim);
        w->qb = g_new (float, rmax * m->head_dim);
        w->qz = g_new (float, rmax * m->head_dim);
        w->tb = g_new (float, rmax * w->cap_T);
        w->tz = g_new (float, rmax * w->cap_C);
        w->zc = g_new (float, w->cap_C);
        w->inv_sum = g_new (float, rmax);
        w->scores = g_new (float, w->cap_attn);
        w->vsum = g_new (float, (gsize) w->cap_T * m->head_dim);
        w->aw = g_new (float, rmax * w->cap_T);
        w->ot = g_new (float, rmax * m->head_dim);
      }
    }
}

/* ---- encoder ----------------------------------------------------------------- */

static void
encoder_item (gpointer data,
              int      item,
              int      worker)
{
  Ctx *x = data;
  const IctoModel *m = x->m;
  const IctoModelConfig *c = &m->cfg;
  Worker *w = &x->st->workers[worker];
  gsize first = (gsize) item * ENC_CHUNK;
  int rows = (int) MIN ((gsize) ENC_CHUNK, x->n_segments - first);
  int S = c->dwt_size, L = c->segment_len;

  for (int r = 0; r < rows; r++)
    {
      const float *seg = x->x + (first + r) * (gsize) L;
      float *g = w->gfeat + (gsize) r * S;
      double ss = 0.0;
      double inv;

      _icto_dwt_features (seg, L, w->feat, w->dwt_work);
      for (int i = 0; i < S; i++)
        ss += w->feat[i] * w->feat[i];
      inv = 1.0 / sqrt (ss / S + c->encoder_eps);
      for (int i = 0; i < S; i++)
        g[i] = (float) (w->feat[i] * inv * m->enc_ln[i]);
    }
  gemm_nt (rows, c->n_embd, S, w->gfeat, S, m->enc_proj, S, 0.0f,
           x->enc_out + first * c->n_embd, c->n_embd);
}

static gboolean
check_abort (IctoModelState *self,
             GError        **error)
{
  if (self->abort_func != NULL && self->abort_func (self->user_data))
    {
      g_set_error_literal (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_CANCELLED,
                           _("The model run was cancelled"));
      return TRUE;
    }
  return FALSE;
}

gboolean
icto_model_encode (IctoModelState  *self,
                   const float     *x,
                   gsize            n_segments,
                   float           *out,
                   GError         **error)
{
  Ctx ctx = { 0 };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (x != NULL || n_segments == 0, FALSE);

  if (check_abort (self, error))
    return FALSE;
  ctx.st = self;
  ctx.m = self->model;
  ctx.x = x;
  ctx.enc_out = out;
  ctx.n_segments = n_segments;
  {
    gint64 t0 = g_get_monotonic_time ();

    _icto_thread_pool_run (self->pool, (int) ((n_segments + ENC_CHUNK - 1) / ENC_CHUNK),
                           encoder_item, &ctx);
    self->prof[0] += (g_get_monotonic_time () - t0) * 1e-6;
  }
  return TRUE;
}

/* ---- transformer ---------------------------------------------------------- */

static void
phase_a_item (gpointer data,
              int      item,
              int      worker)
{
  Ctx *x = data;
  const IctoModel *m = x->m;
  const IctoModelConfig *c = &m->cfg;
  const IctoLayerWeights *w = x->w;
  IctoModelState *st = x->st;
  int D = c->n_embd, F = c->n_inner, kv2 = 2 * m->kv_dim;
  int r0 = x->a_from + item * x->chunk_rows;
  int rows = MIN (x->chunk_rows, x->N - r0);
  float *a = st->a + (gsize) r0 * D;
  float *ff;

  if (rows <= 0)
    return;
  for (int r = 0; r < rows; r++)
    rms_norm (st->h + (gsize) (r0 + r) * D, w->ln_1, a + (gsize) r * D, D, c->layer_norm_epsilon);
  gemm_nt (rows, kv2, D, a, D, w->kv, D, 0.0f, st->kv + (gsize) r0 * kv2, kv2);
  /* queries and MLP only from row_from on */
  if (r0 + rows <= x->row_from)
    return;
  if (r0 < x->row_from)
    {
      rows -= x->row_from - r0;
      a += (gsize) (x->row_from - r0) * D;
      r0 = x->row_from;
    }
  ff = st->ff + (gsize) r0 * 2 * F;
  gemm_nt (rows, D, D, a, D, w->q, D, 0.0f, st->q + (gsize) r0 * D, D);
  gemm_nt (rows, F, D, a, D, w->gate, D, 0.0f, ff, 2 * F);
  gemm_nt (rows, F, D, a, D, w->up, D, 0.0f, ff + F, 2 * F);
  for (int r = 0; r < rows; r++)
    {
      float *g = ff + (gsize) r * 2 * F;
      const float *u = g + F;

      silu_mul (g, u, F);
    }
  /* h += MLP(a) */
  gemm_nt (rows, D, F, ff, 2 * F, w->down, F, 1.0f, st->h + (gsize) r0 * D, D);
}

static void
phase_c_item (gpointer data,
              int      item,
              int      worker)
{
  Ctx *x = data;
  int D = x->m->cfg.n_embd;
  int r0 = MAX (item * x->chunk_rows, x->row_from);
  int rows = MIN (item * x->chunk_rows + x->chunk_rows, x->N) - r0;

  if (rows <= 0)
    return;
  /* h += o W_o^T */
  gemm_nt (rows, D, D, x->st->o + (gsize) r0 * D, D, x->w->c_proj, D, 1.0f,
           x->st->h + (gsize) r0 * D, D);
}

/*
 * Attention of one (query step t, kv head g) item when the layer's channel
 * table is zero (Γ = 0) and the item has steps outside the content window
 * (0 <= t' < cs): the score of such a key is B / sqrt(hd), which depends on
 * the key's step only.  Exactly, for a query row:
 *   sum over those keys of e^(score - max) v_m = sum_t' e^(B_t' / sqrt(hd) - max) V_t',
 *   V_t' = sum over the channels c' of v_(t', c')   (shared by every query row),
 * and each of them adds C e^(B_t' / sqrt(hd) - max) to the softmax sum.  The
 * content scores and the p·v product are computed for the steps cs..t only.
 */
static void
attention_split (Ctx    *x,
                 Worker *w,
                 int     t,
                 int     g,
                 int     cs)
{
  const IctoModel *m = x->m;
  const IctoModelConfig *c = &m->cfg;
  const IctoLayerWeights *lw = x->w;
  IctoModelState *st = x->st;
  int T = x->T, C = x->C;
  int H = c->n_head, Hkv = c->n_head_kv, G = H / Hkv;
  int hd = m->head_dim, kvD = m->kv_dim, D = c->n_embd, kv2 = 2 * kvD;
  int nin = (t + 1 - cs) * C;   /* keys inside the content window */
  int R = G * C;
  float scale = (float) (1.0 / sqrt ((double) hd));
  const float *u = lw->attn_bias + g * hd;
  const float *vb = lw->attn_bias + kvD + g * hd;
  float *S = w->scores;

  /* V_t' for t' < cs */
  for (int tp = 0; tp < cs; tp++)
    {
      float *vs = w->vsum + (gsize) tp * hd;

      memset (vs, 0, sizeof (float) * hd);
      for (int cj = 0; cj < C; cj++)
        {
          const float *v = st->kv + (gsize) (tp * C + cj) * kv2 + kvD + g * hd;

          for (int i = 0; i < hd; i++)
            vs[i] += v[i];
        }
    }
  memset (w->zc, 0, sizeof (float) * C);

  /* the G query heads of kv head g as R = G C rows (row hh C + ci) */
  for (int hh = 0; hh < G; hh++)
    for (int ci = 0; ci < C; ci++)
      {
        const float *qs = st->q + (gsize) (t * C + ci) * D + (g * G + hh) * hd;
        float *qc = w->qc + (gsize) (hh * C + ci) * hd, *qb = w->qb + (gsize) (hh * C + ci) * hd;

        for (int i = 0; i < hd; i++)
          {
            qc[i] = qs[i] + u[i];
            qb[i] = qs[i] + vb[i];
          }
      }
  gemm_nt (R, nin, hd, w->qc, hd, st->kv + (gsize) cs * C * kv2 + g * hd, kv2, 0.0f, S, nin);
  gemm_nt (R, T, hd, w->qb, hd, lw->r_table + g * hd, kvD, 0.0f, w->tb, T);

  for (int r = 0; r < R; r++)
    {
      float *srow = S + (gsize) r * nin;
      const float *tb = w->tb + (gsize) r * T;
      float *aw = w->aw + (gsize) r * cs;
      float mx[LANES];
      float rmax, sum, osum = 0.0f;

      for (int k = 0; k < LANES; k++)
        mx[k] = -G_MAXFLOAT;
      for (int tp = cs; tp <= t; tp++)
        combine_max (srow + (gsize) (tp - cs) * C, w->zc, tb[T - 1 - (t - tp)], scale, C, mx);
      rmax = mx[0];
      for (int k = 1; k < LANES; k++)
        rmax = mx[k] > rmax ? mx[k] : rmax;
      for (int tp = 0; tp < cs; tp++)
        {
          aw[tp] = tb[T - 1 - (t - tp)] * scale;
          rmax = aw[tp] > rmax ? aw[tp] : rmax;
        }
      sum = exp_sum (srow, nin, rmax);
      for (int tp = 0; tp < cs; tp++)
        {
          aw[tp] = exp_nonpos (aw[tp] - rmax);
          osum += aw[tp];
        }
      w->inv_sum[r] = 1.0f / (sum + (float) C * osum);
    }

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, R, hd, nin,
               1.0f, S, nin, st->kv + (gsize) cs * C * kv2 + kvD + g * hd, kv2, 0.0f, w->ot, hd);
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, R, hd, cs,
               1.0f, w->aw, cs, w->vsum, hd, 1.0f, w->ot, hd);
  /* scaled into the heads' columns of o */
  for (int hh = 0; hh < G; hh++)
    for (int ci = 0; ci < C; ci++)
      {
        const float *src = w->ot + (gsize) (hh * C + ci) * hd;
        float *dst = st->o + (gsize) (t * C + ci) * D + (g * G + hh) * hd;
        float f = w->inv_sum[hh * C + ci];

        for (int i = 0; i < hd; i++)
          dst[i] = src[i] * f;
      }
}

static void
attention_item (gpointer data,
                int      item,
                int      worker)
{
  Ctx *x = data;
  const IctoModel *m = x->m;
  const IctoModelConfig *c = &m->cfg;
  const IctoLayerWeights *lw = x->w;
  IctoModelState *st = x->st;
  Worker *w = &st->workers[worker];
  int T = x->T, C = x->C, N = x->N;
  int H = c->n_head, Hkv = c->n_head_kv, G = H / Hkv;
  int hd = m->head_dim, kvD = m->kv_dim, D = c->n_embd, kv2 = 2 * kvD;
  int t = T - 1 - item / Hkv;
  int g = item % Hkv;
  int nk = (t + 1) * C;
  int cs = (t == T - 1) ? 0 : MAX (0, t - c->window);   /* first step with the content term */
  float scale = (float) (1.0 / sqrt ((double) hd));
  const float *u = lw->attn_bias + g * hd;
  const float *vb = lw->attn_bias + kvD + g * hd;
  const float *z = lw->attn_bias + 2 * kvD + g * hd;
  float *S = w->scores;
  float *cpart = x->want_chan && t == T - 1 ? st->chan_part + (gsize) g * C * C : NULL;
  /* probabilities are needed explicitly only for the readouts; otherwise
   * 1/sum is applied to the output rows instead */
  gboolean need_probs = cpart != NULL || x->attn_full != NULL;

  if (x->chan_zero && !need_probs && cs > 0)
    {
      attention_split (x, w, t, g, cs);
      return;
    }
  if (cpart != NULL)
    memset (cpart, 0, sizeof (float) * C * C);

  /* one query head at a time: its C x nk score block stays in cache */
  for (int hh = 0; hh < G; hh++)
    {
      int h = g * G + hh;
      float *o = st->o + (gsize) t * C * D + h * hd;

      for (int ci = 0; ci < C; ci++)
        {
          const float *qs = st->q + (gsize) (t * C + ci) * D + h * hd;
          float *qc = w->qc + (gsize) ci * hd, *qb = w->qb + (gsize) ci * hd, *qz = w->qz + (gsize) ci * hd;

          for (int i = 0; i < hd; i++)
            {
              qc[i] = qs[i] + u[i];
              qb[i] = qs[i] + vb[i];
              qz[i] = qs[i] + z[i];
            }
        }

      /* content term A for key steps cs..t; zero for the steps outside the window */
      gemm_nt (C, (t + 1 - cs) * C, hd, w->qc, hd, st->kv + (gsize) cs * C * kv2 + g * hd, kv2,
               0.0f, S + (gsize) cs * C, nk);
      if (cs > 0)
        for (int r = 0; r < C; r++)
          memset (S + (gsize) r * nk, 0, sizeof (float) * cs * C);
      /* time table (q + v')·r_j, j < T, and channel table (q + z)·s_j, j < C */
      gemm_nt (C, T, hd, w->qb, hd, lw->r_table + g * hd, kvD, 0.0f, w->tb, T);
      gemm_nt (C, C, hd, w->qz, hd, lw->s_table + g * hd, kvD, 0.0f, w->tz, C);

      for (int ci = 0; ci < C; ci++)
        {
          float *srow = S + (gsize) ci * nk;
          const float *tb = w->tb + (gsize) ci * T;
          const float *tz = w->tz + (gsize) ci * C;
          float mx[LANES];
          float rmax, sum;

          for (int k = 0; k < LANES; k++)
            mx[k] = -G_MAXFLOAT;
          for (int cj = 0; cj < C; cj++)
            w->zc[cj] = tz[C - 1 - ABS (ci - cj)];
          for (int tp = 0; tp <= t; tp++)
            combine_max (srow + (gsize) tp * C, w->zc, tb[T - 1 - (t - tp)], scale, C, mx);
          rmax = mx[0];
          for (int k = 1; k < LANES; k++)
            rmax = mx[k] > rmax ? mx[k] : rmax;
          sum = exp_sum (srow, nk, rmax);
          w->inv_sum[ci] = 1.0f / sum;
          if (!need_probs)
            continue;
          scale_row (srow, nk, w->inv_sum[ci]);
          if (cpart != NULL)
            {
              float *crow = cpart + (gsize) ci * C;

              for (int tp = 0; tp <= t; tp++)
                for (int cj = 0; cj < C; cj++)
                  crow[cj] += srow[tp * C + cj];
            }
          if (x->attn_full != NULL)
            memcpy (x->attn_full + ((gsize) h * N + (gsize) t * C + ci) * N, srow, sizeof (float) * nk);
        }

      /* o_n^h = sum_m p v_m, straight into the head's columns of o */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, C, hd, nk,
                   1.0f, S, nk, st->kv + kvD + g * hd, kv2, 0.0f, o, D);
      if (!need_probs)
        for (int ci = 0; ci < C; ci++)
          scale_row (o + (gsize) ci * D, hd, w->inv_sum[ci]);
    }
}

static void
ln_f_item (gpointer data,
           int      item,
           int      worker)
{
  Ctx *x = data;
  int D = x->m->cfg.n_embd;
  int r0 = MAX (item * x->chunk_rows, x->row_from);
  int rows = MIN (item * x->chunk_rows + x->chunk_rows, x->N) - r0;

  for (int r = r0; r < r0 + rows; r++)
    rms_norm (x->st->h + (gsize) r * D, x->m->ln_f, x->head_out + (gsize) r * D, D,
              x->m->cfg.layer_norm_epsilon);
}

static void
gen_head_item (gpointer data,
               int      item,
               int      worker)
{
  Ctx *x = data;
  int D = x->m->cfg.n_embd;
  int r0 = MAX (item * x->chunk_rows, x->row_from);
  int rows = MIN (item * x->chunk_rows + x->chunk_rows, x->N) - r0;

  if (rows <= 0)
    return;
  gemm_nt (rows, D, D, x->x + (gsize) r0 * D, D, x->head, D, 0.0f,
           x->head_out + (gsize) r0 * D, D);
}

/*
 * Rows phase A of the first layer, reusing the previous call's rows when
 * this window's first T-1 steps hold exactly the encoder outputs of the
 * previous window's last T-1 steps (consecutive windows of a recording at
 * a 5-s stride): phase A is a per-token function of the encoder output,
 * so only the last step's C rows are computed.  The kept rows are a ring
 * of T steps: window step t is in slot (l0_base + t) mod T.
 */
static gboolean
layer0_match (IctoModelState *self,
              const float    *encoded,
              int             T,
              int             C,
              int             D)
{
  gsize step = (gsize) C * D;

  if (self->l0_T != T || self->l0_C != C || T < 2)
    return FALSE;
  /* cached steps 1..T-1 against the new steps 0..T-2, in contiguous runs */
  for (int t = 1; t < T;)
    {
      int s = (self->l0_base + t) % T;
      int run = MIN (T - t, T - s);

      if (memcmp (self->l0_enc + s * step, encoded + (t - 1) * step, sizeof (float) * run * step) != 0)
        return FALSE;
      t += run;
    }
  return TRUE;
}

static void
layer0_rows (IctoModelState *self,
             Ctx            *ctx,
             const float    *encoded)
{
  const IctoModel *m = self->model;
  int D = m->cfg.n_embd, kv2 = 2 * m->kv_dim;
  int T = ctx->T, C = ctx->C, N = ctx->N;

  if (layer0_match (self, encoded, T, C, D))
    {
      int chunks = self->n_threads;
      Ctx sub = *ctx;
      int slot;

      for (int t = 1; t < T;)
        {
          int s = (self->l0_base + t) % T;
          int run = MIN (T - t, T - s);
          gsize from = (gsize) s * C, to = (gsize) (t - 1) * C, rows = (gsize) run * C;

          memcpy (self->h + to * D, self->l0_h + from * D, sizeof (float) * rows * D);
          memcpy (self->q + to * D, self->l0_q + from * D, sizeof (float) * rows * D);
          memcpy (self->kv + to * kv2, self->l0_kv + from * kv2, sizeof (float) * rows * kv2);
          t += run;
        }
      sub.a_from = (T - 1) * C;
      sub.chunk_rows = (C + chunks - 1) / chunks;
      chunks = (C + sub.chunk_rows - 1) / sub.chunk_rows;
      _icto_thread_pool_run (self->pool, chunks, phase_a_item, &sub);
      /* the new last step replaces the dropped first one */
      slot = self->l0_base;
      {
        gsize to = (gsize) slot * C, from = (gsize) (T - 1) * C;

        memcpy (self->l0_enc + to * D, encoded + from * D, sizeof (float) * C * D);
        memcpy (self->l0_h + to * D, self->h + from * D, sizeof (float) * C * D);
        memcpy (self->l0_q + to * D, self->q + from * D, sizeof (float) * C * D);
        memcpy (self->l0_kv + to * kv2, self->kv + from * kv2, sizeof (float) * C * kv2);
      }
      self->l0_base = (self->l0_base + 1) % T;
      return;
    }

  _icto_thread_pool_run (self->pool, ctx->n_chunks, phase_a_item, ctx);
  if ((gsize) N > self->l0_cap)
    {
      g_free (self->l0_enc);
      g_free (self->l0_h);
      g_free (self->l0_q);
      g_free (self->l0_kv);
      self->l0_cap = (gsize) N;
      self->l0_enc = g_new (float, self->l0_cap * D);
      self->l0_h = g_new (float, self->l0_cap * D);
      self->l0_q = g_new (float, self->l0_cap * D);
      self->l0_kv = g_new (float, self->l0_cap * kv2);
    }
  memcpy (self->l0_enc, encoded, sizeof (float) * N * D);
  memcpy (self->l0_h, self->h, sizeof (float) * N * D);
  memcpy (self->l0_q, self->q, sizeof (float) * N * D);
  memcpy (self->l0_kv, self->kv, sizeof (float) * N * kv2);
  self->l0_T = T;
  self->l0_C = C;
  self->l0_base = 0;
}

void
icto_model_output_free (IctoModelOutput *output)
{
  if (output == NULL)
    return;
  g_free (output->encoder_out);
  g_free (output->layer_out);
  g_free (output->hidden_states);
  g_free (output->gen_pred);
  g_free (output->agreement);
  g_free (output->contribution);
  g_free (output->channel_attn);
  g_free (output->attn_probs_last);
  g_free (output);
}

static void
report (IctoModelState *self,
        double          fraction)
{
  if (self->progress != NULL)
    self->progress (fraction, self->user_data);
}

IctoModelOutput *
icto_model_forward_encoded (IctoModelState   *self,
                            const float      *encoded,
                            int               T,
                            int               C,
                            IctoForwardFlags  flags,
                            GError          **error)
{
  g_autoptr(IctoModelOutput) out = NULL;
  const IctoModel *m;
  const IctoModelConfig *c;
  Ctx ctx = { 0 };
  int D, N, H, Hkv;
  gsize ND;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (encoded != NULL, NULL);

  m = self->model;
  c = &m->cfg;
  if (T < 1 || T > c->n_positions || C < 1 || C > c->n_channels)
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT,
                   _("A window of %d segments × %d channels does not fit the model "
                     "(at most %d segments and %d channels)"),
                   T, C, c->n_positions, c->n_channels);
      return NULL;
    }
  if ((flags & ICTO_FORWARD_LAST_STEPS) &&
      (flags & (ICTO_FORWARD_LAYER_OUTPUTS | ICTO_FORWARD_ATTN_PROBS_LAST)))
    {
      g_set_error_literal (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT,
                           _("Readouts of the last steps only cannot give every layer's outputs "
                             "or the attention probabilities"));
      return NULL;
    }
  D = c->n_embd;
  H = c->n_head;
  Hkv = c->n_head_kv;
  N = T * C;
  ND = (gsize) N * D;
  ensure_capacity (self, T, C);

  out = g_new0 (IctoModelOutput, 1);
  out->T = T;
  out->C = C;
  out->D = D;
  out->n_layer = c->n_layer;
  out->n_head = H;
  out->encoder_out = g_memdup2 (encoded, ND * sizeof (float));
  if (flags & ICTO_FORWARD_LAYER_OUTPUTS)
    out->layer_out = g_new (float, ND * c->n_layer);
  out->channel_attn = g_new0 (float, (gsize) c->n_layer * C * C);
  if (flags & ICTO_FORWARD_ATTN_PROBS_LAST)
    out->attn_probs_last = g_new0 (float, (gsize) H * N * N);

  ctx.st = self;
  ctx.m = m;
  ctx.T = T;
  ctx.C = C;
  ctx.N = N;
  ctx.n_chunks = N >= 64 * self->n_threads ? 2 * self->n_threads : self->n_threads;
  ctx.chunk_rows = (N + ctx.n_chunks - 1) / ctx.n_chunks;
  ctx.n_chunks = (N + ctx.chunk_rows - 1) / ctx.chunk_rows;
  ctx.want_chan = TRUE;

  memcpy (self->h, encoded, ND * sizeof (float));
  for (int l = 0; l < c->n_layer; l++)
    {
      if (check_abort (self, error))
        return NULL;
      ctx.w = &m->layers[l];
      ctx.chan_zero = self->chan_zero[l] && !self->generic;
      ctx.attn_full = (l == c->n_layer - 1) ? out->attn_probs_last : NULL;
      /* last layer with LAST_STEPS: rows of steps T-2 and T-1 only */
      ctx.row_from = (l == c->n_layer - 1 && (flags & ICTO_FORWARD_LAST_STEPS)) ? MAX (0, T - 2) * C : 0;
      {
        gint64 t0 = g_get_monotonic_time (), t1, t2;

        if (l == 0 && ctx.row_from == 0 && !self->generic)
          layer0_rows (self, &ctx, encoded);
        else
          _icto_thread_pool_run (self->pool, ctx.n_chunks, phase_a_item, &ctx);
        t1 = g_get_monotonic_time ();
        _icto_thread_pool_run (self->pool, (T - ctx.row_from / C) * Hkv, attention_item, &ctx);
        t2 = g_get_monotonic_time ();
        _icto_thread_pool_run (self->pool, ctx.n_chunks, phase_c_item, &ctx);
        self->prof[1] += (t1 - t0) * 1e-6;
        self->prof[2] += (t2 - t1) * 1e-6;
        self->prof[3] += (g_get_monotonic_time () - t2) * 1e-6;
      }

      /* channel matrix of the last step: mean over heads */
      {
        float *cm = out->channel_attn + (gsize) l * C * C;

        for (int g = 0; g < Hkv; g++)
          for (int i = 0; i < C * C; i++)
            cm[i] += self->chan_part[(gsize) g * C * C + i];
        for (int i = 0; i < C * C; i++)
          cm[i] /= (float) H;
      }
      if (out->layer_out != NULL)
        memcpy (out->layer_out + (gsize) l * ND, self->h, ND * sizeof (float));
      report (self, 0.05 + 0.9 * (l + 1) / c->n_layer);
    }
  if (check_abort (self, error))
    return NULL;

  /* final norm */
  out->hidden_states = g_new0 (float, ND);
  ctx.head_out = out->hidden_states;
  _icto_thread_pool_run (self->pool, ctx.n_chunks, ln_f_item, &ctx);

  /* generative head and agreement */
  if (m->gen_head != NULL && !(flags & ICTO_FORWARD_NO_GEN_PRED))
    {
      out->gen_pred = g_new0 (float, ND);
      ctx.x = out->hidden_states;
      ctx.head = m->gen_head;
      ctx.head_out = out->gen_pred;
      _icto_thread_pool_run (self->pool, ctx.n_chunks, gen_head_item, &ctx);
      if (T >= 2)
        {
          out->agreement = g_new (float, (gsize) (T - 1) * C);
          /* steps not computed (LAST_STEPS) */
          for (int n = 0; n < MIN (ctx.row_from, (T - 1) * C); n++)
            out->agreement[n] = NAN;
          for (int t = ctx.row_from / C; t + 1 < T; t++)
            for (int ci = 0; ci < C; ci++)
              {
                const float *p = out->gen_pred + ((gsize) t * C + ci) * D;
                const float *e = out->encoder_out + ((gsize) (t + 1) * C + ci) * D;
                double dot = 0, np = 0, ne = 0;

                for (int i = 0; i < D; i++)
                  {
                    dot += (double) p[i] * e[i];
                    np += (double) p[i] * p[i];
                    ne += (double) e[i] * e[i];
                  }
                out->agreement[t * C + ci] =
                  (float) (dot / (MAX (sqrt (np), 1e-8) * MAX (sqrt (ne), 1e-8)));
              }
        }
    }

  /* classification: mean over the channels of the last step */
  if (m->cls_head != NULL)
    {
      const float *W = m->cls_head;
      const float *Y = out->hidden_states + (gsize) (T - 1) * C * D;
      double l0 = 0, l1 = 0, mx, e0, e1;

      out->has_class = TRUE;
      out->contribution = g_new (float, C);
      for (int ci = 0; ci < C; ci++)
        {
          const float *y = Y + (gsize) ci * D;
          double d0 = 0, d1 = 0;

          for (int i = 0; i < D; i++)
            {
              d0 += (double) W[i] * y[i];
              d1 += (double) W[D + i] * y[i];
            }
          l0 += d0 / C;
          l1 += d1 / C;
          out->contribution[ci] = (float) ((d1 - d0) / C);
        }
      out->class_logits[0] = (float) l0;
      out->class_logits[1] = (float) l1;
      mx = MAX (l0, l1);
      e0 = exp (l0 - mx);
      e1 = exp (l1 - mx);
      out->class_probs[0] = (float) (e0 / (e0 + e1));
      out->class_probs[1] = (float) (e1 / (e0 + e1));
    }
  report (self, 1.0);
  return g_steal_pointer (&out);
}

IctoModelOutput *
icto_model_forward (IctoModelState   *self,
                    const float      *x,
                    int               T,
                    int               C,
                    int               L,
                    IctoForwardFlags  flags,
                    GError          **error)
{
  const IctoModelConfig *c;
  g_autofree float *enc = NULL;
  gsize n;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (x != NULL, NULL);

  c = &self->model->cfg;
  if (L != c->segment_len)
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT,
                   _("Segments of %d samples do not fit the model (it takes %d)"), L, c->segment_len);
      return NULL;
    }
  if (T < 1 || T > c->n_positions || C < 1 || C > c->n_channels)
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT,
                   _("A window of %d segments × %d channels does not fit the model "
                     "(at most %d segments and %d channels)"),
                   T, C, c->n_positions, c->n_channels);
      return NULL;
    }
  n = (gsize) T * C;
  for (gsize i = 0; i < n * L; i++)
    if (!isfinite (x[i]))
      {
        g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_INPUT,
                     _("The input holds a sample that is not a finite number (segment %zu, channel %zu)"),
                     i / L / C, (i / L) % C);
        return NULL;
      }
  enc = g_new (float, n * c->n_embd);
  if (!icto_model_encode (self, x, n, enc, error))
    return NULL;
  report (self, 0.05);
  return icto_model_forward_encoded (self, enc, T, C, flags, error);
}
