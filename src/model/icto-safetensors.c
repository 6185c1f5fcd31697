/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-model"

#include "config.h"

#include <inttypes.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/icto-safetensors.h"

struct _IctoSafetensors {
  char         *name;
  const guint8 *data;
  gsize         size;
  void         *map;        /* mmap'ed region or NULL */
  gsize         map_size;
  GPtrArray    *tensors;    /* IctoTensorInfo*, header order */
  GHashTable   *by_name;    /* name -> IctoTensorInfo* */
  GHashTable   *metadata;   /* char* -> char* */
};

static const struct {
  const char *name;
  IctoDtype   dtype;
  gsize       size;
} dtypes[] = {
  { "F64",  ICTO_DTYPE_F64,  8 },
  { "F32",  ICTO_DTYPE_F32,  4 },
  { "F16",  ICTO_DTYPE_F16,  2 },
  { "BF16", ICTO_DTYPE_BF16, 2 },
  { "I64",  ICTO_DTYPE_I64,  8 },
  { "I32",  ICTO_DTYPE_I32,  4 },
  { "I16",  ICTO_DTYPE_I16,  2 },
  { "I8",   ICTO_DTYPE_I8,   1 },
  { "U8",   ICTO_DTYPE_U8,   1 },
  { "BOOL", ICTO_DTYPE_BOOL, 1 },
};

const char *
icto_dtype_to_string (IctoDtype dtype)
{
  for (gsize i = 0; i < G_N_ELEMENTS (dtypes); i++)
    if (dtypes[i].dtype == dtype)
      return dtypes[i].name;
  return NULL;
}

gsize
icto_dtype_size (IctoDtype dtype)
{
  for (gsize i = 0; i < G_N_ELEMENTS (dtypes); i++)
    if (dtypes[i].dtype == dtype)
      return dtypes[i].size;
  return 0;
}

/* ---- float conversions ---------------------------------------------- */

float
icto_f16_to_f32 (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000u) << 16;
  guint32 exp = (h >> 10) & 0x1fu;
  guint32 mant = h & 0x3ffu;
  guint32 bits;
  float f;

  if (exp == 0)
    {
      /* zero or subnormal: mant * 2^-24 */
      f = (float) mant * 5.9604644775390625e-8f;
      return sign ? -f : f;
    }
  if (exp == 31)
    bits = sign | 0x7f800000u | (mant << 13);
  else
    bits = sign | ((exp + 112u) << 23) | (mant << 13);
  memcpy (&f, &bits, sizeof f);
  return f;
}

float
icto_bf16_to_f32 (guint16 b)
{
  guint32 bits = (guint32) b << 16;
  float f;

  memcpy (&f, &bits, sizeof f);
  return f;
}

guint16
icto_f32_to_bf16 (float f)
{
  guint32 bits;

  memcpy (&bits, &f, sizeof bits);
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    return (guint16) ((bits >> 16) | 0x40u);   /* quiet NaN */
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return (guint16) (bits >> 16);
}

guint16
icto_f32_to_f16 (float f)
{
  guint32 bits, sign, absb;
  int exp;

  memcpy (&bits, &f, sizeof bits);
  sign = (bits >> 16) & 0x8000u;
  absb = bits & 0x7fffffffu;
  if (absb > 0x7f800000u)
    return (guint16) (sign | 0x7e00u);
  if (absb >= 0x477ff000u)          /* rounds to >= 65520: infinity */
    return (guint16) (sign | 0x7c00u);
  exp = (int) (absb >> 23) - 127;
  if (exp < -14)
    {
      /* subnormal half: value / 2^-24, rounded to nearest even */
      float a;
      float q;
      guint32 n;

      memcpy (&a, &absb, sizeof a);
      q = a * 16777216.0f;          /* exact scaling by 2^24 */
      n = (guint32) q;
      if (q - (float) n > 0.5f || (q - (float) n == 0.5f && (n & 1u)))
        n++;
      return (guint16) (sign | n);
    }
  else
    {
      guint32 mant = absb & 0x7fffffu;
      guint32 h = ((guint32) (exp + 15) << 10) | (mant >> 13);
      guint32 rest = mant & 0x1fffu;

      if (rest > 0x1000u || (rest == 0x1000u && (h & 1u)))
        h++;                        /* may carry into the exponent: correct */
      return (guint16) (sign | h);
    }
}

