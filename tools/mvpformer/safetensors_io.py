# SPDX-License-Identifier: GPL-3.0-or-later
"""A small safetensors reader and writer in pure numpy.

Debian 12 has no ``python3-safetensors``, so this module implements the
format directly.  A safetensors file is:

* 8 bytes: little-endian unsigned length ``n`` of the JSON header;
* ``n`` bytes: a JSON object mapping each tensor name to
  ``{"dtype": ..., "shape": [...], "data_offsets": [begin, end]}`` plus an
  optional ``"__metadata__"`` object of string values;
* the data buffer; offsets are relative to its start.

Supported dtypes: F64, F32, F16, BF16 (read and write) and the integer and
bool types (read only).  numpy has no bfloat16, so BF16 tensors are returned
as float32 (exactly: every bfloat16 value is a float32 value) and written from
floating-point arrays with one round-to-nearest-even step.

The reader treats the file as untrusted: the header length, every dtype,
shape and byte range is checked, and any violation raises
:class:`SafetensorsError` with a message naming the file and the tensor.
"""

import json
import struct

import numpy as np

__all__ = [
    "SafetensorsError",
    "read_header",
    "load",
    "save",
    "to_bfloat16_bits",
    "from_bfloat16_bits",
]

# Largest header we accept (the format's reference implementation uses 100 MB).
MAX_HEADER_BYTES = 100 * 1024 * 1024

# dtype name -> (numpy dtype stored in the file, bytes per element)
_READ_DTYPES = {
    "F64": np.dtype("<f8"),
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "BF16": np.dtype("<u2"),
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
    "I16": np.dtype("<i2"),
    "I8": np.dtype("i1"),
    "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}

# names accepted by save() for its ``dtype`` argument
_WRITE_DTYPES = {
    "float64": "F64",
    "float32": "F32",
    "float16": "F16",
    "bfloat16": "BF16",
    "F64": "F64",
    "F32": "F32",
    "F16": "F16",
    "BF16": "BF16",
}


class SafetensorsError(ValueError):
    """A safetensors file is malformed or a tensor cannot be stored."""


def from_bfloat16_bits(bits):
    """Return float32 values of an array of bfloat16 bit patterns (uint16)."""
    bits = np.asarray(bits, dtype=np.uint16)
    return (bits.astype(np.uint32) << 16).view(np.float32)


def to_bfloat16_bits(values):
    """Round floating-point values to bfloat16, once, to nearest even.

    The rounding is done from the input's own precision (float64 inputs are
    not rounded to float32 first), so a value is rounded exactly once.
    Values beyond the bfloat16 range become +-inf; NaN stays NaN.
    Returns the uint16 bit patterns.
    """
    x = np.asarray(values, dtype=np.float64)
    out = np.empty(x.shape, dtype=np.float64)
    finite = np.isfinite(x)
    xf = x[finite]
    _, exp = np.frexp(xf)
    # bfloat16: 8 significant bits; smallest normal 2**-126 (frexp exponent -125);
    # below that the quantum stays 2**-133 (subnormals).
    quantum = np.ldexp(1.0, np.maximum(exp, -125) - 8)
    rounded = np.rint(xf / quantum) * quantum  # np.rint rounds half to even
    bf16_max = float(np.ldexp(255.0, 120))    # (2 - 2**-7) * 2**127
    rounded = np.where(np.abs(rounded) > bf16_max, np.copysign(np.inf, rounded), rounded)
    out[finite] = rounded
    out[~finite] = x[~finite]
    f32 = out.astype(np.float32)  # exact: every bfloat16 value is a float32 value
    bits = (f32.view(np.uint32) >> 16).astype(np.uint16)
    bits[np.isnan(f32)] = 0x7FC0
    return bits


def _fail(path, message):
    raise SafetensorsError(f"{path}: {message}")


def read_header(path):
    """Read and validate the header of a safetensors file.

    Returns ``(entries, metadata, data_start, file_size)`` where ``entries``
    maps each tensor name to ``(dtype_name, shape_tuple, begin, end)`` with
    absolute byte offsets, and ``metadata`` is a dict of strings (empty when
    the file has none).
    """
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(0)
        if size < 8:
            _fail(path, f"file too short ({size} bytes) for a safetensors header")
        (hlen,) = struct.unpack("<Q", f.read(8))
        if hlen > MAX_HEADER_BYTES:
            _fail(path, f"header length {hlen} exceeds {MAX_HEADER_BYTES} bytes")
        if 8 + hlen > size:
            _fail(path, f"header length {hlen} runs past the end of the file ({size} bytes)")
        raw = f.read(hlen)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        _fail(path, f"header is not valid JSON: {exc}")
    if not isinstance(header, dict):
        _fail(path, "header is not a JSON object")

    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
    ):
        _fail(path, "__metadata__ must map strings to strings")

    data_start = 8 + hlen
    data_len = size - data_start
    entries = {}
    spans = []
    for name, info in header.items():
        if not isinstance(info, dict):
            _fail(path, f"tensor '{name}': entry is not an object")
        dtype = info.get("dtype")
        shape = info.get("shape")
        offsets = info.get("data_offsets")
        if dtype not in _READ_DTYPES:
            _fail(path, f"tensor '{name}': unsupported dtype {dtype!r}")
        if not isinstance(shape, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape
        ):
            _fail(path, f"tensor '{name}': invalid shape {shape!r}")
        if (
            not isinstance(offsets, list)
            or len(offsets) != 2
            or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
        ):
            _fail(path, f"tensor '{name}': invalid data_offsets {offsets!r}")
        begin, end = offsets
        if not 0 <= begin <= end <= data_len:
            _fail(path, f"tensor '{name}': byte range [{begin}, {end}) outside the "
                        f"data buffer of {data_len} bytes")
        count = 1
        for d in shape:
            count *= d
        nbytes = count * _READ_DTYPES[dtype].itemsize
        if end - begin != nbytes:
            _fail(path, f"tensor '{name}': {end - begin} bytes stored, {nbytes} expected "
                        f"for {dtype} {shape}")
        entries[name] = (dtype, tuple(shape), data_start + begin, data_start + end)
        if end > begin:
            spans.append((begin, end, name))
    spans.sort()
    for (b0, e0, n0), (b1, _e1, n1) in zip(spans, spans[1:]):
        if b1 < e0:
            _fail(path, f"tensors '{n0}' and '{n1}' overlap")
    return entries, metadata, data_start, size


