/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-session"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "core/icto-core-error.h"
#include "core/icto-session.h"
#include "signal/icto-page.h"
#include "sim/icto-sim.h"

/* One displayed row: a montage output or a recorded signal as it is. */
typedef struct {
  guint    index;        /* montage output, or recorded signal when !use_montage */
  guint    first;        /* the recorded signal it belongs to (hidden, bad, gain, colour) */
  gboolean use_montage;
} Row;

struct _IctoSession
{
  GObject            parent_instance;

  IctoRecording     *recording;
  IctoMontage       *montage_obj;  /* built from montage + bad; NULL: as recorded or not built yet */
  IctoMontage       *custom;       /* loaded custom montage, or NULL */
  char              *custom_title;

  gint64             start;
  double             page_duration;
  double             sensitivity;
  double             pixels_per_mm;
  IctoMontageChoice    montage;
  double             highpass;
  double             lowpass;
  int                notch;
  gboolean           color_by_shaft;

  /* per recorded signal */
  guint              n_signals;
  gboolean          *hidden;
  gboolean          *bad;
  double            *gain;
  guint             *order;        /* display position -> signal */
  char             **groups;       /* signal -> shaft or channels.tsv group (NULL-terminated) */
  char             **tsv_groups;   /* signal -> channels.tsv group or NULL (n_signals entries) */
  gboolean          *has_contact;  /* signal label has a contact number */
  GHashTable        *shaft_numbers;/* group name -> shaft number + 1 */

  /* pages handed out recently (main thread): one nobody holds any more is
   * reused by the next fetch, so paging allocates nothing */
  IctoTracePage     *page_pool[3];
  guint              page_pool_next;

  /* the signal library's page buffers of the last fetch, reused by the
   * next one (any thread) */
  GMutex             scratch_lock;
  IctoPage          *spare_scratch;
};

