/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-model"

#include "config.h"

#include <cblas.h>
#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/icto-model-private.h"
#include "model/icto-safetensors.h"

/* ---- the name table: official state-dict names -> tensor slots ---------- */

typedef enum {
  SH_IGNORE,      /* accepted, not used, shape not checked */
  SH_D,           /* [D] */
  SH_SW,          /* [S_w] */
  SH_D_SW,        /* [D, S_w] */
  SH_D_D,         /* [D, D] */
  SH_POS_D,       /* [n_positions, D] */
  SH_CHAN_D,      /* [n_channels, D] */
  SH_HEAD,        /* [D, D] generative or [2, D] classification */
  SH_2_D,         /* [2, D] */
  SH_3KV,         /* [3 kvD] */
  SH_2KV_D,       /* [2 kvD, D] */
  SH_KV_D,        /* [kvD, D] */
  SH_F_D,         /* [F, D] */
  SH_D_F,         /* [D, F] */
  SH_R_D,         /* [r, D] */
  SH_D_R,         /* [D, r] */
  SH_KV_R,        /* [kvD, r] */
} ShapeKind;

enum {
  G_ENC_LN, G_ENC_PROJ, G_LN_F, G_POS_EMB, G_CHAN_EMB, G_GEN_HEAD, G_CLS_HEAD, G_IGNORED,
  N_GLOBAL
};

enum {
  L_LN1, L_BIAS, L_Q, L_KV, L_POS_NET, L_CHAN_NET, L_C_PROJ, L_GATE, L_UP, L_DOWN,
  L_Q_LORA_A, L_Q_LORA_B, L_KV_LORA_A, L_KV_LORA_B, L_IGNORED,
  N_LAYER_SLOTS
};

/* which files may hold a slot */
#define IN_BASE 1
#define IN_HEAD 2
#define IN_LORA 4

typedef struct {
  const char *name;
  int         slot;
  ShapeKind   shape;
  int         files;
} SlotDef;

static const SlotDef global_defs[] = {
  { "encoder.ln.weight",                     G_ENC_LN,   SH_SW,     IN_BASE },
  { "encoder.proj.weight",                   G_ENC_PROJ, SH_D_SW,   IN_BASE },
  { "mvpformer.ln_f.weight",                 G_LN_F,     SH_D,      IN_BASE },
  { "mvpformer.positional_embedding.weight", G_POS_EMB,  SH_POS_D,  IN_BASE },
  { "mvpformer.channel_embedding.weight",    G_CHAN_EMB, SH_CHAN_D, IN_BASE },
  { "head.head.weight",                      G_GEN_HEAD, SH_HEAD,   IN_BASE | IN_HEAD },
  { "cls_head.weight",                       G_CLS_HEAD, SH_2_D,    IN_BASE | IN_HEAD },
  { "seizure_embeddings",                    G_IGNORED,  SH_IGNORE, IN_BASE | IN_HEAD },
};

/* names below "mvpformer.h.{i}." */
static const SlotDef layer_defs[] = {
  { "ln_1.weight",                L_LN1,       SH_D,      IN_BASE },
  { "attn.attn_bias",             L_BIAS,      SH_3KV,    IN_BASE },
  { "attn.q_attn.weight",         L_Q,         SH_D_D,    IN_BASE },
  { "attn.c_attn.weight",         L_KV,        SH_2KV_D,  IN_BASE },
  { "attn.position_net.weight",   L_POS_NET,   SH_KV_D,   IN_BASE },
  { "attn.channel_net.weight",    L_CHAN_NET,  SH_KV_D,   IN_BASE },
  { "attn.c_proj.weight",         L_C_PROJ,    SH_D_D,    IN_BASE },
  { "mlp.gate_proj.weight",       L_GATE,      SH_F_D,    IN_BASE },
  { "mlp.up_proj.weight",         L_UP,        SH_F_D,    IN_BASE },
  { "mlp.down_proj.weight",       L_DOWN,      SH_D_F,    IN_BASE },
  { "attn.q_attn.lora_A",         L_Q_LORA_A,  SH_R_D,    IN_BASE | IN_HEAD | IN_LORA },
  { "attn.q_attn.lora_B",         L_Q_LORA_B,  SH_D_R,    IN_BASE | IN_HEAD | IN_LORA },
  { "attn.c_attn.lora_A",         L_KV_LORA_A, SH_R_D,    IN_BASE | IN_HEAD | IN_LORA },
  { "attn.c_attn.lora_B",         L_KV_LORA_B, SH_KV_R,   IN_BASE | IN_HEAD | IN_LORA },
  { "ln_2.weight",                L_IGNORED,   SH_IGNORE, IN_BASE | IN_HEAD },
  { "attn.time_bias",             L_IGNORED,   SH_IGNORE, IN_BASE | IN_HEAD },
  { "attn.masked_bias",           L_IGNORED,   SH_IGNORE, IN_BASE | IN_HEAD },
};

