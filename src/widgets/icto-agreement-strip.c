/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-agreement-strip"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "core/icto-map-painter.h"
#include "widgets/icto-agreement-strip.h"

struct _IctoAgreementStrip
{
  GtkWidget  parent_instance;

  float     *values;
  float     *contributions;   /* [n_contributions] or NULL */
  guint      n_contributions;
  char     **labels;
  guint      n_rows;
  double     segment_start_s;
};

G_DEFINE_FINAL_TYPE (IctoAgreementStrip, icto_agreement_strip, GTK_TYPE_WIDGET)

static gboolean
query_tooltip_cb (GtkWidget          *widget,
                  int                 x,
                  int                 y,
                  gboolean            keyboard,
                  GtkTooltip         *tooltip,
                  IctoAgreementStrip *self)
{
  double height = gtk_widget_get_height (widget);
  g_autofree char *value = NULL;
  g_autofree char *text = NULL;
  const char *legend = _("Agreement between the model's prediction and the recording "
                         "(cosine similarity): dark purple 0 or less, yellow 1; grey: no value");
  int row;

  if (self->n_rows == 0 || height <= 0)
    {
      gtk_tooltip_set_text (tooltip, legend);
      return TRUE;
    }
  row = (int) floor (y / height * self->n_rows);
  if (row < 0 || (guint) row >= self->n_rows)
    return FALSE;
  if (isnan (self->values[row]))
    value = g_strdup (_("no value"));
  else
    value = g_strdup_printf ("%.2f", self->values[row]);
  if (self->contributions != NULL && (guint) row < self->n_contributions && !isnan (self->contributions[row]))
    {
      /* Translators: agreement strip tooltip: the agreement, then the channel's share of the seizure logit */
      char *both = g_strdup_printf (_("%s, contribution to the seizure logit %+.3f"), value,
                                    self->contributions[row]);
      g_free (value);
      value = both;
    }
  if (!isnan (self->segment_start_s))
    /* Translators: agreement strip tooltip: channel, value, segment start and end (s), then the legend */
    text = g_strdup_printf (_("%s: agreement %s for %.0f–%.0f s\n%s"),
                            self->labels && self->labels[row] ? self->labels[row] : "",
                            value, self->segment_start_s, self->segment_start_s + 5.0, legend);
  else
    /* Translators: agreement strip tooltip: channel and value, then the legend */
    text = g_strdup_printf (_("%s: agreement %s\n%s"),
                            self->labels && self->labels[row] ? self->labels[row] : "", value, legend);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
icto_agreement_strip_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  IctoAgreementStrip *self = ICTO_AGREEMENT_STRIP (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0 || self->n_rows == 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  icto_agreement_strip_draw (self, cr, width, height);
  cairo_destroy (cr);
}

static void
icto_agreement_strip_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = ICTO_AGREEMENT_STRIP_WIDTH;
  else
    *minimum = *natural = 20;
}

static void
icto_agreement_strip_finalize (GObject *object)
{
  IctoAgreementStrip *self = ICTO_AGREEMENT_STRIP (object);

  g_free (self->values);
  g_free (self->contributions);
  g_strfreev (self->labels);
  G_OBJECT_CLASS (icto_agreement_strip_parent_class)->finalize (object);
}

static void
icto_agreement_strip_class_init (IctoAgreementStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = icto_agreement_strip_finalize;
  widget_class->snapshot = icto_agreement_strip_snapshot;
  widget_class->measure = icto_agreement_strip_measure;
  gtk_widget_class_set_css_name (widget_class, "ictoagreementstrip");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
icto_agreement_strip_init (IctoAgreementStrip *self)
{
  self->segment_start_s = NAN;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Model agreement per channel"),
                                  -1);
}

GtkWidget *
icto_agreement_strip_new (void)
{
  return g_object_new (ICTO_TYPE_AGREEMENT_STRIP, NULL);
}

void
icto_agreement_strip_set_values (IctoAgreementStrip *self,
                                 const float        *values,
                                 const char * const *labels,
                                 guint               n_rows,
                                 double              segment_start_s)
{
  g_return_if_fail (ICTO_IS_AGREEMENT_STRIP (self));

  g_clear_pointer (&self->values, g_free);
  g_clear_pointer (&self->labels, g_strfreev);
  self->n_rows = values != NULL ? n_rows : 0;
  self->segment_start_s = segment_start_s;
  if (self->n_rows > 0)
    {
      self->values = g_memdup2 (values, sizeof (float) * n_rows);
      if (labels != NULL)
        {
          self->labels = g_new0 (char *, n_rows + 1);
          for (guint i = 0; i < n_rows; i++)
            self->labels[i] = g_strdup (labels[i] ? labels[i] : "");
        }
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
icto_viridis (double t,
              double rgb[3])
{
  /* one colour table for the whole application: the map painter's */
  icto_colormap_lookup (ICTO_COLORMAP_VIRIDIS, t, rgb);
}

void
icto_agreement_strip_draw (IctoAgreementStrip *self,
                           cairo_t            *cr,
                           double              width,
                           double              height)
{
  g_return_if_fail (ICTO_IS_AGREEMENT_STRIP (self));

  for (guint i = 0; i < self->n_rows; i++)
    {
      double y0 = floor ((double) i * height / self->n_rows);
      double y1 = floor ((double) (i + 1) * height / self->n_rows);
      double rgb[3];

      icto_viridis (self->values[i], rgb);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      /* a 1-px white line between rows when they are tall enough */
      cairo_rectangle (cr, 1, y0, width - 2, MAX (1, y1 - y0 - (y1 - y0 >= 6 ? 1 : 0)));
      cairo_fill (cr);
    }
}

void
icto_agreement_strip_set_contributions (IctoAgreementStrip *self,
                                        const float        *contributions,
                                        guint               n_rows)
{
  g_return_if_fail (ICTO_IS_AGREEMENT_STRIP (self));

  g_clear_pointer (&self->contributions, g_free);
  self->n_contributions = contributions != NULL ? n_rows : 0;
  if (self->n_contributions > 0)
    self->contributions = g_memdup2 (contributions, sizeof (float) * n_rows);
}
