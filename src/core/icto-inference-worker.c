/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-inference-worker"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

#include "core/icto-core-error.h"
#include "core/icto-inference-worker-private.h"
#include "core/icto-inference-worker.h"
#include "core/icto-inference.h"
#include "store/icto-result-cache.h"

#define SEGMENT_S        5.0
#define WINDOW_T         25
#define MODEL_RATE       512
/* preprocessing settings: part of the cache key */
#define SETTINGS         "mvpformer;rate=512;segment=5;window=25;step=5;resample=linear"
#define DELIVERY_MS      100    /* results reach the main thread at most this often */
#define WRITE_BATCH      32     /* windows per cache transaction */
#define RATE_SPAN_US     (4 * G_USEC_PER_SEC)
#define ENCODING_CACHE_BYTES (64u << 20)
#define WORKER_NICE      10

typedef enum {
  SEG_PENDING = ICTO_SEGMENT_PENDING,
  SEG_DONE = ICTO_SEGMENT_DONE,
  SEG_NO_WINDOW = ICTO_SEGMENT_NO_WINDOW,
  SEG_GAP = ICTO_SEGMENT_GAP,
} SegState;

/* One result for the main thread. */
typedef struct {
  guint    segment;
  guint8   state;         /* SEG_DONE or SEG_GAP */
  float    prob;
  float   *agreement;     /* [n_ch] or NULL (GAP) */
  float   *contribution;  /* [n_ch] or NULL */
} Result;

/*
 * The work of one configuration (recording, model, channels), shared by the
 * worker (main thread), its thread and the queued deliveries.  A new
 * configuration makes a new Job; the old one is cancelled and whatever it
 * still delivers is dropped (the worker only accepts its current job's).
 */
typedef struct {
  gint           ref_count;
  GMutex         mutex;
  GCond          cond;
  GCancellable  *cancellable;
  GMainContext  *context;
  GWeakRef       worker;

  /* configuration (read only after start) */
  IctoRecording *recording;
  IctoModel     *model;
  guint         *channels;
  guint          n_ch;
  char         **labels;
  char          *model_hash;
  char          *store_path;
  guint          n_seg;
  int            T;          /* window length in segments */
  int            n_threads;

  /* thread side */
  guint8        *seg_state;  /* [n_seg], touched by the thread only after start */

  /* under mutex */
  guint          focus_first, focus_last;   /* segments, inclusive */
  guint          focus_serial;
  gboolean       paused;
  GArray        *results;                   /* Result */
  gboolean       delivery_queued;
  gint64         last_delivery;
  gboolean       finished;
  GError        *error;
  guint          n_done_total;             /* windows computed by the thread */
} Job;

struct _IctoInferenceWorker
{
  GObject             parent_instance;

  IctoStore          *store;
  IctoRecording      *recording;
  IctoModel          *model;
  char               *model_path;
  char               *head_path;
  char               *model_hash;
  GArray             *channels;       /* guint; empty = all */

  Job                *job;
  IctoInferenceState  state;
  GError             *error;
  gboolean            paused;
  double              focus_start_s, focus_end_s;

  guint               n_seg;
  guint               n_ch;           /* result channels */
  guint              *ch_signals;     /* [n_ch] */
  guint8             *seg_state;      /* [n_seg] */
  float              *prob;           /* [n_seg] */
  float              *agreement;      /* [n_ch * n_seg] channel-major */
  float              *contribution;   /* [n_ch * n_seg] */
  guint               n_computable;
  guint               n_done;
  guint               n_gap_nonfinite;
  int                 n_threads;

  /* windows per second: (time, n_done) samples */
  GQueue              rate_samples;
};

G_DEFINE_FINAL_TYPE (IctoInferenceWorker, icto_inference_worker, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_FRACTION,
  N_PROPS
};

enum {
  SEGMENTS_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];
static gint busy_threads;

typedef struct {
  gint64 time;
  guint  done;
} RateSample;

/* ---- jobs ---- */

static Job *
job_ref (Job *job)
{
  g_atomic_int_inc (&job->ref_count);
  return job;
}

static void
result_clear (gpointer data)
{
  Result *r = data;

  g_free (r->agreement);
  g_free (r->contribution);
}

static void
job_unref (Job *job)
{
  if (!g_atomic_int_dec_and_test (&job->ref_count))
    return;
  g_mutex_clear (&job->mutex);
  g_cond_clear (&job->cond);
  g_clear_object (&job->cancellable);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_weak_ref_clear (&job->worker);
  g_clear_object (&job->recording);
  g_clear_pointer (&job->model, icto_model_unref);
  g_free (job->channels);
  g_strfreev (job->labels);
  g_free (job->model_hash);
  g_free (job->store_path);
  g_free (job->seg_state);
  g_clear_pointer (&job->results, g_array_unref);
  g_clear_error (&job->error);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_unref)

static gboolean deliver_cb (gpointer data);

/* Under job->mutex: queue a delivery unless one is queued (at most one per
 * DELIVERY_MS unless @now). */
static void
queue_delivery_locked (Job      *job,
                       gboolean  now)
{
  GSource *source;
  gint64 elapsed_ms;
  guint delay = 0;

  if (job->delivery_queued)
    return;
  elapsed_ms = (g_get_monotonic_time () - job->last_delivery) / 1000;
  if (!now && elapsed_ms < DELIVERY_MS)
    delay = (guint) (DELIVERY_MS - elapsed_ms);
  job->delivery_queued = TRUE;
  source = delay > 0 ? g_timeout_source_new (delay) : g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (source, deliver_cb, job_ref (job), (GDestroyNotify) job_unref);
  g_source_set_static_name (source, "[icto] inference results");
  g_source_attach (source, job->context);
  g_source_unref (source);
}

/* Segment order: the focus range, then the ranges of the same length on
 * either side, then everything from the start.  Returns the first pending
 * segment and the end (exclusive) of its zone, or FALSE when none. */