G_DEFINE_FINAL_TYPE (IctoSession, icto_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RECORDING,
  PROP_START,
  PROP_PAGE_DURATION,
  PROP_SENSITIVITY,
  PROP_PIXELS_PER_MM,
  PROP_MONTAGE,
  PROP_COLOR_BY_SHAFT,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const double sensitivity_presets[] = {
  1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700, 1000,
};

const double *
icto_sensitivity_presets (guint *n)
{
  if (n != NULL)
    *n = G_N_ELEMENTS (sensitivity_presets);
  return sensitivity_presets;
}

double
icto_sensitivity_step (double current,
                       int    steps)
{
  guint n = G_N_ELEMENTS (sensitivity_presets);
  int i;

  /* the nearest preset at or below (steps < 0) / at or above (steps > 0) */
  if (steps > 0)
    {
      for (i = 0; i < (int) n && sensitivity_presets[i] <= current * (1 + 1e-9); i++)
        ;
      i = MIN ((int) n - 1, i + steps - 1);
    }
  else if (steps < 0)
    {
      for (i = (int) n - 1; i >= 0 && sensitivity_presets[i] >= current * (1 - 1e-9); i--)
        ;
      i = MAX (0, i + steps + 1);
    }
  else
    return current;
  return sensitivity_presets[i];
}

static const char *kind_names[] = { "referential", "average", "bipolar", "local", "custom" };

const char *
icto_montage_kind_to_string (IctoMontageChoice kind)
{
  g_return_val_if_fail (kind <= ICTO_MONTAGE_KIND_CUSTOM, "referential");
  return kind_names[kind];
}

gboolean
icto_montage_kind_from_string (const char        *str,
                               IctoMontageChoice *kind)
{
  g_return_val_if_fail (kind != NULL, FALSE);

  if (str == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    {
      if (g_str_equal (str, kind_names[i]))
        {
          *kind = (IctoMontageChoice) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
icto_montage_kind_get_title (IctoMontageChoice kind)
{
  switch (kind)
    {
    case ICTO_MONTAGE_KIND_REFERENTIAL: return _("As recorded");
    case ICTO_MONTAGE_KIND_AVERAGE:     return _("Common average");
    case ICTO_MONTAGE_KIND_BIPOLAR:     return _("Bipolar");
    case ICTO_MONTAGE_KIND_LOCAL:       return _("Local average");
    case ICTO_MONTAGE_KIND_CUSTOM:      return _("Custom montage");
    default:                            return _("As recorded");
    }
}

static void
emit_changed (IctoSession *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
free_scratch (IctoSession *self)
{
  g_mutex_lock (&self->scratch_lock);
  g_clear_pointer (&self->spare_scratch, icto_page_free);
  g_mutex_unlock (&self->scratch_lock);
}

/* Takes the spare page buffers, else new ones.  Any thread. */
static IctoPage *
take_scratch (IctoSession *self)
{
  IctoPage *scratch;

  g_mutex_lock (&self->scratch_lock);
  scratch = g_steal_pointer (&self->spare_scratch);
  g_mutex_unlock (&self->scratch_lock);
  return scratch != NULL ? scratch : icto_page_new ();
}

/* Keeps @scratch for the next fetch.  Any thread. */
static void
give_scratch (IctoSession *self,
              IctoPage    *scratch)
{
  g_mutex_lock (&self->scratch_lock);
  if (self->spare_scratch == NULL)
    {
      self->spare_scratch = scratch;
      scratch = NULL;
    }
  g_mutex_unlock (&self->scratch_lock);
  icto_page_free (scratch);
}

static void
free_channels (IctoSession *self)
{
  free_scratch (self);
  g_clear_pointer (&self->hidden, g_free);
  g_clear_pointer (&self->bad, g_free);
  g_clear_pointer (&self->gain, g_free);
  g_clear_pointer (&self->order, g_free);
  g_clear_pointer (&self->groups, g_strfreev);
  if (self->tsv_groups != NULL)
    for (guint i = 0; i < self->n_signals; i++)
      g_free (self->tsv_groups[i]);
  g_clear_pointer (&self->tsv_groups, g_free);
  g_clear_pointer (&self->has_contact, g_free);
  g_clear_pointer (&self->shaft_numbers, g_hash_table_unref);
  g_clear_pointer (&self->montage_obj, icto_montage_unref);
  g_clear_pointer (&self->custom, icto_montage_unref);
  g_clear_pointer (&self->custom_title, g_free);
  if (self->montage == ICTO_MONTAGE_KIND_CUSTOM)
    self->montage = ICTO_MONTAGE_KIND_REFERENTIAL;
  self->n_signals = 0;
}

static void
invalidate_layout (IctoSession *self)
{
  g_clear_pointer (&self->montage_obj, icto_montage_unref);
}

static const char **
signal_labels (IctoSession *self)
{
  const char **labels = g_new0 (const char *, self->n_signals + 1);

  for (guint i = 0; i < self->n_signals; i++)
    labels[i] = icto_recording_get_signal (self->recording, i)->label;
  return labels;
}

/* Builds the signal library's montage for the current choice (main thread). */
static void
ensure_layout (IctoSession *self)
{
  g_autofree const char **labels = NULL;
  g_autofree gboolean *excluded = NULL;
  IctoMontageKind kind;

  if (self->montage_obj != NULL || self->recording == NULL)
    return;
  switch (self->montage)
    {
    case ICTO_MONTAGE_KIND_CUSTOM:
      if (self->custom != NULL)
        self->montage_obj = icto_montage_ref (self->custom);
      return;
    case ICTO_MONTAGE_KIND_AVERAGE: kind = ICTO_MONTAGE_COMMON_AVERAGE; break;
    case ICTO_MONTAGE_KIND_BIPOLAR: kind = ICTO_MONTAGE_BIPOLAR; break;
    case ICTO_MONTAGE_KIND_LOCAL:   kind = ICTO_MONTAGE_SHAFT_AVERAGE; break;
    case ICTO_MONTAGE_KIND_REFERENTIAL:
    default:
      return;   /* as recorded: no montage */
    }
  labels = signal_labels (self);
  /* bad channels and non-voltage signals take no part in averages or pairs */
  excluded = g_new0 (gboolean, MAX (self->n_signals, 1));
  for (guint i = 0; i < self->n_signals; i++)
    excluded[i] = self->bad[i] || !icto_recording_get_signal (self->recording, i)->is_voltage;
  self->montage_obj = icto_montage_new (kind, labels, self->n_signals, excluded,
                                        (const char *const *) self->tsv_groups);
}

/* Colour number of shaft or group @group: in order of first appearance. */
static guint
shaft_number (IctoSession *self,
              const char  *group)
{
  gpointer idx;

  if (g_hash_table_lookup_extended (self->shaft_numbers, group, NULL, &idx))
    return GPOINTER_TO_UINT (idx) - 1;
  idx = GUINT_TO_POINTER (g_hash_table_size (self->shaft_numbers) + 1);
  g_hash_table_insert (self->shaft_numbers, g_strdup (group), idx);
  return GPOINTER_TO_UINT (idx) - 1;
}

/* The BIDS channels.tsv beside the recording (e.g. sub-01_ieeg.edf ->
 * sub-01_channels.tsv, demo.edf -> demo_channels.tsv): its `group` column
 * names the shafts and grids, its `status` marks bad channels.  A missing or
 * unreadable file changes nothing. */
static void
read_channels_tsv (IctoSession *self)
{
  g_autofree char *path = icto_sim_sidecar_path (icto_recording_get_path (self->recording), "channels.tsv");
  g_auto(GStrv) names = NULL;
  char **groups = NULL;
  g_autofree gboolean *bad = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return;
  if (!icto_montage_read_channels_tsv (path, &names, &groups, &bad, &error))
    {
      g_debug ("Ignoring %s: %s", path, error->message);
      return;
    }
  n = g_strv_length (names);
  for (guint k = 0; k < n; k++)
    {
      int s = icto_recording_find_signal (self->recording, names[k]);

      if (s >= 0 && groups[k] != NULL && self->tsv_groups[s] == NULL)
        self->tsv_groups[s] = g_strdup (groups[k]);
      if (s >= 0 && bad[k])
        self->bad[s] = TRUE;   /* status "bad": out of averages and pairs until unmarked */
      g_free (groups[k]);
    }
  g_free (groups);
}

static gint64
clamp_start (IctoSession *self,
             gint64       start)
{
  gint64 page;
  gint64 duration;

  if (self->recording == NULL)
    return MAX (start, 0);
  page = icto_session_get_page_ticks (self);
  duration = icto_recording_get_duration (self->recording);
  if (start > duration - page)
    start = duration - page;
  if (start < 0)
    start = 0;
  return start;
}

static void
icto_session_finalize (GObject *object)
{
  IctoSession *self = ICTO_SESSION (object);

  free_channels (self);
  for (guint i = 0; i < G_N_ELEMENTS (self->page_pool); i++)
    g_clear_pointer (&self->page_pool[i], icto_trace_page_unref);
  g_clear_object (&self->recording);
  g_mutex_clear (&self->scratch_lock);
  G_OBJECT_CLASS (icto_session_parent_class)->finalize (object);
}

static void
icto_session_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  IctoSession *self = ICTO_SESSION (object);

  switch (prop_id)
    {
    case PROP_RECORDING:
      g_value_set_object (value, self->recording);
      break;
    case PROP_START:
      g_value_set_int64 (value, self->start);
      break;
    case PROP_PAGE_DURATION:
      g_value_set_double (value, self->page_duration);
      break;
    case PROP_SENSITIVITY:
      g_value_set_double (value, self->sensitivity);
      break;
    case PROP_PIXELS_PER_MM:
      g_value_set_double (value, self->pixels_per_mm);
      break;
    case PROP_MONTAGE:
      g_value_set_string (value, icto_montage_kind_to_string (self->montage));
      break;
    case PROP_COLOR_BY_SHAFT:
      g_value_set_boolean (value, self->color_by_shaft);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
icto_session_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  IctoSession *self = ICTO_SESSION (object);

  switch (prop_id)
    {
    case PROP_RECORDING:
      icto_session_set_recording (self, g_value_get_object (value));
      break;
    case PROP_START:
      icto_session_set_start (self, g_value_get_int64 (value));
      break;
    case PROP_PAGE_DURATION:
      icto_session_set_page_duration (self, g_value_get_double (value));
      break;
    case PROP_SENSITIVITY:
      icto_session_set_sensitivity (self, g_value_get_double (value));
      break;
    case PROP_PIXELS_PER_MM:
      icto_session_set_pixels_per_mm (self, g_value_get_double (value));
      break;
    case PROP_MONTAGE:
      {
        IctoMontageChoice kind;
        if (icto_montage_kind_from_string (g_value_get_string (value), &kind))
          icto_session_set_montage (self, kind);
        else
          g_warning ("Unknown montage “%s”", g_value_get_string (value));
      }
      break;
    case PROP_COLOR_BY_SHAFT:
      icto_session_set_color_by_shaft (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
icto_session_class_init (IctoSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = icto_session_finalize;
  object_class->get_property = icto_session_get_property;
  object_class->set_property = icto_session_set_property;

  properties[PROP_RECORDING] =
    g_param_spec_object ("recording", NULL, NULL, ICTO_TYPE_RECORDING,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_START] =
    g_param_spec_int64 ("start", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAGE_DURATION] =
    g_param_spec_double ("page-duration", NULL, NULL,
                         ICTO_SESSION_MIN_PAGE_DURATION, ICTO_SESSION_MAX_PAGE_DURATION,
                         ICTO_SESSION_DEFAULT_PAGE_DURATION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SENSITIVITY] =
    g_param_spec_double ("sensitivity", NULL, NULL, 0.1, 10000, ICTO_SESSION_DEFAULT_SENSITIVITY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PIXELS_PER_MM] =
    g_param_spec_double ("pixels-per-mm", NULL, NULL, 0.5, 100, 96.0 / 25.4,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MONTAGE] =
    g_param_spec_string ("montage", NULL, NULL, "referential",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLOR_BY_SHAFT] =
    g_param_spec_boolean ("color-by-shaft", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * IctoSession::changed:
   * Emitted after anything that changes what a page shows.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
icto_session_init (IctoSession *self)
{
  g_mutex_init (&self->scratch_lock);
  self->page_duration = ICTO_SESSION_DEFAULT_PAGE_DURATION;
  self->sensitivity = ICTO_SESSION_DEFAULT_SENSITIVITY;
  self->pixels_per_mm = 96.0 / 25.4;
  self->montage = ICTO_MONTAGE_KIND_REFERENTIAL;
}

IctoSession *
icto_session_new (void)
{
  return g_object_new (ICTO_TYPE_SESSION, NULL);
}

void
icto_session_set_recording (IctoSession   *self,
                            IctoRecording *recording)
{
  gboolean was_custom;

  g_return_if_fail (ICTO_IS_SESSION (self));
  g_return_if_fail (recording == NULL || ICTO_IS_RECORDING (recording));

  if (recording == self->recording)
    return;
  was_custom = self->montage == ICTO_MONTAGE_KIND_CUSTOM;
  free_channels (self);
  g_set_object (&self->recording, recording);
  self->start = 0;

  if (recording != NULL)
    {
      self->n_signals = icto_recording_get_n_signals (recording);
      self->hidden = g_new0 (gboolean, MAX (self->n_signals, 1));
      self->bad = g_new0 (gboolean, MAX (self->n_signals, 1));
      self->gain = g_new (double, MAX (self->n_signals, 1));
      self->order = g_new (guint, MAX (self->n_signals, 1));
      self->groups = g_new0 (char *, self->n_signals + 1);
      self->tsv_groups = g_new0 (char *, MAX (self->n_signals, 1));
      self->has_contact = g_new0 (gboolean, MAX (self->n_signals, 1));
      self->shaft_numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      read_channels_tsv (self);
      for (guint i = 0; i < self->n_signals; i++)
        {
          const IctoSignalInfo *info = icto_recording_get_signal (recording, i);
          g_autofree char *shaft = NULL;
          int number;

          self->gain[i] = 1.0;
          self->order[i] = i;
          self->has_contact[i] = icto_montage_parse_contact (info->label, &shaft, &number);
          if (self->tsv_groups[i] != NULL)
            self->groups[i] = g_strdup (self->tsv_groups[i]);
          else if (self->has_contact[i])
            self->groups[i] = g_steal_pointer (&shaft);
          else
            self->groups[i] = g_strdup (info->label);
          /* colours numbered in file order, whatever the montage */
          (void) shaft_number (self, self->groups[i]);
        }
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_START]);
  if (was_custom)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONTAGE]);
  emit_changed (self);
}

IctoRecording *
icto_session_get_recording (IctoSession *self)
{
  g_return_val_if_fail (ICTO_IS_SESSION (self), NULL);
  return self->recording;
}

gboolean
icto_session_open (IctoSession  *self,
                   const char   *path,
                   GError      **error)
{
  g_autoptr(IctoRecording) recording = NULL;

  g_return_val_if_fail (ICTO_IS_SESSION (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  recording = icto_recording_open (path, error);
  if (recording == NULL)
    return FALSE;
  icto_session_set_recording (self, recording);
  return TRUE;
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(IctoRecording) recording = NULL;
  GError *error = NULL;

  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("“%s” is not a local file; copy it to this computer first"), uri);
      return;
    }
  recording = icto_recording_open (path, &error);
  if (recording == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* computing the fingerprint here keeps the first page fast later */
  (void) icto_recording_get_fingerprint (recording);
  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_pointer (task, g_steal_pointer (&recording), g_object_unref);
}

void
icto_session_open_async (IctoSession         *self,
                         GFile               *file,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ICTO_IS_SESSION (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, icto_session_open_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, open_thread);
}

gboolean
icto_session_open_finish (IctoSession   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_autoptr(IctoRecording) recording = NULL;

  g_return_val_if_fail (ICTO_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  recording = g_task_propagate_pointer (G_TASK (result), error);
  if (recording == NULL)
    return FALSE;
  icto_session_set_recording (self, recording);
  return TRUE;
}

gint64
icto_session_get_start (IctoSession *self)
{
  g_return_val_if_fail (ICTO_IS_SESSION (self), 0);
  return self->start;
}

void
icto_session_set_start (IctoSession *self,
                        gint64       start)
{
  g_return_if_fail (ICTO_IS_SESSION (self));

  start = clamp_start (self, start);
  if (start == self->start)
    return;
  self->start = start;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_START]);
  emit_changed (self);
}

void
icto_session_page (IctoSession *self,
                   double       pages)
{
  g_return_if_fail (ICTO_IS_SESSION (self));

  icto_session_set_start (self, self->start + (gint64) (pages * (double) icto_session_get_page_ticks (self)));
}

gint64
icto_session_get_page_ticks (IctoSession *self)
{
  g_return_val_if_fail (ICTO_IS_SESSION (self), 0);
  return icto_seconds_to_ticks (self->page_duration);
}

double
icto_session_get_page_duration (IctoSession *self)
{
  g_return_val_if_fail (ICTO_IS_SESSION (self), ICTO_SESSION_DEFAULT_PAGE_DURATION);
  return self->page_duration;
}

void
icto_session_set_page_duration (IctoSession *self,
                                double       seconds)
{
  g_return_if_fail (ICTO_IS_SESSION (self));

  if (!isfinite (seconds))
    return;
  seconds = CLAMP (seconds, ICTO_SESSION_MIN_PAGE_DURATION, ICTO_SESSION_MAX_PAGE_DURATION);
  if (seconds == self->page_duration)
    return;
  self->page_duration = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE_DURATION]);
  {
    gint64 start = clamp_start (self, self->start);
    if (start != self->start)
      {
        self->start = start;
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_START]);
      }
  }
  emit_changed (self);
}

double
icto_session_get_sensitivity (IctoSession *self)
{
  g_return_val_if_fail (ICTO_IS_SESSION (self), ICTO_SESSION_DEFAULT_SENSITIVITY);
  return self->sensitivity;
}

void
icto_session_set_sensitivity (IctoSession *self,
                              double       uv_per_mm)
{
  g_return_if_fail (ICTO_IS_SESSION (self));

  if (!isfinite (uv_per_mm))
    return;
  uv_per_mm = CLAMP (uv_per_mm, 0.1, 10000);
  if (uv_per_mm == self->sensitivity)
    return;
  self->sensitivity = uv_per_mm;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SENSITIVITY]);
  emit_changed (self);
}

double
icto_session_get_pixels_per_mm (IctoSession *self)
{
  g_return_val_if_fail (ICTO_IS_SESSION (self), 96.0 / 25.4);
  return self->pixels_per_mm;
}

void
icto_session_set_pixels_per_mm (IctoSession *self,
                                double       ppm)
{
  g_return_if_fail (ICTO_IS_SESSION (self));

  if (!isfinite (ppm))
    return;
  ppm = CLAMP (ppm, 0.5, 100);
  if (ppm == self->pixels_per_mm)
    return;
  self->pixels_per_mm = ppm;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PIXELS_PER_MM]);
  emit_changed (self);
}

