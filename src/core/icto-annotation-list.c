/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-annotation-list"

#include "config.h"

#include <string.h>

#include "core/icto-annotation-list.h"

/* IctoAnnotationItem */

struct _IctoAnnotationItem
{
  GObject         parent_instance;
  IctoAnnotation *annotation;
  char           *channels;
};

G_DEFINE_FINAL_TYPE (IctoAnnotationItem, icto_annotation_item, G_TYPE_OBJECT)

enum {
  ITEM_PROP_0,
  ITEM_PROP_ID,
  ITEM_PROP_ONSET,
  ITEM_PROP_DURATION,
  ITEM_PROP_END,
  ITEM_PROP_LABEL,
  ITEM_PROP_RATER,
  ITEM_PROP_CHANNELS,
  ITEM_PROP_TEXT,
  ITEM_N_PROPS
};

static GParamSpec *item_properties[ITEM_N_PROPS];

static void
icto_annotation_item_finalize (GObject *object)
{
  IctoAnnotationItem *self = ICTO_ANNOTATION_ITEM (object);

  g_clear_pointer (&self->annotation, icto_annotation_free);
  g_free (self->channels);
  G_OBJECT_CLASS (icto_annotation_item_parent_class)->finalize (object);
}

static void
icto_annotation_item_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  IctoAnnotationItem *self = ICTO_ANNOTATION_ITEM (object);
  const IctoAnnotation *a = self->annotation;

  switch (prop_id)
    {
    case ITEM_PROP_ID:
      g_value_set_int64 (value, a->id);
      break;
    case ITEM_PROP_ONSET:
      g_value_set_int64 (value, a->onset);
      break;
    case ITEM_PROP_DURATION:
      g_value_set_int64 (value, a->duration);
      break;
    case ITEM_PROP_END:
      g_value_set_int64 (value, icto_annotation_get_end (a));
      break;
    case ITEM_PROP_LABEL:
      g_value_set_string (value, a->label);
      break;
    case ITEM_PROP_RATER:
      g_value_set_string (value, a->rater);
      break;
    case ITEM_PROP_CHANNELS:
      g_value_set_string (value, self->channels);
      break;
    case ITEM_PROP_TEXT:
      g_value_set_string (value, a->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
icto_annotation_item_class_init (IctoAnnotationItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = icto_annotation_item_finalize;
  object_class->get_property = icto_annotation_item_get_property;

  item_properties[ITEM_PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  item_properties[ITEM_PROP_ONSET] = g_param_spec_int64 ("onset", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  item_properties[ITEM_PROP_DURATION] = g_param_spec_int64 ("duration", NULL, NULL, 0, G_MAXINT64, 0, flags);
  item_properties[ITEM_PROP_END] = g_param_spec_int64 ("end", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  item_properties[ITEM_PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, flags);
  item_properties[ITEM_PROP_RATER] = g_param_spec_string ("rater", NULL, NULL, NULL, flags);
  item_properties[ITEM_PROP_CHANNELS] = g_param_spec_string ("channels", NULL, NULL, NULL, flags);
  item_properties[ITEM_PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, ITEM_N_PROPS, item_properties);
}

static void
icto_annotation_item_init (IctoAnnotationItem *self)
{
}

IctoAnnotationItem *
icto_annotation_item_new (const IctoAnnotation *annotation)
{
  IctoAnnotationItem *self;

  g_return_val_if_fail (annotation != NULL, NULL);

  self = g_object_new (ICTO_TYPE_ANNOTATION_ITEM, NULL);
  self->annotation = icto_annotation_copy (annotation);
  self->channels = annotation->channels != NULL ? g_strjoinv (",", annotation->channels) : g_strdup ("");
  return self;
}

const IctoAnnotation *
icto_annotation_item_get_annotation (IctoAnnotationItem *self)
{
  g_return_val_if_fail (ICTO_IS_ANNOTATION_ITEM (self), NULL);
  return self->annotation;
}

/* IctoAnnotationList */

struct _IctoAnnotationList
{
  GObject             parent_instance;

  IctoStore          *store;
  gulong              changed_id;
  gint64              recording_id;
  char              **raters;
  char              **labels;
  char               *search;       /* casefolded, NULL for none */
  GHashTable         *label_names;  /* code -> casefolded name, for the search */
  IctoAnnotationSort  sort;
  gboolean            descending;

  GPtrArray          *items;        /* IctoAnnotationItem, in list order */
  GPtrArray          *by_onset;     /* the same items by onset, then id */
  guint               reload_source;/* idle reload after store changes */
  GPtrArray          *sliced;       /* items made so far by the idle reload, by onset */
  GHashTable         *reuse;        /* id -> current item (referenced), during the idle reload */
  guint               slice;        /* next slice to read */
  guint               n_slices;
  gint64              slice_width;  /* ticks */
};

static void icto_annotation_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (IctoAnnotationList, icto_annotation_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, icto_annotation_list_model_init))

static gboolean
strv_contains_ci (char       **strv,
                  const char  *text)
{
  if (strv == NULL || text == NULL)
    return FALSE;
  for (guint i = 0; strv[i] != NULL; i++)
    if (g_ascii_strcasecmp (strv[i], text) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
contains_folded (const char *haystack,
                 const char *needle)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;
  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, needle) != NULL;
}

static gboolean
matches (IctoAnnotationList   *self,
         const IctoAnnotation *a)
{
  const char *name;

  if (self->labels != NULL && !strv_contains_ci (self->labels, a->label))
    return FALSE;
  if (self->search == NULL)
    return TRUE;
  if (contains_folded (a->label, self->search) || contains_folded (a->rater, self->search) ||
      contains_folded (a->text, self->search))
    return TRUE;
  name = self->label_names ? g_hash_table_lookup (self->label_names, a->label) : NULL;
  if (name != NULL && strstr (name, self->search) != NULL)
    return TRUE;
  if (a->channels != NULL)
    for (guint i = 0; a->channels[i] != NULL; i++)
      if (contains_folded (a->channels[i], self->search))
        return TRUE;
  return FALSE;
}

static int
compare_onset (const IctoAnnotation *a,
               const IctoAnnotation *b)
{
  if (a->onset != b->onset)
    return a->onset < b->onset ? -1 : 1;
  if (a->id != b->id)
    return a->id < b->id ? -1 : 1;
  return 0;
}

static int
compare_items (gconstpointer pa,
               gconstpointer pb,
               gpointer      user_data)
{
  IctoAnnotationList *self = user_data;
  const IctoAnnotation *a = (*(IctoAnnotationItem **) pa)->annotation;
  const IctoAnnotation *b = (*(IctoAnnotationItem **) pb)->annotation;
  int r = 0;

  switch (self->sort)
    {
    case ICTO_ANNOTATION_SORT_ONSET:
      r = 0;
      break;
    case ICTO_ANNOTATION_SORT_DURATION:
      r = a->duration < b->duration ? -1 : a->duration > b->duration ? 1 : 0;
      break;
    case ICTO_ANNOTATION_SORT_LABEL:
      r = g_strcmp0 (a->label, b->label);
      break;
    case ICTO_ANNOTATION_SORT_RATER:
      r = g_strcmp0 (a->rater, b->rater);
      break;
    default:
      g_assert_not_reached ();
    }
  if (r == 0)
    r = compare_onset (a, b);
  return self->descending ? -r : r;
}

static void
load_label_names (IctoAnnotationList *self)
{
  g_autoptr(GPtrArray) labels = NULL;

  g_clear_pointer (&self->label_names, g_hash_table_unref);
  self->label_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  labels = icto_store_list_labels (self->store, NULL, NULL);
  if (labels == NULL)
    return;
  for (guint i = 0; i < labels->len; i++)
    {
      IctoLabel *l = labels->pdata[i];
      if (l->name != NULL)
        g_hash_table_replace (self->label_names, g_strdup (l->code), g_utf8_casefold (l->name, -1));
    }
}

/* Replaces the items by @fresh (sorted), emitting items-changed only for the
 * range between the common beginning and end. */
static void
replace_items (IctoAnnotationList *self,
               GPtrArray          *fresh)
{
  g_autoptr(GPtrArray) old = self->items;
  guint prefix = 0, suffix = 0;

  self->items = g_ptr_array_ref (fresh);
  while (prefix < old->len && prefix < fresh->len && old->pdata[prefix] == fresh->pdata[prefix])
    prefix++;
  while (suffix < old->len - prefix && suffix < fresh->len - prefix &&
         old->pdata[old->len - 1 - suffix] == fresh->pdata[fresh->len - 1 - suffix])
    suffix++;
  if (old->len == fresh->len && prefix == old->len)
    return;
  g_list_model_items_changed (G_LIST_MODEL (self), prefix,
                              old->len - prefix - suffix, fresh->len - prefix - suffix);
}

static void
resort (IctoAnnotationList *self)
{
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_full (self->by_onset->len, g_object_unref);

  for (guint i = 0; i < self->by_onset->len; i++)
    g_ptr_array_add (fresh, g_object_ref (self->by_onset->pdata[i]));
  if (self->sort != ICTO_ANNOTATION_SORT_ONSET || self->descending)
    g_ptr_array_sort_with_data (fresh, compare_items, self);
  replace_items (self, fresh);
}

static const char * const *
raters_filter (IctoAnnotationList *self)
{
  return (const char * const *) self->raters;
}

/* id -> current item (referenced), to keep the items that did not change */
static GHashTable *
items_by_id (IctoAnnotationList *self)
{
  GHashTable *old = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_object_unref);

  for (guint i = 0; i < self->by_onset->len; i++)
    {
      IctoAnnotationItem *item = self->by_onset->pdata[i];
      g_hash_table_insert (old, &item->annotation->id, g_object_ref (item));
    }
  return old;
}

/* The item for @a (a new reference), or NULL when the filters refuse it. */
static IctoAnnotationItem *
make_item (IctoAnnotationList   *self,
           GHashTable           *old,
           const IctoAnnotation *a)
{
  IctoAnnotationItem *item;

  if (!matches (self, a))
    return NULL;
  item = g_hash_table_lookup (old, &a->id);
  if (item != NULL && icto_annotation_equal (item->annotation, a, TRUE, TRUE))
    return g_object_ref (item);
  return icto_annotation_item_new (a);
}

/* Makes the items those of @list (annotations sorted by onset then id;
 * NULL for none), keeping the items whose annotation did not change. */
static void
apply_annotations (IctoAnnotationList *self,
                   GPtrArray          *list)
{
  g_autoptr(GHashTable) old = items_by_id (self);
  GPtrArray *by_onset = g_ptr_array_new_full (list ? list->len : 0, g_object_unref);

  if (self->search != NULL)
    load_label_names (self);
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      IctoAnnotationItem *item = make_item (self, old, list->pdata[i]);
      if (item != NULL)
        g_ptr_array_add (by_onset, item);
    }
  g_clear_pointer (&self->by_onset, g_ptr_array_unref);
  self->by_onset = by_onset;
  resort (self);
}

static void
stop_slices (IctoAnnotationList *self)
{
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_pointer (&self->sliced, g_ptr_array_unref);
  g_clear_pointer (&self->reuse, g_hash_table_unref);
}

void
icto_annotation_list_reload (IctoAnnotationList *self)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (ICTO_IS_ANNOTATION_LIST (self));

  stop_slices (self);
  if (self->recording_id > 0)
    {
      list = icto_store_list (self->store, self->recording_id, G_MININT64, G_MAXINT64,
                              raters_filter (self), &error);
      if (list == NULL)
        g_warning ("Cannot read the annotations: %s", error->message);
    }
  apply_annotations (self, list);
}

/* The idle reload reads the recording in time slices of about 500
 * annotations (one interval-index query each), about 2 ms of them per
 * main-loop iteration, then applies them at once.  Annotations are taken
 * in the slice that holds their onset, so each comes once, in onset order. */
static void
start_slices (IctoAnnotationList *self)
{
  gint64 count = icto_store_count (self->store, self->recording_id, NULL);
  gint64 duration = icto_store_get_recording_duration (self->store, self->recording_id);

  self->sliced = g_ptr_array_new_with_free_func (g_object_unref);
  g_clear_pointer (&self->reuse, g_hash_table_unref);
  self->reuse = items_by_id (self);
  if (self->search != NULL)
    load_label_names (self);
  self->slice = 0;
  if (count <= 0 || duration <= 0)
    {
      self->n_slices = 1;
      self->slice_width = G_MAXINT64;
      return;
    }
  self->slice_width = MAX (10 * ICTO_STORE_TICKS_PER_SECOND, (gint64) ((double) duration * 500 / count));
  self->n_slices = (guint) MIN (duration / self->slice_width + 2, 100000);
}

static gboolean
read_slice (IctoAnnotationList *self)
{
  g_autoptr(GPtrArray) part = NULL;
  g_autoptr(GError) error = NULL;
  gboolean first = self->slice == 0, last = self->slice + 1 >= self->n_slices;
  gint64 start = first ? G_MININT64 : (gint64) self->slice * self->slice_width;
  gint64 end = last ? G_MAXINT64 : (gint64) (self->slice + 1) * self->slice_width;

  part = icto_store_list (self->store, self->recording_id, start, end, raters_filter (self), &error);
  if (part == NULL)
    {
      g_warning ("Cannot read the annotations: %s", error->message);
      return FALSE;
    }
  for (guint i = 0; i < part->len; i++)
    if (((IctoAnnotation *) part->pdata[i])->onset >= start)
      {
        IctoAnnotationItem *item = make_item (self, self->reuse, part->pdata[i]);
        if (item != NULL)
          g_ptr_array_add (self->sliced, item);
      }
  self->slice++;
  return TRUE;
}

static gboolean
reload_idle_cb (gpointer data)
{
  IctoAnnotationList *self = data;
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr(GPtrArray) done = NULL;

  if (self->recording_id <= 0)
    {
      self->reload_source = 0;
      icto_annotation_list_reload (self);
      return G_SOURCE_REMOVE;
    }
  if (self->sliced == NULL)
    {
      /* one step to start: the table of the current items */
      start_slices (self);
      return G_SOURCE_CONTINUE;
    }
  do
    {
      if (!read_slice (self))
        {
          self->reload_source = 0;
          g_clear_pointer (&self->sliced, g_ptr_array_unref);
          g_clear_pointer (&self->reuse, g_hash_table_unref);
          return G_SOURCE_REMOVE;
        }
    }
  while (self->slice < self->n_slices && g_get_monotonic_time () - t0 < 2000);
  if (self->slice < self->n_slices)
    return G_SOURCE_CONTINUE;
  self->reload_source = 0;
  g_clear_pointer (&self->reuse, g_hash_table_unref);
  done = g_steal_pointer (&self->sliced);
  g_clear_pointer (&self->by_onset, g_ptr_array_unref);
  self->by_onset = g_steal_pointer (&done);
  resort (self);
  return G_SOURCE_REMOVE;
}

static void
store_changed_cb (IctoStore          *store,
                  gint64              recording_id,
                  IctoAnnotationList *self)
{
  if (recording_id != self->recording_id)
    return;
  /* a reload under way starts again, to include this change */
  g_clear_pointer (&self->sliced, g_ptr_array_unref);
  g_clear_pointer (&self->reuse, g_hash_table_unref);
  if (self->reload_source == 0)
    self->reload_source = g_idle_add_full (G_PRIORITY_LOW, reload_idle_cb, self, NULL);
}

static GType
icto_annotation_list_get_item_type (GListModel *model)
{
  return ICTO_TYPE_ANNOTATION_ITEM;
}

static guint
icto_annotation_list_get_n_items (GListModel *model)
{
  return ICTO_ANNOTATION_LIST (model)->items->len;
}

static gpointer
icto_annotation_list_get_item (GListModel *model,
                               guint       position)
{
  IctoAnnotationList *self = ICTO_ANNOTATION_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (self->items->pdata[position]);
}

static void
icto_annotation_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = icto_annotation_list_get_item_type;
  iface->get_n_items = icto_annotation_list_get_n_items;
  iface->get_item = icto_annotation_list_get_item;
}