static gboolean
next_chunk (Job   *job,
            guint  focus_first,
            guint  focus_last,
            guint *first,
            guint *end)
{
  guint len, zones[3][2];

  if (job->n_seg == 0)
    return FALSE;
  focus_first = MIN (focus_first, job->n_seg - 1);
  focus_last = CLAMP (focus_last, focus_first, job->n_seg - 1);
  len = focus_last - focus_first + 1;
  zones[0][0] = focus_first;
  zones[0][1] = focus_last + 1;
  zones[1][0] = focus_first > len ? focus_first - len : 0;
  zones[1][1] = MIN (job->n_seg, focus_last + 1 + len);
  zones[2][0] = 0;
  zones[2][1] = job->n_seg;
  for (guint z = 0; z < 3; z++)
    for (guint k = zones[z][0]; k < zones[z][1]; k++)
      if (job->seg_state[k] == SEG_PENDING)
        {
          /* consecutive windows are cheap (one new segment each), a new
           * chunk re-encodes a whole window: the focus chunk runs on
           * through the right-hand neighbours */
          guint limit = z < 2 ? zones[1][1] : zones[2][1];
          guint e = k;

          while (e < limit && job->seg_state[e] == SEG_PENDING)
            e++;
          *first = k;
          *end = e;
          return TRUE;
        }
  return FALSE;
}

/* Whether the focus range or its neighbours still have pending segments
 * (thread side). */
static gboolean
focus_has_pending (Job   *job,
                   guint  focus_first,
                   guint  focus_last)
{
  guint len, lo, hi;

  if (job->n_seg == 0)
    return FALSE;
  focus_first = MIN (focus_first, job->n_seg - 1);
  focus_last = CLAMP (focus_last, focus_first, job->n_seg - 1);
  len = focus_last - focus_first + 1;
  lo = focus_first > len ? focus_first - len : 0;
  hi = MIN (job->n_seg, focus_last + 1 + len);
  for (guint k = lo; k < hi; k++)
    if (job->seg_state[k] == SEG_PENDING)
      return TRUE;
  return FALSE;
}

typedef struct {
  Job       *job;
  guint      serial;
  guint      first;       /* the chunk's first segment */
  IctoStore *store;
  gint64     run_id;
  GArray    *to_write;    /* IctoResultWindow (arrays owned) */
} RunCtx;

static void
flush_writes (RunCtx *ctx)
{
  g_autoptr(GError) error = NULL;

  if (ctx->to_write->len == 0)
    return;
  if (ctx->store != NULL && ctx->run_id > 0 &&
      !icto_result_cache_put_windows (ctx->store, ctx->run_id, (IctoResultWindow *) (gpointer) ctx->to_write->data,
                                      ctx->to_write->len, &error))
    g_debug ("Could not cache model results: %s", error->message);
  for (guint i = 0; i < ctx->to_write->len; i++)
    {
      IctoResultWindow *w = &g_array_index (ctx->to_write, IctoResultWindow, i);

      g_free (w->agreement);
      g_free (w->contribution);
    }
  g_array_set_size (ctx->to_write, 0);
}

static gboolean
window_cb (const IctoInferenceWindow *window,
           gpointer                   user_data)
{
  RunCtx *ctx = user_data;
  Job *job = ctx->job;
  double seg = window->end_s / SEGMENT_S - 1.0;
  gboolean keep_going;
  Result r = { 0 };

  if (g_cancellable_is_cancelled (job->cancellable))
    return FALSE;
  if (seg >= -0.5 && seg < (double) job->n_seg - 0.5)
    {
      IctoResultWindow w = { 0 };

      r.segment = (guint) llround (seg);
      r.state = SEG_DONE;
      r.prob = window->seizure_prob;
      r.agreement = g_memdup2 (window->agreement, sizeof (float) * job->n_ch);
      r.contribution = window->contribution != NULL
                       ? g_memdup2 (window->contribution, sizeof (float) * job->n_ch) : NULL;
      job->seg_state[r.segment] = SEG_DONE;

      w.start = icto_seconds_to_ticks (window->start_s);
      w.n_segments = window->n_segments;
      w.seizure_prob = window->seizure_prob;
      w.n_channels = job->n_ch;
      w.agreement = g_memdup2 (window->agreement, sizeof (float) * job->n_ch);
      w.contribution = r.contribution != NULL ? g_memdup2 (r.contribution, sizeof (float) * job->n_ch) : NULL;
      g_array_append_val (ctx->to_write, w);
      if (ctx->to_write->len >= WRITE_BATCH)
        flush_writes (ctx);
    }

  g_mutex_lock (&job->mutex);
  if (r.state == SEG_DONE)
    {
      g_array_append_val (job->results, r);
      job->n_done_total++;
      queue_delivery_locked (job, FALSE);
    }
  /* a new focus: stop this chunk and pick again, unless the chunk is
   * already running through the new focus range or its right-hand
   * neighbours */
  keep_going = !job->paused;
  if (keep_going && job->focus_serial != ctx->serial)
    {
      guint len = job->focus_last - job->focus_first + 1;
      guint next = r.state == SEG_DONE ? r.segment + 1 : G_MAXUINT;

      if ((ctx->first <= job->focus_first && next >= job->focus_first && next <= job->focus_last + len) ||
          !focus_has_pending (job, job->focus_first, job->focus_last))
        ctx->serial = job->focus_serial;
      else
        keep_going = FALSE;
    }
  g_mutex_unlock (&job->mutex);
  return keep_going;
}

