/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-page"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "signal/icto-decimate.h"
#include "signal/icto-page.h"
#include "signal/icto-resample.h"

typedef struct {
  float  *data;
  gsize   capacity;
  gsize   n;          /* samples filled in the current call */
  gsize   pad;        /* padding samples on each side */
  guint64 stamp;      /* call in which it was filled */
} InputBuffer;

struct _IctoPage
{
  guint64      stamp;
  InputBuffer *inputs;
  guint        n_inputs_alloc;
  float       *work;
  gsize        work_cap;
  float       *tmp;
  gsize        tmp_cap;
  float       *group;      /* GROUP rows of n_total samples */
  gsize        group_cap;
  const float **term_ptrs;
  guint        term_ptrs_cap;
  float       *minmax;     /* n_channels × 2 × n_columns */
  gsize        minmax_cap;
  gboolean    *gap_columns;
  gsize        gap_cap;
  guint        n_channels;
  guint        n_columns;
};

/* Outputs filtered together by icto_filter_apply_lanes(), interleaved. */
#define GROUP ICTO_FILTER_LANES

G_STATIC_ASSERT (ICTO_FILTER_LANES == ICTO_DECIMATE_LANES);

typedef struct {
  guint    index[GROUP];   /* position in the request */
  gboolean finite[GROUP];
  guint    n;
  double   rate;
  gsize    n_total;
  gsize    pad;
} Group;

static float *
ensure (float **buf, gsize *cap, gsize n)
{
  if (n > *cap)
    {
      g_free (*buf);
      *buf = g_new (float, n);
      *cap = n;
    }
  return *buf;
}

IctoPage *
icto_page_new (void)
{
  return g_new0 (IctoPage, 1);
}

void
icto_page_free (IctoPage *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_inputs_alloc; i++)
    g_free (self->inputs[i].data);
  g_free (self->inputs);
  g_free (self->work);
  g_free (self->tmp);
  g_aligned_free (self->group);
  g_free (self->term_ptrs);
  g_free (self->minmax);
  g_free (self->gap_columns);
  g_free (self);
}

static gsize
page_samples (gint64 duration, double rate)
{
  return (gsize) MAX (1, (gint64) ceil (icto_ticks_to_seconds (duration) * rate - 1e-9));
}

static const InputBuffer *
load_input (IctoPage *self, IctoRecording *rec, guint input, const IctoPageRequest *req, GError **error)
{
  InputBuffer *b = &self->inputs[input];
  const IctoSignalInfo *info = icto_recording_get_signal (rec, input);
  gsize pad, n;
  gint64 pad_ticks;

  if (b->stamp == self->stamp)
    return b;
  pad = icto_filter_padding (&req->filter, info->sample_rate);
  n = page_samples (req->duration, info->sample_rate) + 2 * pad;
  pad_ticks = (gint64) llround ((double) pad * (double) ICTO_TICKS_PER_SECOND / info->sample_rate);
  ensure (&b->data, &b->capacity, n);
  if (!icto_recording_read_range (rec, input, req->start - pad_ticks, n, b->data, NULL, error))
    return NULL;
  b->n = n;
  b->pad = pad;
  b->stamp = self->stamp;
  return b;
}

/* Filters the outputs gathered in @group and reduces them to columns; a
 * lane with NAN (a gap, or beyond the recording) goes alone, by runs. */