IctoMontageChoice
icto_session_get_montage (IctoSession *self)
{
  g_return_val_if_fail (ICTO_IS_SESSION (self), ICTO_MONTAGE_KIND_REFERENTIAL);
  return self->montage;
}

void
icto_session_set_montage (IctoSession    *self,
                          IctoMontageChoice kind)
{
  g_return_if_fail (ICTO_IS_SESSION (self));
  g_return_if_fail (kind <= ICTO_MONTAGE_KIND_CUSTOM);

  if (kind == self->montage)
    return;
  if (kind == ICTO_MONTAGE_KIND_CUSTOM && self->custom == NULL)
    return;
  self->montage = kind;
  invalidate_layout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONTAGE]);
  emit_changed (self);
}

gboolean
icto_session_load_montage (IctoSession  *self,
                           const char   *path,
                           GError      **error)
{
  g_autofree const char **labels = NULL;
  IctoMontage *montage;

  g_return_val_if_fail (ICTO_IS_SESSION (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->recording == NULL)
    {
      g_set_error_literal (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_NO_RECORDING,
                           _("Open a recording before loading a montage"));
      return FALSE;
    }
  labels = signal_labels (self);
  montage = icto_montage_new_from_file (path, labels, self->n_signals, error);
  if (montage == NULL)
    return FALSE;
  g_clear_pointer (&self->custom, icto_montage_unref);
  self->custom = montage;
  g_free (self->custom_title);
  self->custom_title = g_filename_display_basename (path);
  invalidate_layout (self);
  if (self->montage != ICTO_MONTAGE_KIND_CUSTOM)
    {
      self->montage = ICTO_MONTAGE_KIND_CUSTOM;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONTAGE]);
    }
  emit_changed (self);
  return TRUE;
}

