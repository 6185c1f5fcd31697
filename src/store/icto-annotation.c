/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-store"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "icto-annotation.h"

G_DEFINE_BOXED_TYPE (IctoAnnotation, icto_annotation, icto_annotation_copy, icto_annotation_free)
G_DEFINE_BOXED_TYPE (IctoSeizureInfo, icto_seizure_info, icto_seizure_info_copy, icto_seizure_info_free)
G_DEFINE_BOXED_TYPE (IctoLabel, icto_label, icto_label_copy, icto_label_free)

static char **
copy_strv (char **v)
{
  return v != NULL ? g_strdupv (v) : NULL;
}

static gboolean
strv_equal_or_empty (char **a,
                     char **b)
{
  guint na = a != NULL ? g_strv_length (a) : 0;
  guint nb = b != NULL ? g_strv_length (b) : 0;

  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    if (g_strcmp0 (a[i], b[i]) != 0)
      return FALSE;
  return TRUE;
}

static gboolean
seizure_equal (const IctoSeizureInfo *a,
               const IctoSeizureInfo *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->clinical_onset == b->clinical_onset &&
         a->eec == b->eec &&
         a->ueo == b->ueo &&
         a->offset == b->offset &&
         strv_equal_or_empty (a->soz, b->soz) &&
         strv_equal_or_empty (a->early_spread, b->early_spread) &&
         g_strcmp0 (a->onset_pattern, b->onset_pattern) == 0 &&
         g_strcmp0 (a->seizure_type, b->seizure_type) == 0;
}

IctoSeizureInfo *
icto_seizure_info_new (void)
{
  IctoSeizureInfo *info = g_new0 (IctoSeizureInfo, 1);

  info->clinical_onset = ICTO_STORE_TIME_NONE;
  info->eec = ICTO_STORE_TIME_NONE;
  info->ueo = ICTO_STORE_TIME_NONE;
  info->offset = ICTO_STORE_TIME_NONE;
  return info;
}

IctoSeizureInfo *
icto_seizure_info_copy (const IctoSeizureInfo *info)
{
  IctoSeizureInfo *copy;

  if (info == NULL)
    return NULL;
  copy = g_new0 (IctoSeizureInfo, 1);
  *copy = *info;
  copy->soz = copy_strv (info->soz);
  copy->early_spread = copy_strv (info->early_spread);
  copy->onset_pattern = g_strdup (info->onset_pattern);
  copy->seizure_type = g_strdup (info->seizure_type);
  return copy;
}

void
icto_seizure_info_free (IctoSeizureInfo *info)
{
  if (info == NULL)
    return;
  g_strfreev (info->soz);
  g_strfreev (info->early_spread);
  g_free (info->onset_pattern);
  g_free (info->seizure_type);
  g_free (info);
}

IctoAnnotation *
icto_annotation_new (void)
{
  IctoAnnotation *a = g_new0 (IctoAnnotation, 1);

  a->confidence = NAN;
  return a;
}

IctoAnnotation *
icto_annotation_copy (const IctoAnnotation *annotation)
{
  IctoAnnotation *copy;

  g_return_val_if_fail (annotation != NULL, NULL);

  copy = g_new0 (IctoAnnotation, 1);
  *copy = *annotation;
  copy->label = g_strdup (annotation->label);
  copy->channels = copy_strv (annotation->channels);
  copy->rater = g_strdup (annotation->rater);
  copy->text = g_strdup (annotation->text);
  copy->seizure = icto_seizure_info_copy (annotation->seizure);
  return copy;
}

void
icto_annotation_free (IctoAnnotation *annotation)
{
  if (annotation == NULL)
    return;
  g_free (annotation->label);
  g_strfreev (annotation->channels);
  g_free (annotation->rater);
  g_free (annotation->text);
  icto_seizure_info_free (annotation->seizure);
  g_free (annotation);
}

gboolean
icto_annotation_equal (const IctoAnnotation *a,
                       const IctoAnnotation *b,
                       gboolean              compare_ids,
                       gboolean              compare_times)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (compare_ids && (a->id != b->id || a->recording_id != b->recording_id))
    return FALSE;
  if (compare_times && (a->created != b->created || a->modified != b->modified))
    return FALSE;
  if (isnan (a->confidence) != isnan (b->confidence))
    return FALSE;
  if (!isnan (a->confidence) && a->confidence != b->confidence)
    return FALSE;
  return a->onset == b->onset &&
         a->duration == b->duration &&
         g_strcmp0 (a->label, b->label) == 0 &&
         strv_equal_or_empty (a->channels, b->channels) &&
         g_strcmp0 (a->rater, b->rater) == 0 &&
         g_strcmp0 (a->text, b->text) == 0 &&
         seizure_equal (a->seizure, b->seizure);
}

gint64
icto_annotation_get_end (const IctoAnnotation *annotation)
{
  return annotation->onset + annotation->duration;
}