/* ---- minimal strict JSON parser for the header ------------------------ */

typedef struct {
  const char *start;
  const char *p;
  const char *end;
  const char *file;
  GError    **error;
  gboolean    failed;
} JsonCursor;

static gboolean
json_fail (JsonCursor *c,
           const char *what)
{
  if (!c->failed)
    g_set_error (c->error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_HEADER_SYNTAX,
                 _("“%s” is not a valid model file: malformed header (%s at byte %zu of the header)"),
                 c->file, what, (gsize) (c->p - c->start));
  c->failed = TRUE;
  return FALSE;
}

static void
json_ws (JsonCursor *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

static gboolean
json_expect (JsonCursor *c,
             char        ch)
{
  json_ws (c);
  if (c->p >= c->end || *c->p != ch)
    return json_fail (c, "unexpected character");
  c->p++;
  return TRUE;
}

static gboolean
json_peek (JsonCursor *c,
           char        ch)
{
  json_ws (c);
  return c->p < c->end && *c->p == ch;
}

static int
hexval (char ch)
{
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  return -1;
}

/* Returns a newly allocated valid UTF-8 string or NULL. */
static char *
json_string (JsonCursor *c)
{
  GString *s;

  if (!json_expect (c, '"'))
    return NULL;
  s = g_string_new (NULL);
  while (c->p < c->end && *c->p != '"')
    {
      unsigned char ch = (unsigned char) *c->p++;

      if (ch < 0x20)
        {
          g_string_free (s, TRUE);
          json_fail (c, "control character in string");
          return NULL;
        }
      if (ch != '\\')
        {
          g_string_append_c (s, (char) ch);
          continue;
        }
      if (c->p >= c->end)
        break;
      ch = (unsigned char) *c->p++;
      switch (ch)
        {
        case '"': g_string_append_c (s, '"'); break;
        case '\\': g_string_append_c (s, '\\'); break;
        case '/': g_string_append_c (s, '/'); break;
        case 'b': g_string_append_c (s, '\b'); break;
        case 'f': g_string_append_c (s, '\f'); break;
        case 'n': g_string_append_c (s, '\n'); break;
        case 'r': g_string_append_c (s, '\r'); break;
        case 't': g_string_append_c (s, '\t'); break;
        case 'u':
          {
            gunichar u = 0;

            if (c->end - c->p < 4)
              goto bad;
            for (int k = 0; k < 4; k++)
              {
                int v = hexval (c->p[k]);
                if (v < 0)
                  goto bad;
                u = u * 16 + (gunichar) v;
              }
            c->p += 4;
            if (u >= 0xd800 && u <= 0xdbff)
              {
                gunichar lo = 0;

                if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u')
                  goto bad;
                for (int k = 0; k < 4; k++)
                  {
                    int v = hexval (c->p[2 + k]);
                    if (v < 0)
                      goto bad;
                    lo = lo * 16 + (gunichar) v;
                  }
                if (lo < 0xdc00 || lo > 0xdfff)
                  goto bad;
                c->p += 6;
                u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
              }
            else if (u >= 0xdc00 && u <= 0xdfff)
              goto bad;
            if (u == 0)
              goto bad;
            g_string_append_unichar (s, u);
          }
          break;
        default:
          goto bad;
        }
    }
  if (c->p >= c->end)
    goto bad;
  c->p++;   /* closing quote */
  if (!g_utf8_validate_len (s->str, s->len, NULL))
    goto bad;
  return g_string_free (s, FALSE);

bad:
  g_string_free (s, TRUE);
  json_fail (c, "invalid string");
  return NULL;
}

/* Non-negative integer without sign, fraction or exponent. */
static gboolean
json_uint (JsonCursor *c,
           guint64    *out)
{
  guint64 v = 0;
  const char *start;

  json_ws (c);
  start = c->p;
  while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
    {
      guint d = (guint) (*c->p - '0');
      if (v > (G_MAXUINT64 - d) / 10)
        return json_fail (c, "integer too large");
      v = v * 10 + d;
      c->p++;
    }
  if (c->p == start)
    return json_fail (c, "expected a non-negative integer");
  if (c->p - start > 1 && *start == '0')
    return json_fail (c, "leading zero");
  if (c->p < c->end && (*c->p == '.' || *c->p == 'e' || *c->p == 'E'))
    return json_fail (c, "expected an integer");
  *out = v;
  return TRUE;
}

static gboolean
json_uint_array (JsonCursor *c,
                 guint64    *vals,
                 guint       max,
                 guint      *n)
{
  *n = 0;
  if (!json_expect (c, '['))
    return FALSE;
  if (json_peek (c, ']'))
    {
      c->p++;
      return TRUE;
    }
  for (;;)
    {
      guint64 v = 0;

      if (!json_uint (c, &v))
        return FALSE;
      if (*n >= max)
        return json_fail (c, "too many dimensions");
      vals[(*n)++] = v;
      if (json_peek (c, ','))
        {
          c->p++;
          continue;
        }
      return json_expect (c, ']');
    }
}

static void
tensor_info_free (gpointer p)
{
  IctoTensorInfo *t = p;

  g_free (t->name);
  g_free (t);
}

/* Parses {"dtype": .., "shape": [..], "data_offsets": [a, b]} */
static gboolean
parse_tensor_entry (JsonCursor     *c,
                    IctoTensorInfo *t,
                    guint64        *begin,
                    guint64        *end,
                    int            *dtype_ok)
{
  gboolean have_dtype = FALSE, have_shape = FALSE, have_offsets = FALSE;

  *dtype_ok = 1;
  if (!json_expect (c, '{'))
    return FALSE;
  if (json_peek (c, '}'))
    return json_fail (c, "empty tensor entry");
  for (;;)
    {
      g_autofree char *key = json_string (c);

      if (key == NULL || !json_expect (c, ':'))
        return FALSE;
      if (strcmp (key, "dtype") == 0 && !have_dtype)
        {
          g_autofree char *dt = json_string (c);
          gboolean found = FALSE;

          if (dt == NULL)
            return FALSE;
          for (gsize i = 0; i < G_N_ELEMENTS (dtypes); i++)
            if (strcmp (dt, dtypes[i].name) == 0)
              {
                t->dtype = dtypes[i].dtype;
                found = TRUE;
              }
          if (!found)
            *dtype_ok = 0;
          have_dtype = TRUE;
        }
      else if (strcmp (key, "shape") == 0 && !have_shape)
        {
          guint64 dims[ICTO_SAFETENSORS_MAX_DIMS];
          guint n;

          if (!json_uint_array (c, dims, ICTO_SAFETENSORS_MAX_DIMS, &n))
            return FALSE;
          t->n_dims = n;
          for (guint i = 0; i < n; i++)
            {
              if (dims[i] > ((guint64) 1 << 40))
                return json_fail (c, "dimension too large");
              t->shape[i] = (gint64) dims[i];
            }
          have_shape = TRUE;
        }
      else if (strcmp (key, "data_offsets") == 0 && !have_offsets)
        {
          guint64 offs[2];
          guint n;

          if (!json_uint_array (c, offs, 2, &n))
            return FALSE;
          if (n != 2)
            return json_fail (c, "data_offsets needs two values");
          *begin = offs[0];
          *end = offs[1];
          have_offsets = TRUE;
        }
      else
        return json_fail (c, "unexpected key in tensor entry");

      if (json_peek (c, ','))
        {
          c->p++;
          continue;
        }
      if (!json_expect (c, '}'))
        return FALSE;
      break;
    }
  if (!have_dtype || !have_shape || !have_offsets)
    return json_fail (c, "tensor entry lacks dtype, shape or data_offsets");
  return TRUE;
}

static gboolean
parse_metadata (JsonCursor *c,
                GHashTable *metadata)
{
  if (!json_expect (c, '{'))
    return FALSE;
  if (json_peek (c, '}'))
    {
      c->p++;
      return TRUE;
    }
  for (;;)
    {
      char *key = json_string (c);
      char *val;

      if (key == NULL)
        return FALSE;
      if (!json_expect (c, ':') || (val = json_string (c)) == NULL)
        {
          g_free (key);
          return FALSE;
        }
      if (g_hash_table_contains (metadata, key))
        {
          g_free (key);
          g_free (val);
          return json_fail (c, "duplicate metadata key");
        }
      g_hash_table_insert (metadata, key, val);
      if (json_peek (c, ','))
        {
          c->p++;
          continue;
        }
      return json_expect (c, '}');
    }
}

typedef struct {
  IctoTensorInfo *t;
  guint64 begin, end;
} Range;

static int
range_cmp (gconstpointer a,
           gconstpointer b)
{
  const Range *ra = a, *rb = b;

  if (ra->begin != rb->begin)
    return ra->begin < rb->begin ? -1 : 1;
  if (ra->end != rb->end)
    return ra->end < rb->end ? -1 : 1;
  return 0;
}

void
icto_safetensors_free (IctoSafetensors *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->tensors, g_ptr_array_unref);
  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_pointer (&self->metadata, g_hash_table_unref);
  if (self->map != NULL)
    munmap (self->map, self->map_size);
  g_free (self->name);
  g_free (self);
}