static gpointer
job_thread (gpointer data)
{
  g_autoptr(Job) job = data;
  g_autoptr(IctoStore) store = NULL;
  g_autoptr(GArray) to_write = NULL;
  g_autoptr(GError) error = NULL;
  /* encodings survive the chunks: a jump re-encodes only what is new */
  g_autoptr(IctoEncodingCache) encodings = icto_encoding_cache_new (ENCODING_CACHE_BYTES);
  double total_s = icto_ticks_to_seconds (icto_recording_get_duration (job->recording));
  gint64 run_id = 0;

#ifdef __linux__
  /* below the UI thread: the window keeps its frames while the model runs
   * (Linux nice values are per thread; the model's pool threads, created
   * from this one, inherit it) */
  if (setpriority (PRIO_PROCESS, (id_t) gettid (), WORKER_NICE) != 0)
    g_debug ("Could not lower the worker thread's priority: %s", g_strerror (errno));
#endif
  to_write = g_array_new (FALSE, TRUE, sizeof (IctoResultWindow));
  if (job->store_path != NULL)
    {
      g_autoptr(GError) store_error = NULL;

      store = icto_store_open (job->store_path, &store_error);
      if (store != NULL)
        run_id = icto_result_cache_ensure_run (store, icto_recording_get_fingerprint (job->recording),
                                               job->model_hash, (const char * const *) job->labels, job->n_ch,
                                               SETTINGS, &store_error);
      if (store_error != NULL)
        g_debug ("Model results will not be cached: %s", store_error->message);
    }

  for (;;)
    {
      IctoInferenceOptions opts = { 0 };
      g_autoptr(GError) local = NULL;
      RunCtx ctx = { job, 0, 0, store, run_id, to_write };
      guint first = 0, end = 0, focus_first, focus_last;
      gboolean ok;

      g_mutex_lock (&job->mutex);
      while (job->paused && !g_cancellable_is_cancelled (job->cancellable))
        g_cond_wait (&job->cond, &job->mutex);
      ctx.serial = job->focus_serial;
      focus_first = job->focus_first;
      focus_last = job->focus_last;
      g_mutex_unlock (&job->mutex);
      if (g_cancellable_is_cancelled (job->cancellable))
        break;
      if (!next_chunk (job, focus_first, focus_last, &first, &end))
        break;
      ctx.first = first;

      /* windows whose last segment is in [first, end) */
      opts.start_s = ((double) first - (job->T - 1)) * SEGMENT_S;
      opts.duration_s = ((double) (job->T - 1) + (end - first)) * SEGMENT_S;
      if (job->T < WINDOW_T)
        {
          opts.start_s = 0;
          opts.duration_s = MIN (total_s, job->T * SEGMENT_S);
        }
      opts.channels = job->channels;
      opts.n_channels = job->n_ch;
      opts.n_threads = job->n_threads;
      opts.encodings = encodings;
      ok = icto_inference_run (job->recording, job->model, &opts, window_cb, NULL, &ctx, job->cancellable, &local);
      flush_writes (&ctx);
      if (g_cancellable_is_cancelled (job->cancellable))
        break;
      if (!ok && !g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          error = g_steal_pointer (&local);
          break;
        }
      if (ok)
        {
          /* every window of the chunk ran: those that gave nothing touch a
           * gap, the end of the data or non-finite samples */
          g_mutex_lock (&job->mutex);
          for (guint k = first; k < end; k++)
            if (job->seg_state[k] == SEG_PENDING)
              {
                Result r = { k, SEG_GAP, NAN, NULL, NULL };

                job->seg_state[k] = SEG_GAP;
                g_array_append_val (job->results, r);
              }
          queue_delivery_locked (job, FALSE);
          g_mutex_unlock (&job->mutex);
        }
    }

  g_mutex_lock (&job->mutex);
  job->finished = TRUE;
  job->error = g_steal_pointer (&error);
  queue_delivery_locked (job, TRUE);
  g_cond_broadcast (&job->cond);   /* dispose may be waiting for us */
  g_mutex_unlock (&job->mutex);
  g_atomic_int_add (&busy_threads, -1);
  return NULL;
}

/* ---- helpers ---- */