#define LAYER_PREFIX "mvpformer.h."

typedef struct {
  IctoModelConfig        cfg;
  int                    n_slots;
  const IctoTensorInfo **src;         /* [n_slots] */
  const char           **src_file;    /* [n_slots] */
} Loader;

static int
slot_index (int layer,
            int slot)
{
  return layer < 0 ? slot : N_GLOBAL + layer * N_LAYER_SLOTS + slot;
}

/* ---- configuration --------------------------------------------------------- */

static gboolean
meta_int (IctoSafetensors *st,
          const char      *key,
          gboolean         required,
          int              def,
          int              min,
          int              max,
          int             *out,
          GError         **error)
{
  const char *v = icto_safetensors_get_metadata (st, key);
  gint64 n;

  if (v == NULL)
    {
      if (!required)
        {
          *out = def;
          return TRUE;
        }
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_CONFIG,
                   _("“%s”: the configuration key “%s” is missing from the file's metadata"),
                   icto_safetensors_get_name (st), key);
      return FALSE;
    }
  if (!g_ascii_string_to_signed (v, 10, min, max, &n, NULL))
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_CONFIG,
                   _("“%s”: the configuration value %s = “%s” is not an integer from %d to %d"),
                   icto_safetensors_get_name (st), key, v, min, max);
      return FALSE;
    }
  *out = (int) n;
  return TRUE;
}

static gboolean
meta_double (IctoSafetensors *st,
             const char      *key,
             double           def,
             double           min,
             double           max,
             double          *out,
             GError         **error)
{
  const char *v = icto_safetensors_get_metadata (st, key);
  char *end = NULL;
  double d;

  if (v == NULL)
    {
      *out = def;
      return TRUE;
    }
  d = g_ascii_strtod (v, &end);
  if (end == v || *end != '\0' || !isfinite (d) || d < min || d > max)
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_CONFIG,
                   _("“%s”: the configuration value %s = “%s” is not a number from %g to %g"),
                   icto_safetensors_get_name (st), key, v, min, max);
      return FALSE;
    }
  *out = d;
  return TRUE;
}

