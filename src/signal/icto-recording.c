/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-recording"

#include "config.h"

#include <inttypes.h>
#include <edflib.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "signal/icto-recording-private.h"

#define MAX_SIGNALS         4096
#define MAX_RECORD_BYTES    (64 * 1024 * 1024)
#define MAX_SPR             (16 * 1024 * 1024)
#define BLOCK_TARGET_BYTES  (256 * 1024)
#define DEFAULT_CACHE_BYTES (96 * 1024 * 1024)

typedef struct {
  int      spr;
  gsize    byte_offset;   /* inside a record */
  gboolean is_annotation;
  int      dmin, dmax;
  double   scale;         /* µV (or unit) per digital step */
  double   offset;        /* value = (d + offset) * scale */
  int      data_index;    /* index among data signals or -1 */
} RawSignal;

typedef struct {
  gint64  index;
  float  *data;           /* signal-major: block_offsets[s] */
  gint64  n_records;
  GList   link;
} Block;

struct _IctoRecording
{
  GObject     parent_instance;

  char       *path;
  int         fd;
  gint64      file_size;
  IctoFormat  format;
  gboolean    bdf;
  gboolean    plus;
  gboolean    used_edflib;
  char       *patient;
  char       *recording_field;
  GDateTime  *start_time;
  gint64      record_duration;
  gint64      n_records;
  gint64      header_bytes;
  gsize       record_bytes;
  int         bytes_per_sample;

  guint       n_raw;
  RawSignal  *raw;
  GArray     *signals;       /* IctoSignalInfo */
  guint      *data_to_raw;
  gint64     *record_onsets; /* NULL when records are contiguous */
  gint64      duration;
  GArray     *annotations;   /* IctoEdfAnnotation */
  GArray     *gaps;          /* IctoGap */

  /* block cache */
  GMutex      cache_lock;
  GHashTable *blocks;        /* gint64* index -> Block* */
  GQueue      lru;           /* head = most recent */
  gsize       cache_bytes;
  gsize       cache_budget;
  gint64      records_per_block;
  gsize      *block_offsets; /* per data signal, in floats */
  gsize       block_floats;
  float      *arena;         /* slots of block_floats floats, huge-page backed */
  gsize       arena_bytes;
  guint       arena_slots;
  GArray     *free_slots;    /* guint */
  GPtrArray  *spare_raw;     /* reusable raw record buffers */

  GMutex      fingerprint_lock;
  char       *fingerprint;
};

G_DEFINE_FINAL_TYPE (IctoRecording, icto_recording, G_TYPE_OBJECT)

static GMutex edflib_lock;

/* ---------------------------------------------------------------- helpers */

static void
block_free (Block *block)
{
  g_free (block);
}

/* Large buffers: 2 MiB aligned and backed by huge pages when the kernel
 * allows it (a page fault costs ~12 µs on the VMs we target).  Free with
 * free(). */
static void *
big_alloc (gsize size)
{
  void *p = NULL;
  gsize align = size >= 2 * 1024 * 1024 ? 2 * 1024 * 1024 : 64;

  size = MAX (size, 1);
  if (posix_memalign (&p, align, size) != 0)
    g_error ("out of memory (%zu bytes)", size);
#ifdef MADV_HUGEPAGE
  if (align > 64)
    madvise (p, size, MADV_HUGEPAGE);
#endif
  return p;
}

static void *
take_spare (IctoRecording *self, GPtrArray *spares, gsize size)
{
  void *p = NULL;

  g_mutex_lock (&self->cache_lock);
  if (spares->len > 0)
    p = g_ptr_array_steal_index_fast (spares, spares->len - 1);
  g_mutex_unlock (&self->cache_lock);
  return p ? p : big_alloc (size);
}

/* Block data buffers come from one arena (so that paging through a file
 * touches no new memory once the cache is full); beyond it, from the heap. */