static void
set_state (IctoInferenceWorker *self,
           IctoInferenceState   state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
cancel_job (IctoInferenceWorker *self)
{
  if (self->job == NULL)
    return;
  g_mutex_lock (&self->job->mutex);
  g_cancellable_cancel (self->job->cancellable);
  g_cond_broadcast (&self->job->cond);
  g_mutex_unlock (&self->job->mutex);
  g_clear_pointer (&self->job, job_unref);
}

static void
clear_results (IctoInferenceWorker *self)
{
  g_clear_pointer (&self->seg_state, g_free);
  g_clear_pointer (&self->prob, g_free);
  g_clear_pointer (&self->agreement, g_free);
  g_clear_pointer (&self->contribution, g_free);
  g_clear_pointer (&self->ch_signals, g_free);
  self->n_seg = 0;
  self->n_ch = 0;
  self->n_computable = 0;
  self->n_done = 0;
  self->n_gap_nonfinite = 0;
  g_queue_clear_full (&self->rate_samples, g_free);
}

static void
focus_segments (IctoInferenceWorker *self,
                guint               *first,
                guint               *last)
{
  double a = self->focus_start_s / SEGMENT_S;
  double b = self->focus_end_s / SEGMENT_S;

  *first = a > 0 ? (guint) MIN (a, (double) G_MAXUINT / 2) : 0;
  /* a window ending in the view: its last segment is in the range */
  *last = b > 0 ? (guint) MIN (ceil (b) - 1, (double) G_MAXUINT / 2) : 0;
  if (*last < *first)
    *last = *first;
}

static void
apply_cached (IctoInferenceWorker *self)
{
  g_autoptr(GPtrArray) windows = NULL;
  g_autoptr(GError) error = NULL;
  gint64 run_id;

  if (self->store == NULL)
    return;
  run_id = icto_result_cache_find_run (self->store, icto_recording_get_fingerprint (self->recording),
                                       self->model_hash, (const char * const *) self->job->labels, self->n_ch,
                                       SETTINGS, &error);
  if (run_id == 0)
    return;
  windows = icto_result_cache_get_windows (self->store, run_id, G_MININT64, G_MAXINT64, FALSE, &error);
  if (windows == NULL)
    {
      g_debug ("Could not read cached model results: %s", error->message);
      return;
    }
  for (guint i = 0; i < windows->len; i++)
    {
      IctoResultWindow *w = g_ptr_array_index (windows, i);
      double seg = icto_ticks_to_seconds (w->start) / SEGMENT_S + w->n_segments - 1;
      guint k;

      if (w->n_segments != self->job->T || seg < -0.5 || seg >= (double) self->n_seg - 0.5 ||
          fabs (seg - round (seg)) > 1e-3)
        continue;
      k = (guint) llround (seg);
      if (self->seg_state[k] != SEG_PENDING)
        continue;
      self->seg_state[k] = SEG_DONE;
      self->prob[k] = w->seizure_prob;
      for (guint c = 0; c < self->n_ch; c++)
        {
          self->agreement[(gsize) c * self->n_seg + k] = w->agreement ? w->agreement[c] : NAN;
          self->contribution[(gsize) c * self->n_seg + k] = w->contribution ? w->contribution[c] : NAN;
        }
      self->n_done++;
    }
}

/* (Re)starts the work for the current configuration. */
static void
restart (IctoInferenceWorker *self)
{
  Job *job;
  double total_s;
  guint first, last, n_sig;
  guint n_old = self->n_seg;

  cancel_job (self);
  clear_results (self);
  g_clear_error (&self->error);

  if (self->recording == NULL || self->model == NULL)
    {
      set_state (self, ICTO_INFERENCE_IDLE);
      if (n_old > 0)
        g_signal_emit (self, signals[SEGMENTS_CHANGED], 0, 0u, n_old);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
      return;
    }

  total_s = icto_ticks_to_seconds (icto_recording_get_duration (self->recording));
  n_sig = icto_recording_get_n_signals (self->recording);
  self->n_seg = total_s >= SEGMENT_S ? (guint) floor (total_s / SEGMENT_S + 1e-9) : 0;
  if (self->channels->len > 0)
    {
      self->n_ch = 0;
      self->ch_signals = g_new (guint, self->channels->len);
      for (guint i = 0; i < self->channels->len; i++)
        if (g_array_index (self->channels, guint, i) < n_sig)
          self->ch_signals[self->n_ch++] = g_array_index (self->channels, guint, i);
    }
  else
    {
      self->n_ch = n_sig;
      self->ch_signals = g_new (guint, MAX (n_sig, 1));
      for (guint i = 0; i < n_sig; i++)
        self->ch_signals[i] = i;
    }

  job = g_new0 (Job, 1);
  job->ref_count = 1;
  g_mutex_init (&job->mutex);
  g_cond_init (&job->cond);
  job->cancellable = g_cancellable_new ();
  job->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&job->worker, self);
  job->recording = g_object_ref (self->recording);
  job->model = icto_model_ref (self->model);
  job->channels = g_memdup2 (self->ch_signals, sizeof (guint) * MAX (self->n_ch, 1));
  job->n_ch = self->n_ch;
  job->labels = g_new0 (char *, self->n_ch + 1);
  for (guint i = 0; i < self->n_ch; i++)
    job->labels[i] = g_strdup (icto_recording_get_signal (self->recording, self->ch_signals[i])->label);
  job->model_hash = g_strdup (self->model_hash);
  job->store_path = self->store != NULL ? g_strdup (icto_store_get_path (self->store)) : NULL;
  job->n_seg = self->n_seg;
  job->T = self->n_seg >= WINDOW_T ? WINDOW_T : (int) self->n_seg;
  job->n_threads = self->n_threads;
  job->results = g_array_new (FALSE, TRUE, sizeof (Result));
  g_array_set_clear_func (job->results, result_clear);
  job->paused = self->paused;
  job->last_delivery = 0;
  self->job = job;

  self->seg_state = g_new0 (guint8, MAX (self->n_seg, 1));
  self->prob = g_new (float, MAX (self->n_seg, 1));
  self->agreement = g_new (float, (gsize) MAX (self->n_seg, 1) * MAX (self->n_ch, 1));
  self->contribution = g_new (float, (gsize) MAX (self->n_seg, 1) * MAX (self->n_ch, 1));
  for (guint k = 0; k < self->n_seg; k++)
    self->prob[k] = NAN;
  for (gsize i = 0; i < (gsize) self->n_seg * self->n_ch; i++)
    self->agreement[i] = self->contribution[i] = NAN;
  for (guint k = 0; k < self->n_seg; k++)
    self->seg_state[k] = (int) k < job->T - 1 ? SEG_NO_WINDOW : SEG_PENDING;
  if (job->T < WINDOW_T)
    for (guint k = (guint) MAX (job->T, 1); k < self->n_seg; k++)
      self->seg_state[k] = SEG_NO_WINDOW;
  self->n_computable = 0;
  for (guint k = 0; k < self->n_seg; k++)
    if (self->seg_state[k] == SEG_PENDING)
      self->n_computable++;

  if (self->n_ch == 0 || self->n_computable == 0)
    {
      job->finished = TRUE;   /* no thread runs this job */
      set_state (self, ICTO_INFERENCE_DONE);
      g_signal_emit (self, signals[SEGMENTS_CHANGED], 0, 0u, MAX (n_old, self->n_seg));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
      return;
    }

  /* what the cache already knows is shown at once */
  apply_cached (self);
  job->seg_state = g_memdup2 (self->seg_state, MAX (self->n_seg, 1));
  focus_segments (self, &first, &last);
  job->focus_first = first;
  job->focus_last = last;

  g_signal_emit (self, signals[SEGMENTS_CHANGED], 0, 0u, MAX (n_old, self->n_seg));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  if (self->n_done >= self->n_computable)
    {
      job->finished = TRUE;   /* no thread runs this job */
      set_state (self, ICTO_INFERENCE_DONE);
      return;
    }
  set_state (self, self->paused ? ICTO_INFERENCE_PAUSED : ICTO_INFERENCE_RUNNING);
  g_atomic_int_inc (&busy_threads);
  g_thread_unref (g_thread_new ("icto-inference", job_thread, job_ref (job)));
}