static gboolean
read_config (IctoSafetensors *st,
             IctoModelConfig *cfg,
             GError         **error)
{
  const char *name = icto_safetensors_get_name (st);
  const char *wavelet = icto_safetensors_get_metadata (st, "wavelet");
  const char *mode = icto_safetensors_get_metadata (st, "wavelet_mode");

  if (!meta_int (st, "n_embd", TRUE, 0, 1, 1 << 16, &cfg->n_embd, error) ||
      !meta_int (st, "n_layer", TRUE, 0, 1, 1024, &cfg->n_layer, error) ||
      !meta_int (st, "n_head", TRUE, 0, 1, 4096, &cfg->n_head, error) ||
      !meta_int (st, "n_head_kv", TRUE, 0, 1, 4096, &cfg->n_head_kv, error) ||
      !meta_int (st, "n_inner", TRUE, 0, 1, 1 << 20, &cfg->n_inner, error) ||
      !meta_int (st, "n_positions", TRUE, 0, 1, 1 << 16, &cfg->n_positions, error) ||
      !meta_int (st, "n_channels", TRUE, 0, 1, 1 << 16, &cfg->n_channels, error) ||
      !meta_int (st, "segment_len", TRUE, 0, 1, 1 << 22, &cfg->segment_len, error) ||
      !meta_int (st, "dwt_size", TRUE, 0, 1, 1 << 23, &cfg->dwt_size, error) ||
      !meta_int (st, "window", FALSE, 10, 0, 1 << 20, &cfg->window, error) ||
      !meta_int (st, "lora_rank", FALSE, 8, 1, 4096, &cfg->lora_rank, error) ||
      !meta_double (st, "lora_alpha", 16.0, -1e6, 1e6, &cfg->lora_alpha, error) ||
      !meta_double (st, "layer_norm_epsilon", 1e-5, 0.0, 1.0, &cfg->layer_norm_epsilon, error) ||
      !meta_double (st, "encoder_eps", 1e-5, 0.0, 1.0, &cfg->encoder_eps, error))
    return FALSE;

  if (cfg->n_embd % cfg->n_head != 0 || cfg->n_head % cfg->n_head_kv != 0)
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_CONFIG,
                   _("“%s”: n_embd (%d) must be a multiple of n_head (%d), and n_head of n_head_kv (%d)"),
                   name, cfg->n_embd, cfg->n_head, cfg->n_head_kv);
      return FALSE;
    }
  if (cfg->dwt_size != _icto_dwt_size (cfg->segment_len))
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_CONFIG,
                   _("“%s”: dwt_size %d does not match segment_len %d (db4, periodic: %d coefficients)"),
                   name, cfg->dwt_size, cfg->segment_len, _icto_dwt_size (cfg->segment_len));
      return FALSE;
    }
  if (wavelet != NULL && strcmp (wavelet, "db4") != 0)
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_UNSUPPORTED,
                   _("“%s”: wavelet “%s” is not supported (only db4)"), name, wavelet);
      return FALSE;
    }
  if (mode != NULL && strcmp (mode, "periodic") != 0)
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_UNSUPPORTED,
                   _("“%s”: wavelet mode “%s” is not supported (only periodic)"), name, mode);
      return FALSE;
    }
  return TRUE;
}

