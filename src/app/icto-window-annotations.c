/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-window-annotations"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "app/icto-window-annotations.h"
#include "widgets/icto-widgets-init.h"
#include "app/icto-window-private.h"
#include "core/icto-annotation-export.h"
#include "core/icto-annotation-list.h"
#include "widgets/icto-annotation-layer.h"

struct _IctoWindowAnnotations
{
  IctoWindow          *window;       /* owner */
  IctoStore           *store;        /* NULL when the database cannot be opened */
  IctoAnnotationList  *list;         /* shared by the layer and the side page */
  IctoAnnotationLayer *layer;
  gint64               recording_id;
  char                *last_label;   /* label given to annotations created by dragging */
  gulong               open_finished_id;
  gulong               pending_id;
  gulong               focus_id;

  GtkWidget           *page;         /* side page */
  GtkColumnView       *view;
  GtkSingleSelection  *selection;
  GtkSearchEntry      *search;
  GtkDropDown         *raters;
  GtkStringList       *rater_names;  /* "All raters" then the raters */
  GtkEntry            *me;
  GtkLabel            *count_label;
  GtkWidget           *pending_box;  /* in the status bar */
  GtkLabel            *pending_label;
  gboolean             syncing;

  GtkFileChooserNative *chooser;
  char                 *chooser_format;
};

static IctoWindowAnnotations *
get (IctoWindow *self)
{
  return self->annotations;
}

static void
show_info (IctoWindow *self,
           const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, 3);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static gboolean
ready (IctoWindow *self)
{
  IctoWindowAnnotations *an = get (self);

  return an != NULL && an->store != NULL && an->recording_id > 0;
}

static IctoTracePage *
current_page (IctoWindow *self)
{
  return icto_trace_view_get_page (self->trace_view);
}

/* Label of vocabulary position @position (1-based), or NULL. */
static IctoLabel *
label_at (IctoWindowAnnotations *an,
          int                    position)
{
  g_autoptr(GPtrArray) labels = icto_store_list_labels (an->store, NULL, NULL);

  if (labels == NULL || position < 1 || (guint) position > labels->len)
    return NULL;
  return icto_label_copy (labels->pdata[position - 1]);
}

static gboolean
is_seizure_label (IctoWindowAnnotations *an,
                  const char            *code)
{
  g_autoptr(IctoLabel) label = icto_store_get_label (an->store, NULL, code, NULL);

  return label != NULL && g_strcmp0 (label->category, "seizure") == 0;
}

static void
report (IctoWindow   *self,
        const GError *error)
{
  icto_window_show_error (self, error);
}

static gint64
add_annotation (IctoWindow     *self,
                IctoAnnotation *a)
{
  IctoWindowAnnotations *an = get (self);
  g_autoptr(GError) error = NULL;

  a->recording_id = an->recording_id;
  if (!icto_store_add (an->store, a, &error))
    {
      report (self, error);
      return 0;
    }
  icto_annotation_layer_set_selected (an->layer, a->id);
  return a->id;
}

static void
update_annotation (IctoWindow     *self,
                   IctoAnnotation *a)
{
  g_autoptr(GError) error = NULL;

  if (!icto_store_update (get (self)->store, a, &error))
    report (self, error);
}

/* The cursor time: under the pointer, else the last click, else mid-page. */
static gint64
cursor_time (IctoWindow *self)
{
  IctoWindowAnnotations *an = get (self);
  gint64 t = icto_annotation_layer_get_cursor (an->layer);
  IctoTracePage *page = current_page (self);

  if (t >= 0 || page == NULL)
    return MAX (t, 0);
  return page->start + page->duration / 2;
}

static void
jump_to (IctoWindow           *self,
         const IctoAnnotation *a)
{
  gint64 page = icto_session_get_page_ticks (self->session);
  gint64 start = icto_session_get_start (self->session);

  /* only move when the onset is not already well on the page */
  if (a->onset < start || a->onset > start + page * 9 / 10)
    icto_session_set_start (self->session, a->onset - page / 10);
  icto_annotation_layer_set_selected (get (self)->layer, a->id);
}

/* Store and recording */

static void
update_count (IctoWindowAnnotations *an)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (an->list));
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u annotation", "%u annotations", n), n);

  gtk_label_set_label (an->count_label, text);
}

static void
refresh_raters (IctoWindowAnnotations *an)
{
  g_auto(GStrv) raters = an->store ? icto_store_list_raters (an->store, NULL) : NULL;
  const char * const *filter = icto_annotation_list_get_raters (an->list);
  g_autofree char *current = filter != NULL && filter[0] != NULL ? g_strdup (filter[0]) : NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (an->rater_names));
  guint selected = 0;
  gboolean same = raters != NULL && n == g_strv_length (raters) + 1;

  for (guint i = 0; same && raters[i] != NULL; i++)
    same = g_strcmp0 (gtk_string_list_get_string (an->rater_names, i + 1), raters[i]) == 0;
  if (same)
    return;
  an->syncing = TRUE;
  gtk_string_list_splice (an->rater_names, 1, n - 1, (const char * const *) raters);
  for (guint i = 0; current != NULL && raters != NULL && raters[i] != NULL; i++)
    if (g_str_equal (raters[i], current))
      selected = i + 1;
  gtk_drop_down_set_selected (an->raters, selected);
  an->syncing = FALSE;
}