static float *
take_data (IctoRecording *self)
{
  gsize slot_bytes = MAX (self->block_floats, 1) * sizeof (float);
  float *p = NULL;

  g_mutex_lock (&self->cache_lock);
  if (self->arena == NULL && self->arena_slots == 0)
    {
      gint64 n_blocks = (self->n_records + self->records_per_block - 1) / self->records_per_block;
      gsize slots = MIN ((gsize) n_blocks, self->cache_budget / slot_bytes + 2);
      gsize bytes = (slots * slot_bytes + (2u << 20) - 1) & ~(gsize) ((2u << 20) - 1);
      void *a = mmap (NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      self->arena_slots = (guint) slots;
      if (a != MAP_FAILED)
        {
#ifdef MADV_HUGEPAGE
          madvise (a, bytes, MADV_HUGEPAGE);
#endif
          self->arena = a;
          self->arena_bytes = bytes;
          for (guint i = 0; i < slots; i++)
            {
              guint k = (guint) slots - 1 - i;
              g_array_append_val (self->free_slots, k);
            }
        }
    }
  if (self->free_slots->len > 0)
    {
      guint k = g_array_index (self->free_slots, guint, self->free_slots->len - 1);
      g_array_set_size (self->free_slots, self->free_slots->len - 1);
      p = self->arena + (gsize) k * (slot_bytes / sizeof (float));
    }
  g_mutex_unlock (&self->cache_lock);
  return p ? p : big_alloc (slot_bytes);
}

/* Called with the cache lock held. */
static void
give_data_locked (IctoRecording *self, float *p)
{
  if (p == NULL)
    return;
  if (self->arena && (guint8 *) p >= (guint8 *) self->arena &&
      (guint8 *) p < (guint8 *) self->arena + self->arena_bytes)
    {
      guint k = (guint) ((gsize) (p - self->arena) / MAX (self->block_floats, 1));
      g_array_append_val (self->free_slots, k);
    }
  else
    free (p);
}

/* Called with the cache lock held. */
static void
give_spare_locked (GPtrArray *spares, void *p)
{
  if (spares->len < 4)
    g_ptr_array_add (spares, p);
  else
    free (p);
}

static void
clear_signal_info (gpointer p)
{
  IctoSignalInfo *info = p;
  g_free (info->label);
  g_free (info->transducer);
  g_free (info->unit);
  g_free (info->prefilter);
}

static void
clear_annotation (gpointer p)
{
  IctoEdfAnnotation *a = p;
  g_free (a->text);
}

static char *
field_to_utf8 (const guint8 *bytes, gsize len)
{
  g_autofree char *raw = g_strndup ((const char *) bytes, len);
  char *text;

  if (g_utf8_validate (raw, -1, NULL))
    text = g_strdup (raw);
  else
    {
      text = g_convert (raw, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
      if (text == NULL)
        text = g_utf8_make_valid (raw, -1);
    }
  return g_strstrip (text);
}

static gboolean
field_has_control_bytes (const guint8 *bytes, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (bytes[i] < 32 || bytes[i] == 127)
      return TRUE;
  return FALSE;
}

static gboolean
parse_int_field (const guint8 *bytes, gsize len, gint64 *out)
{
  g_autofree char *text = g_strstrip (g_strndup ((const char *) bytes, len));
  const char *p = text;
  gboolean neg = FALSE;
  gint64 v = 0;

  if (*p == '+' || *p == '-')
    neg = (*p++ == '-');
  if (*p == '\0')
    return FALSE;
  for (; *p; p++)
    {
      if (!g_ascii_isdigit (*p) || v > G_GINT64_CONSTANT (100000000000))
        return FALSE;
      v = v * 10 + (*p - '0');
    }
  *out = neg ? -v : v;
  return TRUE;
}

static gboolean
parse_double_field (const guint8 *bytes, gsize len, double *out)
{
  g_autofree char *text = g_strstrip (g_strndup ((const char *) bytes, len));
  char *end = NULL;
  double v;

  g_strdelimit (text, ",", '.');
  if (*text == '\0')
    return FALSE;
  v = g_ascii_strtod (text, &end);
  if (end == NULL || *end != '\0' || !isfinite (v))
    return FALSE;
  *out = v;
  return TRUE;
}

/* Decimal seconds ("0.23814", "+11", "-0.5") to ticks, digit by digit;
 * digits after the 7th decimal are dropped.  Returns FALSE on bad syntax. */
static gboolean
parse_seconds_ticks (const char *s, gsize len, gboolean allow_sign, gint64 *out)
{
  gsize i = 0;
  gboolean neg = FALSE, any = FALSE;
  gint64 whole = 0, frac = 0, scale = ICTO_TICKS_PER_SECOND;

  if (i < len && (s[i] == '+' || s[i] == '-'))
    {
      if (!allow_sign)
        return FALSE;
      neg = s[i] == '-';
      i++;
    }
  for (; i < len && g_ascii_isdigit (s[i]); i++)
    {
      if (whole > G_GINT64_CONSTANT (100000000000))
        return FALSE;
      whole = whole * 10 + (s[i] - '0');
      any = TRUE;
    }
  if (i < len && s[i] == '.')
    {
      i++;
      if (i >= len || !g_ascii_isdigit (s[i]))
        return FALSE;
      for (; i < len && g_ascii_isdigit (s[i]); i++)
        {
          scale /= 10;
          frac += (s[i] - '0') * scale;
          any = TRUE;
        }
    }
  if (i != len || !any)
    return FALSE;
  *out = whole * ICTO_TICKS_PER_SECOND + frac;
  if (neg)
    *out = -*out;
  return TRUE;
}

static double
unit_to_microvolts (const char *unit, gboolean *is_voltage)
{
  static const struct { const char *name; double factor; } units[] = {
    { "V", 1e6 }, { "mV", 1e3 }, { "uV", 1.0 }, { "µV", 1.0 }, { "μV", 1.0 },
    { "UV", 1.0 }, { "nV", 1e-3 }, { "uv", 1.0 }, { "mv", 1e3 }, { "nv", 1e-3 },
    { "µv", 1.0 }, { "v", 1e6 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (strcmp (unit, units[i].name) == 0)
      {
        *is_voltage = TRUE;
        return units[i].factor;
      }
  *is_voltage = FALSE;
  return 1.0;
}

static gboolean
is_annotation_label (const char *label, gboolean bdf)
{
  return strcmp (label, "EDF Annotations") == 0 || (bdf && strcmp (label, "BDF Annotations") == 0);
}

static gboolean
read_exact (int fd, void *buf, gsize len, gint64 offset, const char *path, GError **error)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t r = pread (fd, (guint8 *) buf + done, len - done, offset + (gint64) done);
      if (r < 0)
        {
          int saved = errno;
          if (saved == EINTR)
            continue;
          g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_IO,
                       _("Could not read “%s”: %s"), path, g_strerror (saved));
          return FALSE;
        }
      if (r == 0)
        {
          g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_TRUNCATED,
                       _("“%s” ends early (the file may have been cut short while copying)"), path);
          return FALSE;
        }
      done += (gsize) r;
    }
  return TRUE;
}

static gboolean G_GNUC_PRINTF (3, 4)
header_error (GError **error, const char *path, const char *format, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_HEADER,
               _("“%s” has a damaged header: %s. Re-export the recording from the acquisition system or repair the header with an EDF header editor."),
               path, msg);
  return FALSE;
}

static inline gint32
decode_sample (const guint8 *p, gboolean bdf)
{
  if (bdf)
    {
      gint32 v = (gint32) p[0] | ((gint32) p[1] << 8) | ((gint32) p[2] << 16);
      if (v >= 0x800000)
        v -= 0x1000000;
      return v;
    }
  return (gint16) (guint16) (p[0] | (p[1] << 8));
}

/* --------------------------------------------------------- header parsing */