/* Head and LoRA files: where they state these keys, they must agree. */
static gboolean
check_config_agrees (IctoSafetensors       *st,
                     const IctoModelConfig *cfg,
                     GError               **error)
{
  static const char *keys[] = { "n_embd", "n_layer", "n_head", "n_head_kv", "lora_rank" };
  const int vals[] = { cfg->n_embd, cfg->n_layer, cfg->n_head, cfg->n_head_kv, cfg->lora_rank };

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *v = icto_safetensors_get_metadata (st, keys[i]);
      gint64 n;

      if (v == NULL)
        continue;
      if (!g_ascii_string_to_signed (v, 10, G_MININT, G_MAXINT, &n, NULL) || n != vals[i])
        {
          g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_CONFIG,
                       _("“%s” does not belong to this model: %s is “%s”, the model has %d"),
                       icto_safetensors_get_name (st), keys[i], v, vals[i]);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- tensor checks ----------------------------------------------------------- */

static int
expected_shape (ShapeKind              kind,
                const IctoModelConfig *c,
                gint64                *dims)
{
  gint64 D = c->n_embd, kv = (gint64) (c->n_embd / c->n_head) * c->n_head_kv;

  switch (kind)
    {
    case SH_D: dims[0] = D; return 1;
    case SH_SW: dims[0] = c->dwt_size; return 1;
    case SH_D_SW: dims[0] = D; dims[1] = c->dwt_size; return 2;
    case SH_D_D: dims[0] = D; dims[1] = D; return 2;
    case SH_POS_D: dims[0] = c->n_positions; dims[1] = D; return 2;
    case SH_CHAN_D: dims[0] = c->n_channels; dims[1] = D; return 2;
    case SH_2_D: dims[0] = 2; dims[1] = D; return 2;
    case SH_3KV: dims[0] = 3 * kv; return 1;
    case SH_2KV_D: dims[0] = 2 * kv; dims[1] = D; return 2;
    case SH_KV_D: dims[0] = kv; dims[1] = D; return 2;
    case SH_F_D: dims[0] = c->n_inner; dims[1] = D; return 2;
    case SH_D_F: dims[0] = D; dims[1] = c->n_inner; return 2;
    case SH_R_D: dims[0] = c->lora_rank; dims[1] = D; return 2;
    case SH_D_R: dims[0] = D; dims[1] = c->lora_rank; return 2;
    case SH_KV_R: dims[0] = kv; dims[1] = c->lora_rank; return 2;
    case SH_HEAD:
    case SH_IGNORE:
    default:
      return -1;
    }
}

static char *
shape_to_string (int           n,
                 const gint64 *dims)
{
  GString *s = g_string_new ("[");

  for (int i = 0; i < n; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? ", " : "", dims[i]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static gboolean
shape_equals (const IctoTensorInfo *t,
              int                   n,
              const gint64         *dims)
{
  if ((int) t->n_dims != n)
    return FALSE;
  for (int i = 0; i < n; i++)
    if (t->shape[i] != dims[i])
      return FALSE;
  return TRUE;
}

static gboolean
shape_error (IctoSafetensors      *st,
             const IctoTensorInfo *t,
             int                   n,
             const gint64         *dims,
             GError              **error)
{
  g_autofree char *want = shape_to_string (n, dims);
  g_autofree char *got = shape_to_string ((int) t->n_dims, t->shape);

  g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_SHAPE,
               _("“%s”: tensor “%s” has shape %s; the configuration needs %s"),
               icto_safetensors_get_name (st), t->name, got, want);
  return FALSE;
}

/* Resolves @name to a definition; *layer = -1 for global names. */
static const SlotDef *
lookup_name (const char            *name,
             const IctoModelConfig *cfg,
             int                   *layer)
{
  *layer = -1;
  if (g_str_has_prefix (name, LAYER_PREFIX))
    {
      const char *p = name + strlen (LAYER_PREFIX);
      guint64 idx = 0;
      const char *dot;
      g_autofree char *num = NULL;

      dot = strchr (p, '.');
      if (dot == NULL || dot == p || dot - p > 6)
        return NULL;
      num = g_strndup (p, (gsize) (dot - p));
      if (!g_ascii_string_to_unsigned (num, 10, 0, (guint64) cfg->n_layer - 1, &idx, NULL))
        return NULL;
      if (num[0] == '0' && num[1] != '\0')
        return NULL;
      for (gsize i = 0; i < G_N_ELEMENTS (layer_defs); i++)
        if (strcmp (dot + 1, layer_defs[i].name) == 0)
          {
            *layer = (int) idx;
            return &layer_defs[i];
          }
      return NULL;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (global_defs); i++)
    if (strcmp (name, global_defs[i].name) == 0)
      return &global_defs[i];
  return NULL;
}

static gboolean
collect_file (Loader          *ld,
              IctoSafetensors *st,
              int              role,
              GError         **error)
{
  const char *fname = icto_safetensors_get_name (st);

  for (guint i = 0; i < icto_safetensors_get_n_tensors (st); i++)
    {
      const IctoTensorInfo *t = icto_safetensors_get_tensor (st, i);
      const SlotDef *def;
      int layer;
      int slot;
      gint64 dims[2];
      int nd;

      def = lookup_name (t->name, &ld->cfg, &layer);
      if (def == NULL || !(def->files & role))
        {
          g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_UNKNOWN_TENSOR,
                       role == IN_BASE
                       ? _("“%s”: unknown tensor “%s” (not part of an MVPFormer with %d layers)")
                       : _("“%s”: tensor “%s” does not belong in a head or adapter file (model of %d layers)"),
                       fname, t->name, ld->cfg.n_layer);
          return FALSE;
        }
      if (def->shape == SH_IGNORE)
        continue;
      if (t->dtype != ICTO_DTYPE_F32 && t->dtype != ICTO_DTYPE_F16 &&
          t->dtype != ICTO_DTYPE_BF16 && t->dtype != ICTO_DTYPE_F64)
        {
          g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_DTYPE,
                       _("“%s”: tensor “%s” has data type %s; F32, F16 or BF16 is needed"),
                       fname, t->name, icto_dtype_to_string (t->dtype));
          return FALSE;
        }
      slot = def->slot;
      if (def->shape == SH_HEAD)
        {
          gint64 gen[2] = { ld->cfg.n_embd, ld->cfg.n_embd };
          gint64 cls[2] = { 2, ld->cfg.n_embd };

          if (shape_equals (t, 2, cls))
            slot = G_CLS_HEAD;
          else if (role == IN_BASE && shape_equals (t, 2, gen))
            slot = G_GEN_HEAD;
          else
            return shape_error (st, t, 2, role == IN_BASE ? gen : cls, error);
        }
      else
        {
          nd = expected_shape (def->shape, &ld->cfg, dims);
          if (!shape_equals (t, nd, dims))
            return shape_error (st, t, nd, dims, error);
        }
      ld->src[slot_index (layer, slot)] = t;
      ld->src_file[slot_index (layer, slot)] = fname;
    }
  return TRUE;
}

