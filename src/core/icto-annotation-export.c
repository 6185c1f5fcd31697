/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-annotation-export"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "core/icto-annotation-export.h"
#include "signal/icto-edf-writer.h"
#include "store/icto-store-io.h"

/* TAL text of a stored annotation: the label's name, or the free text of a note. */
static char *
edf_text (IctoStore            *store,
          const IctoAnnotation *a)
{
  g_autoptr(IctoLabel) label = NULL;

  if (g_strcmp0 (a->label, "note") == 0 && a->text != NULL)
    return g_strdup (a->text);
  label = icto_store_get_label (store, NULL, a->label, NULL);
  return g_strdup (label != NULL ? label->name : a->label);
}

gboolean
icto_annotation_export_edf (IctoStore           *store,
                            IctoRecording       *recording,
                            gint64               recording_id,
                            const char * const  *raters,
                            const char          *out,
                            GError             **error)
{
  g_autofree char *src_path = NULL;
  g_autofree char *dst_path = NULL;
  IctoFormat format;
  guint n_signals;
  g_autofree IctoEdfWriterSignal *signals = NULL;
  g_autoptr(GPtrArray) buffers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) annotations = NULL;
  IctoEdfWriterOptions options = { 0 };
  IctoEdfWriter *writer;
  gint64 n_records;

  g_return_val_if_fail (ICTO_IS_STORE (store), FALSE);
  g_return_val_if_fail (recording != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  src_path = g_canonicalize_filename (icto_recording_get_path (recording), NULL);
  dst_path = g_canonicalize_filename (out, NULL);
  format = icto_recording_get_format (recording);
  n_signals = icto_recording_get_n_signals (recording);
  n_records = icto_recording_get_n_records (recording);
  signals = g_new0 (IctoEdfWriterSignal, MAX (n_signals, 1));

  if (g_strcmp0 (src_path, dst_path) == 0)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_FILE,
                   _("The EDF+ export must go to a new file: the recording itself is never changed"));
      return FALSE;
    }
  if (format == ICTO_FORMAT_EDF_PLUS_D || format == ICTO_FORMAT_BDF_PLUS_D)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_FILE,
                   _("EDF+ export of discontinuous (EDF+D) recordings is not supported"));
      return FALSE;
    }
  annotations = icto_store_list (store, recording_id, G_MININT64, G_MAXINT64, raters, error);
  if (annotations == NULL)
    return FALSE;

  for (guint i = 0; i < n_signals; i++)
    {
      const IctoSignalInfo *info = icto_recording_get_signal (recording, i);

      /* same unit and range as the original (reads give microvolts: scaled back below) */
      signals[i].label = info->label;
      signals[i].transducer = info->transducer;
      signals[i].unit = info->unit;
      signals[i].prefilter = info->prefilter;
      signals[i].physical_min = info->physical_min;
      signals[i].physical_max = info->physical_max;
      signals[i].samples_per_record = info->samples_per_record;
      g_ptr_array_add (buffers, g_new0 (float, MAX (info->samples_per_record, 1)));
    }
  options.bdf = format == ICTO_FORMAT_BDF || format == ICTO_FORMAT_BDF_PLUS_C;
  options.patient = icto_recording_get_patient (recording);
  options.start_time = icto_recording_get_start_time (recording);
  options.record_duration = icto_recording_get_record_duration (recording);

  writer = icto_edf_writer_new (out, &options, signals, n_signals, error);
  if (writer == NULL)
    return FALSE;

  for (gint64 r = 0; r < n_records; r++)
    {
      for (guint i = 0; i < n_signals; i++)
        {
          const IctoSignalInfo *info = icto_recording_get_signal (recording, i);
          float *buf = buffers->pdata[i];

          if (!icto_recording_read_samples (recording, i, r * signals[i].samples_per_record,
                                            (gsize) signals[i].samples_per_record, buf, error))
            goto fail;
          if (info->to_microvolts != 1.0)
            for (int k = 0; k < signals[i].samples_per_record; k++)
              buf[k] = (float) (buf[k] / info->to_microvolts);
        }
      if (!icto_edf_writer_write_record (writer, (const float *const *) buffers->pdata, error))
        goto fail;
    }
  for (guint i = 0; i < icto_recording_get_n_annotations (recording); i++)
    {
      const IctoEdfAnnotation *e = icto_recording_get_annotation (recording, i);

      if (!icto_edf_writer_add_annotation (writer, e->onset, e->duration, e->text, error))
        goto fail;
    }
  for (guint i = 0; i < annotations->len; i++)
    {
      IctoAnnotation *a = annotations->pdata[i];
      g_autofree char *text = edf_text (store, a);
      gint64 duration = a->duration > 0 ? a->duration : -1;

      if (a->channels == NULL || a->channels[0] == NULL)
        {
          if (!icto_edf_writer_add_annotation (writer, a->onset, duration, text, error))
            goto fail;
          continue;
        }
      for (guint c = 0; a->channels[c] != NULL; c++)
        {
          g_autofree char *linked = g_strdup_printf ("%s@@%s", text, a->channels[c]);
          if (!icto_edf_writer_add_annotation (writer, a->onset, duration, linked, error))
            goto fail;
        }
    }
  if (!icto_edf_writer_close (writer, error))
    {
      g_unlink (out);
      return FALSE;
    }
  return TRUE;

fail:
  icto_edf_writer_close (writer, NULL);
  g_unlink (out);
  return FALSE;
}

gboolean
icto_annotation_import_edf (IctoStore      *store,
                            IctoRecording  *recording,
                            gint64          recording_id,
                            const char     *rater,
                            guint          *n_imported,
                            GError        **error)
{
  guint n, n_signals;
  g_autofree IctoStoreEvent *events = NULL;
  g_autofree const char **names = NULL;
  guint added = 0;

  g_return_val_if_fail (ICTO_IS_STORE (store), FALSE);
  g_return_val_if_fail (recording != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  n = icto_recording_get_n_annotations (recording);
  n_signals = icto_recording_get_n_signals (recording);
  events = g_new0 (IctoStoreEvent, MAX (n, 1));
  names = g_new0 (const char *, n_signals + 1);
  for (guint i = 0; i < n; i++)
    {
      const IctoEdfAnnotation *e = icto_recording_get_annotation (recording, i);
      events[i].onset = e->onset;
      events[i].duration = e->duration;
      events[i].text = e->text;
    }
  for (guint i = 0; i < n_signals; i++)
    names[i] = icto_recording_get_signal (recording, i)->label;
  if (!icto_store_import_events (store, recording_id, events, n, names, rater, &added, error))
    return FALSE;
  if (n_imported != NULL)
    *n_imported = added;
  return TRUE;
}