static void
add_rate_sample (IctoInferenceWorker *self)
{
  RateSample *s = g_new (RateSample, 1);

  s->time = g_get_monotonic_time ();
  s->done = self->n_done;
  g_queue_push_tail (&self->rate_samples, s);
  while (self->rate_samples.length > 2)
    {
      RateSample *head = g_queue_peek_head (&self->rate_samples);

      if (s->time - head->time <= RATE_SPAN_US)
        break;
      g_free (g_queue_pop_head (&self->rate_samples));
    }
}

static gboolean
deliver_cb (gpointer data)
{
  Job *job = data;
  g_autoptr(IctoInferenceWorker) self = g_weak_ref_get (&job->worker);
  g_autoptr(GArray) results = NULL;
  g_autoptr(GError) error = NULL;
  gboolean finished;
  guint lo = G_MAXUINT, hi = 0;

  g_mutex_lock (&job->mutex);
  job->delivery_queued = FALSE;
  job->last_delivery = g_get_monotonic_time ();
  results = job->results;
  job->results = g_array_new (FALSE, TRUE, sizeof (Result));
  g_array_set_clear_func (job->results, result_clear);
  finished = job->finished;
  if (finished && job->error != NULL)
    error = g_error_copy (job->error);
  g_mutex_unlock (&job->mutex);

  /* results of a cancelled job never reach the worker */
  if (self == NULL || self->job != job || g_cancellable_is_cancelled (job->cancellable))
    return G_SOURCE_REMOVE;

  for (guint i = 0; i < results->len; i++)
    {
      Result *r = &g_array_index (results, Result, i);

      if (r->segment >= self->n_seg || self->seg_state[r->segment] != SEG_PENDING)
        continue;
      self->seg_state[r->segment] = r->state;
      lo = MIN (lo, r->segment);
      hi = MAX (hi, r->segment);
      if (r->state == SEG_GAP)
        {
          self->n_computable--;
          continue;
        }
      self->prob[r->segment] = r->prob;
      for (guint c = 0; c < self->n_ch; c++)
        {
          self->agreement[(gsize) c * self->n_seg + r->segment] = r->agreement[c];
          self->contribution[(gsize) c * self->n_seg + r->segment] = r->contribution ? r->contribution[c] : NAN;
        }
      self->n_done++;
    }
  add_rate_sample (self);

  if (lo <= hi)
    g_signal_emit (self, signals[SEGMENTS_CHANGED], 0, lo, hi - lo + 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  if (finished)
    {
      if (error != NULL)
        {
          g_clear_error (&self->error);
          self->error = g_steal_pointer (&error);
          set_state (self, ICTO_INFERENCE_FAILED);
        }
      else
        set_state (self, ICTO_INFERENCE_DONE);
    }
  return G_SOURCE_REMOVE;
}

/* ---- overrides ---- */

static void
icto_inference_worker_dispose (GObject *object)
{
  IctoInferenceWorker *self = ICTO_INFERENCE_WORKER (object);
  Job *job = self->job != NULL ? job_ref (self->job) : NULL;

  cancel_job (self);
  if (job != NULL)
    {
      /* Wait (bounded) for the cancelled thread to leave the model, so
       * that quitting the application while it computes never tears down
       * the process under a running BLAS call.  Cancellation takes well
       * under 100 ms (the model polls between layers). */
      gint64 deadline = g_get_monotonic_time () + 2 * G_TIME_SPAN_SECOND;

      g_mutex_lock (&job->mutex);
      while (!job->finished && g_cond_wait_until (&job->cond, &job->mutex, deadline))
        ;
      g_mutex_unlock (&job->mutex);
      job_unref (job);
    }
  g_clear_object (&self->store);
  g_clear_object (&self->recording);
  g_clear_pointer (&self->model, icto_model_unref);
  G_OBJECT_CLASS (icto_inference_worker_parent_class)->dispose (object);
}

static void
icto_inference_worker_finalize (GObject *object)
{
  IctoInferenceWorker *self = ICTO_INFERENCE_WORKER (object);

  clear_results (self);
  g_free (self->model_path);
  g_free (self->head_path);
  g_free (self->model_hash);
  g_clear_pointer (&self->channels, g_array_unref);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (icto_inference_worker_parent_class)->finalize (object);
}

static void
icto_inference_worker_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  IctoInferenceWorker *self = ICTO_INFERENCE_WORKER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, icto_inference_worker_get_fraction (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
icto_inference_worker_class_init (IctoInferenceWorkerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = icto_inference_worker_dispose;
  object_class->finalize = icto_inference_worker_finalize;
  object_class->get_property = icto_inference_worker_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, ICTO_INFERENCE_IDLE, ICTO_INFERENCE_FAILED, ICTO_INFERENCE_IDLE,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SEGMENTS_CHANGED] =
    g_signal_new ("segments-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
icto_inference_worker_init (IctoInferenceWorker *self)
{
  self->channels = g_array_new (FALSE, FALSE, sizeof (guint));
  self->n_threads = (int) MAX (1, g_get_num_processors () - 1);
  g_queue_init (&self->rate_samples);
}

/* ---- public API ---- */

IctoInferenceWorker *
icto_inference_worker_new (IctoStore *store)
{
  IctoInferenceWorker *self;

  g_return_val_if_fail (store == NULL || ICTO_IS_STORE (store), NULL);

  self = g_object_new (ICTO_TYPE_INFERENCE_WORKER, NULL);
  if (store != NULL)
    self->store = g_object_ref (store);
  return self;
}

void
icto_inference_worker_set_recording (IctoInferenceWorker *self,
                                     IctoRecording       *recording)
{
  g_return_if_fail (ICTO_IS_INFERENCE_WORKER (self));
  g_return_if_fail (recording == NULL || ICTO_IS_RECORDING (recording));

  if (recording == self->recording)
    return;
  g_set_object (&self->recording, recording);
  restart (self);
}

IctoRecording *
icto_inference_worker_get_recording (IctoInferenceWorker *self)
{
  g_return_val_if_fail (ICTO_IS_INFERENCE_WORKER (self), NULL);
  return self->recording;
}

/* The cache key of (model, head): the model file's hash, "+" the head's. */
static char *
config_hash (const char  *path,
             const char  *head_path,
             GError     **error)
{
  g_autofree char *hash = icto_model_file_hash (path, error);
  g_autofree char *head_hash = NULL;

  if (hash == NULL)
    return NULL;
  if (head_path == NULL)
    return g_steal_pointer (&hash);
  head_hash = icto_model_file_hash (head_path, error);
  if (head_hash == NULL)
    return NULL;
  return g_strconcat (hash, "+", head_hash, NULL);
}

static gboolean
load_model (IctoInferenceWorker  *self,
            const char           *path,
            const char           *head_path,
            GError              **error)
{
  g_autoptr(IctoModel) model = NULL;
  g_autofree char *hash = NULL;

  if (path != NULL)
    {
      hash = config_hash (path, head_path, error);
      if (hash == NULL)
        return FALSE;
      /* the same files with the same contents: nothing to do */
      if (self->model != NULL && g_strcmp0 (path, self->model_path) == 0 &&
          g_strcmp0 (head_path, self->head_path) == 0 && g_strcmp0 (hash, self->model_hash) == 0)
        return TRUE;
      model = icto_model_load (path, head_path, NULL, error);
      if (model == NULL)
        return FALSE;
    }
  else if (self->model == NULL && self->model_path == NULL)
    {
      g_free (self->head_path);
      self->head_path = g_strdup (head_path);
      return TRUE;
    }
  g_clear_pointer (&self->model, icto_model_unref);
  self->model = g_steal_pointer (&model);
  g_free (self->model_path);
  self->model_path = g_strdup (path);
  g_free (self->head_path);
  self->head_path = g_strdup (head_path);
  g_free (self->model_hash);
  self->model_hash = g_steal_pointer (&hash);
  restart (self);
  return TRUE;
}

gboolean
icto_inference_worker_set_model (IctoInferenceWorker *self,
                                 const char          *path,
                                 GError             **error)
{
  g_return_val_if_fail (ICTO_IS_INFERENCE_WORKER (self), FALSE);
  /* drops a head set by icto_inference_worker_set_head() */
  return load_model (self, path, NULL, error);
}

IctoModel *
icto_inference_worker_get_model (IctoInferenceWorker *self)
{
  g_return_val_if_fail (ICTO_IS_INFERENCE_WORKER (self), NULL);
  return self->model;
}

const char *
icto_inference_worker_get_model_hash (IctoInferenceWorker *self)
{
  g_return_val_if_fail (ICTO_IS_INFERENCE_WORKER (self), NULL);
  return self->model_hash;
}

void
icto_inference_worker_set_channels (IctoInferenceWorker *self,
                                    const guint         *signals_,
                                    guint                n_signals)
{
  g_return_if_fail (ICTO_IS_INFERENCE_WORKER (self));
  g_return_if_fail (signals_ != NULL || n_signals == 0);

  if (self->channels->len == n_signals &&
      (n_signals == 0 || memcmp (self->channels->data, signals_, sizeof (guint) * n_signals) == 0))
    return;
  g_array_set_size (self->channels, 0);
  if (n_signals > 0)
    g_array_append_vals (self->channels, signals_, n_signals);
  restart (self);
}

guint
icto_inference_worker_get_n_channels (IctoInferenceWorker *self)
{
  g_return_val_if_fail (ICTO_IS_INFERENCE_WORKER (self), 0);
  return self->n_ch;
}

guint
icto_inference_worker_get_channel_signal (IctoInferenceWorker *self,
                                          guint                channel)
{
  g_return_val_if_fail (ICTO_IS_INFERENCE_WORKER (self), 0);
  g_return_val_if_fail (channel < self->n_ch, 0);
  return self->ch_signals[channel];
}

void
icto_inference_worker_set_focus (IctoInferenceWorker *self,
                                 double               start_s,
                                 double               end_s)
{
  guint first, last;

  g_return_if_fail (ICTO_IS_INFERENCE_WORKER (self));

  self->focus_start_s = start_s;
  self->focus_end_s = MAX (start_s, end_s);
  if (self->job == NULL)
    return;
  focus_segments (self, &first, &last);
  g_mutex_lock (&self->job->mutex);
  if (first != self->job->focus_first || last != self->job->focus_last)
    {
      self->job->focus_first = first;
      self->job->focus_last = last;
      self->job->focus_serial++;
    }
  g_mutex_unlock (&self->job->mutex);
}

void
icto_inference_worker_set_paused (IctoInferenceWorker *self,
                                  gboolean             paused)
{
  g_return_if_fail (ICTO_IS_INFERENCE_WORKER (self));

  paused = !!paused;
  if (self->paused == paused)
    return;
  self->paused = paused;
  if (self->job != NULL)
    {
      g_mutex_lock (&self->job->mutex);
      self->job->paused = paused;
      g_cond_broadcast (&self->job->cond);
      g_mutex_unlock (&self->job->mutex);
    }
  if (self->state == ICTO_INFERENCE_RUNNING && paused)
    set_state (self, ICTO_INFERENCE_PAUSED);
  else if (self->state == ICTO_INFERENCE_PAUSED && !paused)
    set_state (self, ICTO_INFERENCE_RUNNING);
  g_queue_clear_full (&self->rate_samples, g_free);
}

IctoInferenceState
icto_inference_worker_get_state (IctoInferenceWorker *self)
{
  g_return_val_if_fail (ICTO_IS_INFERENCE_WORKER (self), ICTO_INFERENCE_IDLE);
  return self->state;
}

const GError *
icto_inference_worker_get_error (IctoInferenceWorker *self)
{
  g_return_val_if_fail (ICTO_IS_INFERENCE_WORKER (self), NULL);
  return self->error;
}

double
icto_inference_worker_get_fraction (IctoInferenceWorker *self)
{
  g_return_val_if_fail (ICTO_IS_INFERENCE_WORKER (self), 0);
  if (self->n_computable == 0)
    return self->state == ICTO_INFERENCE_DONE ? 1.0 : 0.0;
  return CLAMP ((double) self->n_done / self->n_computable, 0.0, 1.0);
}

double
icto_inference_worker_get_windows_per_s (IctoInferenceWorker *self)
{
  RateSample *head, *tail;

  g_return_val_if_fail (ICTO_IS_INFERENCE_WORKER (self), 0);
  if (self->rate_samples.length < 2 || self->state != ICTO_INFERENCE_RUNNING)
    return 0;
  head = g_queue_peek_head (&self->rate_samples);
  tail = g_queue_peek_tail (&self->rate_samples);
  if (tail->time <= head->time)
    return 0;
  return (double) (tail->done - head->done) * G_USEC_PER_SEC / (double) (tail->time - head->time);
}

double
icto_inference_worker_get_seconds_left (IctoInferenceWorker *self)
{
  double rate;

  g_return_val_if_fail (ICTO_IS_INFERENCE_WORKER (self), -1);
  if (self->state == ICTO_INFERENCE_DONE)
    return 0;
  rate = icto_inference_worker_get_windows_per_s (self);
  if (rate <= 0 || self->n_done > self->n_computable)
    return -1;
  return (double) (self->n_computable - self->n_done) / rate;
}

guint
icto_inference_worker_get_n_segments (IctoInferenceWorker *self)
{
  g_return_val_if_fail (ICTO_IS_INFERENCE_WORKER (self), 0);
  return self->n_seg;
}

double
icto_inference_worker_get_segment_s (IctoInferenceWorker *self)
{
  return SEGMENT_S;
}

IctoSegmentState
icto_inference_worker_get_segment_state (IctoInferenceWorker *self,
                                         guint                segment)
{
  g_return_val_if_fail (ICTO_IS_INFERENCE_WORKER (self), ICTO_SEGMENT_GAP);
  if (segment >= self->n_seg)
    return ICTO_SEGMENT_GAP;
  return (IctoSegmentState) self->seg_state[segment];
}

void
icto_inference_worker_get_values (IctoInferenceWorker *self,
                                  IctoResultKind       kind,
                                  guint                channel,
                                  guint                first,
                                  guint                n,
                                  float               *out)
{
  const float *src = NULL;

  g_return_if_fail (ICTO_IS_INFERENCE_WORKER (self));
  g_return_if_fail (out != NULL || n == 0);

  if (kind == ICTO_RESULT_PROBABILITY)
    src = self->prob;
  else if (channel < self->n_ch)
    src = (kind == ICTO_RESULT_AGREEMENT ? self->agreement : self->contribution) + (gsize) channel * self->n_seg;
  for (guint i = 0; i < n; i++)
    {
      guint64 k = (guint64) first + i;

      out[i] = src != NULL && k < self->n_seg ? src[k] : NAN;
    }
}

void
icto_inference_worker_get_all_values (IctoInferenceWorker *self,
                                      IctoResultKind       kind,
                                      guint                first,
                                      guint                n,
                                      float               *out)
{
  g_return_if_fail (ICTO_IS_INFERENCE_WORKER (self));

  if (kind == ICTO_RESULT_PROBABILITY)
    {
      icto_inference_worker_get_values (self, kind, 0, first, n, out);
      return;
    }
  for (guint c = 0; c < self->n_ch; c++)
    icto_inference_worker_get_values (self, kind, c, first, n, out + (gsize) c * n);
}

char *
icto_inference_worker_get_notes (IctoInferenceWorker *self)
{
  g_autoptr(GString) s = g_string_new (NULL);
  const IctoModelConfig *cfg;
  double total_s;
  guint n_gap = 0, n_resampled = 0;

  g_return_val_if_fail (ICTO_IS_INFERENCE_WORKER (self), NULL);
  if (self->recording == NULL || self->model == NULL)
    return NULL;

  cfg = icto_model_get_config (self->model);
  total_s = icto_ticks_to_seconds (icto_recording_get_duration (self->recording));
  if (self->n_ch > (guint) cfg->n_channels)
    {
      guint groups = (self->n_ch + cfg->n_channels - 1) / cfg->n_channels;

      g_string_append_printf (s, _("%u channels are more than the model's %d: they run in %u groups of consecutive channels; the probability is the largest of the groups'"),
                              self->n_ch, cfg->n_channels, groups);
      g_string_append_c (s, '\n');
    }
  for (guint c = 0; c < self->n_ch; c++)
    if (icto_recording_get_signal (self->recording, self->ch_signals[c])->sample_rate != MODEL_RATE)
      n_resampled++;
  if (n_resampled > 0)
    {
      g_string_append_printf (s, _("%u channels are not sampled at 512 Hz: each window is resampled linearly to 512 Hz"),
                              n_resampled);
      g_string_append_c (s, '\n');
    }
  if (total_s < SEGMENT_S)
    {
      g_string_append (s, _("The recording is shorter than one 5-s segment: the model cannot run on it"));
      g_string_append_c (s, '\n');
    }
  else if (total_s < WINDOW_T * SEGMENT_S)
    {
      g_string_append (s, _("The recording is shorter than one 125-s window: one shorter window gives a single, less comparable result"));
      g_string_append_c (s, '\n');
    }
  for (guint k = 0; k < self->n_seg; k++)
    if (self->seg_state[k] == SEG_GAP)
      n_gap++;
  if (n_gap > 0)
    {
      g_string_append_printf (s, _("%u segments have no result: their window touches a gap, the end of the data or flat-lined (non-finite) samples"),
                              n_gap);
      g_string_append_c (s, '\n');
    }
  if (s->len == 0)
    return NULL;
  g_string_truncate (s, s->len - 1);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

void
_icto_inference_worker_set_n_threads (IctoInferenceWorker *self,
                                      int                  n_threads)
{
  g_return_if_fail (ICTO_IS_INFERENCE_WORKER (self));
  self->n_threads = MAX (1, n_threads);
}

int
_icto_inference_worker_get_busy_threads (void)
{
  return g_atomic_int_get (&busy_threads);
}

/* ---- model file hash ---- */

typedef struct {
  gint64 size;
  gint64 mtime;
  char  *hash;
} HashEntry;

static void
hash_entry_free (gpointer data)
{
  HashEntry *e = data;

  g_free (e->hash);
  g_free (e);
}

/* 4 lanes of 64-bit multiply-rotate over little-endian words: memory
 * speed (several GB/s), and any single changed word changes its lane's
 * state (every step is a bijection of the word and of the state). */
static inline guint64
lane_mix (guint64 h,
          guint64 w)
{
  h ^= w * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  h = (h << 31) | (h >> 33);
  return h * G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F);
}

static guint64
finalise (guint64 h)
{
  h ^= h >> 30;
  h *= G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  h ^= h >> 27;
  h *= G_GUINT64_CONSTANT (0x94D049BB133111EB);
  h ^= h >> 31;
  return h;
}

static char *
hash_bytes (const guint8 *data,
            gsize         len)
{
  guint64 lane[4] = {
    G_GUINT64_CONSTANT (0x243F6A8885A308D3), G_GUINT64_CONSTANT (0x13198A2E03707344),
    G_GUINT64_CONSTANT (0xA4093822299F31D0), G_GUINT64_CONSTANT (0x082EFA98EC4E6C89),
  };
  gsize i = 0;
  guint8 tail[32] = { 0 };

  for (; i + 32 <= len; i += 32)
    for (int k = 0; k < 4; k++)
      {
        guint64 w;

        memcpy (&w, data + i + 8 * k, 8);
        lane[k] = lane_mix (lane[k], GUINT64_FROM_LE (w));
      }
  memcpy (tail, data + i, len - i);
  for (int k = 0; k < 4; k++)
    {
      guint64 w;

      memcpy (&w, tail + 8 * k, 8);
      lane[k] = lane_mix (lane[k], GUINT64_FROM_LE (w));
      lane[k] = finalise (lane_mix (lane[k], (guint64) len + k));
    }
  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER
                          "x%016" G_GINT64_MODIFIER "x", lane[0], lane[1], lane[2], lane[3]);
}

char *
icto_model_file_hash (const char  *path,
                      GError     **error)
{
  static GMutex mutex;
  static GHashTable *cache;
  g_autoptr(GMappedFile) file = NULL;
  GStatBuf st;
  HashEntry *e;
  char *ret = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not read the model file %s: %s"), path, g_strerror (saved));
      return NULL;
    }
  g_mutex_lock (&mutex);
  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, hash_entry_free);
  e = g_hash_table_lookup (cache, path);
  if (e != NULL && e->size == (gint64) st.st_size && e->mtime == (gint64) st.st_mtime)
    ret = g_strdup (e->hash);
  g_mutex_unlock (&mutex);
  if (ret != NULL)
    return ret;

  file = g_mapped_file_new (path, FALSE, error);
  if (file == NULL)
    return NULL;
  ret = hash_bytes ((const guint8 *) g_mapped_file_get_contents (file), g_mapped_file_get_length (file));

  e = g_new0 (HashEntry, 1);
  e->size = (gint64) st.st_size;
  e->mtime = (gint64) st.st_mtime;
  e->hash = g_strdup (ret);
  g_mutex_lock (&mutex);
  g_hash_table_replace (cache, g_strdup (path), e);
  g_mutex_unlock (&mutex);
  return ret;
}