/* ---- materialisation -------------------------------------------------------- */

static float *
owned_copy (IctoModel            *self,
            const IctoTensorInfo *t)
{
  float *buf = g_malloc (MAX (t->n_elements, 1) * sizeof (float));

  /* the dtype was checked in collect_file(): conversion cannot fail */
  if (!icto_tensor_to_f32 (t, buf, NULL))
    g_assert_not_reached ();
  g_ptr_array_add (self->buffers, buf);
  self->weight_bytes += t->n_elements * sizeof (float);
  return buf;
}

static const float *
tensor_f32 (IctoModel            *self,
            const IctoTensorInfo *t)
{
  if (t->dtype == ICTO_DTYPE_F32 && ((guintptr) t->data % sizeof (float)) == 0)
    {
      self->weight_bytes += t->n_bytes;
      return (const float *) t->data;
    }
  return owned_copy (self, t);
}

/* W[rows, D] += scale * B[rows, r] A[r, D], in double, rounded once. */
static void
fold_lora (float       *W,
           const float *A,
           const float *B,
           int          rows,
           int          D,
           int          r,
           double       scale)
{
  g_autofree double *acc = g_new (double, D);

  for (int o = 0; o < rows; o++)
    {
      for (int i = 0; i < D; i++)
        acc[i] = 0.0;
      for (int k = 0; k < r; k++)
        {
          double b = B[(gsize) o * r + k];
          const float *a = A + (gsize) k * D;

          for (int i = 0; i < D; i++)
            acc[i] += b * a[i];
        }
      for (int i = 0; i < D; i++)
        W[(gsize) o * D + i] = (float) ((double) W[(gsize) o * D + i] + scale * acc[i]);
    }
}

static gboolean
missing_error (Loader     *ld,
               int         layer,
               const char *name,
               const char *file,
               GError    **error)
{
  if (layer >= 0)
    g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_MISSING_TENSOR,
                 _("“%s”: the tensor “" LAYER_PREFIX "%d.%s” is missing"), file, layer, name);
  else
    g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_MISSING_TENSOR,
                 _("“%s”: the tensor “%s” is missing"), file, name);
  return FALSE;
}