static void
icto_annotation_list_dispose (GObject *object)
{
  IctoAnnotationList *self = ICTO_ANNOTATION_LIST (object);

  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  stop_slices (self);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (icto_annotation_list_parent_class)->dispose (object);
}

static void
icto_annotation_list_finalize (GObject *object)
{
  IctoAnnotationList *self = ICTO_ANNOTATION_LIST (object);

  g_strfreev (self->raters);
  g_strfreev (self->labels);
  g_free (self->search);
  g_clear_pointer (&self->label_names, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->by_onset, g_ptr_array_unref);
  G_OBJECT_CLASS (icto_annotation_list_parent_class)->finalize (object);
}

static void
icto_annotation_list_class_init (IctoAnnotationListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = icto_annotation_list_dispose;
  object_class->finalize = icto_annotation_list_finalize;
}

static void
icto_annotation_list_init (IctoAnnotationList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_onset = g_ptr_array_new_with_free_func (g_object_unref);
  self->sort = ICTO_ANNOTATION_SORT_ONSET;
}

IctoAnnotationList *
icto_annotation_list_new (IctoStore *store)
{
  IctoAnnotationList *self;

  g_return_val_if_fail (ICTO_IS_STORE (store), NULL);

  self = g_object_new (ICTO_TYPE_ANNOTATION_LIST, NULL);
  self->store = g_object_ref (store);
  self->changed_id = g_signal_connect (store, "changed", G_CALLBACK (store_changed_cb), self);
  return self;
}

