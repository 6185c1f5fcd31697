/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-store"

#include "config.h"

#include <math.h>

#include "icto-agreement.h"

gboolean
icto_interval_overlaps (const IctoInterval *a,
                        const IctoInterval *b)
{
  gboolean a_instant = a->start >= a->end;
  gboolean b_instant = b->start >= b->end;

  if (a_instant && b_instant)
    return a->start == b->start;
  if (a_instant)
    return b->start <= a->start && a->start < b->end;
  if (b_instant)
    return a->start <= b->start && b->start < a->end;
  return a->start < b->end && b->start < a->end;
}

void
icto_agreement_any_overlap (const IctoInterval *reference,
                            guint               n_reference,
                            const IctoInterval *hypothesis,
                            guint               n_hypothesis,
                            gint64              duration,
                            IctoAgreement      *out)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (n_reference == 0 || reference != NULL);
  g_return_if_fail (n_hypothesis == 0 || hypothesis != NULL);

  out->n_reference = n_reference;
  out->n_hypothesis = n_hypothesis;
  out->n_detected = 0;
  out->n_false_alarms = 0;

  for (guint i = 0; i < n_reference; i++)
    for (guint j = 0; j < n_hypothesis; j++)
      if (icto_interval_overlaps (&reference[i], &hypothesis[j]))
        {
          out->n_detected++;
          break;
        }

  for (guint j = 0; j < n_hypothesis; j++)
    {
      gboolean hit = FALSE;

      for (guint i = 0; i < n_reference && !hit; i++)
        hit = icto_interval_overlaps (&reference[i], &hypothesis[j]);
      if (!hit)
        out->n_false_alarms++;
    }

  out->sensitivity = n_reference > 0 ? (double) out->n_detected / (double) n_reference : NAN;
  out->false_alarms_per_24h = duration > 0
    ? (double) out->n_false_alarms * 86400.0 / ((double) duration / (double) ICTO_STORE_TICKS_PER_SECOND)
    : NAN;
}

static GArray *
seizures_of (IctoStore   *store,
             GPtrArray   *annotations,
             const char  *rater,
             GHashTable  *is_seizure)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (IctoInterval));

  for (guint i = 0; i < annotations->len; i++)
    {
      IctoAnnotation *a = annotations->pdata[i];
      IctoInterval iv;

      if (g_strcmp0 (a->rater, rater) != 0)
        continue;
      if (!g_hash_table_contains (is_seizure, a->label))
        {
          g_autoptr(IctoLabel) label = icto_store_get_label (store, NULL, a->label, NULL);
          gboolean seizure = label != NULL && g_strcmp0 (label->category, "seizure") == 0;

          g_hash_table_insert (is_seizure, g_strdup (a->label), GINT_TO_POINTER (seizure));
        }
      if (!GPOINTER_TO_INT (g_hash_table_lookup (is_seizure, a->label)))
        continue;
      iv.start = a->onset;
      iv.end = a->onset + a->duration;
      g_array_append_val (out, iv);
    }
  return out;
}

gboolean
icto_store_rater_agreement (IctoStore      *store,
                            gint64          recording_id,
                            const char     *rater_a,
                            const char     *rater_b,
                            gint64          duration,
                            IctoAgreement  *out,
                            GError        **error)
{
  const char *raters[] = { rater_a, rater_b, NULL };
  g_autoptr(GPtrArray) annotations = NULL;
  g_autoptr(GHashTable) is_seizure = NULL;
  g_autoptr(GArray) ref = NULL;
  g_autoptr(GArray) hyp = NULL;

  g_return_val_if_fail (ICTO_IS_STORE (store), FALSE);
  g_return_val_if_fail (rater_a != NULL && rater_b != NULL && out != NULL, FALSE);

  annotations = icto_store_list (store, recording_id, G_MININT64, G_MAXINT64, raters, error);
  if (annotations == NULL)
    return FALSE;
  if (duration <= 0)
    duration = icto_store_get_recording_duration (store, recording_id);
  is_seizure = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ref = seizures_of (store, annotations, rater_a, is_seizure);
  hyp = seizures_of (store, annotations, rater_b, is_seizure);
  icto_agreement_any_overlap ((IctoInterval *) ref->data, ref->len,
                              (IctoInterval *) hyp->data, hyp->len, duration, out);
  return TRUE;
}