static gboolean
parse_start_time (IctoRecording *self, const guint8 *hdr, int *y, int *mo, int *d,
                  int *h, int *mi, int *s, GError **error)
{
  char date[9], time[9];
  static const char *months[] = { "JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                  "JUL", "AUG", "SEP", "OCT", "NOV", "DEC" };

  memcpy (date, hdr + 168, 8); date[8] = 0;
  memcpy (time, hdr + 176, 8); time[8] = 0;
  if (!(g_ascii_isdigit (date[0]) && g_ascii_isdigit (date[1]) && g_ascii_isdigit (date[3]) &&
        g_ascii_isdigit (date[4]) && g_ascii_isdigit (date[6]) && g_ascii_isdigit (date[7])))
    return header_error (error, self->path, _("the start date “%s” is not dd.mm.yy"), date);
  for (int i = 0; i < 8; i++)
    if (i != 2 && i != 5 && !g_ascii_isdigit (time[i]))
      return header_error (error, self->path, _("the start time “%s” is not hh.mm.ss"), time);
  *d = (date[0] - '0') * 10 + (date[1] - '0');
  *mo = (date[3] - '0') * 10 + (date[4] - '0');
  *y = (date[6] - '0') * 10 + (date[7] - '0');
  *y += *y >= 85 ? 1900 : 2000;
  *h = (time[0] - '0') * 10 + (time[1] - '0');
  *mi = (time[3] - '0') * 10 + (time[4] - '0');
  *s = (time[6] - '0') * 10 + (time[7] - '0');
  if (*d < 1 || *d > 31 || *mo < 1 || *mo > 12 || *h > 23 || *mi > 59 || *s > 59)
    return header_error (error, self->path, _("the start date and time “%s %s” are not valid"), date, time);

  /* EDF+: "Startdate dd-MMM-yyyy" carries the four-digit year */
  if (self->plus && strncmp (self->recording_field, "Startdate ", 10) == 0 &&
      strlen (self->recording_field) >= 21 && self->recording_field[12] == '-' &&
      self->recording_field[16] == '-')
    {
      const char *rf = self->recording_field + 10;
      int yy = 0;
      gboolean ok = TRUE;
      for (int i = 7; i < 11; i++)
        {
          if (!g_ascii_isdigit (rf[i]))
            ok = FALSE;
          else
            yy = yy * 10 + (rf[i] - '0');
        }
      if (ok && yy % 100 == *y % 100)
        for (int m = 0; m < 12; m++)
          if (g_ascii_strncasecmp (rf + 3, months[m], 3) == 0 && m + 1 == *mo)
            *y = yy;
    }
  return TRUE;
}

static gboolean
parse_header (IctoRecording *self, GError **error)
{
  guint8 fixed[256];
  g_autofree guint8 *hdr = NULL;
  gint64 ns, hbytes, nrec;
  gsize reserved_len;
  char reserved[45];
  gint64 rec_bytes = 0;
  guint n_data = 0;
  g_autofree char *dur_text = NULL;

  if (self->file_size < 8)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_NOT_EDF,
                   _("“%s” is not an EDF or BDF recording (the file is empty or too small)"), self->path);
      return FALSE;
    }
  if (!read_exact (self->fd, fixed, MIN (256, (gsize) self->file_size), 0, self->path, error))
    return FALSE;
  if (memcmp (fixed, "0       ", 8) == 0)
    self->bdf = FALSE;
  else if (fixed[0] == 0xFF && memcmp (fixed + 1, "BIOSEMI", 7) == 0)
    self->bdf = TRUE;
  else
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_NOT_EDF,
                   _("“%s” is not an EDF or BDF recording (it does not start with an EDF or BDF version field)"),
                   self->path);
      return FALSE;
    }
  if (self->file_size < 256)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_TRUNCATED,
                   _("“%s” is cut short: it ends inside its header (%" PRId64 " bytes)"),
                   self->path, self->file_size);
      return FALSE;
    }
  self->bytes_per_sample = self->bdf ? 3 : 2;

  if (!parse_int_field (fixed + 252, 4, &ns))
    return header_error (error, self->path, _("the number of signals is not a number"));
  if (ns < 1)
    return header_error (error, self->path, _("the file declares no signals"));
  if (ns > MAX_SIGNALS)
    return header_error (error, self->path, _("the file declares %" PRId64 " signals (at most %d are allowed)"),
                         ns, MAX_SIGNALS);
  if (!parse_int_field (fixed + 184, 8, &hbytes) || hbytes != 256 * (ns + 1))
    return header_error (error, self->path, _("the header size does not match the number of signals (%" PRId64 ")"), ns);
  if (self->file_size < hbytes)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_TRUNCATED,
                   _("“%s” is cut short: it ends inside its header"), self->path);
      return FALSE;
    }
  self->header_bytes = hbytes;
  hdr = g_malloc (hbytes);
  if (!read_exact (self->fd, hdr, hbytes, 0, self->path, error))
    return FALSE;

  memcpy (reserved, hdr + 192, 44);
  reserved[44] = 0;
  reserved_len = 44;
  (void) reserved_len;
  if (!self->bdf)
    {
      if (strncmp (reserved, "EDF+C", 5) == 0)
        self->format = ICTO_FORMAT_EDF_PLUS_C, self->plus = TRUE;
      else if (strncmp (reserved, "EDF+D", 5) == 0)
        self->format = ICTO_FORMAT_EDF_PLUS_D, self->plus = TRUE;
      else
        self->format = ICTO_FORMAT_EDF;
    }
  else
    {
      if (strncmp (reserved, "BDF+C", 5) == 0)
        self->format = ICTO_FORMAT_BDF_PLUS_C, self->plus = TRUE;
      else if (strncmp (reserved, "BDF+D", 5) == 0)
        self->format = ICTO_FORMAT_BDF_PLUS_D, self->plus = TRUE;
      else
        self->format = ICTO_FORMAT_BDF;
    }

  self->patient = field_to_utf8 (hdr + 8, 80);
  self->recording_field = field_to_utf8 (hdr + 88, 80);

  {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (!parse_start_time (self, hdr, &y, &mo, &d, &h, &mi, &s, error))
      return FALSE;
    self->start_time = g_date_time_new_utc (y, mo, d, h, mi, s);
    if (self->start_time == NULL)
      return header_error (error, self->path, _("the start date does not exist"));
  }

  dur_text = g_strstrip (g_strndup ((const char *) hdr + 244, 8));
  g_strdelimit (dur_text, ",", '.');
  if (!parse_seconds_ticks (dur_text, strlen (dur_text), TRUE, &self->record_duration) ||
      self->record_duration < 0)
    return header_error (error, self->path, _("the data record duration “%s” is not a number of seconds"), dur_text);

  self->n_raw = (guint) ns;
  self->raw = g_new0 (RawSignal, ns);
  for (guint i = 0; i < self->n_raw; i++)
    {
      RawSignal *rs = &self->raw[i];
      const guint8 *lab = hdr + 256 + 16 * i;
      g_autofree char *label = NULL;
      gint64 v;

      if (field_has_control_bytes (lab, 16))
        return header_error (error, self->path, _("the label of signal %u contains control characters"), i + 1);
      label = field_to_utf8 (lab, 16);
      rs->is_annotation = self->plus && is_annotation_label (label, self->bdf);
      if (!parse_int_field (hdr + 256 + 216 * ns + 8 * i, 8, &v) || v < 1 || v > MAX_SPR)
        return header_error (error, self->path, _("signal %u (“%s”) has an impossible number of samples per record"),
                             i + 1, label);
      rs->spr = (int) v;
      rs->byte_offset = (gsize) rec_bytes;
      rec_bytes += v * self->bytes_per_sample;
      if (rec_bytes > MAX_RECORD_BYTES)
        return header_error (error, self->path, _("a data record would be larger than %d MiB"), MAX_RECORD_BYTES >> 20);
      rs->data_index = -1;
      if (!rs->is_annotation)
        rs->data_index = (int) n_data++;
    }
  self->record_bytes = (gsize) rec_bytes;

  if (!parse_int_field (hdr + 236, 8, &nrec))
    return header_error (error, self->path, _("the number of data records is not a number"));
  {
    gint64 avail = (self->file_size - hbytes) / (gint64) self->record_bytes;
    gint64 rest = (self->file_size - hbytes) % (gint64) self->record_bytes;
    if (nrec == -1)
      {
        if (rest != 0 || avail < 1)
          return header_error (error, self->path, _("the recording was not finished (number of data records is −1)"));
        nrec = avail;
      }
    if (nrec < 1)
      return header_error (error, self->path, _("the file declares %" PRId64 " data records"), nrec);
    if (nrec > avail)
      {
        g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_TRUNCATED,
                     _("“%s” is cut short: the header announces %" PRId64 " data records but the file holds only %" PRId64 ". Copy the file again from its source."),
                     self->path, nrec, avail);
        return FALSE;
      }
    if (nrec < avail || rest != 0)
      return header_error (error, self->path, _("the file is longer than its header says (%" PRId64 " data records announced)"), nrec);
  }
  self->n_records = nrec;

  if (self->record_duration == 0 && n_data > 0)
    return header_error (error, self->path, _("the data record duration is 0 although the file has signals"));

  self->signals = g_array_sized_new (FALSE, TRUE, sizeof (IctoSignalInfo), n_data);
  g_array_set_clear_func (self->signals, clear_signal_info);
  self->data_to_raw = g_new0 (guint, MAX (n_data, 1));
  for (guint i = 0; i < self->n_raw; i++)
    {
      RawSignal *rs = &self->raw[i];
      IctoSignalInfo info = { 0 };
      gint64 dmin, dmax;
      gint64 lim_lo = self->bdf ? -8388608 : -32768, lim_hi = self->bdf ? 8388607 : 32767;

      if (rs->is_annotation)
        continue;
      info.label = field_to_utf8 (hdr + 256 + 16 * i, 16);
      info.transducer = field_to_utf8 (hdr + 256 + 16 * ns + 80 * i, 80);
      info.unit = field_to_utf8 (hdr + 256 + 96 * ns + 8 * i, 8);
      info.prefilter = field_to_utf8 (hdr + 256 + 136 * ns + 80 * i, 80);
      g_array_append_val (self->signals, info);
      {
        IctoSignalInfo *si = &g_array_index (self->signals, IctoSignalInfo, self->signals->len - 1);
        if (!parse_double_field (hdr + 256 + 104 * ns + 8 * i, 8, &si->physical_min) ||
            !parse_double_field (hdr + 256 + 112 * ns + 8 * i, 8, &si->physical_max))
          return header_error (error, self->path, _("the physical range of signal “%s” is not a number"), si->label);
        if (!parse_int_field (hdr + 256 + 120 * ns + 8 * i, 8, &dmin) ||
            !parse_int_field (hdr + 256 + 128 * ns + 8 * i, 8, &dmax))
          return header_error (error, self->path, _("the digital range of signal “%s” is not a whole number"), si->label);
        if (dmax <= dmin)
          return header_error (error, self->path, _("signal “%s” has an empty digital range (%" PRId64 " to %" PRId64 ")"),
                               si->label, dmin, dmax);
        if (dmin < lim_lo || dmax > lim_hi)
          return header_error (error, self->path, _("the digital range of signal “%s” does not fit the sample size"), si->label);
        if (si->physical_min == si->physical_max)
          return header_error (error, self->path, _("signal “%s” has an empty physical range (minimum equals maximum)"), si->label);
        si->digital_min = (int) dmin;
        si->digital_max = (int) dmax;
        si->samples_per_record = rs->spr;
        si->sample_rate = (double) rs->spr * (double) ICTO_TICKS_PER_SECOND / (double) self->record_duration;
        si->to_microvolts = unit_to_microvolts (si->unit, &si->is_voltage);
        si->read_unit = si->is_voltage ? "uV" : si->unit;
        rs->dmin = (int) dmin;
        rs->dmax = (int) dmax;
        {
          double gain = (si->physical_max - si->physical_min) / (double) (dmax - dmin);
          rs->scale = gain * si->to_microvolts;
          rs->offset = si->physical_max / gain - (double) dmax;
        }
        self->data_to_raw[rs->data_index] = i;
      }
    }
  return TRUE;
}

