/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-detection-list"

#include "config.h"

#include <math.h>

#include "core/icto-detection-list.h"

typedef struct {
  int    decision;       /* ICTO_DETECTION_ACCEPTED or _REJECTED */
  gint64 annotation_id;
} Decision;

struct _IctoDetectionList
{
  GObject            parent_instance;

  float             *probs;
  guint              n_segments;
  double             segment_s;
  double             threshold;
  IctoDetectionSort  sort;
  gboolean           show_rejected;

  GHashTable        *decisions;   /* gint64 onset -> Decision */
  GArray            *events;      /* IctoEvent: all detections by time */
  GPtrArray         *items;       /* IctoDetection, visible, sorted */
};

static void icto_detection_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (IctoDetectionList, icto_detection_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, icto_detection_list_model_init))

static gint64
onset_of (const IctoEvent *e)
{
  return (gint64) llround (e->start_s * 1e7);
}

static int
compare_probability (gconstpointer a,
                     gconstpointer b)
{
  IctoDetection *da = *(IctoDetection **) a;
  IctoDetection *db = *(IctoDetection **) b;
  float pa = icto_detection_get_peak (da);
  float pb = icto_detection_get_peak (db);

  if (pa != pb)
    return pa > pb ? -1 : 1;
  return icto_detection_get_start_s (da) < icto_detection_get_start_s (db) ? -1 :
         icto_detection_get_start_s (da) > icto_detection_get_start_s (db) ? 1 : 0;
}

static gboolean
same_item (IctoDetection *a,
           IctoDetection *b)
{
  return icto_detection_get_start_s (a) == icto_detection_get_start_s (b) &&
         icto_detection_get_end_s (a) == icto_detection_get_end_s (b) &&
         icto_detection_get_peak (a) == icto_detection_get_peak (b) &&
         icto_detection_get_decision (a) == icto_detection_get_decision (b) &&
         icto_detection_get_annotation_id (a) == icto_detection_get_annotation_id (b);
}

/* Rebuilds the items from the events and decisions; emits the change
 * between the common head and tail of the old and new lists. */
static void
rebuild_items (IctoDetectionList *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint head = 0, tail = 0, n_old, n_new;

  for (guint i = 0; i < self->events->len; i++)
    {
      const IctoEvent *e = &g_array_index (self->events, IctoEvent, i);
      gint64 key = onset_of (e);
      const Decision *d = g_hash_table_lookup (self->decisions, &key);
      int decision = d ? d->decision : ICTO_DETECTION_UNDECIDED;

      if (decision == ICTO_DETECTION_REJECTED && !self->show_rejected)
        continue;
      g_ptr_array_add (items, icto_detection_new (e->start_s, e->end_s, e->peak_prob,
                                                  decision, d ? d->annotation_id : 0));
    }
  if (self->sort == ICTO_DETECTION_SORT_PROBABILITY)
    g_ptr_array_sort (items, compare_probability);

  n_old = self->items->len;
  n_new = items->len;
  while (head < n_old && head < n_new && same_item (self->items->pdata[head], items->pdata[head]))
    head++;
  while (tail < n_old - head && tail < n_new - head &&
         same_item (self->items->pdata[n_old - 1 - tail], items->pdata[n_new - 1 - tail]))
    tail++;
  if (head == n_old && head == n_new)
    return;
  /* keep the old objects where nothing changed */
  for (guint i = 0; i < head; i++)
    {
      g_object_unref (items->pdata[i]);
      items->pdata[i] = g_object_ref (self->items->pdata[i]);
    }
  for (guint i = 0; i < tail; i++)
    {
      g_object_unref (items->pdata[n_new - 1 - i]);
      items->pdata[n_new - 1 - i] = g_object_ref (self->items->pdata[n_old - 1 - i]);
    }
  g_ptr_array_unref (self->items);
  self->items = g_steal_pointer (&items);
  g_list_model_items_changed (G_LIST_MODEL (self), head, n_old - head - tail, n_new - head - tail);
}

static void
recompute (IctoDetectionList *self)
{
  g_clear_pointer (&self->events, g_array_unref);
  if (self->probs != NULL && self->n_segments > 0)
    self->events = icto_detect_events (self->probs, self->n_segments, self->segment_s,
                                       (float) self->threshold, ICTO_DETECTION_MERGE_GAP_S);
  else
    self->events = g_array_new (FALSE, FALSE, sizeof (IctoEvent));
  rebuild_items (self);
}

static GType
icto_detection_list_get_item_type (GListModel *model)
{
  return ICTO_TYPE_DETECTION;
}

static guint
icto_detection_list_get_n_items (GListModel *model)
{
  return ICTO_DETECTION_LIST (model)->items->len;
}

static gpointer
icto_detection_list_get_item (GListModel *model,
                              guint       position)
{
  IctoDetectionList *self = ICTO_DETECTION_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (self->items->pdata[position]);
}