static gboolean
flush_group (IctoPage *self, Group *group, const IctoPageRequest *request, guint n_cols, GError **error)
{
  gsize n_total = group->n_total, pad = group->pad, n_page = n_total - 2 * pad;
  float *mins[GROUP], *maxs[GROUP];
  guint n = group->n, n_fast = 0;

  group->n = 0;
  for (guint g = 0; g < n; g++)
    {
      float *mn = self->minmax + (gsize) group->index[g] * 2 * n_cols;
      if (group->finite[g])
        continue;
      {
        float *row = ensure (&self->tmp, &self->tmp_cap, n_total);
        for (gsize i = 0; i < n_total; i++)
          {
            row[i] = self->group[i * GROUP + g];
            self->group[i * GROUP + g] = 0.0f;
          }
        if (!icto_filter_apply (&request->filter, group->rate, row, n_total, error))
          return FALSE;
        icto_decimate_minmax (row + pad, n_page, n_cols, mn, mn + n_cols);
      }
    }
  for (guint g = n; g < GROUP; g++)
    for (gsize i = 0; i < n_total; i++)
      self->group[i * GROUP + g] = 0.0f;
  if (!icto_filter_apply_lanes (&request->filter, group->rate, self->group, n_total, error))
    return FALSE;
  /* finite lanes first, in order; the others are done */
  {
    guint order[GROUP];
    for (guint g = 0; g < n; g++)
      if (group->finite[g])
        order[n_fast++] = g;
    if (n_fast == 0)
      return TRUE;
    if (n_fast == n)
      {
        for (guint g = 0; g < n; g++)
          {
            mins[g] = self->minmax + (gsize) group->index[g] * 2 * n_cols;
            maxs[g] = mins[g] + n_cols;
          }
        icto_decimate_minmax_lanes (self->group + pad * GROUP, n_page, n_cols, n, mins, maxs);
      }
    else
      {
        /* outputs only the lanes in order, so decimate lane by lane */
        float *row = ensure (&self->tmp, &self->tmp_cap, n_page);
        for (guint f = 0; f < n_fast; f++)
          {
            guint g = order[f];
            float *mn = self->minmax + (gsize) group->index[g] * 2 * n_cols;
            for (gsize i = 0; i < n_page; i++)
              row[i] = self->group[(pad + i) * GROUP + g];
            icto_decimate_minmax (row, n_page, n_cols, mn, mn + n_cols);
          }
      }
  }
  return TRUE;
}