IctoSafetensors *
icto_safetensors_new_from_data (const guint8  *data,
                                gsize          size,
                                const char    *name,
                                GError       **error)
{
  g_autoptr(IctoSafetensors) self = g_new0 (IctoSafetensors, 1);
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (Range));
  JsonCursor c = { 0 };
  guint64 hlen = 0;
  const guint8 *payload;
  guint64 payload_size;

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  self->name = g_strdup (name ? name : "(memory)");
  self->data = data;
  self->size = size;
  self->tensors = g_ptr_array_new_with_free_func (tensor_info_free);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (size < 8)
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_HEADER_SIZE,
                   _("“%s” is not a valid model file: it is only %zu bytes long"), self->name, size);
      return NULL;
    }
  for (int i = 7; i >= 0; i--)
    hlen = (hlen << 8) | data[i];
  if (hlen < 2 || hlen > ICTO_SAFETENSORS_MAX_HEADER || hlen > size - 8)
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_HEADER_SIZE,
                   _("“%s” is not a valid model file: its header length (%" PRIu64
                     " bytes) does not fit in the file of %zu bytes"),
                   self->name, hlen, size);
      return NULL;
    }
  payload = data + 8 + hlen;
  payload_size = size - 8 - hlen;

  c.p = (const char *) data + 8;
  c.start = c.p;
  c.end = c.p + hlen;
  c.file = self->name;
  c.error = error;

  if (!json_expect (&c, '{'))
    return NULL;
  if (!json_peek (&c, '}'))
    for (;;)
      {
        g_autofree char *key = json_string (&c);

        if (key == NULL || !json_expect (&c, ':'))
          return NULL;
        if (strcmp (key, "__metadata__") == 0)
          {
            if (!parse_metadata (&c, self->metadata))
              return NULL;
          }
        else
          {
            IctoTensorInfo *t = g_new0 (IctoTensorInfo, 1);
            Range r = { t, 0, 0 };
            int dtype_ok;

            t->name = g_steal_pointer (&key);
            g_ptr_array_add (self->tensors, t);
            if (!parse_tensor_entry (&c, t, &r.begin, &r.end, &dtype_ok))
              return NULL;
            if (g_hash_table_contains (self->by_name, t->name))
              {
                g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_DUPLICATE_TENSOR,
                             _("“%s” is not a valid model file: tensor “%s” appears twice"),
                             self->name, t->name);
                return NULL;
              }
            if (!dtype_ok)
              {
                g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_DTYPE,
                             _("“%s”: tensor “%s” has an unknown data type"), self->name, t->name);
                return NULL;
              }
            g_hash_table_insert (self->by_name, t->name, t);
            g_array_append_val (ranges, r);
          }
        if (json_peek (&c, ','))
          {
            c.p++;
            continue;
          }
        if (!json_expect (&c, '}'))
          return NULL;
        break;
      }
  else
    c.p++;
  json_ws (&c);
  if (c.p != c.end)
    {
      json_fail (&c, "trailing data after the header object");
      return NULL;
    }

  /* sizes and ranges */
  for (guint i = 0; i < ranges->len; i++)
    {
      Range *r = &g_array_index (ranges, Range, i);
      IctoTensorInfo *t = r->t;
      guint64 n = 1;
      guint64 bytes;

      for (guint d = 0; d < t->n_dims; d++)
        {
          if (t->shape[d] != 0 && n > G_MAXUINT64 / 16 / (guint64) t->shape[d])
            {
              g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_OFFSETS,
                           _("“%s”: tensor “%s” is impossibly large"), self->name, t->name);
              return NULL;
            }
          n *= (guint64) t->shape[d];
        }
      bytes = n * icto_dtype_size (t->dtype);
      if (r->end < r->begin || r->end > payload_size || r->end - r->begin != bytes)
        {
          g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_OFFSETS,
                       _("“%s”: the data of tensor “%s” (bytes %" PRIu64 " to %" PRIu64
                         ") lies outside the file's %" PRIu64 " data bytes or does not match its shape"),
                       self->name, t->name, r->begin, r->end, payload_size);
          return NULL;
        }
      t->n_elements = n;
      t->n_bytes = bytes;
      t->data = payload + r->begin;
    }
  g_array_sort (ranges, range_cmp);
  for (guint i = 1; i < ranges->len; i++)
    {
      Range *a = &g_array_index (ranges, Range, i - 1);
      Range *b = &g_array_index (ranges, Range, i);

      if (b->begin < a->end && b->end > b->begin && a->end > a->begin)
        {
          g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_OVERLAP,
                       _("“%s”: the data of tensors “%s” and “%s” overlap"),
                       self->name, a->t->name, b->t->name);
          return NULL;
        }
      if (b->end <= a->end)
        *b = *a;   /* keep the furthest end for the next comparison */
    }
  return g_steal_pointer (&self);
}