static void
update_pending (IctoWindowAnnotations *an)
{
  guint n = an->store ? icto_store_get_n_pending (an->store) : 0;

  if (n > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u annotation change not saved",
                                                            "%u annotation changes not saved", n), n);
      gtk_label_set_label (an->pending_label, text);
    }
  gtk_widget_set_visible (an->pending_box, n > 0);
}

static void
pending_changed_cb (IctoStore             *store,
                    GParamSpec            *pspec,
                    IctoWindowAnnotations *an)
{
  update_pending (an);
}

static void
open_finished_cb (IctoWindow *self,
                  gboolean    success,
                  gpointer    data)
{
  IctoWindowAnnotations *an = get (self);
  IctoRecording *rec = icto_session_get_recording (self->session);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (!success || an->store == NULL || rec == NULL)
    return;
  path = g_canonicalize_filename (icto_recording_get_path (rec), NULL);
  an->recording_id = icto_store_ensure_recording (an->store, icto_recording_get_fingerprint (rec), path,
                                                  icto_recording_get_duration (rec), &error);
  if (an->recording_id <= 0)
    {
      an->recording_id = 0;
      report (self, error);
    }
  icto_annotation_layer_set_selected (an->layer, 0);
  icto_annotation_list_set_recording (an->list, an->recording_id);
  refresh_raters (an);
  update_count (an);
}

/* The listed annotations as marks on the overview strip. */
static void
update_marks (IctoWindowAnnotations *an)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (an->list));
  g_autofree IctoOverviewMark *marks = g_new0 (IctoOverviewMark, MAX (n, 1));
  g_autoptr(GHashTable) colours = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(IctoAnnotationItem) item = g_list_model_get_item (G_LIST_MODEL (an->list), i);
      const IctoAnnotation *a = icto_annotation_item_get_annotation (item);
      gpointer rgb;

      if (!g_hash_table_lookup_extended (colours, a->label, NULL, &rgb))
        {
          g_autoptr(IctoLabel) label = icto_store_get_label (an->store, NULL, a->label, NULL);
          guint32 value = 0x5a5a5a;

          if (label != NULL && label->colour != NULL && label->colour[0] == '#')
            value = (guint32) g_ascii_strtoull (label->colour + 1, NULL, 16) & 0xffffff;
          rgb = GUINT_TO_POINTER (value);
          g_hash_table_insert (colours, g_strdup (a->label), rgb);
        }
      marks[i].onset = a->onset;
      marks[i].duration = a->duration;
      marks[i].rgb = GPOINTER_TO_UINT (rgb);
    }
  icto_overview_strip_set_annotation_marks (an->window->overview, marks, n);
}

static void
list_changed_cb (GListModel            *model,
                 guint                  position,
                 guint                  removed,
                 guint                  added,
                 IctoWindowAnnotations *an)
{
  update_count (an);
  update_marks (an);
  if (added > 0 || removed > 0)
    refresh_raters (an);
}

/* Layer signals */

static void
layer_create_cb (IctoAnnotationLayer *layer,
                 gint64               onset,
                 gint64               duration,
                 GStrv                channels,
                 IctoWindow          *self)
{
  IctoWindowAnnotations *an = get (self);
  g_autoptr(IctoAnnotation) a = NULL;

  if (!ready (self))
    return;
  a = icto_annotation_new ();
  a->onset = onset;
  a->duration = duration;
  a->channels = channels != NULL && channels[0] != NULL ? g_strdupv (channels) : NULL;
  if (an->last_label != NULL)
    a->label = g_strdup (an->last_label);
  else
    {
      g_autoptr(IctoLabel) first = label_at (an, 1);
      a->label = g_strdup (first != NULL ? first->code : "note");
    }
  add_annotation (self, a);
}

static void
layer_edit_cb (IctoAnnotationLayer *layer,
               IctoAnnotation      *changed,
               IctoWindow          *self)
{
  g_autoptr(IctoAnnotation) a = NULL;

  if (!ready (self))
    return;
  a = icto_annotation_copy (changed);
  /* a seizure's marks move with its edges when they sat on them */
  if (a->seizure != NULL)
    {
      g_autoptr(IctoAnnotation) old = icto_store_get (get (self)->store, a->id, NULL);
      if (old != NULL)
        {
          if (a->seizure->offset == icto_annotation_get_end (old))
            a->seizure->offset = icto_annotation_get_end (a);
          if (a->seizure->eec == old->onset)
            a->seizure->eec = a->onset;
        }
    }
  update_annotation (self, a);
}

static void
dialog_save_cb (IctoAnnotationDialog *dialog,
                IctoAnnotation       *a,
                IctoWindow           *self)
{
  if (ready (self))
    update_annotation (self, a);
}

static void
dialog_delete_cb (IctoAnnotationDialog *dialog,
                  gint64                id,
                  IctoWindow           *self)
{
  g_autoptr(GError) error = NULL;

  if (ready (self) && !icto_store_delete (get (self)->store, id, &error))
    report (self, error);
}