static gboolean
materialise (IctoModel *self,
             Loader    *ld,
             const char *base_name,
             GError   **error)
{
  const IctoModelConfig *c = &self->cfg;
  int D = c->n_embd, kvD = self->kv_dim;
  double scale = c->lora_alpha / c->lora_rank;
  static const int required_global[] = { G_ENC_LN, G_ENC_PROJ, G_LN_F, G_POS_EMB, G_CHAN_EMB };

  for (gsize i = 0; i < G_N_ELEMENTS (required_global); i++)
    if (ld->src[required_global[i]] == NULL)
      {
        const char *n = NULL;
        for (gsize k = 0; k < G_N_ELEMENTS (global_defs); k++)
          if (global_defs[k].slot == required_global[i])
            n = global_defs[k].name;
        return missing_error (ld, -1, n, base_name, error);
      }
  for (int l = 0; l < c->n_layer; l++)
    {
      for (int s = 0; s < L_Q_LORA_A; s++)
        if (ld->src[slot_index (l, s)] == NULL)
          return missing_error (ld, l, layer_defs[s].name, base_name, error);
      for (int pair = 0; pair < 2; pair++)
        {
          int sa = pair ? L_KV_LORA_A : L_Q_LORA_A;
          int sb = sa + 1;
          const IctoTensorInfo *A = ld->src[slot_index (l, sa)];
          const IctoTensorInfo *B = ld->src[slot_index (l, sb)];

          if ((A == NULL) != (B == NULL))
            return missing_error (ld, l, layer_defs[A == NULL ? sa : sb].name,
                                  ld->src_file[slot_index (l, A == NULL ? sb : sa)], error);
        }
    }

  self->enc_ln = tensor_f32 (self, ld->src[G_ENC_LN]);
  self->enc_proj = tensor_f32 (self, ld->src[G_ENC_PROJ]);
  self->ln_f = tensor_f32 (self, ld->src[G_LN_F]);
  self->pos_emb = tensor_f32 (self, ld->src[G_POS_EMB]);
  self->chan_emb = tensor_f32 (self, ld->src[G_CHAN_EMB]);
  if (ld->src[G_GEN_HEAD] != NULL)
    self->gen_head = tensor_f32 (self, ld->src[G_GEN_HEAD]);
  if (ld->src[G_CLS_HEAD] != NULL)
    self->cls_head = tensor_f32 (self, ld->src[G_CLS_HEAD]);

  self->layers = g_new0 (IctoLayerWeights, c->n_layer);
  for (int l = 0; l < c->n_layer; l++)
    {
      IctoLayerWeights *w = &self->layers[l];
      const IctoTensorInfo **src = ld->src + slot_index (l, 0);

      w->ln_1 = tensor_f32 (self, src[L_LN1]);
      w->attn_bias = tensor_f32 (self, src[L_BIAS]);
      w->pos_net = tensor_f32 (self, src[L_POS_NET]);
      w->chan_net = tensor_f32 (self, src[L_CHAN_NET]);
      w->c_proj = tensor_f32 (self, src[L_C_PROJ]);
      w->gate = tensor_f32 (self, src[L_GATE]);
      w->up = tensor_f32 (self, src[L_UP]);
      w->down = tensor_f32 (self, src[L_DOWN]);
      if (src[L_Q_LORA_A] != NULL)
        {
          float *q = owned_copy (self, src[L_Q]);
          g_autofree float *A = g_new (float, src[L_Q_LORA_A]->n_elements);
          g_autofree float *B = g_new (float, src[L_Q_LORA_B]->n_elements);

          icto_tensor_to_f32 (src[L_Q_LORA_A], A, NULL);
          icto_tensor_to_f32 (src[L_Q_LORA_B], B, NULL);
          fold_lora (q, A, B, D, D, c->lora_rank, scale);
          w->q = q;
          self->has_lora = TRUE;
        }
      else
        w->q = tensor_f32 (self, src[L_Q]);
      if (src[L_KV_LORA_A] != NULL)
        {
          float *kv = owned_copy (self, src[L_KV]);
          g_autofree float *A = g_new (float, src[L_KV_LORA_A]->n_elements);
          g_autofree float *B = g_new (float, src[L_KV_LORA_B]->n_elements);

          icto_tensor_to_f32 (src[L_KV_LORA_A], A, NULL);
          icto_tensor_to_f32 (src[L_KV_LORA_B], B, NULL);
          /* value half only: rows kvD .. 2 kvD - 1 (spec §8) */
          fold_lora (kv + (gsize) kvD * D, A, B, kvD, D, c->lora_rank, scale);
          w->kv = kv;
          self->has_lora = TRUE;
        }
      else
        w->kv = tensor_f32 (self, src[L_KV]);

      /* time and channel key tables: r_j = W_R P_j, s_j = W_C Q_j */
      w->r_table = g_new (float, (gsize) c->n_positions * kvD);
      w->s_table = g_new (float, (gsize) c->n_channels * kvD);
      g_ptr_array_add (self->buffers, w->r_table);
      g_ptr_array_add (self->buffers, w->s_table);
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, c->n_positions, kvD, D,
                   1.0f, self->pos_emb, D, w->pos_net, D, 0.0f, w->r_table, kvD);
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, c->n_channels, kvD, D,
                   1.0f, self->chan_emb, D, w->chan_net, D, 0.0f, w->s_table, kvD);
    }
  return TRUE;
}