IctoSafetensors *
icto_safetensors_open (const char  *path,
                       GError     **error)
{
  struct stat st;
  void *map;
  int fd;
  IctoSafetensors *self;
  g_autofree char *display = g_filename_display_name (path);

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_IO,
                   _("Cannot open “%s”: %s"), display, g_strerror (e));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_IO,
                   _("Cannot read “%s”: not a regular file"), display);
      close (fd);
      return NULL;
    }
  if (st.st_size == 0)
    {
      close (fd);
      return icto_safetensors_new_from_data ((const guint8 *) "", 0, display, error);
    }
  map = mmap (NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close (fd);
  if (map == MAP_FAILED)
    {
      int e = errno;
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_IO,
                   _("Cannot map “%s”: %s"), display, g_strerror (e));
      return NULL;
    }
  self = icto_safetensors_new_from_data (map, (gsize) st.st_size, display, error);
  if (self == NULL)
    {
      munmap (map, (size_t) st.st_size);
      return NULL;
    }
  self->map = map;
  self->map_size = (gsize) st.st_size;
  return self;
}

const char *
icto_safetensors_get_name (IctoSafetensors *self)
{
  return self->name;
}

guint
icto_safetensors_get_n_tensors (IctoSafetensors *self)
{
  return self->tensors->len;
}