static void
icto_detection_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = icto_detection_list_get_item_type;
  iface->get_n_items = icto_detection_list_get_n_items;
  iface->get_item = icto_detection_list_get_item;
}

static void
icto_detection_list_finalize (GObject *object)
{
  IctoDetectionList *self = ICTO_DETECTION_LIST (object);

  g_free (self->probs);
  g_clear_pointer (&self->decisions, g_hash_table_unref);
  g_clear_pointer (&self->events, g_array_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  G_OBJECT_CLASS (icto_detection_list_parent_class)->finalize (object);
}

static void
icto_detection_list_class_init (IctoDetectionListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = icto_detection_list_finalize;
}

static void
icto_detection_list_init (IctoDetectionList *self)
{
  self->segment_s = 5.0;
  self->threshold = 0.5;
  self->decisions = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->events = g_array_new (FALSE, FALSE, sizeof (IctoEvent));
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

IctoDetectionList *
icto_detection_list_new (void)
{
  return g_object_new (ICTO_TYPE_DETECTION_LIST, NULL);
}

void
icto_detection_list_set_probabilities (IctoDetectionList *self,
                                       const float       *probs,
                                       guint              n_segments,
                                       double             segment_s)
{
  g_return_if_fail (ICTO_IS_DETECTION_LIST (self));
  g_return_if_fail (segment_s > 0);

  g_clear_pointer (&self->probs, g_free);
  self->n_segments = probs != NULL ? n_segments : 0;
  self->segment_s = segment_s;
  if (self->n_segments > 0)
    self->probs = g_memdup2 (probs, sizeof (float) * n_segments);
  recompute (self);
}

void
icto_detection_list_set_threshold (IctoDetectionList *self,
                                   double             threshold)
{
  g_return_if_fail (ICTO_IS_DETECTION_LIST (self));

  threshold = CLAMP (threshold, 0.0, 1.0);
  if (threshold == self->threshold)
    return;
  self->threshold = threshold;
  recompute (self);
}

double
icto_detection_list_get_threshold (IctoDetectionList *self)
{
  g_return_val_if_fail (ICTO_IS_DETECTION_LIST (self), 0.5);
  return self->threshold;
}

void
icto_detection_list_set_sort (IctoDetectionList *self,
                              IctoDetectionSort  sort)
{
  g_return_if_fail (ICTO_IS_DETECTION_LIST (self));

  if (sort == self->sort)
    return;
  self->sort = sort;
  rebuild_items (self);
}

IctoDetectionSort
icto_detection_list_get_sort (IctoDetectionList *self)
{
  g_return_val_if_fail (ICTO_IS_DETECTION_LIST (self), ICTO_DETECTION_SORT_TIME);
  return self->sort;
}

void
icto_detection_list_set_show_rejected (IctoDetectionList *self,
                                       gboolean           show)
{
  g_return_if_fail (ICTO_IS_DETECTION_LIST (self));

  if (!show == !self->show_rejected)
    return;
  self->show_rejected = !!show;
  rebuild_items (self);
}

void
icto_detection_list_set_decision (IctoDetectionList    *self,
                                  gint64                onset,
                                  int                   decision,
                                  gint64                annotation_id)
{
  g_return_if_fail (ICTO_IS_DETECTION_LIST (self));

  if (decision == ICTO_DETECTION_UNDECIDED)
    g_hash_table_remove (self->decisions, &onset);
  else
    {
      Decision *d = g_new (Decision, 1);

      d->decision = decision;
      d->annotation_id = annotation_id;
      g_hash_table_replace (self->decisions, g_memdup2 (&onset, sizeof onset), d);
    }
  rebuild_items (self);
}

void
icto_detection_list_clear_decisions (IctoDetectionList *self)
{
  g_return_if_fail (ICTO_IS_DETECTION_LIST (self));

  g_hash_table_remove_all (self->decisions);
  rebuild_items (self);
}

GArray *
icto_detection_list_get_events (IctoDetectionList *self)
{
  g_return_val_if_fail (ICTO_IS_DETECTION_LIST (self), NULL);
  return g_array_ref (self->events);
}

guint
icto_detection_list_find (IctoDetectionList *self,
                          double             time_s)
{
  guint best = G_MAXUINT;
  double best_start = INFINITY;

  g_return_val_if_fail (ICTO_IS_DETECTION_LIST (self), G_MAXUINT);

  for (guint i = 0; i < self->items->len; i++)
    {
      IctoDetection *d = self->items->pdata[i];
      double s = icto_detection_get_start_s (d);

      if (s <= time_s && time_s < icto_detection_get_end_s (d))
        return i;
      if (s > time_s && s < best_start)
        {
          best = i;
          best_start = s;
        }
    }
  return best;
}