const char *
icto_session_get_montage_title (IctoSession *self)
{
  g_return_val_if_fail (ICTO_IS_SESSION (self), "");

  if (self->montage == ICTO_MONTAGE_KIND_CUSTOM && self->custom_title != NULL)
    return self->custom_title;
  return icto_montage_kind_get_title (self->montage);
}

void
icto_session_set_filter (IctoSession *self,
                         double       highpass,
                         double       lowpass,
                         int          notch)
{
  g_return_if_fail (ICTO_IS_SESSION (self));

  highpass = isfinite (highpass) && highpass > 0 ? highpass : 0;
  lowpass = isfinite (lowpass) && lowpass > 0 ? lowpass : 0;
  notch = (notch == 50 || notch == 60) ? notch : 0;
  if (highpass == self->highpass && lowpass == self->lowpass && notch == self->notch)
    return;
  self->highpass = highpass;
  self->lowpass = lowpass;
  self->notch = notch;
  emit_changed (self);
}

void
icto_session_get_filter (IctoSession *self,
                         double      *highpass,
                         double      *lowpass,
                         int         *notch)
{
  g_return_if_fail (ICTO_IS_SESSION (self));

  if (highpass != NULL)
    *highpass = self->highpass;
  if (lowpass != NULL)
    *lowpass = self->lowpass;
  if (notch != NULL)
    *notch = self->notch;
}