IctoAnnotationDialog *
_icto_window_annotations_edit (IctoWindow *self,
                               gint64      id)
{
  IctoWindowAnnotations *an = get (self);
  g_autoptr(IctoAnnotation) a = NULL;
  g_autoptr(GError) error = NULL;
  IctoAnnotationDialog *dialog;

  if (!ready (self))
    return NULL;
  a = icto_store_get (an->store, id, &error);
  if (a == NULL)
    {
      report (self, error);
      return NULL;
    }
  dialog = icto_annotation_dialog_new (GTK_WINDOW (self), an->store, a);
  g_signal_connect_object (dialog, "save", G_CALLBACK (dialog_save_cb), self, 0);
  g_signal_connect_object (dialog, "delete", G_CALLBACK (dialog_delete_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
layer_activate_cb (IctoAnnotationLayer *layer,
                   gint64               id,
                   IctoWindow          *self)
{
  _icto_window_annotations_edit (self, id);
}

static void
layer_channel_toggled_cb (IctoAnnotationLayer *layer,
                          const char          *channel,
                          IctoWindow          *self)
{
  IctoWindowAnnotations *an = get (self);
  g_autoptr(IctoAnnotation) a = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  gboolean removed = FALSE;
  gint64 id = icto_annotation_layer_get_selected (an->layer);

  if (!ready (self) || id <= 0 || (a = icto_store_get (an->store, id, NULL)) == NULL)
    {
      show_info (self, _("Select a seizure first, then Ctrl+click channel labels to mark its onset zone"));
      return;
    }
  if (a->seizure == NULL)
    a->seizure = icto_seizure_info_new ();
  builder = g_strv_builder_new ();
  for (guint i = 0; a->seizure->soz != NULL && a->seizure->soz[i] != NULL; i++)
    if (g_ascii_strcasecmp (a->seizure->soz[i], channel) == 0)
      removed = TRUE;
    else
      g_strv_builder_add (builder, a->seizure->soz[i]);
  if (!removed)
    g_strv_builder_add (builder, channel);
  g_strfreev (a->seizure->soz);
  a->seizure->soz = g_strv_builder_end (builder);
  if (a->seizure->soz[0] == NULL)
    g_clear_pointer (&a->seizure->soz, g_strfreev);
  update_annotation (self, a);
}

/* Actions */

static void
label_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  IctoWindowAnnotations *an = get (self);
  g_autoptr(IctoLabel) label = NULL;
  gint64 id;

  if (!ready (self) || (label = label_at (an, g_variant_get_int32 (param))) == NULL)
    return;
  g_free (an->last_label);
  an->last_label = g_strdup (label->code);
  id = icto_annotation_layer_get_selected (an->layer);
  if (id > 0)
    {
      g_autoptr(IctoAnnotation) a = icto_store_get (an->store, id, NULL);
      if (a != NULL)
        {
          g_free (a->label);
          a->label = g_strdup (label->code);
          update_annotation (self, a);
          return;
        }
    }
  {
    g_autoptr(IctoAnnotation) a = icto_annotation_new ();
    a->onset = cursor_time (self);
    a->label = g_strdup (label->code);
    add_annotation (self, a);
  }
}

static void
seizure_mark_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  IctoWindowAnnotations *an = get (self);
  const char *mark = g_variant_get_string (param, NULL);
  g_autoptr(IctoAnnotation) a = NULL;
  gint64 t, id, onset, end;
  IctoSeizureInfo *sz;

  if (!ready (self))
    return;
  t = cursor_time (self);
  id = icto_annotation_layer_get_selected (an->layer);
  if (id > 0)
    a = icto_store_get (an->store, id, NULL);
  if (a != NULL && !is_seizure_label (an, a->label))
    g_clear_pointer (&a, icto_annotation_free);
  if (a == NULL)
    {
      /* the first mark creates the seizure record */
      a = icto_annotation_new ();
      a->label = g_strdup ("sz");
      a->onset = t;
      a->duration = 0;
    }
  if (a->seizure == NULL)
    a->seizure = icto_seizure_info_new ();
  sz = a->seizure;
  if (g_str_equal (mark, "eec"))
    sz->eec = t;
  else if (g_str_equal (mark, "ueo"))
    sz->ueo = t;
  else if (g_str_equal (mark, "offset"))
    sz->offset = t;
  else
    return;
  /* the annotation spans its marks: from the earliest onset mark to the offset */
  onset = a->id > 0 ? a->onset : t;
  end = icto_annotation_get_end (a);
  if (sz->eec != ICTO_STORE_TIME_NONE)
    onset = sz->eec;
  else if (sz->ueo != ICTO_STORE_TIME_NONE)
    onset = sz->ueo;
  if (sz->clinical_onset != ICTO_STORE_TIME_NONE)
    onset = MIN (onset, sz->clinical_onset);
  if (sz->offset != ICTO_STORE_TIME_NONE)
    end = sz->offset;
  end = MAX (end, onset);
  a->onset = onset;
  a->duration = end - onset;
  if (a->id > 0)
    update_annotation (self, a);
  else
    add_annotation (self, a);
}

static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  IctoWindowAnnotations *an = get (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  gboolean redo = g_str_equal (action_name, "win.annotation-redo");
  gboolean ok;

  if (!ready (self))
    return;
  ok = redo ? icto_store_redo (an->store, an->recording_id, &description, &error)
            : icto_store_undo (an->store, an->recording_id, &description, &error);
  if (!ok)
    {
      if (g_error_matches (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOTHING_TO_UNDO) ||
          g_error_matches (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOTHING_TO_REDO))
        show_info (self, error->message);
      else
        report (self, error);
      return;
    }
  {
    /* Translators: a toast after undo or redo; %s describes the action */
    g_autofree char *text = g_strdup_printf (redo ? _("Redone: %s") : _("Undone: %s"),
                                             description ? _(description) : "");
    show_info (self, text);
  }
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  IctoWindowAnnotations *an = get (self);
  int direction = g_str_equal (action_name, "win.annotation-next") ? 1 : -1;
  gint64 id, from;
  const IctoAnnotation *target;

  if (!ready (self))
    return;
  id = icto_annotation_layer_get_selected (an->layer);
  from = icto_session_get_start (self->session) + (direction > 0 ? 0 : icto_session_get_page_ticks (self->session));
  if (id > 0)
    {
      g_autoptr(IctoAnnotation) a = icto_store_get (an->store, id, NULL);
      if (a != NULL)
        from = a->onset;
    }
  else if (direction > 0)
    from -= 1;
  target = icto_annotation_list_find_next (an->list, from, direction);
  /* annotations sharing an onset: step past the selected one by id order */
  if (target != NULL)
    jump_to (self, target);
  else
    show_info (self, direction > 0 ? _("No later annotation") : _("No earlier annotation"));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  IctoWindowAnnotations *an = get (self);
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (!ready (self) || (id = icto_annotation_layer_get_selected (an->layer)) <= 0)
    return;
  if (!icto_store_delete (an->store, id, &error))
    report (self, error);
  else
    icto_annotation_layer_set_selected (an->layer, 0);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  gint64 id;

  if (!ready (self) || (id = icto_annotation_layer_get_selected (get (self)->layer)) <= 0)
    return;
  _icto_window_annotations_edit (self, id);
}

static void
save_pending_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  IctoWindowAnnotations *an = get (self);
  g_autoptr(GError) error = NULL;

  if (an == NULL || an->store == NULL)
    return;
  if (!icto_store_flush_pending (an->store, &error))
    report (self, error);
  else
    show_info (self, _("All annotations are saved"));
}