/* ------------------------------------------------------------ TAL parsing */

/* Parses one annotation signal area of one record.  Returns FALSE on a syntax
 * error (the rest of the area is then ignored).  @timekeeping receives the
 * onset of the first TAL when @want_timekeeping. */
static gboolean
parse_tal_area (const guint8 *a, gsize len, gboolean want_timekeeping,
                gboolean *have_timekeeping, gint64 *timekeeping, GArray *out)
{
  gsize i = 0;
  gboolean first = TRUE;

  while (i < len && a[i] != 0)
    {
      gsize start = i, onset_end;
      gint64 onset, duration = -1;
      guint n_texts = 0;

      while (i < len && a[i] != 0x14 && a[i] != 0x15 && a[i] != 0)
        i++;
      if (i >= len || a[i] == 0)
        return FALSE;
      onset_end = i;
      if (!parse_seconds_ticks ((const char *) a + start, onset_end - start, TRUE, &onset) ||
          (a[start] != '+' && a[start] != '-'))
        return FALSE;
      if (a[i] == 0x15)
        {
          gsize ds = ++i;
          while (i < len && a[i] != 0x14 && a[i] != 0)
            i++;
          if (i >= len || a[i] != 0x14)
            return FALSE;
          if (i > ds && !parse_seconds_ticks ((const char *) a + ds, i - ds, FALSE, &duration))
            return FALSE;
        }
      i++; /* past 0x14 */
      /* texts, each ended by 0x14, until 0x00 */
      while (i < len && a[i] != 0)
        {
          gsize ts = i;
          while (i < len && a[i] != 0x14 && a[i] != 0)
            i++;
          if (i >= len || a[i] != 0x14)
            return FALSE;
          if (i > ts)
            {
              IctoEdfAnnotation ann;
              g_autofree char *raw = g_strndup ((const char *) a + ts, i - ts);
              ann.onset = onset;
              ann.duration = duration;
              ann.text = g_utf8_validate (raw, -1, NULL) ? g_strdup (raw) : g_utf8_make_valid (raw, -1);
              g_array_append_val (out, ann);
            }
          else if (first && n_texts == 0 && want_timekeeping)
            {
              *have_timekeeping = TRUE;
              *timekeeping = onset;
            }
          n_texts++;
          i++;
        }
      if (i >= len)
        return FALSE;
      i++; /* past the TAL's 0x00 */
      first = FALSE;
    }
  return TRUE;
}

