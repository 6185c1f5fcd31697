/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-trace-page"

#include "config.h"

#include <math.h>
#include <string.h>

#include "core/icto-trace-page.h"

static void
clear_metadata (IctoTracePage *page)
{
  g_clear_pointer (&page->origin, g_date_time_unref);
  g_clear_pointer (&page->labels, g_strfreev);
  g_clear_pointer (&page->units, g_strfreev);
  g_clear_pointer (&page->colors, g_free);
  g_clear_pointer (&page->label_colors, g_free);
  g_clear_pointer (&page->sensitivity, g_free);
  g_clear_pointer (&page->bad, g_free);
  for (guint i = 0; i < page->n_annotations; i++)
    g_free (page->annotations[i].text);
  g_clear_pointer (&page->annotations, g_free);
  page->n_annotations = 0;
  g_clear_pointer (&page->gaps, g_free);
  page->n_gaps = 0;
  g_clear_pointer (&page->title, g_free);
  g_clear_pointer (&page->montage, g_free);
  g_clear_pointer (&page->filter, g_free);
}

IctoTracePage *
icto_trace_page_new (guint n_channels,
                     guint n_columns)
{
  IctoTracePage *page = g_new0 (IctoTracePage, 1);
  gsize n = (gsize) n_channels * n_columns;

  page->ref_count = 1;
  page->n_channels = n_channels;
  page->n_columns = n_columns;
  page->capacity = MAX (n, 1);
  page->min = g_new (float, page->capacity);
  page->max = g_new (float, page->capacity);
  for (gsize i = 0; i < n; i++)
    page->min[i] = page->max[i] = NAN;
  page->labels = g_new0 (char *, n_channels + 1);
  page->units = g_new0 (char *, n_channels + 1);
  page->colors = g_new0 (guint32, MAX (n_channels, 1));
  page->label_colors = g_new0 (guint32, MAX (n_channels, 1));
  page->sensitivity = g_new (double, MAX (n_channels, 1));
  page->bad = g_new0 (gboolean, MAX (n_channels, 1));
  for (guint i = 0; i < n_channels; i++)
    page->sensitivity[i] = 7.0;
  page->sensitivity_main = 7.0;
  page->pixels_per_mm = 96.0 / 25.4;
  return page;
}

IctoTracePage *
icto_trace_page_ref (IctoTracePage *page)
{
  g_return_val_if_fail (page != NULL, NULL);
  g_atomic_int_inc (&page->ref_count);
  return page;
}

void
icto_trace_page_free (IctoTracePage *page)
{
  icto_trace_page_unref (page);
}

void
icto_trace_page_unref (IctoTracePage *page)
{
  if (page == NULL)
    return;
  if (!g_atomic_int_dec_and_test (&page->ref_count))
    return;
  clear_metadata (page);
  g_free (page->min);
  g_free (page->max);
  g_free (page);
}

void
icto_trace_page_reset (IctoTracePage *page,
                       guint          n_channels,
                       guint          n_columns)
{
  gsize n = (gsize) n_channels * n_columns;

  g_return_if_fail (page != NULL);
  g_return_if_fail (g_atomic_int_get (&page->ref_count) == 1);

  clear_metadata (page);
  if (n > page->capacity)
    {
      g_free (page->min);
      g_free (page->max);
      page->capacity = n;
      page->min = g_new (float, n);
      page->max = g_new (float, n);
    }
  page->n_channels = n_channels;
  page->n_columns = n_columns;
  page->start = 0;
  page->duration = 0;
  page->recording_duration = 0;
  page->labels = g_new0 (char *, n_channels + 1);
  page->units = g_new0 (char *, n_channels + 1);
  page->colors = g_new0 (guint32, MAX (n_channels, 1));
  page->label_colors = g_new0 (guint32, MAX (n_channels, 1));
  page->sensitivity = g_new (double, MAX (n_channels, 1));
  page->bad = g_new0 (gboolean, MAX (n_channels, 1));
  for (guint i = 0; i < n_channels; i++)
    page->sensitivity[i] = 7.0;
  page->sensitivity_main = 7.0;
  page->pixels_per_mm = 96.0 / 25.4;
}

void
icto_trace_page_set_channel (IctoTracePage *page,
                             guint          index,
                             const char    *label,
                             const char    *unit,
                             guint32        color,
                             guint32        label_color,
                             double         sensitivity,
                             gboolean       bad)
{
  g_return_if_fail (page != NULL);
  g_return_if_fail (index < page->n_channels);

  g_free (page->labels[index]);
  page->labels[index] = g_strdup (label ? label : "");
  g_free (page->units[index]);
  page->units[index] = g_strdup (unit ? unit : "");
  page->colors[index] = color;
  page->label_colors[index] = label_color;
  page->sensitivity[index] = sensitivity > 0 ? sensitivity : 1.0;
  page->bad[index] = bad;
}

void
icto_trace_page_add_annotation (IctoTracePage *page,
                                gint64         onset,
                                gint64         duration,
                                const char    *text)
{
  g_return_if_fail (page != NULL);

  page->annotations = g_renew (IctoPageAnnotation, page->annotations, page->n_annotations + 1);
  page->annotations[page->n_annotations].onset = onset;
  page->annotations[page->n_annotations].duration = duration;
  page->annotations[page->n_annotations].text = g_strdup (text ? text : "");
  page->n_annotations++;
}

void
icto_trace_page_add_gap (IctoTracePage *page,
                         gint64         start,
                         gint64         duration)
{
  g_return_if_fail (page != NULL);

  page->gaps = g_renew (IctoPageGap, page->gaps, page->n_gaps + 1);
  page->gaps[page->n_gaps].start = start;
  page->gaps[page->n_gaps].duration = duration;
  page->n_gaps++;
}

guint32
icto_shaft_color (guint index)
{
  static const guint32 palette[] = {
    0x1a5fb4, /* blue */
    0xa51d2d, /* red */
    0x26783c, /* green */
    0x813d9c, /* purple */
    0xb5500c, /* orange */
    0x0b6e79, /* teal */
    0x865e3c, /* brown */
    0x9c1c6b, /* magenta */
    0x3d6b16, /* olive */
    0x474c8f, /* indigo */
  };
  return palette[index % G_N_ELEMENTS (palette)];
}