/* Import and export */

static void
import_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    IctoWindow       *self)
{
  const char *path = g_object_get_data (G_OBJECT (dialog), "path");
  IctoAnnotFormat format = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "format"));
  IctoWindowAnnotations *an = get (self);
  g_autoptr(IctoImportReport) rep = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "good") || !ready (self))
    {
      show_info (self, _("Nothing was imported"));
      return;
    }
  if (!icto_store_import_file (an->store, an->recording_id, format, path, NULL, ICTO_IMPORT_SKIP_BAD_ROWS,
                               &rep, &error))
    {
      report (self, error);
      return;
    }
  {
    g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %u annotation",
                                                          "Imported %u annotations", rep->n_imported),
                                             rep->n_imported);
    show_info (self, text);
  }
}

void
_icto_window_annotations_import_path (IctoWindow      *self,
                                      const char      *path,
                                      IctoAnnotFormat  format)
{
  IctoWindowAnnotations *an = get (self);
  g_autoptr(IctoImportReport) rep = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) body = NULL;
  AdwMessageDialog *dialog;
  guint n_bad, n_good;

  g_return_if_fail (ICTO_IS_WINDOW (self));
  if (!ready (self))
    return;
  if (icto_store_import_file (an->store, an->recording_id, format, path, NULL, ICTO_IMPORT_ALL_OR_NOTHING,
                              &rep, &error))
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %u annotation",
                                                            "Imported %u annotations", rep->n_imported),
                                               rep->n_imported);
      show_info (self, text);
      return;
    }
  if (!g_error_matches (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_BAD_ROWS) || rep == NULL)
    {
      report (self, error);
      return;
    }

  /* broken rows: the user chooses between none and the good ones */
  n_bad = rep->problems->len;
  n_good = rep->n_rows > n_bad + rep->n_ignored ? rep->n_rows - n_bad - rep->n_ignored : 0;
  body = g_string_new (NULL);
  g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE,
                                             "%u row of this file cannot be read:",
                                             "%u rows of this file cannot be read:", n_bad), n_bad);
  for (guint i = 0; i < n_bad && i < 12; i++)
    {
      IctoImportProblem *p = rep->problems->pdata[i];
      g_string_append_c (body, '\n');
      /* Translators: one broken row of an imported file: its line number and the reason */
      g_string_append_printf (body, _("Line %u: %s"), p->line, p->message);
    }
  if (n_bad > 12)
    {
      g_string_append_c (body, '\n');
      g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE, "… and %u more", "… and %u more", n_bad - 12),
                              n_bad - 12);
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Some Rows Cannot Be Imported"),
                                                       body->str));
  adw_message_dialog_add_response (dialog, "cancel", _("Import _None"));
  {
    g_autofree char *good = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Import %u _Good Row",
                                                          "Import %u _Good Rows", n_good), n_good);
    adw_message_dialog_add_response (dialog, "good", good);
  }
  adw_message_dialog_set_response_appearance (dialog, "good", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "good", n_good > 0);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "path", g_strdup (path), g_free);
  g_object_set_data (G_OBJECT (dialog), "format", GINT_TO_POINTER (format));
  g_signal_connect_object (dialog, "response", G_CALLBACK (import_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
_icto_window_annotations_export_path (IctoWindow  *self,
                                      const char  *path,
                                      const char  *format,
                                      GError     **error)
{
  IctoWindowAnnotations *an = get (self);
  IctoRecording *rec = icto_session_get_recording (self->session);
  IctoExportOptions options = { NULL, -1, NULL };
  IctoAnnotFormat f;

  g_return_val_if_fail (ICTO_IS_WINDOW (self), FALSE);
  if (!ready (self) || rec == NULL)
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_NOT_FOUND, _("No recording is open"));
      return FALSE;
    }
  if (g_strcmp0 (format, "edf") == 0)
    return icto_annotation_export_edf (an->store, rec, an->recording_id,
                                       icto_annotation_list_get_raters (an->list), path, error);
  if (!icto_annot_format_from_string (format, &f))
    {
      g_set_error (error, ICTO_STORE_ERROR, ICTO_STORE_ERROR_INVALID, _("Unknown export format “%s”"), format);
      return FALSE;
    }
  options.raters = icto_annotation_list_get_raters (an->list);
  options.recording_duration = icto_recording_get_duration (rec);
  options.start_time = icto_recording_get_start_time (rec);
  return icto_store_export_file (an->store, an->recording_id, f, path, &options, error);
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     IctoWindow      *self)
{
  IctoWindowAnnotations *an = get (self);
  g_autofree char *format = g_steal_pointer (&an->chooser_format);
  gboolean save = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (dialog)) == GTK_FILE_CHOOSER_ACTION_SAVE;
  g_autoptr(GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog)) : NULL;
  g_autofree char *path = file ? g_file_get_path (file) : NULL;

  gtk_native_dialog_destroy (dialog);
  g_clear_object (&an->chooser);
  if (path == NULL)
    return;
  if (save)
    {
      g_autoptr(GError) error = NULL;
      if (!_icto_window_annotations_export_path (self, path, format, &error))
        report (self, error);
      else
        {
          g_autofree char *base = g_path_get_basename (path);
          /* Translators: %s is a file name */
          g_autofree char *text = g_strdup_printf (_("Annotations exported to %s"), base);
          show_info (self, text);
        }
    }
  else
    {
      IctoAnnotFormat f;
      if (icto_annot_format_from_string (format, &f))
        _icto_window_annotations_import_path (self, path, f);
    }
}