static IctoModel *
load_files (IctoSafetensors *base,
            IctoSafetensors *head,
            IctoSafetensors *lora,
            GError         **error)
{
  g_autoptr(IctoModel) self = g_new0 (IctoModel, 1);
  Loader ld = { 0 };
  gboolean ok;

  self->ref_count = 1;
  self->files = g_ptr_array_new_with_free_func ((GDestroyNotify) icto_safetensors_free);
  self->buffers = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->files, base);
  if (head)
    g_ptr_array_add (self->files, head);
  if (lora)
    g_ptr_array_add (self->files, lora);

  if (!read_config (base, &ld.cfg, error))
    return NULL;
  if ((head && !check_config_agrees (head, &ld.cfg, error)) ||
      (lora && !check_config_agrees (lora, &ld.cfg, error)))
    return NULL;
  self->cfg = ld.cfg;
  self->head_dim = ld.cfg.n_embd / ld.cfg.n_head;
  self->kv_dim = self->head_dim * ld.cfg.n_head_kv;

  ld.n_slots = N_GLOBAL + ld.cfg.n_layer * N_LAYER_SLOTS;
  ld.src = g_new0 (const IctoTensorInfo *, ld.n_slots);
  ld.src_file = g_new0 (const char *, ld.n_slots);
  ok = collect_file (&ld, base, IN_BASE, error) &&
       (head == NULL || collect_file (&ld, head, IN_HEAD, error)) &&
       (lora == NULL || collect_file (&ld, lora, IN_LORA, error)) &&
       materialise (self, &ld, icto_safetensors_get_name (base), error);
  g_free (ld.src);
  g_free (ld.src_file);
  if (!ok)
    return NULL;
  return g_steal_pointer (&self);
}

IctoModel *
icto_model_load (const char  *weights_path,
                 const char  *head_path,
                 const char  *lora_path,
                 GError     **error)
{
  IctoSafetensors *base, *head = NULL, *lora = NULL;

  g_return_val_if_fail (weights_path != NULL, NULL);

  base = icto_safetensors_open (weights_path, error);
  if (base == NULL)
    return NULL;
  if (head_path != NULL && (head = icto_safetensors_open (head_path, error)) == NULL)
    {
      icto_safetensors_free (base);
      return NULL;
    }
  if (lora_path != NULL && (lora = icto_safetensors_open (lora_path, error)) == NULL)
    {
      icto_safetensors_free (base);
      icto_safetensors_free (head);
      return NULL;
    }
  /* load_files() owns the files from here on */
  return load_files (base, head, lora, error);
}

IctoModel *
icto_model_load_from_data (const guint8  *data,
                           gsize          size,
                           GError       **error)
{
  guint8 *copy = g_malloc (MAX (size, 1));
  IctoSafetensors *st;
  IctoModel *self;

  if (size > 0)
    memcpy (copy, data, size);
  st = icto_safetensors_new_from_data (copy, size, "(memory)", error);
  if (st == NULL)
    {
      g_free (copy);
      return NULL;
    }
  self = load_files (st, NULL, NULL, error);
  if (self == NULL)
    {
      g_free (copy);
      return NULL;
    }
  g_ptr_array_add (self->buffers, copy);
  return self;
}

