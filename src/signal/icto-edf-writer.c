/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-edf-writer"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "signal/icto-edf-writer.h"

#define DEFAULT_ANNOTATION_BYTES 256

typedef struct {
  double pmin, pmax;     /* as written in the header (parsed back) */
  int    dmin, dmax;
  int    spr;
  double gain;           /* physical per digital step */
} WriterSignal;

typedef struct {
  gint64 onset;
  gint64 duration;
  char  *tal;            /* complete TAL bytes, 0x00-terminated */
  gsize  len;
} Pending;

struct _IctoEdfWriter
{
  char         *path;
  int           fd;
  gboolean      bdf;
  guint         n_signals;
  WriterSignal *signals;
  gint64        record_duration;
  gint64        t0;               /* sub-second start in ticks */
  gsize         ann_bytes;        /* bytes of the annotation signal per record */
  gsize         record_bytes;
  gint64        header_bytes;
  guint8       *record;
  gint64        n_records;
  GArray       *used;             /* gsize per written record: used annotation bytes */
  GPtrArray    *pending;          /* Pending* */
  gboolean      failed;
};

static void
pending_free (gpointer p)
{
  Pending *a = p;
  g_free (a->tal);
  g_free (a);
}

static void
writer_free (IctoEdfWriter *self)
{
  if (self->fd >= 0)
    close (self->fd);
  g_free (self->path);
  g_free (self->signals);
  g_free (self->record);
  g_clear_pointer (&self->used, g_array_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_free (self);
}

static void
put_field (guint8 *dst, gsize width, const char *text)
{
  gsize len = text ? strlen (text) : 0;
  memset (dst, ' ', width);
  if (len > 0)
    memcpy (dst, text, MIN (len, width));
}

static gboolean
is_printable_ascii (const char *s)
{
  for (; s && *s; s++)
    if ((guchar) *s < 32 || (guchar) *s > 126)
      return FALSE;
  return TRUE;
}

/* Writes ticks as decimal seconds ("+12.5", "0.23814"); no trailing zeros. */
static void
format_seconds (GString *out, gint64 ticks, gboolean sign)
{
  gint64 a = ticks < 0 ? -ticks : ticks;
  gint64 whole = a / ICTO_TICKS_PER_SECOND, frac = a % ICTO_TICKS_PER_SECOND;

  if (sign)
    g_string_append_c (out, ticks < 0 ? '-' : '+');
  g_string_append_printf (out, "%" G_GINT64_FORMAT, whole);
  if (frac)
    {
      char digits[8];
      int n = 7;
      g_snprintf (digits, sizeof digits, "%07" G_GINT64_FORMAT, frac);
      while (n > 0 && digits[n - 1] == '0')
        n--;
      g_string_append_c (out, '.');
      g_string_append_len (out, digits, n);
    }
}

/* Formats @value into at most 8 characters, rounding outward (down for a
 * minimum, up for a maximum).  Returns FALSE when it cannot fit. */
static gboolean
format_physical (double value, gboolean round_up, char out[9], double *parsed)
{
  for (int prec = 7; prec >= 0; prec--)
    {
      double scale = pow (10.0, prec);
      double v = round_up ? ceil (value * scale - 1e-9) / scale : floor (value * scale + 1e-9) / scale;
      char buf[64], fmt[8];
      fmt[0] = '%'; fmt[1] = '.'; fmt[2] = (char) ('0' + prec); fmt[3] = 'f'; fmt[4] = 0;
      g_ascii_formatd (buf, sizeof buf, fmt, v);
      /* strip trailing zeros after a dot */
      if (strchr (buf, '.'))
        {
          gsize l = strlen (buf);
          while (l > 0 && buf[l - 1] == '0')
            buf[--l] = 0;
          if (l > 0 && buf[l - 1] == '.')
            buf[--l] = 0;
        }
      if (strcmp (buf, "-0") == 0)
        strcpy (buf, "0");
      if (strlen (buf) <= 8)
        {
          strcpy (out, buf);
          *parsed = g_ascii_strtod (buf, NULL);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
write_all (IctoEdfWriter *self, const void *buf, gsize len, gint64 offset, GError **error)
{
  gsize done = 0;
  while (done < len)
    {
      ssize_t w = pwrite (self->fd, (const guint8 *) buf + done, len - done, offset + (gint64) done);
      if (w < 0)
        {
          int saved = errno;
          if (saved == EINTR)
            continue;
          g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_IO,
                       _("Could not write “%s”: %s"), self->path, g_strerror (saved));
          return FALSE;
        }
      done += (gsize) w;
    }
  return TRUE;
}

static char *
sanitize_text (const char *text)
{
  char *t = g_utf8_make_valid (text ? text : "", -1);
  for (char *p = t; *p; p++)
    if ((guchar) *p < 32 && *p != '\t' && *p != '\n' && *p != '\r')
      *p = ' ';
  return t;
}

IctoEdfWriter *
icto_edf_writer_new (const char                 *path,
                     const IctoEdfWriterOptions *options,
                     const IctoEdfWriterSignal  *signals,
                     guint                       n_signals,
                     GError                    **error)
{
  IctoEdfWriter *self;
  guint ns = n_signals + 1;
  g_autofree guint8 *hdr = NULL;
  const int bps = options->bdf ? 3 : 2;
  int year, month, day, hour, minute, second;
  char text[96];
  gsize ann_samples;
  static const char *months[] = { "JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                  "JUL", "AUG", "SEP", "OCT", "NOV", "DEC" };
  g_autoptr(GString) dur = g_string_new (NULL);

  g_return_val_if_fail (path != NULL && options != NULL, NULL);
  g_return_val_if_fail (signals != NULL || n_signals == 0, NULL);

  if (options->record_duration <= 0 && n_signals > 0)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_HEADER,
                   _("The data record duration must be positive"));
      return NULL;
    }
  format_seconds (dur, options->record_duration, FALSE);
  if (dur->len > 8)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_HEADER,
                   _("The data record duration %s s does not fit the EDF header"), dur->str);
      return NULL;
    }
  if (ns > 4096)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_HEADER,
                   _("Too many signals for an EDF file (%u)"), n_signals);
      return NULL;
    }

  self = g_new0 (IctoEdfWriter, 1);
  self->fd = -1;
  self->path = g_strdup (path);
  self->bdf = options->bdf;
  self->n_signals = n_signals;
  self->signals = g_new0 (WriterSignal, MAX (n_signals, 1));
  self->record_duration = options->record_duration;
  self->used = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->pending = g_ptr_array_new_with_free_func (pending_free);
  self->header_bytes = 256 * (gint64) (ns + 1);

  if (options->start_time)
    {
      g_date_time_get_ymd (options->start_time, &year, &month, &day);
      hour = g_date_time_get_hour (options->start_time);
      minute = g_date_time_get_minute (options->start_time);
      second = g_date_time_get_second (options->start_time);
      self->t0 = (gint64) g_date_time_get_microsecond (options->start_time) * 10;
    }
  else
    {
      year = 1985; month = 1; day = 1; hour = minute = second = 0;
    }
  if (year < 1985 || year > 2084)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_HEADER,
                   _("EDF files can only hold start dates from 1985 to 2084"));
      writer_free (self);
      return NULL;
    }

  ann_samples = options->annotation_bytes_per_record > 0
      ? (gsize) ((options->annotation_bytes_per_record + bps - 1) / bps)
      : (gsize) ((DEFAULT_ANNOTATION_BYTES + bps - 1) / bps);
  self->ann_bytes = ann_samples * bps;
  self->record_bytes = self->ann_bytes;

  hdr = g_malloc (self->header_bytes);
  memset (hdr, ' ', self->header_bytes);
  if (self->bdf)
    {
      hdr[0] = 0xFF;
      memcpy (hdr + 1, "BIOSEMI", 7);
    }
  else
    memcpy (hdr, "0       ", 8);
  {
    const char *patient = options->patient ? options->patient : "X X X X";
    g_autofree char *rec = g_strdup_printf ("Startdate %02d-%s-%04d %s", day, months[month - 1], year,
                                            options->recording ? options->recording : "X X X");
    if (!is_printable_ascii (patient) || strlen (patient) > 80 || !is_printable_ascii (rec) || strlen (rec) > 80)
      {
        g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_HEADER,
                     _("The patient and recording fields must be printable ASCII of at most 80 characters"));
        writer_free (self);
        return NULL;
      }
    put_field (hdr + 8, 80, patient);
    put_field (hdr + 88, 80, rec);
  }
  g_snprintf (text, sizeof text, "%02d.%02d.%02d", day, month, year % 100);
  put_field (hdr + 168, 8, text);
  g_snprintf (text, sizeof text, "%02d.%02d.%02d", hour, minute, second);
  put_field (hdr + 176, 8, text);
  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, self->header_bytes);
  put_field (hdr + 184, 8, text);
  put_field (hdr + 192, 44, self->bdf ? "BDF+C" : "EDF+C");
  put_field (hdr + 236, 8, "-1");
  put_field (hdr + 244, 8, dur->str);
  g_snprintf (text, sizeof text, "%u", ns);
  put_field (hdr + 252, 4, text);

  for (guint i = 0; i < ns; i++)
    {
      gboolean ann = i == n_signals;
      const IctoEdfWriterSignal *sig = ann ? NULL : &signals[i];
      WriterSignal *ws = ann ? NULL : &self->signals[i];
      int dmin = self->bdf ? -8388608 : -32768, dmax = self->bdf ? 8388607 : 32767;
      char pmin_text[9] = "-1", pmax_text[9] = "1";

      if (!ann)
        {
          if (sig->label == NULL || !is_printable_ascii (sig->label) || strlen (sig->label) > 16 ||
              (sig->unit && (!is_printable_ascii (sig->unit) || strlen (sig->unit) > 8)) ||
              (sig->transducer && (!is_printable_ascii (sig->transducer) || strlen (sig->transducer) > 80)) ||
              (sig->prefilter && (!is_printable_ascii (sig->prefilter) || strlen (sig->prefilter) > 80)))
            {
              g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_HEADER,
                           _("Signal %u: label (16), unit (8), transducer and prefilter (80) must be printable ASCII within their sizes"),
                           i + 1);
              writer_free (self);
              return NULL;
            }
          if (sig->samples_per_record < 1 || !(sig->physical_max > sig->physical_min) ||
              !format_physical (sig->physical_min, FALSE, pmin_text, &ws->pmin) ||
              !format_physical (sig->physical_max, TRUE, pmax_text, &ws->pmax) ||
              !(ws->pmax > ws->pmin))
            {
              g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_HEADER,
                           _("Signal “%s” needs at least one sample per record and a physical range that fits 8 characters"),
                           sig->label);
              writer_free (self);
              return NULL;
            }
          ws->dmin = dmin;
          ws->dmax = dmax;
          ws->spr = sig->samples_per_record;
          ws->gain = (ws->pmax - ws->pmin) / (double) (dmax - dmin);
          self->record_bytes += (gsize) ws->spr * bps;
        }
      put_field (hdr + 256 + 16 * i, 16, ann ? (self->bdf ? "BDF Annotations" : "EDF Annotations") : sig->label);
      put_field (hdr + 256 + 16 * ns + 80 * i, 80, ann ? NULL : sig->transducer);
      put_field (hdr + 256 + 96 * ns + 8 * i, 8, ann ? NULL : sig->unit);
      put_field (hdr + 256 + 104 * ns + 8 * i, 8, pmin_text);
      put_field (hdr + 256 + 112 * ns + 8 * i, 8, pmax_text);
      g_snprintf (text, sizeof text, "%d", dmin);
      put_field (hdr + 256 + 120 * ns + 8 * i, 8, text);
      g_snprintf (text, sizeof text, "%d", dmax);
      put_field (hdr + 256 + 128 * ns + 8 * i, 8, text);
      put_field (hdr + 256 + 136 * ns + 80 * i, 80, ann ? NULL : sig->prefilter);
      g_snprintf (text, sizeof text, "%d", ann ? (int) ann_samples : sig->samples_per_record);
      put_field (hdr + 256 + 216 * ns + 8 * i, 8, text);
    }
  if (self->record_bytes > 64 * 1024 * 1024)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_HEADER,
                   _("A data record would be larger than 64 MiB; use shorter records"));
      writer_free (self);
      return NULL;
    }
  self->record = g_malloc0 (self->record_bytes);

  self->fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (self->fd < 0)
    {
      int saved = errno;
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_IO,
                   _("Could not create “%s”: %s"), path, g_strerror (saved));
      writer_free (self);
      return NULL;
    }
  if (!write_all (self, hdr, self->header_bytes, 0, error))
    {
      writer_free (self);
      return NULL;
    }
  return self;
}