static void
open_chooser (IctoWindow *self,
              gboolean    save,
              const char *format)
{
  IctoWindowAnnotations *an = get (self);
  IctoRecording *rec = icto_session_get_recording (self->session);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (an->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (an->chooser));
      g_clear_object (&an->chooser);
    }
  g_free (an->chooser_format);
  an->chooser_format = g_strdup (format);
  an->chooser = gtk_file_chooser_native_new (save ? _("Export Annotations") : _("Import Annotations"),
                                             GTK_WINDOW (self),
                                             save ? GTK_FILE_CHOOSER_ACTION_SAVE : GTK_FILE_CHOOSER_ACTION_OPEN,
                                             save ? _("_Export") : _("_Import"), _("_Cancel"));
  if (g_str_equal (format, "csv"))
    {
      gtk_file_filter_set_name (filter, _("CSV files"));
      gtk_file_filter_add_pattern (filter, "*.csv");
    }
  else if (g_str_equal (format, "edf"))
    {
      gtk_file_filter_set_name (filter, _("EDF+ recordings"));
      gtk_file_filter_add_pattern (filter, "*.edf");
      gtk_file_filter_add_pattern (filter, "*.bdf");
    }
  else
    {
      gtk_file_filter_set_name (filter, _("Tab-separated files"));
      gtk_file_filter_add_pattern (filter, "*.tsv");
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (an->chooser), filter);
  if (save && rec != NULL)
    {
      g_autofree char *base = g_path_get_basename (icto_recording_get_path (rec));
      char *dot = strrchr (base, '.');
      g_autofree char *name = NULL;

      if (dot != NULL)
        *dot = '\0';
      if (g_str_equal (format, "bids"))
        name = g_strconcat (base, "_events.tsv", NULL);
      else if (g_str_equal (format, "szcore"))
        name = g_strconcat (base, "_szcore.tsv", NULL);
      else if (g_str_equal (format, "csv"))
        name = g_strconcat (base, "_annotations.csv", NULL);
      else
        name = g_strconcat (base, "_annotated.edf", NULL);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (an->chooser), name);
    }
  g_signal_connect (an->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (an->chooser));
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);
  IctoWindowAnnotations *an = get (self);
  const char *format = g_variant_get_string (param, NULL);

  if (!ready (self))
    return;
  if (g_str_equal (format, "edf"))
    {
      /* the open file's own EDF+ annotations, copied into the current rater's layer */
      g_autoptr(GError) error = NULL;
      guint n = 0;

      if (!icto_annotation_import_edf (an->store, icto_session_get_recording (self->session), an->recording_id,
                                       NULL, &n, &error))
        report (self, error);
      else
        {
          g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %u annotation",
                                                                "Imported %u annotations", n), n);
          show_info (self, text);
        }
      return;
    }
  open_chooser (self, FALSE, format);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  IctoWindow *self = ICTO_WINDOW (widget);

  if (ready (self))
    open_chooser (self, TRUE, g_variant_get_string (param, NULL));
}

/* The side page */