static gboolean
read_tals_own (IctoRecording *self, GArray *anns, GError **error)
{
  guint first_ann = G_MAXUINT;
  gsize lo = G_MAXSIZE, hi = 0;
  g_autofree guint8 *buf = NULL;
  g_autofree gint64 *onsets = NULL;
  gint64 chunk_records;

  for (guint i = 0; i < self->n_raw; i++)
    if (self->raw[i].is_annotation)
      {
        if (first_ann == G_MAXUINT)
          first_ann = i;
        lo = MIN (lo, self->raw[i].byte_offset);
        hi = MAX (hi, self->raw[i].byte_offset + (gsize) self->raw[i].spr * self->bytes_per_sample);
      }
  if (first_ann == G_MAXUINT)
    return TRUE;

  onsets = g_new (gint64, self->n_records);
  buf = g_malloc (hi - lo);
  /* read annotation bytes record by record (one pread each); when the
   * records are small, read several whole records at once */
  chunk_records = MAX (1, (gint64) (256 * 1024 / self->record_bytes));
  if (hi - lo < self->record_bytes / 2)
    chunk_records = 1;
  {
    g_autofree guint8 *chunk = chunk_records > 1 ? g_malloc (chunk_records * self->record_bytes) : NULL;
    for (gint64 r = 0; r < self->n_records; r++)
      {
        const guint8 *rec;
        gboolean have_tk = FALSE;
        gint64 tk = 0;

        if (chunk_records > 1)
          {
            gint64 c = r % chunk_records;
            if (c == 0)
              {
                gint64 n = MIN (chunk_records, self->n_records - r);
                if (!read_exact (self->fd, chunk, n * self->record_bytes,
                                 self->header_bytes + r * (gint64) self->record_bytes, self->path, error))
                  return FALSE;
              }
            rec = chunk + c * self->record_bytes + lo;
          }
        else
          {
            if (!read_exact (self->fd, buf, hi - lo,
                             self->header_bytes + r * (gint64) self->record_bytes + (gint64) lo, self->path, error))
              return FALSE;
            rec = buf;
          }
        for (guint i = 0; i < self->n_raw; i++)
          {
            const RawSignal *rs = &self->raw[i];
            if (!rs->is_annotation)
              continue;
            if (!parse_tal_area (rec + (rs->byte_offset - lo), (gsize) rs->spr * self->bytes_per_sample,
                                 i == first_ann, &have_tk, &tk, anns))
              g_debug ("%s: malformed annotation list in record %" G_GINT64_FORMAT, self->path, r);
          }
        if (!have_tk)
          {
            if (self->format == ICTO_FORMAT_EDF_PLUS_D || self->format == ICTO_FORMAT_BDF_PLUS_D)
              return header_error (error, self->path, _("data record %" PRId64 " of a discontinuous file has no time stamp"), r + 1);
            tk = (r == 0 ? 0 : onsets[0] + r * self->record_duration);
          }
        onsets[r] = tk;
      }
  }

  if (onsets[0] < 0)
    return header_error (error, self->path, _("the first data record starts before the header start time"));
  for (gint64 r = 1; r < self->n_records; r++)
    {
      if (self->format == ICTO_FORMAT_EDF_PLUS_D || self->format == ICTO_FORMAT_BDF_PLUS_D)
        {
          if (onsets[r] < onsets[r - 1] + self->record_duration)
            return header_error (error, self->path, _("data record %" PRId64 " starts before the previous one ends"), r + 1);
        }
      else if (onsets[r] != onsets[0] + r * self->record_duration)
        {
          g_debug ("%s: record %" G_GINT64_FORMAT " time stamp disagrees with a continuous file", self->path, r);
          onsets[r] = onsets[0] + r * self->record_duration;
        }
    }

  /* relative to the first sample */
  for (guint i = 0; i < anns->len; i++)
    g_array_index (anns, IctoEdfAnnotation, i).onset -= onsets[0];
  {
    GDateTime *st = g_date_time_add (self->start_time, onsets[0] / 10);
    g_date_time_unref (self->start_time);
    self->start_time = st;
  }
  {
    gboolean gaps = FALSE;
    gint64 t0 = onsets[0];
    for (gint64 r = 0; r < self->n_records; r++)
      {
        onsets[r] -= t0;
        if (onsets[r] != r * self->record_duration)
          gaps = TRUE;
      }
    if (gaps)
      self->record_onsets = g_steal_pointer (&onsets);
  }
  return TRUE;
}

static gint
compare_annotations (gconstpointer a, gconstpointer b)
{
  const IctoEdfAnnotation *x = a, *y = b;
  return x->onset < y->onset ? -1 : x->onset > y->onset;
}

/* Asks EDFlib to validate the header (without reading annotations, which
 * costs EDFlib ~80 µs per data record: 0.6 s for a 2-hour file; our own TAL
 * reader, checked against EDFlib's annotations on every shared file by the
 * tests, does that part).  Returns TRUE when EDFlib accepts the file. */
static gboolean
validate_with_edflib (IctoRecording *self)
{
  g_autofree struct edf_hdr_struct *hdr = g_new0 (struct edf_hdr_struct, 1);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&edflib_lock);
  gboolean ok;

  if (edfopen_file_readonly (self->path, hdr, EDFLIB_DO_NOT_READ_ANNOTATIONS) != 0)
    {
      g_debug ("EDFlib refuses %s (error %d); using our own reader", self->path, hdr->filetype);
      return FALSE;
    }
  ok = (guint) hdr->edfsignals == self->signals->len && hdr->datarecords_in_file == self->n_records &&
       hdr->datarecord_duration == self->record_duration;
  if (!ok)
    g_debug ("EDFlib and our parser disagree on %s", self->path);
  edfclose_file (hdr->handle);
  return ok;
}

static void
setup_cache (IctoRecording *self)
{
  guint n = self->signals->len;
  gsize per_record = 0;

  self->records_per_block = MAX (1, (gint64) (BLOCK_TARGET_BYTES / MAX (self->record_bytes, 1)));
  self->records_per_block = MIN (self->records_per_block, self->n_records);
  self->block_offsets = g_new0 (gsize, n + 1);
  for (guint s = 0; s < n; s++)
    {
      self->block_offsets[s] = per_record * self->records_per_block;
      per_record += (gsize) g_array_index (self->signals, IctoSignalInfo, s).samples_per_record;
    }
  self->block_offsets[n] = per_record * self->records_per_block;
  self->block_floats = per_record * self->records_per_block;
  self->blocks = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->cache_budget = DEFAULT_CACHE_BYTES;
  self->free_slots = g_array_new (FALSE, FALSE, sizeof (guint));
  self->spare_raw = g_ptr_array_new_with_free_func (free);
}

/* ---------------------------------------------------------------- overrides */

static void
icto_recording_finalize (GObject *object)
{
  IctoRecording *self = ICTO_RECORDING (object);

  if (self->blocks)
    {
      GList *l;
      while ((l = g_queue_pop_head_link (&self->lru)))
        {
          Block *b = l->data;
          give_data_locked (self, b->data);
          block_free (b);
        }
      g_hash_table_destroy (self->blocks);
    }
  if (self->arena)
    munmap (self->arena, self->arena_bytes);
  g_clear_pointer (&self->free_slots, g_array_unref);
  g_clear_pointer (&self->spare_raw, g_ptr_array_unref);
  if (self->fd >= 0)
    close (self->fd);
  g_free (self->path);
  g_free (self->patient);
  g_free (self->recording_field);
  g_clear_pointer (&self->start_time, g_date_time_unref);
  g_free (self->raw);
  g_clear_pointer (&self->signals, g_array_unref);
  g_free (self->data_to_raw);
  g_free (self->record_onsets);
  g_clear_pointer (&self->annotations, g_array_unref);
  g_clear_pointer (&self->gaps, g_array_unref);
  g_free (self->block_offsets);
  g_free (self->fingerprint);
  g_mutex_clear (&self->cache_lock);
  g_mutex_clear (&self->fingerprint_lock);

  G_OBJECT_CLASS (icto_recording_parent_class)->finalize (object);
}

static void
icto_recording_class_init (IctoRecordingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = icto_recording_finalize;
}