const IctoTensorInfo *
icto_safetensors_get_tensor (IctoSafetensors *self,
                             guint            index)
{
  g_return_val_if_fail (index < self->tensors->len, NULL);
  return g_ptr_array_index (self->tensors, index);
}

const IctoTensorInfo *
icto_safetensors_lookup (IctoSafetensors *self,
                         const char      *name)
{
  return g_hash_table_lookup (self->by_name, name);
}

const char *
icto_safetensors_get_metadata (IctoSafetensors *self,
                               const char      *key)
{
  return g_hash_table_lookup (self->metadata, key);
}

gboolean
icto_tensor_to_f32 (const IctoTensorInfo *info,
                    float                *out,
                    GError              **error)
{
  const guint8 *p = info->data;
  guint64 n = info->n_elements;

  switch (info->dtype)
    {
    case ICTO_DTYPE_F32:
      memcpy (out, p, n * 4);
      return TRUE;
    case ICTO_DTYPE_F64:
      for (guint64 i = 0; i < n; i++)
        {
          double d;
          memcpy (&d, p + 8 * i, 8);
          out[i] = (float) d;
        }
      return TRUE;
    case ICTO_DTYPE_F16:
      for (guint64 i = 0; i < n; i++)
        out[i] = icto_f16_to_f32 ((guint16) (p[2 * i] | (p[2 * i + 1] << 8)));
      return TRUE;
    case ICTO_DTYPE_BF16:
      for (guint64 i = 0; i < n; i++)
        out[i] = icto_bf16_to_f32 ((guint16) (p[2 * i] | (p[2 * i + 1] << 8)));
      return TRUE;
    case ICTO_DTYPE_I64:
    case ICTO_DTYPE_I32:
    case ICTO_DTYPE_I16:
    case ICTO_DTYPE_I8:
    case ICTO_DTYPE_U8:
    case ICTO_DTYPE_BOOL:
    default:
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_DTYPE,
                   _("tensor “%s” has data type %s; a floating-point type (F32, F16, BF16) is needed"),
                   info->name, icto_dtype_to_string (info->dtype));
      return FALSE;
    }
}