char *
icto_session_describe_filter (IctoSession *self)
{
  g_autoptr(GString) s = g_string_new (NULL);

  g_return_val_if_fail (ICTO_IS_SESSION (self), NULL);

  if (self->highpass > 0 && self->lowpass > 0)
    g_string_append_printf (s, _("%g–%g Hz"), self->highpass, self->lowpass);
  else if (self->highpass > 0)
    g_string_append_printf (s, _("High-pass %g Hz"), self->highpass);
  else if (self->lowpass > 0)
    g_string_append_printf (s, _("Low-pass %g Hz"), self->lowpass);
  if (self->notch > 0)
    {
      if (s->len > 0)
        g_string_append (s, ", ");
      g_string_append_printf (s, _("notch %d Hz"), self->notch);
    }
  if (s->len == 0)
    g_string_append (s, _("No filter"));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

gboolean
icto_session_get_color_by_shaft (IctoSession *self)
{
  g_return_val_if_fail (ICTO_IS_SESSION (self), FALSE);
  return self->color_by_shaft;
}

void
icto_session_set_color_by_shaft (IctoSession *self,
                                 gboolean     color)
{
  g_return_if_fail (ICTO_IS_SESSION (self));

  color = !!color;
  if (color == self->color_by_shaft)
    return;
  self->color_by_shaft = color;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR_BY_SHAFT]);
  emit_changed (self);
}

gboolean
icto_session_get_channel_hidden (IctoSession *self,
                                 guint        signal)
{
  g_return_val_if_fail (ICTO_IS_SESSION (self), FALSE);
  g_return_val_if_fail (signal < self->n_signals, FALSE);
  return self->hidden[signal];
}

void
icto_session_set_channel_hidden (IctoSession *self,
                                 guint        signal,
                                 gboolean     hidden)
{
  g_return_if_fail (ICTO_IS_SESSION (self));
  g_return_if_fail (signal < self->n_signals);

  if (self->hidden[signal] == !!hidden)
    return;
  self->hidden[signal] = !!hidden;
  emit_changed (self);
}

gboolean
icto_session_get_channel_bad (IctoSession *self,
                              guint        signal)
{
  g_return_val_if_fail (ICTO_IS_SESSION (self), FALSE);
  g_return_val_if_fail (signal < self->n_signals, FALSE);
  return self->bad[signal];
}

void
icto_session_set_channel_bad (IctoSession *self,
                              guint        signal,
                              gboolean     bad)
{
  g_return_if_fail (ICTO_IS_SESSION (self));
  g_return_if_fail (signal < self->n_signals);

  if (self->bad[signal] == !!bad)
    return;
  self->bad[signal] = !!bad;
  invalidate_layout (self);
  emit_changed (self);
}

double
icto_session_get_channel_gain (IctoSession *self,
                               guint        signal)
{
  g_return_val_if_fail (ICTO_IS_SESSION (self), 1.0);
  g_return_val_if_fail (signal < self->n_signals, 1.0);
  return self->gain[signal];
}

void
icto_session_set_channel_gain (IctoSession *self,
                               guint        signal,
                               double       factor)
{
  g_return_if_fail (ICTO_IS_SESSION (self));
  g_return_if_fail (signal < self->n_signals);

  if (!isfinite (factor) || factor <= 0)
    return;
  self->gain[signal] = CLAMP (factor, 0.01, 100);
  emit_changed (self);
}

void
icto_session_set_shaft_gain (IctoSession *self,
                             const char  *group,
                             double       factor)
{
  g_return_if_fail (ICTO_IS_SESSION (self));
  g_return_if_fail (group != NULL);

  if (!isfinite (factor) || factor <= 0 || self->recording == NULL)
    return;
  for (guint i = 0; i < self->n_signals; i++)
    {
      if (g_str_equal (self->groups[i], group))
        self->gain[i] = CLAMP (factor, 0.01, 100);
    }
  emit_changed (self);
}

void
icto_session_move_channel (IctoSession *self,
                           guint        signal,
                           int          delta)
{
  guint pos = 0;
  int target;

  g_return_if_fail (ICTO_IS_SESSION (self));
  g_return_if_fail (signal < self->n_signals);

  while (pos < self->n_signals && self->order[pos] != signal)
    pos++;
  g_assert (pos < self->n_signals);
  target = CLAMP ((int) pos + delta, 0, (int) self->n_signals - 1);
  if (target == (int) pos)
    return;
  if (target < (int) pos)
    memmove (&self->order[target + 1], &self->order[target], sizeof (guint) * (pos - target));
  else
    memmove (&self->order[pos], &self->order[pos + 1], sizeof (guint) * (target - pos));
  self->order[target] = signal;
  emit_changed (self);
}