gboolean
icto_edf_writer_write_record (IctoEdfWriter  *self,
                              const float   *const *data,
                              GError        **error)
{
  guint8 *p = self->record;
  const int bps = self->bdf ? 3 : 2;
  gint64 rec_start = self->n_records * self->record_duration;
  gint64 rec_end = rec_start + self->record_duration;
  g_autoptr(GString) tal = g_string_new (NULL);
  guint32 used;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || self->n_signals == 0, FALSE);

  for (guint s = 0; s < self->n_signals; s++)
    {
      const WriterSignal *ws = &self->signals[s];
      const float *x = data[s];
      for (int j = 0; j < ws->spr; j++)
        {
          double v = x[j];
          double d;
          gint32 di;
          if (!isfinite (v))
            v = 0.0;
          d = round ((v - ws->pmin) / ws->gain) + ws->dmin;
          d = CLAMP (d, ws->dmin, ws->dmax);
          di = (gint32) d;
          p[0] = (guint8) (di & 0xFF);
          p[1] = (guint8) ((di >> 8) & 0xFF);
          if (bps == 3)
            p[2] = (guint8) ((di >> 16) & 0xFF);
          p += bps;
        }
    }
  /* annotation signal: time-keeping TAL, then pending annotations that fit */
  format_seconds (tal, self->t0 + rec_start, TRUE);
  g_string_append (tal, "\x14\x14");
  g_string_append_c (tal, '\0');
  for (guint i = 0; i < self->pending->len;)
    {
      Pending *a = g_ptr_array_index (self->pending, i);
      if (a->onset < rec_end && tal->len + a->len < self->ann_bytes)
        {
          g_string_append_len (tal, a->tal, a->len);
          g_ptr_array_remove_index (self->pending, i);
        }
      else
        i++;
    }
  memset (p, 0, self->ann_bytes);
  memcpy (p, tal->str, tal->len);
  used = (guint32) tal->len;

  if (!write_all (self, self->record, self->record_bytes,
                  self->header_bytes + self->n_records * (gint64) self->record_bytes, error))
    {
      self->failed = TRUE;
      return FALSE;
    }
  g_array_append_val (self->used, used);
  self->n_records++;
  return TRUE;
}