static void
setup_label_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_INT (data) ? 1.0f : 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (GPOINTER_TO_INT (data))
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static char *
seconds_display (gint64 t)
{
  return g_strdup_printf ("%.2f", (double) t / ICTO_STORE_TICKS_PER_SECOND);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         IctoWindowAnnotations    *an)
{
  IctoAnnotationItem *ai = gtk_list_item_get_item (item);
  const IctoAnnotation *a = icto_annotation_item_get_annotation (ai);
  const char *column = g_object_get_data (G_OBJECT (factory), "column");
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  g_autofree char *text = NULL;

  if (g_str_equal (column, "onset"))
    text = seconds_display (a->onset);
  else if (g_str_equal (column, "duration"))
    text = seconds_display (a->duration);
  else if (g_str_equal (column, "label"))
    {
      g_autoptr(IctoLabel) l = icto_store_get_label (an->store, NULL, a->label, NULL);
      text = g_strdup (l != NULL ? l->name : a->label);
    }
  else if (g_str_equal (column, "channels"))
    text = a->channels != NULL && a->channels[0] != NULL ? g_strjoinv (",", a->channels) : g_strdup (_("all"));
  else
    text = g_strdup (a->rater);
  gtk_label_set_label (label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), a->text);
}

static int
compare_column (gconstpointer a,
                gconstpointer b,
                gpointer      data)
{
  const IctoAnnotation *x = icto_annotation_item_get_annotation ((IctoAnnotationItem *) a);
  const IctoAnnotation *y = icto_annotation_item_get_annotation ((IctoAnnotationItem *) b);
  const char *column = data;
  int r = 0;

  if (g_str_equal (column, "duration"))
    r = x->duration < y->duration ? -1 : x->duration > y->duration;
  else if (g_str_equal (column, "label"))
    r = g_strcmp0 (x->label, y->label);
  else if (g_str_equal (column, "channels"))
    {
      g_autofree char *cx = x->channels ? g_strjoinv (",", x->channels) : NULL;
      g_autofree char *cy = y->channels ? g_strjoinv (",", y->channels) : NULL;
      r = g_strcmp0 (cx, cy);
    }
  else if (g_str_equal (column, "rater"))
    r = g_strcmp0 (x->rater, y->rater);
  if (r == 0)
    r = x->onset < y->onset ? -1 : x->onset > y->onset;
  if (r == 0)
    r = x->id < y->id ? -1 : x->id > y->id;
  return r;
}

static GtkColumnViewColumn *
add_column (IctoWindowAnnotations *an,
            const char            *id,
            const char            *title,
            gboolean               numeric,
            gboolean               expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;
  GtkSorter *sorter = GTK_SORTER (gtk_custom_sorter_new (compare_column, (gpointer) id, NULL));

  g_object_set_data (G_OBJECT (factory), "column", (gpointer) id);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_label_cb), GINT_TO_POINTER (numeric));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), an);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_append_column (an->view, column);
  g_object_unref (sorter);
  g_object_unref (column);
  return column;
}

static void
row_activated_cb (GtkColumnView *view,
                  guint          position,
                  IctoWindow    *self)
{
  IctoWindowAnnotations *an = get (self);
  g_autoptr(IctoAnnotationItem) item = g_list_model_get_item (G_LIST_MODEL (an->selection), position);

  if (item != NULL)
    jump_to (self, icto_annotation_item_get_annotation (item));
}

static void
selection_changed_cb (GtkSingleSelection    *selection,
                      GParamSpec            *pspec,
                      IctoWindowAnnotations *an)
{
  IctoAnnotationItem *item = gtk_single_selection_get_selected_item (selection);

  if (an->syncing || item == NULL)
    return;
  /* a click on a row shows that annotation */
  an->syncing = TRUE;
  jump_to (an->window, icto_annotation_item_get_annotation (item));
  an->syncing = FALSE;
}

static void
layer_selected_cb (IctoAnnotationLayer   *layer,
                   GParamSpec            *pspec,
                   IctoWindowAnnotations *an)
{
  gint64 id = icto_annotation_layer_get_selected (layer);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (an->selection));

  if (an->syncing)
    return;
  an->syncing = TRUE;
  gtk_single_selection_set_selected (an->selection, GTK_INVALID_LIST_POSITION);
  for (guint i = 0; id > 0 && i < n; i++)
    {
      g_autoptr(IctoAnnotationItem) item = g_list_model_get_item (G_LIST_MODEL (an->selection), i);
      if (icto_annotation_item_get_annotation (item)->id == id)
        {
          gtk_single_selection_set_selected (an->selection, i);
          break;
        }
    }
  an->syncing = FALSE;
}