IctoLabel *
icto_label_copy (const IctoLabel *label)
{
  IctoLabel *copy;

  g_return_val_if_fail (label != NULL, NULL);
  copy = g_new0 (IctoLabel, 1);
  copy->vocabulary = g_strdup (label->vocabulary);
  copy->code = g_strdup (label->code);
  copy->name = g_strdup (label->name);
  copy->colour = g_strdup (label->colour);
  copy->category = g_strdup (label->category);
  copy->hed = g_strdup (label->hed);
  copy->szcore = g_strdup (label->szcore);
  copy->position = label->position;
  return copy;
}

void
icto_label_free (IctoLabel *label)
{
  if (label == NULL)
    return;
  g_free (label->vocabulary);
  g_free (label->code);
  g_free (label->name);
  g_free (label->colour);
  g_free (label->category);
  g_free (label->hed);
  g_free (label->szcore);
  g_free (label);
}

const char *const *
icto_onset_pattern_codes (void)
{
  static const char *const codes[] = {
    "lvfa", "periodic_spikes", "sharp_alpha_theta", "spike_wave",
    "polyspike_burst", "burst_suppression", "delta_brush", "other", NULL,
  };
  return codes;
}

char *
icto_store_format_seconds (gint64 ticks)
{
  guint64 mag;
  guint64 whole, frac;
  char frac_buf[8];
  int len;

  /* magnitude without overflow for G_MININT64 */
  mag = ticks < 0 ? (guint64) (-(ticks + 1)) + 1 : (guint64) ticks;
  whole = mag / (guint64) ICTO_STORE_TICKS_PER_SECOND;
  frac = mag % (guint64) ICTO_STORE_TICKS_PER_SECOND;
  if (frac == 0)
    return g_strdup_printf ("%s%" G_GUINT64_FORMAT, ticks < 0 ? "-" : "", whole);
  g_snprintf (frac_buf, sizeof frac_buf, "%07" G_GUINT64_FORMAT, frac);
  len = 7;
  while (len > 0 && frac_buf[len - 1] == '0')
    frac_buf[--len] = '\0';
  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%s", ticks < 0 ? "-" : "", whole, frac_buf);
}

gboolean
icto_store_parse_seconds (const char *text,
                          gint64     *ticks)
{
  const char *p;
  gboolean negative = FALSE;
  guint64 whole = 0, frac = 0;
  int n_whole = 0, n_frac = 0;
  gboolean round_up = FALSE;
  guint64 max_whole = (guint64) G_MAXINT64 / (guint64) ICTO_STORE_TICKS_PER_SECOND - 1;
  guint64 value;

  g_return_val_if_fail (ticks != NULL, FALSE);
  if (text == NULL)
    return FALSE;

  p = text;
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p == '+' || *p == '-')
    negative = *p++ == '-';
  while (g_ascii_isdigit (*p))
    {
      if (whole > max_whole / 10)
        return FALSE;
      whole = whole * 10 + (guint64) (*p++ - '0');
      n_whole++;
    }
  if (*p == '.')
    {
      p++;
      while (g_ascii_isdigit (*p))
        {
          if (n_frac < 7)
            frac = frac * 10 + (guint64) (*p - '0');
          else if (n_frac == 7)
            round_up = *p >= '5';
          n_frac++;
          p++;
        }
    }
  if (n_whole + n_frac == 0)
    return FALSE;

  if (*p == 'e' || *p == 'E')
    {
      /* exponent form: fall back to floating point */
      char *end = NULL;
      double seconds = g_ascii_strtod (text, &end);
      double t;

      while (end != NULL && (*end == ' ' || *end == '\t'))
        end++;
      if (end == NULL || *end != '\0' || !isfinite (seconds))
        return FALSE;
      t = seconds * (double) ICTO_STORE_TICKS_PER_SECOND;
      if (fabs (t) > 9.2e18)
        return FALSE;
      *ticks = (gint64) llround (t);
      return TRUE;
    }
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p != '\0')
    return FALSE;

  for (int i = n_frac; i < 7; i++)
    frac *= 10;
  value = whole * (guint64) ICTO_STORE_TICKS_PER_SECOND + frac + (round_up ? 1 : 0);
  *ticks = negative ? -(gint64) value : (gint64) value;
  return TRUE;
}

char *
icto_store_format_double (double value)
{
  static const char *const formats[] = {
    "%.1g", "%.2g", "%.3g", "%.4g", "%.5g", "%.6g", "%.7g", "%.8g",
    "%.9g", "%.10g", "%.11g", "%.12g", "%.13g", "%.14g", "%.15g", "%.16g",
  };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, sizeof buf, formats[i], value);
      if (g_ascii_strtod (buf, NULL) == value)
        return g_strdup (buf);
    }
  return g_strdup (g_ascii_dtostr (buf, sizeof buf, value));
}