static void
icto_recording_init (IctoRecording *self)
{
  self->fd = -1;
  g_mutex_init (&self->cache_lock);
  g_mutex_init (&self->fingerprint_lock);
  g_queue_init (&self->lru);
}

/* ------------------------------------------------------------------ public */

const char *
icto_format_to_string (IctoFormat format)
{
  switch (format)
    {
    case ICTO_FORMAT_EDF: return "EDF";
    case ICTO_FORMAT_EDF_PLUS_C: return "EDF+C";
    case ICTO_FORMAT_EDF_PLUS_D: return "EDF+D";
    case ICTO_FORMAT_BDF: return "BDF";
    case ICTO_FORMAT_BDF_PLUS_C: return "BDF+C";
    case ICTO_FORMAT_BDF_PLUS_D: return "BDF+D";
    default: return "?";
    }
}

IctoRecording *
_icto_recording_open_full (const char               *path,
                           _IctoRecordingOpenFlags   flags,
                           GError                  **error)
{
  g_autoptr(IctoRecording) self = NULL;
  g_autoptr(GArray) anns = NULL;
  struct stat st;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (ICTO_TYPE_RECORDING, NULL);
  self->path = g_strdup (path);
  self->fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (self->fd < 0)
    {
      int saved = errno;
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_IO,
                   _("Could not open “%s”: %s"), path, g_strerror (saved));
      return NULL;
    }
  if (fstat (self->fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_IO,
                   _("Could not open “%s”: not a regular file"), path);
      return NULL;
    }
  self->file_size = st.st_size;
  if (!parse_header (self, error))
    return NULL;

  anns = g_array_new (FALSE, TRUE, sizeof (IctoEdfAnnotation));
  g_array_set_clear_func (anns, clear_annotation);
  if (!(flags & _ICTO_RECORDING_OPEN_OWN_READER))
    self->used_edflib = validate_with_edflib (self);
  if (self->plus && !read_tals_own (self, anns, error))
    return NULL;
  g_array_sort (anns, compare_annotations);
  self->annotations = g_steal_pointer (&anns);

  self->gaps = g_array_new (FALSE, TRUE, sizeof (IctoGap));
  if (self->record_onsets)
    {
      for (gint64 r = 1; r < self->n_records; r++)
        {
          gint64 end = self->record_onsets[r - 1] + self->record_duration;
          if (self->record_onsets[r] > end)
            {
              IctoGap g = { end, self->record_onsets[r] - end };
              g_array_append_val (self->gaps, g);
            }
        }
      self->duration = self->record_onsets[self->n_records - 1] + self->record_duration;
    }
  else
    self->duration = self->n_records * self->record_duration;

  setup_cache (self);
  return g_steal_pointer (&self);
}

IctoRecording *
icto_recording_open (const char  *path,
                     GError     **error)
{
  return _icto_recording_open_full (path, _ICTO_RECORDING_OPEN_DEFAULT, error);
}

gboolean
_icto_recording_used_edflib (IctoRecording *self)
{
  return self->used_edflib;
}

void
_icto_recording_set_cache_budget (IctoRecording *self,
                                  gsize          bytes)
{
  g_mutex_lock (&self->cache_lock);
  self->cache_budget = bytes;
  g_mutex_unlock (&self->cache_lock);
}

gint64
_icto_recording_get_records_per_block (IctoRecording *self)
{
  return self->records_per_block;
}

gsize
_icto_recording_get_record_bytes (IctoRecording *self)
{
  return self->record_bytes;
}

const char *
icto_recording_get_path (IctoRecording *self)
{
  g_return_val_if_fail (ICTO_IS_RECORDING (self), NULL);
  return self->path;
}

IctoFormat
icto_recording_get_format (IctoRecording *self)
{
  g_return_val_if_fail (ICTO_IS_RECORDING (self), ICTO_FORMAT_EDF);
  return self->format;
}

const char *
icto_recording_get_patient (IctoRecording *self)
{
  g_return_val_if_fail (ICTO_IS_RECORDING (self), NULL);
  return self->patient;
}

const char *
icto_recording_get_recording_field (IctoRecording *self)
{
  g_return_val_if_fail (ICTO_IS_RECORDING (self), NULL);
  return self->recording_field;
}

GDateTime *
icto_recording_get_start_time (IctoRecording *self)
{
  g_return_val_if_fail (ICTO_IS_RECORDING (self), NULL);
  return self->start_time;
}

gint64
icto_recording_get_duration (IctoRecording *self)
{
  g_return_val_if_fail (ICTO_IS_RECORDING (self), 0);
  return self->duration;
}

gint64
icto_recording_get_record_duration (IctoRecording *self)
{
  g_return_val_if_fail (ICTO_IS_RECORDING (self), 0);
  return self->record_duration;
}

gint64
icto_recording_get_n_records (IctoRecording *self)
{
  g_return_val_if_fail (ICTO_IS_RECORDING (self), 0);
  return self->n_records;
}

gint64
icto_recording_get_record_onset (IctoRecording *self,
                                 gint64         record)
{
  g_return_val_if_fail (ICTO_IS_RECORDING (self), 0);
  g_return_val_if_fail (record >= 0 && record < self->n_records, 0);
  return self->record_onsets ? self->record_onsets[record] : record * self->record_duration;
}

guint
icto_recording_get_n_signals (IctoRecording *self)
{
  g_return_val_if_fail (ICTO_IS_RECORDING (self), 0);
  return self->signals->len;
}

const IctoSignalInfo *
icto_recording_get_signal (IctoRecording *self,
                           guint          index)
{
  g_return_val_if_fail (ICTO_IS_RECORDING (self), NULL);
  g_return_val_if_fail (index < self->signals->len, NULL);
  return &g_array_index (self->signals, IctoSignalInfo, index);
}

int
icto_recording_find_signal (IctoRecording *self,
                            const char    *label)
{
  g_return_val_if_fail (ICTO_IS_RECORDING (self), -1);
  g_return_val_if_fail (label != NULL, -1);
  for (guint i = 0; i < self->signals->len; i++)
    if (strcmp (g_array_index (self->signals, IctoSignalInfo, i).label, label) == 0)
      return (int) i;
  return -1;
}

guint
icto_recording_get_n_annotations (IctoRecording *self)
{
  g_return_val_if_fail (ICTO_IS_RECORDING (self), 0);
  return self->annotations->len;
}

const IctoEdfAnnotation *
icto_recording_get_annotation (IctoRecording *self,
                               guint          index)
{
  g_return_val_if_fail (ICTO_IS_RECORDING (self), NULL);
  g_return_val_if_fail (index < self->annotations->len, NULL);
  return &g_array_index (self->annotations, IctoEdfAnnotation, index);
}

guint
icto_recording_get_n_gaps (IctoRecording *self)
{
  g_return_val_if_fail (ICTO_IS_RECORDING (self), 0);
  return self->gaps->len;
}