static void
search_changed_cb (GtkSearchEntry        *entry,
                   IctoWindowAnnotations *an)
{
  icto_annotation_list_set_search (an->list, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
rater_selected_cb (GtkDropDown           *dropdown,
                   GParamSpec            *pspec,
                   IctoWindowAnnotations *an)
{
  guint i = gtk_drop_down_get_selected (dropdown);
  const char *raters[2] = { NULL, NULL };

  if (an->syncing)
    return;
  if (i != GTK_INVALID_LIST_POSITION && i > 0)
    raters[0] = gtk_string_list_get_string (an->rater_names, i);
  icto_annotation_list_set_raters (an->list, raters[0] != NULL ? raters : NULL);
}

static void
me_changed_cb (GtkEditable           *entry,
               IctoWindowAnnotations *an)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  if (an->store != NULL && *name != '\0')
    icto_store_set_default_rater (an->store, name);
}

static GtkWidget *
build_page (IctoWindow            *self,
            IctoWindowAnnotations *an)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *me_label = gtk_label_new (_("You are"));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  g_autoptr(GtkSortListModel) sorted = NULL;
  GtkColumnViewColumn *onset;
  const char *first[] = { _("All raters"), NULL };

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  an->search = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (an->search, "placeholder-text", _("Search annotations"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (an->search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search annotations"), -1);
  g_signal_connect (an->search, "search-changed", G_CALLBACK (search_changed_cb), an);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (an->search));

  an->rater_names = gtk_string_list_new (first);
  an->raters = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (an->rater_names)), NULL));
  gtk_widget_set_hexpand (GTK_WIDGET (an->raters), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (an->raters), _("Show the annotations of one rater or of all"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (an->raters), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Rater shown"), -1);
  g_signal_connect (an->raters, "notify::selected", G_CALLBACK (rater_selected_cb), an);
  icto_widgets_name_search_entries (GTK_WIDGET (an->raters), _("Search raters"));
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (an->raters));
  gtk_box_append (GTK_BOX (box), row);

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (me_label, "dim-label");
  gtk_box_append (GTK_BOX (row), me_label);
  an->me = GTK_ENTRY (gtk_entry_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (an->me), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (an->me), _("Your rater name: new annotations are yours"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (an->me), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Current rater"), -1);
  if (an->store != NULL)
    gtk_editable_set_text (GTK_EDITABLE (an->me), icto_store_get_default_rater (an->store));
  g_signal_connect (an->me, "changed", G_CALLBACK (me_changed_cb), an);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (an->me));
  gtk_box_append (GTK_BOX (box), row);

  an->view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_column_view_set_single_click_activate (an->view, FALSE);
  gtk_column_view_set_show_column_separators (an->view, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (an->view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Annotations"), -1);
  onset = add_column (an, "onset", _("Onset (s)"), TRUE, FALSE);
  gtk_column_view_column_set_fixed_width (onset, 84);
  gtk_column_view_column_set_fixed_width (add_column (an, "duration", _("Duration (s)"), TRUE, FALSE), 96);
  add_column (an, "label", _("Label"), FALSE, TRUE);
  add_column (an, "channels", _("Channels"), FALSE, FALSE);
  add_column (an, "rater", _("Rater"), FALSE, FALSE);
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (an->list)),
                                    g_object_ref (gtk_column_view_get_sorter (an->view)));
  an->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (sorted)));
  gtk_single_selection_set_autoselect (an->selection, FALSE);
  gtk_single_selection_set_can_unselect (an->selection, TRUE);
  gtk_column_view_set_model (an->view, GTK_SELECTION_MODEL (an->selection));
  gtk_column_view_sort_by_column (an->view, onset, GTK_SORT_ASCENDING);
  g_signal_connect (an->view, "activate", G_CALLBACK (row_activated_cb), self);
  g_signal_connect (an->selection, "notify::selected", G_CALLBACK (selection_changed_cb), an);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (an->view));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_AUTOMATIC, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);

  an->count_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (an->count_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (an->count_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (an->count_label), "caption");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (an->count_label));
  update_count (an);
  return box;
}

static void
build_status (IctoWindow            *self,
              IctoWindowAnnotations *an)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Save Now"));

  an->pending_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  an->pending_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (an->pending_label), "warning");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.annotations-save-pending");
  gtk_widget_add_css_class (button, "flat");
  gtk_box_append (GTK_BOX (an->pending_box), GTK_WIDGET (an->pending_label));
  gtk_box_append (GTK_BOX (an->pending_box), button);
  gtk_widget_set_visible (an->pending_box, FALSE);
  gtk_box_append (GTK_BOX (self->status_bar), an->pending_box);
}

static void
build_menu (IctoWindow *self)
{
  GObject *menu = gtk_widget_get_template_child (GTK_WIDGET (self), ICTO_TYPE_WINDOW, "primary_menu");
  g_autoptr(GMenu) section = g_menu_new ();
  g_autoptr(GMenu) import = g_menu_new ();
  g_autoptr(GMenu) export = g_menu_new ();

  if (!G_IS_MENU (menu))
    return;
  g_menu_append (import, _("From This Recording (EDF+)"), "win.annotations-import::edf");
  g_menu_append (import, _("BIDS events.tsv…"), "win.annotations-import::bids");
  g_menu_append (import, _("SzCORE TSV…"), "win.annotations-import::szcore");
  g_menu_append (import, _("CSV…"), "win.annotations-import::csv");
  g_menu_append (export, _("BIDS events.tsv…"), "win.annotations-export::bids");
  g_menu_append (export, _("SzCORE TSV…"), "win.annotations-export::szcore");
  g_menu_append (export, _("CSV…"), "win.annotations-export::csv");
  g_menu_append (export, _("EDF+ Copy of the Recording…"), "win.annotations-export::edf");
  g_menu_append_submenu (section, _("_Import Annotations"), G_MENU_MODEL (import));
  g_menu_append_submenu (section, _("_Export Annotations"), G_MENU_MODEL (export));
  g_menu_insert_section (G_MENU (menu), MIN (1, g_menu_model_get_n_items (G_MENU_MODEL (menu))), NULL,
                         G_MENU_MODEL (section));
}