IctoStore *
icto_annotation_list_get_store (IctoAnnotationList *self)
{
  g_return_val_if_fail (ICTO_IS_ANNOTATION_LIST (self), NULL);
  return self->store;
}

void
icto_annotation_list_set_recording (IctoAnnotationList *self,
                                    gint64              recording_id)
{
  g_return_if_fail (ICTO_IS_ANNOTATION_LIST (self));

  self->recording_id = MAX (recording_id, 0);
  icto_annotation_list_reload (self);
}

gint64
icto_annotation_list_get_recording (IctoAnnotationList *self)
{
  g_return_val_if_fail (ICTO_IS_ANNOTATION_LIST (self), 0);
  return self->recording_id;
}

static char **
copy_filter (const char * const *strv)
{
  return strv != NULL && strv[0] != NULL ? g_strdupv ((char **) strv) : NULL;
}

void
icto_annotation_list_set_raters (IctoAnnotationList *self,
                                 const char * const *raters)
{
  g_return_if_fail (ICTO_IS_ANNOTATION_LIST (self));

  g_strfreev (self->raters);
  self->raters = copy_filter (raters);
  icto_annotation_list_reload (self);
}

const char * const *
icto_annotation_list_get_raters (IctoAnnotationList *self)
{
  g_return_val_if_fail (ICTO_IS_ANNOTATION_LIST (self), NULL);
  return (const char * const *) self->raters;
}