/* ---- writer ------------------------------------------------------------ */

typedef struct {
  char     *name;
  IctoDtype dtype;
  guint     n_dims;
  gint64    shape[ICTO_SAFETENSORS_MAX_DIMS];
  GBytes   *bytes;
} WTensor;

struct _IctoSafetensorsWriter {
  GPtrArray  *tensors;
  GPtrArray  *meta_keys;
  GPtrArray  *meta_vals;
};

static void
wtensor_free (gpointer p)
{
  WTensor *t = p;

  g_free (t->name);
  g_bytes_unref (t->bytes);
  g_free (t);
}

IctoSafetensorsWriter *
icto_safetensors_writer_new (void)
{
  IctoSafetensorsWriter *self = g_new0 (IctoSafetensorsWriter, 1);

  self->tensors = g_ptr_array_new_with_free_func (wtensor_free);
  self->meta_keys = g_ptr_array_new_with_free_func (g_free);
  self->meta_vals = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
icto_safetensors_writer_free (IctoSafetensorsWriter *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->tensors);
  g_ptr_array_unref (self->meta_keys);
  g_ptr_array_unref (self->meta_vals);
  g_free (self);
}

void
icto_safetensors_writer_add_metadata (IctoSafetensorsWriter *self,
                                      const char            *key,
                                      const char            *value)
{
  g_ptr_array_add (self->meta_keys, g_strdup (key));
  g_ptr_array_add (self->meta_vals, g_strdup (value));
}

void
icto_safetensors_writer_add_raw (IctoSafetensorsWriter *self,
                                 const char            *name,
                                 IctoDtype              dtype,
                                 guint                  n_dims,
                                 const gint64          *shape,
                                 const void            *bytes,
                                 gsize                  n_bytes)
{
  WTensor *t = g_new0 (WTensor, 1);

  g_return_if_fail (n_dims <= ICTO_SAFETENSORS_MAX_DIMS);
  t->name = g_strdup (name);
  t->dtype = dtype;
  t->n_dims = n_dims;
  if (n_dims > 0)
    memcpy (t->shape, shape, n_dims * sizeof (gint64));
  t->bytes = g_bytes_new (bytes, n_bytes);
  g_ptr_array_add (self->tensors, t);
}

void
icto_safetensors_writer_add_f32 (IctoSafetensorsWriter *self,
                                 const char            *name,
                                 IctoDtype              dtype,
                                 guint                  n_dims,
                                 const gint64          *shape,
                                 const float           *data)
{
  gsize n = 1;
  g_autofree guint8 *buf = NULL;
  gsize esize;

  for (guint i = 0; i < n_dims; i++)
    n *= (gsize) shape[i];
  g_return_if_fail (dtype == ICTO_DTYPE_F32 || dtype == ICTO_DTYPE_F16 || dtype == ICTO_DTYPE_BF16);
  esize = icto_dtype_size (dtype);
  buf = g_malloc (n * esize + 1);
  for (gsize i = 0; i < n; i++)
    {
      if (dtype == ICTO_DTYPE_F32)
        memcpy (buf + 4 * i, &data[i], 4);
      else
        {
          guint16 h = dtype == ICTO_DTYPE_F16 ? icto_f32_to_f16 (data[i]) : icto_f32_to_bf16 (data[i]);
          buf[2 * i] = (guint8) (h & 0xff);
          buf[2 * i + 1] = (guint8) (h >> 8);
        }
    }
  icto_safetensors_writer_add_raw (self, name, dtype, n_dims, shape, buf, n * esize);
}