gboolean
icto_edf_writer_add_annotation (IctoEdfWriter *self,
                                gint64         onset,
                                gint64         duration,
                                const char    *text,
                                GError       **error)
{
  Pending *a;
  g_autoptr(GString) tal = g_string_new (NULL);
  g_autofree char *clean = sanitize_text (text);

  g_return_val_if_fail (self != NULL, FALSE);
  format_seconds (tal, self->t0 + onset, TRUE);
  if (duration >= 0)
    {
      g_string_append_c (tal, 0x15);
      format_seconds (tal, duration, FALSE);
    }
  g_string_append_c (tal, 0x14);
  g_string_append (tal, clean);
  g_string_append_c (tal, 0x14);
  g_string_append_c (tal, 0);
  if (tal->len + 32 > self->ann_bytes)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_UNSUPPORTED,
                   _("The annotation “%s” is too long for the annotation space of a data record (%zu bytes)"),
                   clean, self->ann_bytes);
      return FALSE;
    }
  a = g_new0 (Pending, 1);
  a->onset = onset;
  a->duration = duration;
  a->len = tal->len;
  a->tal = g_string_free (g_steal_pointer (&tal), FALSE);
  g_ptr_array_add (self->pending, a);
  return TRUE;
}

gboolean
icto_edf_writer_close (IctoEdfWriter  *self,
                       GError        **error)
{
  gboolean ok = !self->failed;
  const int bps = self->bdf ? 3 : 2;
  gsize ann_offset = self->record_bytes - self->ann_bytes;

  g_return_val_if_fail (self != NULL, FALSE);
  (void) bps;

  if (ok && self->n_records == 0)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_UNSUPPORTED,
                   _("No data record was written to “%s”"), self->path);
      ok = FALSE;
    }
  /* leftover annotations go into free space of written records, starting
   * with the record that holds their onset */
  for (guint i = 0; ok && i < self->pending->len; i++)
    {
      Pending *a = g_ptr_array_index (self->pending, i);
      gint64 home = self->record_duration > 0 ? a->onset / self->record_duration : 0;
      gboolean placed = FALSE;

      home = CLAMP (home, 0, self->n_records - 1);
      for (gint64 k = 0; k < self->n_records && !placed; k++)
        {
          gint64 r = (home + k) % self->n_records;
          guint32 *used = &g_array_index (self->used, guint32, r);
          if (*used + a->len < self->ann_bytes)
            {
              ok = write_all (self, a->tal, a->len,
                              self->header_bytes + r * (gint64) self->record_bytes + (gint64) ann_offset + *used,
                              error);
              *used += (guint32) a->len;
              placed = TRUE;
            }
        }
      if (ok && !placed)
        {
          g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_UNSUPPORTED,
                       _("Too many annotations for the annotation space of “%s”; write it with more annotation bytes per record"),
                       self->path);
          ok = FALSE;
        }
    }
  if (ok)
    {
      char text[9];
      guint8 field[8];
      g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, self->n_records);
      put_field (field, 8, text);
      ok = write_all (self, field, 8, 236, error);
    }
  if (ok && close (self->fd) != 0)
    {
      int saved = errno;
      self->fd = -1;
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_IO,
                   _("Could not write “%s”: %s"), self->path, g_strerror (saved));
      ok = FALSE;
    }
  else if (ok)
    self->fd = -1;
  writer_free (self);
  return ok;
}