def load(path, names=None, as_float=True):
    """Load tensors of a safetensors file.

    ``names``: an iterable of tensor names to load (all when None); a missing
    name raises :class:`SafetensorsError`.  ``as_float``: convert F16 and BF16
    to float32 (BF16 always becomes float32 since numpy has no bfloat16).

    Returns ``(tensors, metadata)``: a dict name -> numpy array (writable,
    native byte order) and the ``__metadata__`` dict.
    """
    entries, metadata, _, _ = read_header(path)
    wanted = list(entries) if names is None else list(names)
    tensors = {}
    with open(path, "rb") as f:
        for name in wanted:
            if name not in entries:
                _fail(path, f"no tensor named '{name}'")
            dtype, shape, begin, end = entries[name]
            f.seek(begin)
            buf = f.read(end - begin)
            if len(buf) != end - begin:
                _fail(path, f"tensor '{name}': short read")
            arr = np.frombuffer(buf, dtype=_READ_DTYPES[dtype]).reshape(shape)
            if dtype == "BF16":
                arr = from_bfloat16_bits(arr)
            elif dtype == "F16" and as_float:
                arr = arr.astype(np.float32)
            tensors[name] = arr.astype(arr.dtype.newbyteorder("="), copy=True)
    return tensors, metadata


def save(path, tensors, metadata=None, dtype="float32"):
    """Write tensors to a safetensors file.

    ``tensors``: dict name -> array-like of floating-point values.
    ``metadata``: dict of strings stored as ``__metadata__`` (optional).
    ``dtype``: storage type of every tensor: float64, float32, float16 or
    bfloat16 (each value rounded once, to nearest even, from the input).
    Tensors are stored in name order, back to back (the buffer has no holes,
    as the format requires); the header is padded with spaces to a multiple
    of 8 bytes, so with one dtype every tensor is aligned to its element size.
    """
    code = _WRITE_DTYPES.get(dtype)
    if code is None:
        raise SafetensorsError(f"unsupported output dtype {dtype!r}")
    header = {}
    if metadata:
        for k, v in metadata.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise SafetensorsError(f"metadata {k!r}: keys and values must be strings")
        header["__metadata__"] = dict(metadata)
    blobs = []
    offset = 0
    for name in sorted(tensors):
        arr = np.asarray(tensors[name])
        if arr.dtype.kind not in "fiub":
            raise SafetensorsError(f"tensor '{name}': cannot store dtype {arr.dtype}")
        if code == "BF16":
            data = to_bfloat16_bits(arr).astype("<u2").tobytes()
        else:
            data = np.ascontiguousarray(arr, dtype=_READ_DTYPES[code]).tobytes()
        header[name] = {
            "dtype": code,
            "shape": list(arr.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((-len(raw)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for blob in blobs:
            f.write(blob)