gboolean
icto_page_compute (IctoPage               *self,
                   IctoRecording          *recording,
                   const IctoPageRequest  *request,
                   GError                **error)
{
  guint n_signals, n_outputs, n_cols;
  IctoMontage *montage = request->montage;

  g_return_val_if_fail (self != NULL && ICTO_IS_RECORDING (recording) && request != NULL, FALSE);

  self->n_channels = 0;
  self->n_columns = 0;
  self->stamp++;
  n_signals = icto_recording_get_n_signals (recording);
  n_outputs = montage ? icto_montage_get_n_outputs (montage) : n_signals;
  n_cols = request->n_columns;
  if (n_cols == 0 || request->duration <= 0)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE,
                   _("A page needs a positive duration and at least one column"));
      return FALSE;
    }
  if (montage && icto_montage_get_n_inputs (montage) != n_signals)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE,
                   _("The montage was made for another recording"));
      return FALSE;
    }
  if (request->outputs)
    for (guint i = 0; i < request->n_outputs; i++)
      if (request->outputs[i] >= n_outputs)
        {
          g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE,
                       _("Channel %u does not exist in this montage"), request->outputs[i] + 1);
          return FALSE;
        }

  if (self->n_inputs_alloc < n_signals)
    {
      self->inputs = g_renew (InputBuffer, self->inputs, n_signals);
      memset (self->inputs + self->n_inputs_alloc, 0, (n_signals - self->n_inputs_alloc) * sizeof (InputBuffer));
      self->n_inputs_alloc = n_signals;
    }
  if (self->term_ptrs_cap < n_signals)
    {
      g_free (self->term_ptrs);
      self->term_ptrs = g_new0 (const float *, n_signals);
      self->term_ptrs_cap = n_signals;
    }
  {
    guint n_req = request->outputs ? request->n_outputs : n_outputs;
    Group group = { { 0 }, { 0 }, 0, 0, 0, 0 };
    gsize mm = (gsize) n_req * 2 * n_cols;
    ensure (&self->minmax, &self->minmax_cap, MAX (mm, 1));
    if (self->gap_cap < n_cols)
      {
        g_free (self->gap_columns);
        self->gap_columns = g_new (gboolean, n_cols);
        self->gap_cap = n_cols;
      }

    for (guint k = 0; k < n_req; k++)
      {
        guint o = request->outputs ? request->outputs[k] : k;
        guint one = o;
        float unit_weight = 1.0f;
        const guint *terms = &one;
        const float *weights = &unit_weight;
        guint n_terms = 1;
        const InputBuffer *first;
        double rate;
        gsize n_total, pad, n_page;
        float *out;

        if (montage)
          icto_montage_get_terms (montage, o, &terms, &weights, &n_terms);
        if (n_terms == 0)
          {
            for (guint c = 0; c < 2 * n_cols; c++)
              self->minmax[(gsize) k * 2 * n_cols + c] = NAN;
            continue;
          }
        first = load_input (self, recording, terms[0], request, error);
        if (first == NULL)
          return FALSE;
        rate = icto_recording_get_signal (recording, terms[0])->sample_rate;
        n_total = first->n;
        pad = first->pad;
        n_page = n_total - 2 * pad;

        if (n_terms == 1 && weights[0] == 1.0f && icto_filter_is_identity (&request->filter, rate))
          {
            /* nothing to combine or filter: straight from the input */
            icto_decimate_minmax (first->data + pad, n_page, n_cols,
                                  self->minmax + (gsize) k * 2 * n_cols,
                                  self->minmax + (gsize) k * 2 * n_cols + n_cols);
            continue;
          }
        if (group.n > 0 && (group.rate != rate || group.n_total != n_total))
          if (!flush_group (self, &group, request, n_cols, error))
            return FALSE;
        if (group.n == 0)
          {
            if (self->group_cap < GROUP * n_total)
              {
                g_aligned_free (self->group);
                self->group = g_aligned_alloc (GROUP * n_total, sizeof (float), 64);
                self->group_cap = GROUP * n_total;
              }
            group.rate = rate;
            group.n_total = n_total;
            group.pad = pad;
          }
        out = self->group + group.n;   /* lane group.n: stride GROUP */
        {
          gboolean finite = TRUE;
          for (guint t = 0; t < n_terms; t++)
            {
              const InputBuffer *b = t == 0 ? first : load_input (self, recording, terms[t], request, error);
              const float *x;
              const float w = weights[t];
              if (b == NULL)
                return FALSE;
              x = b->data;
              if (b->n != n_total)
                {
                  float *tmp = ensure (&self->tmp, &self->tmp_cap, n_total);
                  icto_resample_linear (b->data, b->n, tmp, n_total);
                  x = tmp;
                }
              /* the finiteness of the sum is that of the last term's pass */
              finite = TRUE;
              if (t == 0 && w == 1.0f)
                for (gsize i = 0; i < n_total; i++)
                  {
                    float v = x[i];
                    out[i * GROUP] = v;
                    finite &= isfinite (v) != 0;
                  }
              else
                for (gsize i = 0; i < n_total; i++)
                  {
                    float v = (t == 0 ? 0.0f : out[i * GROUP]) + w * x[i];
                    out[i * GROUP] = v;
                    finite &= isfinite (v) != 0;
                  }
            }
          group.finite[group.n] = finite;
        }
        group.index[group.n] = k;
        group.n++;
        if (group.n == GROUP && !flush_group (self, &group, request, n_cols, error))
          return FALSE;
      }
    if (group.n > 0 && !flush_group (self, &group, request, n_cols, error))
      return FALSE;
    self->n_channels = n_req;
  }

  /* gap columns: by the time of each column's centre */
  {
    gint64 total = icto_recording_get_duration (recording);
    guint n_gaps = icto_recording_get_n_gaps (recording);
    guint g = 0;
    for (guint c = 0; c < n_cols; c++)
      {
        gint64 t = request->start + (gint64) (((double) c + 0.5) * (double) request->duration / n_cols);
        gboolean in_gap = t < 0 || t >= total;
        while (g < n_gaps && icto_recording_get_gap (recording, g)->start + icto_recording_get_gap (recording, g)->duration <= t)
          g++;
        if (g < n_gaps && icto_recording_get_gap (recording, g)->start <= t)
          in_gap = TRUE;
        self->gap_columns[c] = in_gap;
      }
  }
  self->n_columns = n_cols;
  return TRUE;
}

guint
icto_page_get_n_channels (const IctoPage *self)
{
  return self->n_channels;
}

guint
icto_page_get_n_columns (const IctoPage *self)
{
  return self->n_columns;
}

const float *
icto_page_get_min (const IctoPage *self,
                   guint           channel)
{
  g_return_val_if_fail (channel < self->n_channels, NULL);
  return self->minmax + (gsize) channel * 2 * self->n_columns;
}

const float *
icto_page_get_max (const IctoPage *self,
                   guint           channel)
{
  g_return_val_if_fail (channel < self->n_channels, NULL);
  return self->minmax + (gsize) channel * 2 * self->n_columns + self->n_columns;
}

const gboolean *
icto_page_get_gap_columns (const IctoPage *self)
{
  return self->gap_columns;
}