/* (helper "head") a trained head over the current model file */
gboolean
icto_inference_worker_set_head (IctoInferenceWorker *self,
                                const char          *head_path,
                                GError             **error)
{
  g_autoptr(IctoModel) model = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *head_hash = NULL;

  g_return_val_if_fail (ICTO_IS_INFERENCE_WORKER (self), FALSE);

  if (self->model_path == NULL)
    {
      g_set_error_literal (error, ICTO_CORE_ERROR, ICTO_CORE_ERROR_INVALID,
                           _("A detector head needs a model; none is loaded"));
      return FALSE;
    }
  model = icto_model_load (self->model_path, head_path, NULL, error);
  if (model == NULL)
    return FALSE;
  hash = icto_model_file_hash (self->model_path, error);
  if (hash == NULL)
    return FALSE;
  if (head_path != NULL)
    {
      g_autofree char *combined = NULL;

      head_hash = icto_model_file_hash (head_path, error);
      if (head_hash == NULL)
        return FALSE;
      combined = g_strdup_printf ("%s+head:%s", hash, head_hash);
      g_free (hash);
      hash = g_steal_pointer (&combined);
    }
  if (g_strcmp0 (hash, self->model_hash) == 0)
    return TRUE;
  g_clear_pointer (&self->model, icto_model_unref);
  self->model = g_steal_pointer (&model);
  g_free (self->model_hash);
  self->model_hash = g_steal_pointer (&hash);
  restart (self);
  return TRUE;
}