const IctoGap *
icto_recording_get_gap (IctoRecording *self,
                        guint          index)
{
  g_return_val_if_fail (ICTO_IS_RECORDING (self), NULL);
  g_return_val_if_fail (index < self->gaps->len, NULL);
  return &g_array_index (self->gaps, IctoGap, index);
}

gint64
icto_recording_get_n_samples (IctoRecording *self,
                              guint          signal)
{
  g_return_val_if_fail (ICTO_IS_RECORDING (self), 0);
  g_return_val_if_fail (signal < self->signals->len, 0);
  return self->n_records * g_array_index (self->signals, IctoSignalInfo, signal).samples_per_record;
}

/* ------------------------------------------------------------ data reading */

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define ICTO_VECTORIZE __attribute__ ((optimize ("O3"), target_clones ("avx2", "default")))
#elif defined(__GNUC__) && !defined(__clang__)
#define ICTO_VECTORIZE __attribute__ ((optimize ("O3")))
#else
#define ICTO_VECTORIZE
#endif

/* value = d * scale + bias, with d clamped to [dmin, dmax]; float arithmetic
 * (error below 1e-6 of the physical range, far under one quantisation step) */
static void ICTO_VECTORIZE
decode_i16 (const guint8 *src, int n, int dmin, int dmax, float scale, float bias, float *d)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  for (int j = 0; j < n; j++)
    {
      gint16 raw;
      int v;
      memcpy (&raw, src + 2 * j, 2);
      v = raw;
      v = v < dmin ? dmin : v;
      v = v > dmax ? dmax : v;
      d[j] = (float) v * scale + bias;
    }
#else
  for (int j = 0; j < n; j++)
    {
      int v = (gint16) (guint16) (src[2 * j] | (src[2 * j + 1] << 8));
      v = v < dmin ? dmin : (v > dmax ? dmax : v);
      d[j] = (float) v * scale + bias;
    }
#endif
}

/* 24-bit: double arithmetic, since BDF steps are finer than float rounding */
static void ICTO_VECTORIZE
decode_i24 (const guint8 *src, int n, int dmin, int dmax, double scale, double bias, float *d)
{
  for (int j = 0; j < n; j++)
    {
      const guint8 *p = src + 3 * j;
      /* sign-extend the 24-bit value through the top byte */
      int v = (int) ((guint32) p[0] << 8 | (guint32) p[1] << 16 | (guint32) p[2] << 24) >> 8;
      v = v < dmin ? dmin : v;
      v = v > dmax ? dmax : v;
      d[j] = (float) ((double) v * scale + bias);
    }
}

static void
decode_records (IctoRecording *self, const guint8 *raw, gint64 n_records, float **out)
{
  for (guint s = 0; s < self->signals->len; s++)
    {
      const RawSignal *rs = &self->raw[self->data_to_raw[s]];
      float *dst = out[s];
      const int spr = rs->spr;
      const float scale = (float) rs->scale, bias = (float) (rs->offset * rs->scale);

      for (gint64 r = 0; r < n_records; r++)
        {
          const guint8 *src = raw + r * self->record_bytes + rs->byte_offset;
          if (!self->bdf)
            decode_i16 (src, spr, rs->dmin, rs->dmax, scale, bias, dst + r * spr);
          else
            decode_i24 (src, spr, rs->dmin, rs->dmax, rs->scale, rs->offset * rs->scale, dst + r * spr);
        }
    }
}

gboolean
_icto_recording_decode_records (IctoRecording  *self,
                                gint64          first_record,
                                gint64          n_records,
                                guint8         *raw,
                                float         **out,
                                GError        **error)
{
  g_return_val_if_fail (ICTO_IS_RECORDING (self), FALSE);
  if (first_record < 0 || n_records < 0 || first_record + n_records > self->n_records)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE,
                   _("Data records %" PRId64 "–%" PRId64 " are outside the recording"),
                   first_record, first_record + n_records);
      return FALSE;
    }
  if (!read_exact (self->fd, raw, (gsize) n_records * self->record_bytes,
                   self->header_bytes + first_record * (gint64) self->record_bytes, self->path, error))
    return FALSE;
  decode_records (self, raw, n_records, out);
  return TRUE;
}

void
_icto_recording_get_layout (IctoRecording  *self,
                            guint           signal,
                            _IctoRawLayout *layout)
{
  const RawSignal *rs;

  g_return_if_fail (signal < self->signals->len);
  rs = &self->raw[self->data_to_raw[signal]];
  layout->byte_offset = rs->byte_offset;
  layout->samples_per_record = rs->spr;
  layout->bytes_per_sample = self->bytes_per_sample;
  layout->digital_min = rs->dmin;
  layout->digital_max = rs->dmax;
  layout->scale = rs->scale;
  layout->offset = rs->offset;
}

gboolean
_icto_recording_read_raw (IctoRecording  *self,
                          gint64          first_record,
                          gint64          n_records,
                          guint8         *raw,
                          GError        **error)
{
  if (first_record < 0 || n_records < 0 || first_record + n_records > self->n_records)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE,
                   _("Data records %" PRId64 "–%" PRId64 " are outside the recording"),
                   first_record, first_record + n_records);
      return FALSE;
    }
  return read_exact (self->fd, raw, (gsize) n_records * self->record_bytes,
                     self->header_bytes + first_record * (gint64) self->record_bytes, self->path, error);
}

gint64
_icto_recording_get_header_bytes (IctoRecording *self)
{
  return self->header_bytes;
}

int
_icto_recording_get_fd (IctoRecording *self)
{
  return self->fd;
}

static Block *
load_block (IctoRecording *self, gint64 index, GError **error)
{
  Block *block = g_new0 (Block, 1);
  gint64 first = index * self->records_per_block;
  gint64 n = MIN (self->records_per_block, self->n_records - first);
  guint8 *raw = take_spare (self, self->spare_raw, (gsize) self->records_per_block * self->record_bytes);
  g_autofree float **out = g_new (float *, MAX (self->signals->len, 1));
  gboolean ok;

  block->index = index;
  block->n_records = n;
  block->data = take_data (self);
  block->link.data = block;
  for (guint s = 0; s < self->signals->len; s++)
    out[s] = block->data + self->block_offsets[s];
  ok = _icto_recording_decode_records (self, first, n, raw, out, error);
  g_mutex_lock (&self->cache_lock);
  give_spare_locked (self->spare_raw, raw);
  if (!ok)
    {
      give_data_locked (self, block->data);
      block->data = NULL;
    }
  g_mutex_unlock (&self->cache_lock);
  if (!ok)
    {
      block_free (block);
      return NULL;
    }
  return block;
}

/* Called with the lock held; returns a block that stays valid while the lock
 * is held. */
