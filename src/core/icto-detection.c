/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-detection"

#include "config.h"

#include <math.h>

#include "core/icto-detection.h"

struct _IctoDetection
{
  GObject               parent_instance;
  double                start_s;
  double                end_s;
  float                 peak;
  int                   decision;
  gint64                annotation_id;
};

G_DEFINE_FINAL_TYPE (IctoDetection, icto_detection, G_TYPE_OBJECT)

static void
icto_detection_class_init (IctoDetectionClass *klass)
{
}

static void
icto_detection_init (IctoDetection *self)
{
}

IctoDetection *
icto_detection_new (double                start_s,
                    double                end_s,
                    float                 peak,
                    int                   decision,
                    gint64                annotation_id)
{
  IctoDetection *self = g_object_new (ICTO_TYPE_DETECTION, NULL);

  self->start_s = start_s;
  self->end_s = end_s;
  self->peak = peak;
  self->decision = decision;
  self->annotation_id = annotation_id;
  return self;
}

double
icto_detection_get_start_s (IctoDetection *self)
{
  g_return_val_if_fail (ICTO_IS_DETECTION (self), NAN);
  return self->start_s;
}

double
icto_detection_get_end_s (IctoDetection *self)
{
  g_return_val_if_fail (ICTO_IS_DETECTION (self), NAN);
  return self->end_s;
}

float
icto_detection_get_peak (IctoDetection *self)
{
  g_return_val_if_fail (ICTO_IS_DETECTION (self), NAN);
  return self->peak;
}

int
icto_detection_get_decision (IctoDetection *self)
{
  g_return_val_if_fail (ICTO_IS_DETECTION (self), ICTO_DETECTION_UNDECIDED);
  return self->decision;
}

gint64
icto_detection_get_annotation_id (IctoDetection *self)
{
  g_return_val_if_fail (ICTO_IS_DETECTION (self), 0);
  return self->annotation_id;
}

gint64
icto_detection_get_onset (IctoDetection *self)
{
  g_return_val_if_fail (ICTO_IS_DETECTION (self), 0);
  return (gint64) llround (self->start_s * 1e7);
}

gint64
icto_detection_get_duration (IctoDetection *self)
{
  g_return_val_if_fail (ICTO_IS_DETECTION (self), 0);
  return (gint64) llround (self->end_s * 1e7) - (gint64) llround (self->start_s * 1e7);
}