IctoModel *
icto_model_ref (IctoModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
icto_model_unref (IctoModel *self)
{
  if (self == NULL || !g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_free (self->layers);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  g_clear_pointer (&self->buffers, g_ptr_array_unref);
  g_clear_pointer (&self->base, icto_model_unref);
  g_free (self);
}

const IctoModelConfig *
icto_model_get_config (IctoModel *self)
{
  return &self->cfg;
}

gboolean
icto_model_has_generative_head (IctoModel *self)
{
  return self->gen_head != NULL;
}

gboolean
icto_model_has_classification_head (IctoModel *self)
{
  return self->cls_head != NULL;
}

const float *
icto_model_get_classification_head (IctoModel *self)
{
  return self->cls_head;
}

gboolean
icto_model_has_lora (IctoModel *self)
{
  return self->has_lora;
}

gsize
icto_model_get_weight_bytes (IctoModel *self)
{
  return self->weight_bytes;
}

/* ---- trained heads (a classification head over a loaded model) --------------- */

IctoModel *
icto_model_new_with_head (IctoModel   *base,
                          const char  *head_path,
                          GError     **error)
{
  g_autoptr(IctoSafetensors) st = NULL;
  g_autoptr(IctoModel) self = NULL;
  const IctoTensorInfo *head = NULL;
  gint64 want[2];
  float *buf;

  g_return_val_if_fail (base != NULL, NULL);
  g_return_val_if_fail (head_path != NULL, NULL);

  st = icto_safetensors_open (head_path, error);
  if (st == NULL)
    return NULL;
  if (!check_config_agrees (st, &base->cfg, error))
    return NULL;
  want[0] = 2;
  want[1] = base->cfg.n_embd;
  for (guint i = 0; i < icto_safetensors_get_n_tensors (st); i++)
    {
      const IctoTensorInfo *t = icto_safetensors_get_tensor (st, i);

      if (g_str_equal (t->name, "seizure_embeddings"))
        continue;
      if (!g_str_equal (t->name, "cls_head.weight") && !g_str_equal (t->name, "head.head.weight"))
        {
          g_set_error (error, ICTO_MODEL_ERROR,
                       strstr (t->name, "lora_") != NULL ? ICTO_MODEL_ERROR_UNSUPPORTED
                                                         : ICTO_MODEL_ERROR_UNKNOWN_TENSOR,
                       _("“%s”: tensor “%s” does not belong in a head file that replaces the head "
                         "of a loaded model (only cls_head.weight; load adapters with the model)"),
                       icto_safetensors_get_name (st), t->name);
          return NULL;
        }
      if (head != NULL)
        {
          g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_DUPLICATE_TENSOR,
                       _("“%s” holds two classification heads (“%s” and “%s”)"),
                       icto_safetensors_get_name (st), head->name, t->name);
          return NULL;
        }
      if (t->dtype != ICTO_DTYPE_F32 && t->dtype != ICTO_DTYPE_F16 &&
          t->dtype != ICTO_DTYPE_BF16 && t->dtype != ICTO_DTYPE_F64)
        {
          g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_DTYPE,
                       _("“%s”: tensor “%s” has data type %s; F32, F16 or BF16 is needed"),
                       icto_safetensors_get_name (st), t->name, icto_dtype_to_string (t->dtype));
          return NULL;
        }
      if (!shape_equals (t, 2, want))
        {
          shape_error (st, t, 2, want, error);
          return NULL;
        }
      head = t;
    }
  if (head == NULL)
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_MISSING_TENSOR,
                   _("“%s” holds no classification head (cls_head.weight of shape [2, %d])"),
                   icto_safetensors_get_name (st), base->cfg.n_embd);
      return NULL;
    }
  buf = g_new (float, 2 * (gsize) base->cfg.n_embd);
  if (!icto_tensor_to_f32 (head, buf, error))
    {
      g_free (buf);
      return NULL;
    }
  for (gsize i = 0; i < 2 * (gsize) base->cfg.n_embd; i++)
    if (!isfinite (buf[i]))
      {
        g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_SHAPE,
                     _("“%s”: tensor “%s” holds a value that is not a finite number"),
                     icto_safetensors_get_name (st), head->name);
        g_free (buf);
        return NULL;
      }

  self = g_new0 (IctoModel, 1);
  *self = *base;
  self->ref_count = 1;
  self->base = icto_model_ref (base);
  self->layers = g_memdup2 (base->layers, sizeof (IctoLayerWeights) * (gsize) base->cfg.n_layer);
  self->files = g_ptr_array_new_with_free_func ((GDestroyNotify) icto_safetensors_free);
  self->buffers = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->buffers, buf);
  self->cls_head = buf;
  return g_steal_pointer (&self);
}

gboolean
icto_model_write_head (const char   *path,
                       int           n_embd,
                       const float  *weight,
                       const char   *summary_json,
                       GError      **error)
{
  g_autoptr(IctoSafetensorsWriter) w = icto_safetensors_writer_new ();
  g_autofree char *d = g_strdup_printf ("%d", n_embd);
  gint64 shape[2] = { 2, n_embd };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (n_embd > 0, FALSE);
  g_return_val_if_fail (weight != NULL, FALSE);

  icto_safetensors_writer_add_metadata (w, "format", "ictoscope-head");
  icto_safetensors_writer_add_metadata (w, "n_embd", d);
  if (summary_json != NULL)
    icto_safetensors_writer_add_metadata (w, ICTO_MODEL_HEAD_SUMMARY_KEY, summary_json);
  icto_safetensors_writer_add_f32 (w, "cls_head.weight", ICTO_DTYPE_F32, 2, shape, weight);
  return icto_safetensors_writer_write (w, path, error);
}

char *
icto_model_read_head_summary (const char  *head_path,
                              GError     **error)
{
  g_autoptr(IctoSafetensors) st = icto_safetensors_open (head_path, error);

  if (st == NULL)
    return NULL;
  return g_strdup (icto_safetensors_get_metadata (st, ICTO_MODEL_HEAD_SUMMARY_KEY));
}