void
icto_session_reset_channels (IctoSession *self)
{
  g_return_if_fail (ICTO_IS_SESSION (self));

  for (guint i = 0; i < self->n_signals; i++)
    {
      self->order[i] = i;
      self->hidden[i] = FALSE;
      self->gain[i] = 1.0;
    }
  emit_changed (self);
}

IctoMontage *
icto_session_get_montage_object (IctoSession *self)
{
  g_return_val_if_fail (ICTO_IS_SESSION (self), NULL);

  ensure_layout (self);
  return self->montage_obj;
}

const char *
icto_session_get_channel_group (IctoSession *self,
                                guint        signal)
{
  g_return_val_if_fail (ICTO_IS_SESSION (self), "");
  g_return_val_if_fail (signal < self->n_signals, "");
  return self->groups[signal];
}

/* The recorded signal a montage output belongs to: its first term's. */
static gboolean
output_first (IctoMontage *montage,
              guint        output,
              guint       *first)
{
  const guint *inputs;
  const float *weights;
  guint n_terms;

  icto_montage_get_terms (montage, output, &inputs, &weights, &n_terms);
  if (n_terms == 0)
    return FALSE;
  *first = inputs[0];
  return TRUE;
}

/*
 * Displayed rows in display order (a new array of Row).  For each recorded
 * signal in the user's order, unless hidden: the montage outputs it leads;
 * non-voltage signals are shown as recorded in every built-in montage, and
 * so are voltage channels without a contact number in the bipolar montage.
 */
static GArray *
visible_rows (IctoSession *self)
{
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (Row));
  g_autofree guint *firsts = NULL;
  guint n_outputs = 0;

  if (self->recording == NULL)
    return rows;
  ensure_layout (self);
  if (self->montage_obj != NULL)
    {
      n_outputs = icto_montage_get_n_outputs (self->montage_obj);
      firsts = g_new (guint, MAX (n_outputs, 1));
      for (guint o = 0; o < n_outputs; o++)
        if (!output_first (self->montage_obj, o, &firsts[o]))
          firsts[o] = G_MAXUINT;
    }
  for (guint p = 0; p < self->n_signals; p++)
    {
      guint s = self->order[p];
      gboolean custom = self->montage == ICTO_MONTAGE_KIND_CUSTOM;
      guint n_made = 0;
      Row row;

      if (self->hidden[s])
        continue;
      if (self->montage_obj == NULL ||
          (!custom && !icto_recording_get_signal (self->recording, s)->is_voltage))
        {
          row = (Row) { s, s, FALSE };
          g_array_append_val (rows, row);
          continue;
        }
      for (guint o = 0; o < n_outputs; o++)
        if (firsts[o] == s)
          {
            row = (Row) { o, s, TRUE };
            g_array_append_val (rows, row);
            n_made++;
          }
      if (n_made == 0 && self->montage == ICTO_MONTAGE_KIND_BIPOLAR && !self->has_contact[s])
        {
          row = (Row) { s, s, FALSE };
          g_array_append_val (rows, row);
        }
    }
  return rows;
}

guint
icto_session_get_n_visible (IctoSession *self)
{
  g_autoptr(GArray) rows = NULL;

  g_return_val_if_fail (ICTO_IS_SESSION (self), 0);

  rows = visible_rows (self);
  return rows->len;
}

int
icto_session_get_row_signal (IctoSession *self,
                             guint        row)
{
  g_autoptr(GArray) rows = NULL;

  g_return_val_if_fail (ICTO_IS_SESSION (self), -1);

  rows = visible_rows (self);
  if (row >= rows->len)
    return -1;
  return (int) g_array_index (rows, Row, row).first;
}

/* How a row is computed: through the montage or not, filtered or not. */
enum {
  PASS_MONTAGE = 1 << 0,
  PASS_FILTER  = 1 << 1,
  N_PASSES     = 4,
};

/*
 * A page fetch: everything the worker needs, copied from the session on
 * the main thread, so the session may change while the page is built.
 */
typedef struct {
  IctoSession       *session;     /* ref: for the page buffers */
  IctoRecording     *recording;
  IctoMontage       *montage;     /* ref, or NULL */
  IctoFilterSpec     filter;
  IctoTracePage     *page;        /* metadata filled */
  guint             *index;       /* per page row: montage output or signal */
  guint8            *pass;        /* per page row: PASS_* flags */
  gboolean          *flat;        /* per page row: the filter removes everything (shown as 0) */
} PageRequest;

static void
page_request_free (PageRequest *req)
{
  g_clear_object (&req->session);
  g_clear_object (&req->recording);
  g_clear_pointer (&req->montage, icto_montage_unref);
  g_clear_pointer (&req->page, icto_trace_page_unref);
  g_free (req->index);
  g_free (req->pass);
  g_free (req->flat);
  g_free (req);
}

/* Main thread: a page from the pool that nobody else holds, reset to the
 * wanted size, or a new page put in the pool.  Returns a new reference. */
static IctoTracePage *
pooled_page (IctoSession *self,
             guint        n_channels,
             guint        n_columns)
{
  guint slot;

  for (guint i = 0; i < G_N_ELEMENTS (self->page_pool); i++)
    {
      IctoTracePage *p = self->page_pool[i];

      if (p != NULL && g_atomic_int_get (&p->ref_count) == 1)
        {
          icto_trace_page_reset (p, n_channels, n_columns);
          return icto_trace_page_ref (p);
        }
    }
  slot = self->page_pool_next++ % G_N_ELEMENTS (self->page_pool);
  g_clear_pointer (&self->page_pool[slot], icto_trace_page_unref);
  self->page_pool[slot] = icto_trace_page_new (n_channels, n_columns);
  return icto_trace_page_ref (self->page_pool[slot]);
}