static Block *
get_block_locked (IctoRecording *self, gint64 index, GError **error)
{
  Block *block = g_hash_table_lookup (self->blocks, &index);
  gsize bytes = self->block_floats * sizeof (float);

  if (block)
    {
      g_queue_unlink (&self->lru, &block->link);
      g_queue_push_head_link (&self->lru, &block->link);
      return block;
    }
  g_mutex_unlock (&self->cache_lock);
  block = load_block (self, index, error);
  g_mutex_lock (&self->cache_lock);
  if (block == NULL)
    return NULL;
  {
    Block *other = g_hash_table_lookup (self->blocks, &index);
    if (other)
      {
        give_data_locked (self, block->data);
        block->data = NULL;
        block_free (block);
        g_queue_unlink (&self->lru, &other->link);
        g_queue_push_head_link (&self->lru, &other->link);
        return other;
      }
  }
  /* evict, keeping at least this block */
  while (self->lru.length > 0 && self->cache_bytes + bytes > self->cache_budget)
    {
      GList *l = g_queue_pop_tail_link (&self->lru);
      Block *old = l->data;
      g_hash_table_remove (self->blocks, &old->index);
      give_data_locked (self, old->data);
      old->data = NULL;
      block_free (old);
      self->cache_bytes -= bytes;
    }
  g_hash_table_insert (self->blocks, &block->index, block);
  g_queue_push_head_link (&self->lru, &block->link);
  self->cache_bytes += bytes;
  return block;
}

gboolean
icto_recording_read_samples (IctoRecording  *self,
                             guint           signal,
                             gint64          first,
                             gsize           n,
                             float          *out,
                             GError        **error)
{
  gint64 spr, per_block, total;
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (ICTO_IS_RECORDING (self), FALSE);
  g_return_val_if_fail (out != NULL || n == 0, FALSE);

  if (signal >= self->signals->len)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE,
                   _("Signal %u does not exist in “%s”"), signal + 1, self->path);
      return FALSE;
    }
  spr = g_array_index (self->signals, IctoSignalInfo, signal).samples_per_record;
  total = spr * self->n_records;
  if (first < 0 || (gint64) n > total || first > total - (gint64) n)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE,
                   _("Samples %" PRId64 "–%" PRId64 " are outside the recording (%" PRId64 " samples)"),
                   first, first + (gint64) n, total);
      return FALSE;
    }
  per_block = spr * self->records_per_block;
  locker = g_mutex_locker_new (&self->cache_lock);
  while (n > 0)
    {
      gint64 b = first / per_block;
      gint64 k = first - b * per_block;
      Block *block = get_block_locked (self, b, error);
      gsize take;

      if (block == NULL)
        return FALSE;
      take = (gsize) MIN ((gint64) n, block->n_records * spr - k);
      memcpy (out, block->data + self->block_offsets[signal] + k, take * sizeof (float));
      out += take;
      n -= take;
      first += (gint64) take;
    }
  return TRUE;
}

static gint64
record_onset (IctoRecording *self, gint64 r)
{
  return self->record_onsets ? self->record_onsets[r] : r * self->record_duration;
}

gboolean
icto_recording_read_range (IctoRecording  *self,
                           guint           signal,
                           gint64          start,
                           gsize           n,
                           float          *out,
                           gint64         *first_time,
                           GError        **error)
{
  gint64 spr, D, k0, t0, total;
  gsize i = 0;

  g_return_val_if_fail (ICTO_IS_RECORDING (self), FALSE);
  if (signal >= self->signals->len)
    {
      g_set_error (error, ICTO_SIGNAL_ERROR, ICTO_SIGNAL_ERROR_RANGE,
                   _("Signal %u does not exist in “%s”"), signal + 1, self->path);
      return FALSE;
    }
  spr = g_array_index (self->signals, IctoSignalInfo, signal).samples_per_record;
  D = self->record_duration;
  total = spr * self->n_records;
  /* grid index of the first sample time >= start: ceil(start * spr / D),
   * kept within a range where the arithmetic cannot overflow */
  {
    double exact = (double) start * (double) spr / (double) D;
    double limit = MAX ((double) total, (double) self->duration * (double) spr / (double) D) + (double) n + 1.0;
    exact = CLAMP (exact, -limit, 2 * limit);
    k0 = (gint64) ceil (exact - 1e-9);
  }
  t0 = (gint64) llround ((double) k0 * (double) D / (double) spr);
  if (first_time)
    *first_time = t0;

  if (self->record_onsets == NULL)
    {
      /* contiguous: grid index = stored index */
      while (i < n && k0 + (gint64) i < 0)
        out[i++] = NAN;
      if (i < n && k0 + (gint64) i < total)
        {
          gsize m = (gsize) MIN ((gint64) (n - i), total - (k0 + (gint64) i));
          if (!icto_recording_read_samples (self, signal, k0 + (gint64) i, m, out + i, error))
            return FALSE;
          i += m;
        }
      for (; i < n; i++)
        out[i] = NAN;
      return TRUE;
    }

  /* discontinuous: walk the records overlapping the requested times */
  for (i = 0; i < n; i++)
    out[i] = NAN;
  {
    gint64 t_end = (gint64) llround ((double) (k0 + (gint64) n) * (double) D / (double) spr);
    gint64 lo = 0, hi = self->n_records;
    /* first record whose end is after t0 */
    while (lo < hi)
      {
        gint64 mid = (lo + hi) / 2;
        if (record_onset (self, mid) + D <= t0)
          lo = mid + 1;
        else
          hi = mid;
      }
    for (gint64 r = lo; r < self->n_records && record_onset (self, r) < t_end; r++)
      {
        gint64 tr = record_onset (self, r);
        /* output index of the record's first sample (rounded to the grid) */
        gint64 g = (gint64) llround ((double) tr * (double) spr / (double) D) - k0;
        gint64 a = MAX (0, g), b = MIN ((gint64) n, g + spr);
        if (b > a && !icto_recording_read_samples (self, signal, r * spr + (a - g), (gsize) (b - a),
                                                   out + a, error))
          return FALSE;
      }
  }
  return TRUE;
}

const char *
icto_recording_get_fingerprint (IctoRecording *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (ICTO_IS_RECORDING (self), NULL);
  locker = g_mutex_locker_new (&self->fingerprint_lock);
  if (self->fingerprint == NULL)
    {
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
      gsize chunk = 65536;
      g_autofree guint8 *buf = g_malloc (chunk);
      gint64 offsets[3] = { 0, self->file_size / 2, MAX (0, self->file_size - (gint64) chunk) };
      char size_text[32];

      g_snprintf (size_text, sizeof size_text, "%" G_GINT64_FORMAT ":", self->file_size);
      g_checksum_update (sum, (const guchar *) size_text, -1);
      for (int i = 0; i < 3; i++)
        {
          gsize len = (gsize) MIN ((gint64) chunk, self->file_size - offsets[i]);
          if (read_exact (self->fd, buf, len, offsets[i], self->path, NULL))
            g_checksum_update (sum, buf, len);
        }
      self->fingerprint = g_strdup (g_checksum_get_string (sum));
    }
  return self->fingerprint;
}