static void
append_json_string (GString    *s,
                    const char *str)
{
  g_string_append_c (s, '"');
  for (const char *p = str; *p; p++)
    {
      unsigned char ch = (unsigned char) *p;

      if (ch == '"' || ch == '\\')
        g_string_append_printf (s, "\\%c", ch);
      else if (ch < 0x20)
        g_string_append_printf (s, "\\u%04x", ch);
      else
        g_string_append_c (s, (char) ch);
    }
  g_string_append_c (s, '"');
}

static int
wtensor_cmp (gconstpointer a,
             gconstpointer b)
{
  const WTensor *ta = *(const WTensor * const *) a;
  const WTensor *tb = *(const WTensor * const *) b;

  return strcmp (ta->name, tb->name);
}

gboolean
icto_safetensors_writer_write (IctoSafetensorsWriter  *self,
                               const char             *path,
                               GError                **error)
{
  g_autoptr(GString) h = g_string_new ("{");
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  guint64 offset = 0;
  guint8 lenbuf[8];
  guint64 hlen;
  FILE *f;
  gboolean ok = TRUE;

  g_ptr_array_sort (self->tensors, wtensor_cmp);
  if (self->meta_keys->len > 0)
    {
      g_string_append (h, "\"__metadata__\":{");
      for (guint i = 0; i < self->meta_keys->len; i++)
        {
          if (i > 0)
            g_string_append_c (h, ',');
          append_json_string (h, g_ptr_array_index (self->meta_keys, i));
          g_string_append_c (h, ':');
          append_json_string (h, g_ptr_array_index (self->meta_vals, i));
        }
      g_string_append_c (h, '}');
    }
  for (guint i = 0; i < self->tensors->len; i++)
    {
      WTensor *t = g_ptr_array_index (self->tensors, i);
      gsize n = g_bytes_get_size (t->bytes);

      if (h->len > 1)
        g_string_append_c (h, ',');
      append_json_string (h, t->name);
      g_string_append_printf (h, ":{\"dtype\":\"%s\",\"shape\":[", icto_dtype_to_string (t->dtype));
      for (guint d = 0; d < t->n_dims; d++)
        g_string_append_printf (h, "%s%" G_GINT64_FORMAT, d ? "," : "", t->shape[d]);
      g_string_append_printf (h, "],\"data_offsets\":[%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT "]}",
                              offset, offset + n);
      offset += n;
    }
  g_string_append_c (h, '}');
  while (h->len % 8 != 0)
    g_string_append_c (h, ' ');
  hlen = h->len;
  for (int i = 0; i < 8; i++)
    lenbuf[i] = (guint8) (hlen >> (8 * i));

  f = g_fopen (tmp, "wb");
  if (f == NULL)
    {
      int e = errno;
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_IO,
                   _("Cannot write “%s”: %s"), tmp, g_strerror (e));
      return FALSE;
    }
  ok = fwrite (lenbuf, 1, 8, f) == 8 && fwrite (h->str, 1, h->len, f) == h->len;
  for (guint i = 0; ok && i < self->tensors->len; i++)
    {
      WTensor *t = g_ptr_array_index (self->tensors, i);
      gsize n;
      const void *d = g_bytes_get_data (t->bytes, &n);

      ok = n == 0 || fwrite (d, 1, n, f) == n;
    }
  if (fclose (f) != 0)
    ok = FALSE;
  if (!ok || g_rename (tmp, path) != 0)
    {
      int e = errno;
      g_unlink (tmp);
      g_set_error (error, ICTO_MODEL_ERROR, ICTO_MODEL_ERROR_IO,
                   _("Cannot write “%s”: %s"), path, g_strerror (e));
      return FALSE;
    }
  return TRUE;
}