/* TRUE when @spec can run at @rate (a high-pass at or above Nyquist cannot). */
static gboolean
filter_usable (const IctoFilterSpec *spec,
               double                rate)
{
  float probe[4] = { 0 };

  if (icto_filter_is_identity (spec, rate))
    return TRUE;
  return icto_filter_apply (spec, rate, probe, G_N_ELEMENTS (probe), NULL);
}

/* Main thread: the request for the current page, or NULL with @error. */
static PageRequest *
page_request_new (IctoSession  *self,
                  guint         n_columns,
                  GError      **error)
{
  g_autoptr(GArray) rows = NULL;
  PageRequest *req;
  IctoTracePage *page;
  gint64 end;
  double checked_rate = -1;
  gboolean checked_ok = TRUE;

  if (self->recording == NULL)
    {
      g_set_error_literal (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_NO_RECORDING,
                           _("No recording is open"));
      return NULL;
    }

  rows = visible_rows (self);
  req = g_new0 (PageRequest, 1);
  req->session = g_object_ref (self);
  req->recording = g_object_ref (self->recording);
  req->montage = self->montage_obj != NULL ? icto_montage_ref (self->montage_obj) : NULL;
  req->filter = (IctoFilterSpec) { self->highpass, self->lowpass, self->notch, 0 };
  req->index = g_new (guint, MAX (rows->len, 1));
  req->pass = g_new (guint8, MAX (rows->len, 1));
  req->flat = g_new0 (gboolean, MAX (rows->len, 1));

  page = req->page = pooled_page (self, rows->len, n_columns);
  page->start = self->start;
  page->duration = icto_session_get_page_ticks (self);
  page->recording_duration = icto_recording_get_duration (self->recording);
  page->pixels_per_mm = self->pixels_per_mm;
  page->sensitivity_main = self->sensitivity;
  page->origin = icto_recording_get_start_time (self->recording);
  if (page->origin != NULL)
    g_date_time_ref (page->origin);
  page->title = g_path_get_basename (icto_recording_get_path (self->recording));
  page->montage = g_strdup (icto_session_get_montage_title (self));
  page->filter = icto_session_describe_filter (self);

  for (guint r = 0; r < rows->len; r++)
    {
      const Row *row = &g_array_index (rows, Row, r);
      const IctoSignalInfo *info = icto_recording_get_signal (self->recording, row->first);
      const char *label = info->label;
      const char *group = self->groups[row->first];
      guint32 shaft;

      req->index[r] = row->index;
      req->pass[r] = 0;
      if (row->use_montage)
        {
          const char *g = icto_montage_get_group (req->montage, row->index);

          label = icto_montage_get_label (req->montage, row->index);
          if (g != NULL && *g != '\0')
            group = g;
          req->pass[r] |= PASS_MONTAGE;
        }
      /* filters act on voltages (montage outputs are treated as such) */
      if ((row->use_montage || info->is_voltage) && !icto_filter_is_identity (&req->filter, info->sample_rate))
        {
          if (info->sample_rate != checked_rate)
            {
              checked_rate = info->sample_rate;
              checked_ok = filter_usable (&req->filter, checked_rate);
            }
          if (checked_ok)
            req->pass[r] |= PASS_FILTER;
          else
            req->flat[r] = TRUE;   /* e.g. HFO 250 Hz on a 256-Hz signal: nothing passes */
        }
      shaft = icto_shaft_color (shaft_number (self, group));
      icto_trace_page_set_channel (page, r, label, info->read_unit,
                                   self->color_by_shaft ? shaft : 0x000000,
                                   shaft,
                                   self->sensitivity * self->gain[row->first],
                                   self->bad[row->first]);
    }

  /* annotations and gaps that touch the page */
  end = page->start + page->duration;
  for (guint i = 0; i < icto_recording_get_n_annotations (self->recording); i++)
    {
      const IctoEdfAnnotation *a = icto_recording_get_annotation (self->recording, i);
      gint64 a_end = a->onset + MAX (a->duration, 0);

      if (a_end >= page->start && a->onset < end)
        icto_trace_page_add_annotation (page, a->onset, a->duration, a->text);
    }
  for (guint i = 0; i < icto_recording_get_n_gaps (self->recording); i++)
    {
      const IctoGap *g = icto_recording_get_gap (self->recording, i);

      if (g->start + g->duration >= page->start && g->start < end)
        icto_trace_page_add_gap (page, g->start, g->duration);
    }
  return req;
}

/*
 * Any thread: computes req->page's columns with the signal library's page
 * assembly (read with filter padding, montage, zero-phase filter, min/max
 * decimation, NAN in gaps), one icto_page_compute() per kind of row (with
 * or without the montage, with or without the filter); the common case
 * (as recorded, all voltages) is a single pass.
 */
static gboolean
page_request_run (PageRequest   *req,
                  IctoPage      *pg,
                  GCancellable  *cancellable,
                  GError       **error)
{
  IctoTracePage *page = req->page;
  guint n = page->n_channels;
  gsize bytes = sizeof (float) * page->n_columns;
  g_autofree guint *outputs = g_new (guint, MAX (n, 1));
  g_autofree guint *dest = g_new (guint, MAX (n, 1));

  for (guint pass = 0; pass < N_PASSES; pass++)
    {
      IctoPageRequest r = { 0 };
      guint k = 0;

      for (guint i = 0; i < n; i++)
        if (req->pass[i] == pass)
          {
            outputs[k] = req->index[i];
            dest[k++] = i;
          }
      if (k == 0)
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      r.start = page->start;
      r.duration = page->duration;
      r.montage = (pass & PASS_MONTAGE) ? req->montage : NULL;
      if (pass & PASS_FILTER)
        r.filter = req->filter;
      r.outputs = outputs;
      r.n_outputs = k;
      r.n_columns = page->n_columns;
      if (!icto_page_compute (pg, req->recording, &r, error))
        return FALSE;
      for (guint j = 0; j < k; j++)
        {
          float *mn = icto_trace_page_min (page, dest[j]);
          float *mx = icto_trace_page_max (page, dest[j]);

          memcpy (mn, icto_page_get_min (pg, j), bytes);
          memcpy (mx, icto_page_get_max (pg, j), bytes);
          if (req->flat[dest[j]])
            for (guint c = 0; c < page->n_columns; c++)
              if (!isnan (mn[c]))
                mn[c] = mx[c] = 0.0f;
        }
    }
  return TRUE;
}