void
icto_annotation_list_set_labels (IctoAnnotationList *self,
                                 const char * const *labels)
{
  g_return_if_fail (ICTO_IS_ANNOTATION_LIST (self));

  g_strfreev (self->labels);
  self->labels = copy_filter (labels);
  icto_annotation_list_reload (self);
}

void
icto_annotation_list_set_search (IctoAnnotationList *self,
                                 const char         *text)
{
  g_autofree char *stripped = NULL;

  g_return_if_fail (ICTO_IS_ANNOTATION_LIST (self));

  stripped = g_strstrip (g_strdup (text ? text : ""));
  g_clear_pointer (&self->search, g_free);
  if (*stripped != '\0')
    self->search = g_utf8_casefold (stripped, -1);
  icto_annotation_list_reload (self);
}

void
icto_annotation_list_set_sort (IctoAnnotationList *self,
                               IctoAnnotationSort  key,
                               gboolean            descending)
{
  g_return_if_fail (ICTO_IS_ANNOTATION_LIST (self));
  g_return_if_fail (key <= ICTO_ANNOTATION_SORT_RATER);

  self->sort = key;
  self->descending = !!descending;
  resort (self);
}

int
icto_annotation_list_find (IctoAnnotationList *self,
                           gint64              id)
{
  g_return_val_if_fail (ICTO_IS_ANNOTATION_LIST (self), -1);

  if (self->reload_source != 0)
    icto_annotation_list_reload (self);
  for (guint i = 0; i < self->items->len; i++)
    if (((IctoAnnotationItem *) self->items->pdata[i])->annotation->id == id)
      return (int) i;
  return -1;
}

