/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-job"

#include "config.h"

#include "core/icto-job.h"

struct _IctoJob
{
  GObject       parent_instance;

  char         *title;
  GCancellable *cancellable;
  GMainContext *context;

  GMutex        mutex;
  double        pending;      /* under mutex */
  guint         idle_queued;  /* under mutex */

  double        fraction;     /* main thread */
  gboolean      completed;
};

G_DEFINE_FINAL_TYPE (IctoJob, icto_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_FRACTION,
  PROP_COMPLETED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
notify_fraction_cb (gpointer data)
{
  IctoJob *self = data;
  double value;

  g_mutex_lock (&self->mutex);
  value = self->pending;
  self->idle_queued = 0;
  g_mutex_unlock (&self->mutex);

  if (value != self->fraction)
    {
      self->fraction = value;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
    }
  return G_SOURCE_REMOVE;
}

static void
icto_job_finalize (GObject *object)
{
  IctoJob *self = ICTO_JOB (object);

  g_clear_pointer (&self->title, g_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->mutex);
  G_OBJECT_CLASS (icto_job_parent_class)->finalize (object);
}

static void
icto_job_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  IctoJob *self = ICTO_JOB (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    case PROP_COMPLETED:
      g_value_set_boolean (value, self->completed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
icto_job_class_init (IctoJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = icto_job_finalize;
  object_class->get_property = icto_job_get_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPLETED] =
    g_param_spec_boolean ("completed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
icto_job_init (IctoJob *self)
{
  g_mutex_init (&self->mutex);
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
}

IctoJob *
icto_job_new (const char *title)
{
  IctoJob *self = g_object_new (ICTO_TYPE_JOB, NULL);

  self->title = g_strdup (title);
  return self;
}

const char *
icto_job_get_title (IctoJob *self)
{
  g_return_val_if_fail (ICTO_IS_JOB (self), NULL);
  return self->title;
}

double
icto_job_get_fraction (IctoJob *self)
{
  g_return_val_if_fail (ICTO_IS_JOB (self), 0);
  return self->fraction;
}

void
icto_job_set_fraction (IctoJob *self,
                       double   fraction)
{
  g_return_if_fail (ICTO_IS_JOB (self));

  fraction = CLAMP (fraction, 0.0, 1.0);
  g_mutex_lock (&self->mutex);
  self->pending = fraction;
  if (self->idle_queued == 0)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
      g_source_set_callback (source, notify_fraction_cb, g_object_ref (self), g_object_unref);
      g_source_set_static_name (source, "[icto-job] fraction");
      self->idle_queued = g_source_attach (source, self->context);
      g_source_unref (source);
    }
  g_mutex_unlock (&self->mutex);
}

GCancellable *
icto_job_get_cancellable (IctoJob *self)
{
  g_return_val_if_fail (ICTO_IS_JOB (self), NULL);
  return self->cancellable;
}

void
icto_job_cancel (IctoJob *self)
{
  g_return_if_fail (ICTO_IS_JOB (self));
  g_cancellable_cancel (self->cancellable);
}

void
icto_job_complete (IctoJob *self)
{
  g_return_if_fail (ICTO_IS_JOB (self));

  if (self->completed)
    return;
  self->completed = TRUE;
  if (self->fraction != 1.0)
    {
      self->fraction = 1.0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETED]);
}

gboolean
icto_job_get_completed (IctoJob *self)
{
  g_return_val_if_fail (ICTO_IS_JOB (self), FALSE);
  return self->completed;
}
