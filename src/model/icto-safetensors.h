/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "model/icto-model-error.h"

G_BEGIN_DECLS

/*
 * Safetensors files: an 8-byte little-endian header length n, n bytes of
 * JSON ({"name": {"dtype", "shape", "data_offsets"}, "__metadata__": {str: str}}),
 * then the data section.  The reader validates everything before any tensor
 * data is touched: header length, JSON syntax, dtype, shape, byte range
 * (inside the data section, size = product of shape * dtype size) and that
 * no two tensors overlap.  Nothing is ever read outside the given bytes.
 */

typedef enum {
  ICTO_DTYPE_F64,
  ICTO_DTYPE_F32,
  ICTO_DTYPE_F16,
  ICTO_DTYPE_BF16,
  ICTO_DTYPE_I64,
  ICTO_DTYPE_I32,
  ICTO_DTYPE_I16,
  ICTO_DTYPE_I8,
  ICTO_DTYPE_U8,
  ICTO_DTYPE_BOOL,
} IctoDtype;

#define ICTO_SAFETENSORS_MAX_DIMS 8

/* Largest header accepted (the format's own readers use 100 MB). */
#define ICTO_SAFETENSORS_MAX_HEADER (100u * 1024u * 1024u)

typedef struct {
  char          *name;
  IctoDtype      dtype;
  guint          n_dims;
  gint64         shape[ICTO_SAFETENSORS_MAX_DIMS];
  guint64        n_elements;
  const guint8  *data;       /* inside the data section; n_bytes long */
  guint64        n_bytes;
} IctoTensorInfo;

typedef struct _IctoSafetensors IctoSafetensors;

/* "F32", "BF16", ...; NULL for an unknown value. */
const char *icto_dtype_to_string (IctoDtype dtype);
gsize       icto_dtype_size      (IctoDtype dtype);

/**
 * icto_safetensors_new_from_data:
 * @data: the whole file's bytes; borrowed: must stay valid and unchanged
 *   while the returned object (and any IctoTensorInfo.data) is in use
 * @size: number of bytes at @data
 * @name: file name used in error messages
 *
 * Parses and validates the header.  Errors: ICTO_MODEL_ERROR_HEADER_SIZE,
 * _HEADER_SYNTAX, _DUPLICATE_TENSOR, _DTYPE (unknown dtype string), _OFFSETS,
 * _OVERLAP.  Any input bytes are safe.  Thread safety: the result is
 * immutable and may be read from any thread.
 */
IctoSafetensors *icto_safetensors_new_from_data (const guint8  *data,
                                                 gsize          size,
                                                 const char    *name,
                                                 GError       **error);

/**
 * icto_safetensors_open:
 * Maps @path read-only (mmap) and parses it as icto_safetensors_new_from_data()
 * does; the mapping lives as long as the returned object.
 * Errors: ICTO_MODEL_ERROR_IO and those of icto_safetensors_new_from_data().
 */
IctoSafetensors *icto_safetensors_open (const char  *path,
                                        GError     **error);

void icto_safetensors_free (IctoSafetensors *self);

/* File name given at creation (for messages). */
const char *icto_safetensors_get_name (IctoSafetensors *self);

/* Tensors in header order. */
guint                 icto_safetensors_get_n_tensors (IctoSafetensors *self);
const IctoTensorInfo *icto_safetensors_get_tensor    (IctoSafetensors *self,
                                                      guint            index);
/* NULL when absent. */
const IctoTensorInfo *icto_safetensors_lookup        (IctoSafetensors *self,
                                                      const char      *name);

/* A `__metadata__` value or NULL when absent. */
const char *icto_safetensors_get_metadata (IctoSafetensors *self,
                                           const char      *key);

/**
 * icto_tensor_to_f32:
 * @out: (out caller-allocates): @info->n_elements floats
 *
 * Converts F32, F16, BF16 or F64 data (little-endian, any alignment) to
 * float32 (F64 is rounded).  Returns FALSE with ICTO_MODEL_ERROR_DTYPE for
 * other dtypes.  Thread-safe.
 */
gboolean icto_tensor_to_f32 (const IctoTensorInfo *info,
                             float                *out,
                             GError              **error);

/* Conversions used by the reader and the writer (round to nearest even). */
float   icto_f16_to_f32  (guint16 h);
float   icto_bf16_to_f32 (guint16 b);
guint16 icto_f32_to_f16  (float f);
guint16 icto_f32_to_bf16 (float f);

/*
 * IctoSafetensorsWriter: collects tensors (copied at add time) and metadata
 * and writes a safetensors file with tensors sorted by name, header padded
 * with spaces to a multiple of 8 bytes.  Not thread-safe.
 */
typedef struct _IctoSafetensorsWriter IctoSafetensorsWriter;

IctoSafetensorsWriter *icto_safetensors_writer_new (void);
void icto_safetensors_writer_free (IctoSafetensorsWriter *self);

void icto_safetensors_writer_add_metadata (IctoSafetensorsWriter *self,
                                           const char            *key,
                                           const char            *value);

/* @data: product(@shape) float32 values, stored as @dtype (F32, F16 or BF16). */
void icto_safetensors_writer_add_f32 (IctoSafetensorsWriter *self,
                                      const char            *name,
                                      IctoDtype              dtype,
                                      guint                  n_dims,
                                      const gint64          *shape,
                                      const float           *data);

/* Raw bytes of any dtype (used to write broken files and unusual dtypes). */
void icto_safetensors_writer_add_raw (IctoSafetensorsWriter *self,
                                      const char            *name,
                                      IctoDtype              dtype,
                                      guint                  n_dims,
                                      const gint64          *shape,
                                      const void            *bytes,
                                      gsize                  n_bytes);

/* Writes atomically (temporary file + rename).  Error: ICTO_MODEL_ERROR_IO. */
gboolean icto_safetensors_writer_write (IctoSafetensorsWriter  *self,
                                        const char             *path,
                                        GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoSafetensors, icto_safetensors_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IctoSafetensorsWriter, icto_safetensors_writer_free)

G_END_DECLS