GPtrArray *
icto_annotation_list_query (IctoAnnotationList *self,
                            gint64              start,
                            gint64              end,
                            GError            **error)
{
  GPtrArray *list;
  guint kept = 0;

  g_return_val_if_fail (ICTO_IS_ANNOTATION_LIST (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->recording_id <= 0 || end <= start)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) icto_annotation_free);
  list = icto_store_list (self->store, self->recording_id, start, end, raters_filter (self), error);
  if (list == NULL)
    return NULL;
  if (self->labels == NULL && self->search == NULL)
    return list;
  if (self->search != NULL && self->label_names == NULL)
    load_label_names (self);
  /* filter in place, keeping the order */
  for (guint i = 0; i < list->len; i++)
    {
      IctoAnnotation *a = list->pdata[i];

      if (matches (self, a))
        list->pdata[kept++] = a;
      else
        icto_annotation_free (a);
    }
  g_ptr_array_set_free_func (list, NULL);
  g_ptr_array_set_size (list, kept);
  g_ptr_array_set_free_func (list, (GDestroyNotify) icto_annotation_free);
  return list;
}

const IctoAnnotation *
icto_annotation_list_find_next (IctoAnnotationList *self,
                                gint64              time,
                                int                 direction)
{
  GPtrArray *v;
  guint lo = 0, hi;

  g_return_val_if_fail (ICTO_IS_ANNOTATION_LIST (self), NULL);

  /* answer from the store as it is now */
  if (self->reload_source != 0)
    icto_annotation_list_reload (self);
  v = self->by_onset;
  hi = v->len;
  /* first index with onset > time (direction > 0) or >= time (direction < 0) */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      gint64 onset = ((IctoAnnotationItem *) v->pdata[mid])->annotation->onset;

      if (direction > 0 ? onset <= time : onset < time)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (direction > 0)
    return lo < v->len ? ((IctoAnnotationItem *) v->pdata[lo])->annotation : NULL;
  return lo > 0 ? ((IctoAnnotationItem *) v->pdata[lo - 1])->annotation : NULL;
}