/* Plain keys (1-9, E, U, O, N, P, Delete; and Ctrl+Z) are application accelerators,
 * which GTK 4 handles before the focused widget: while a text field of the
 * window has the focus they are switched off, so typing there works. */
static const char *const plain_key_actions[] = {
  "win.annotation-label", "win.seizure-mark", "win.annotation-next",
  "win.annotation-previous", "win.annotation-delete", "win.annotation-undo", "win.annotation-redo",
};

static void
focus_changed_cb (GtkWindow             *window,
                  GParamSpec            *pspec,
                  IctoWindowAnnotations *an)
{
  GtkWidget *focus = gtk_window_get_focus (window);
  gboolean typing = focus != NULL && GTK_IS_EDITABLE (focus);

  for (guint i = 0; i < G_N_ELEMENTS (plain_key_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (window), plain_key_actions[i], !typing);
}

void
_icto_window_annotations_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.annotation-label", "i", label_action);
  gtk_widget_class_install_action (widget_class, "win.seizure-mark", "s", seizure_mark_action);
  gtk_widget_class_install_action (widget_class, "win.annotation-undo", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "win.annotation-redo", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "win.annotation-next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "win.annotation-previous", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "win.annotation-delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "win.annotation-edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "win.annotations-import", "s", import_action);
  gtk_widget_class_install_action (widget_class, "win.annotations-export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "win.annotations-save-pending", NULL, save_pending_action);
}

void
_icto_window_annotations_init (IctoWindow *self)
{
  IctoWindowAnnotations *an = g_new0 (IctoWindowAnnotations, 1);
  g_autofree char *path = icto_store_default_path ();
  g_autoptr(GError) error = NULL;

  self->annotations = an;
  an->window = self;
  an->store = icto_store_open (path, &error);
  an->layer = icto_trace_view_get_annotation_layer (self->trace_view);
  build_status (self, an);
  build_menu (self);
  if (an->store == NULL)
    {
      /* shown once the window is up */
      g_prefix_error (&error, _("Annotations cannot be saved: "));
      icto_window_show_error (self, error);
      return;
    }
  an->list = icto_annotation_list_new (an->store);
  icto_annotation_layer_set_list (an->layer, an->list);
  g_signal_connect (an->layer, "create", G_CALLBACK (layer_create_cb), self);
  g_signal_connect (an->layer, "edit", G_CALLBACK (layer_edit_cb), self);
  g_signal_connect (an->layer, "activate", G_CALLBACK (layer_activate_cb), self);
  g_signal_connect (an->layer, "channel-toggled", G_CALLBACK (layer_channel_toggled_cb), self);
  g_signal_connect (an->layer, "notify::selected", G_CALLBACK (layer_selected_cb), an);
  g_signal_connect (an->list, "items-changed", G_CALLBACK (list_changed_cb), an);
  an->pending_id = g_signal_connect (an->store, "notify::n-pending", G_CALLBACK (pending_changed_cb), an);
  an->open_finished_id = g_signal_connect (self, "open-finished", G_CALLBACK (open_finished_cb), NULL);
  an->focus_id = g_signal_connect (self, "notify::focus-widget", G_CALLBACK (focus_changed_cb), an);

  an->page = build_page (self, an);
  _icto_window_add_side_page (self, an->page, "annotations", _("Annotations"));
  update_pending (an);
}

void
_icto_window_annotations_dispose (IctoWindow *self)
{
  IctoWindowAnnotations *an = self->annotations;

  if (an == NULL)
    return;
  self->annotations = NULL;
  if (an->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (an->chooser));
  g_clear_object (&an->chooser);
  g_clear_signal_handler (&an->open_finished_id, self);
  g_clear_signal_handler (&an->focus_id, self);
  if (an->layer != NULL)
    {
      g_signal_handlers_disconnect_by_data (an->layer, self);
      g_signal_handlers_disconnect_by_data (an->layer, an);
      icto_annotation_layer_set_list (an->layer, NULL);
    }
  if (an->store != NULL)
    g_clear_signal_handler (&an->pending_id, an->store);
  if (an->list != NULL)
    g_signal_handlers_disconnect_by_data (an->list, an);
  if (an->selection != NULL)
    g_signal_handlers_disconnect_by_data (an->selection, an);
  /* the factories' bind callbacks use @an: no more rows after this */
  if (an->view != NULL)
    {
      g_signal_handlers_disconnect_by_data (an->view, self);
      gtk_column_view_set_model (an->view, NULL);
    }
  if (an->raters != NULL)
    g_signal_handlers_disconnect_by_data (an->raters, an);
  if (an->search != NULL)
    g_signal_handlers_disconnect_by_data (an->search, an);
  if (an->me != NULL)
    g_signal_handlers_disconnect_by_data (an->me, an);
  g_clear_object (&an->selection);
  g_clear_object (&an->rater_names);
  g_clear_object (&an->list);
  g_clear_object (&an->store);
  g_free (an->last_label);
  g_free (an->chooser_format);
  g_free (an);
}

IctoStore *
_icto_window_annotations_get_store (IctoWindow *self)
{
  g_return_val_if_fail (ICTO_IS_WINDOW (self), NULL);
  return self->annotations ? self->annotations->store : NULL;
}

gint64
_icto_window_annotations_get_recording (IctoWindow *self)
{
  g_return_val_if_fail (ICTO_IS_WINDOW (self), 0);
  return self->annotations ? self->annotations->recording_id : 0;
}