IctoTracePage *
icto_session_fetch_page (IctoSession  *self,
                         guint         n_columns,
                         GError      **error)
{
  PageRequest *req;
  IctoPage *scratch;
  IctoTracePage *page = NULL;

  g_return_val_if_fail (ICTO_IS_SESSION (self), NULL);
  g_return_val_if_fail (n_columns > 0, NULL);

  req = page_request_new (self, n_columns, error);
  if (req == NULL)
    return NULL;
  scratch = take_scratch (self);
  if (page_request_run (req, scratch, NULL, error))
    page = g_steal_pointer (&req->page);
  give_scratch (self, scratch);
  page_request_free (req);
  return page;
}

static void
fetch_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  PageRequest *req = task_data;
  IctoPage *scratch = take_scratch (req->session);
  GError *error = NULL;
  gboolean ok = page_request_run (req, scratch, cancellable, &error);

  give_scratch (req->session, scratch);
  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, icto_trace_page_ref (req->page), (GDestroyNotify) icto_trace_page_unref);
}

void
icto_session_fetch_page_async (IctoSession         *self,
                               guint                n_columns,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  PageRequest *req;

  g_return_if_fail (ICTO_IS_SESSION (self));
  g_return_if_fail (n_columns > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, icto_session_fetch_page_async);
  req = page_request_new (self, n_columns, &error);
  if (req == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, req, (GDestroyNotify) page_request_free);
  g_task_run_in_thread (task, fetch_thread);
}

IctoTracePage *
icto_session_fetch_page_finish (IctoSession   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (ICTO_IS_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
icto_session_describe (IctoSession *self)
{
  g_autofree char *base = NULL;
  g_autofree char *filter = NULL;

  g_return_val_if_fail (ICTO_IS_SESSION (self), NULL);

  if (self->recording == NULL)
    return g_strdup (_("No recording open"));
  base = g_path_get_basename (icto_recording_get_path (self->recording));
  filter = icto_session_describe_filter (self);
  return g_strdup_printf (_("Recording %s, from %.1f s to %.1f s, montage %s, %s, %g µV/mm"),
                          base,
                          icto_ticks_to_seconds (self->start),
                          icto_ticks_to_seconds (self->start + icto_session_get_page_ticks (self)),
                          icto_session_get_montage_title (self),
                          filter, self->sensitivity);
}

gboolean
icto_session_parse_time (IctoSession  *self,
                         const char   *text,
                         gint64       *ticks,
                         GError      **error)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *stripped = NULL;
  double fields[3] = { 0 };
  guint n_parts;
  double seconds;
  gint64 t;
  gint64 duration;
  GDateTime *origin;

  g_return_val_if_fail (ICTO_IS_SESSION (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (ticks != NULL, FALSE);

  if (self->recording == NULL)
    {
      g_set_error_literal (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_NO_RECORDING,
                           _("No recording is open"));
      return FALSE;
    }
  stripped = g_strstrip (g_strdup (text));
  parts = g_strsplit (stripped, ":", -1);
  n_parts = g_strv_length (parts);
  if (n_parts < 1 || n_parts > 3 || stripped[0] == '\0')
    goto invalid;
  for (guint i = 0; i < n_parts; i++)
    {
      char *end = NULL;
      const char *p = parts[i];

      if (*p == '\0' || !(g_ascii_isdigit (*p) || (*p == '.' && i == n_parts - 1)))
        goto invalid;
      fields[i] = g_ascii_strtod (p, &end);
      if (end == NULL || *end != '\0' || !isfinite (fields[i]) || fields[i] < 0)
        goto invalid;
      if (i > 0 && fields[i] >= 60)
        goto invalid;
    }

  duration = icto_recording_get_duration (self->recording);
  origin = icto_recording_get_start_time (self->recording);
  if (n_parts == 3 && origin != NULL)
    {
      double of_day = fields[0] * 3600 + fields[1] * 60 + fields[2];
      double origin_of_day = g_date_time_get_hour (origin) * 3600.0 + g_date_time_get_minute (origin) * 60.0 +
                             g_date_time_get_seconds (origin);

      if (fields[0] >= 24)
        goto invalid;
      seconds = of_day - origin_of_day;
      if (seconds < 0)
        seconds += 86400;  /* after midnight */
    }
  else if (n_parts == 3)
    seconds = fields[0] * 3600 + fields[1] * 60 + fields[2];
  else if (n_parts == 2)
    seconds = fields[0] * 60 + fields[1];
  else
    seconds = fields[0];

  t = icto_seconds_to_ticks (seconds);
  if (t < 0 || t > duration)
    {
      g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                   _("%s is outside the recording, which lasts %.1f s"), stripped,
                   icto_ticks_to_seconds (duration));
      return FALSE;
    }
  *ticks = t;
  return TRUE;

invalid:
  g_set_error (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
               _("“%s” is not a time: type a clock time such as 10:32:05 or seconds such as 125"),
               text);
  return FALSE;
}
