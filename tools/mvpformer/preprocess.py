# SPDX-License-Identifier: GPL-3.0-or-later
"""From a recording to the model input [T, C, L] (spec §3).

What the released data loader does: read ``int(n_out * fs / rate)`` native
samples per channel from ``int(begin_s * fs)``, resample the whole window at
once by linear interpolation with the conventions of
``torch.nn.functional.interpolate(mode='linear', align_corners=False)``,
cut it into consecutive segments.  No filtering, no re-referencing, no
scaling.  numpy only; evaluated in float64.
"""

import numpy as np

__all__ = ["MODEL_RATE", "resample_linear", "window"]

MODEL_RATE = 512  # Hz


def resample_linear(x, n_out):
    """Resample the last axis of ``x`` (n_in samples) to ``n_out`` samples.

    y[i] = (1 - l) x[i0] + l x[i1] with src = max(0, (i + 0.5) n_in / n_out - 0.5),
    i0 = floor(src), i1 = min(i0 + 1, n_in - 1), l = src - i0 (no anti-alias filter).
    """
    x = np.asarray(x, dtype=np.float64)
    n_in = x.shape[-1]
    if n_in < 1 or n_out < 1:
        raise ValueError(f"cannot resample {n_in} samples to {n_out}")
    if n_in == n_out:
        return x.copy()
    scale = n_in / n_out
    src = np.maximum(0.0, (np.arange(n_out) + 0.5) * scale - 0.5)
    i0 = np.floor(src).astype(np.int64)
    i0 = np.minimum(i0, n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    lam = src - i0
    return (1.0 - lam) * x[..., i0] + lam * x[..., i1]


def window(data, fs, begin_s, n_segments=25, segment_s=5.0, rate=MODEL_RATE):
    """Model input X[T, C, L] of the window starting at ``begin_s`` seconds.

    ``data``: [C, n] samples at ``fs`` Hz (stored rows = model channels, in
    order).  Returns float64 [n_segments, C, segment_s * rate].  Raises
    ValueError when the recording is too short for the window.
    """
    data = np.asarray(data)
    seg_len = int(round(segment_s * rate))
    n_out = int(n_segments * segment_s * rate)
    if n_out != n_segments * seg_len:
        raise ValueError(f"segment of {segment_s} s at {rate} Hz is not a whole number of samples")
    n_in = int(n_out * fs / rate)
    start = int(begin_s * fs)
    if start < 0 or start + n_in > data.shape[-1]:
        raise ValueError(f"window [{start}, {start + n_in}) outside the recording of "
                         f"{data.shape[-1]} samples")
    y = resample_linear(data[:, start:start + n_in], n_out)       # [C, n_out]
    return y.reshape(data.shape[0], n_segments, seg_len).transpose(1, 0, 2).copy()
