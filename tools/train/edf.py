# SPDX-License-Identifier: GPL-3.0-or-later
"""A small EDF / EDF+ reader in numpy for the training tools.

Reads the header, the 16-bit samples of the ordinary signals (scaled to
physical units) and the TAL annotations of the ``EDF Annotations`` signal.
Only contiguous files (EDF, EDF+C) are read; the signals used by the
training tools must share one sampling rate (they do in the simulator's
files and in the real iEEG recordings of ../shared/data/real).  Every size
and offset is checked; a malformed file raises :class:`EdfError`.
"""

import dataclasses
import os
import re

import numpy as np

__all__ = ["EdfError", "Annotation", "Recording", "read"]

_ANNOT_LABEL = "EDF Annotations"
_TAL_RE = re.compile(rb"([+-]\d+(?:\.\d*)?)(?:\x15(\d+(?:\.\d*)?))?\x14(.*?)\x14\x00", re.S)


class EdfError(ValueError):
    """The file is not an EDF/EDF+ file this reader can use."""


@dataclasses.dataclass
class Annotation:
    """One annotation: onset and duration in seconds after the first sample."""

    onset: float
    duration: float
    text: str


@dataclasses.dataclass
class Recording:
    """Signals [C, n] in physical units at ``fs`` Hz, plus labels and annotations."""

    data: np.ndarray
    fs: float
    labels: list
    units: list
    annotations: list
    start_offset: float = 0.0   # sub-second start of the first record (EDF+)

    @property
    def duration(self):
        """Length in seconds."""
        return self.data.shape[1] / self.fs


def _field(raw, start, width, what):
    text = raw[start:start + width].decode("latin-1").strip()
    return text


def _number(text, what, kind=float):
    try:
        return kind(text)
    except ValueError:
        raise EdfError(f"header field {what}: not a number: {text!r}") from None


def read(path, to_microvolts=True, dtype=np.float32):
    """Read an EDF/EDF+C file.

    ``to_microvolts``: scale channels whose physical dimension is nV or mV to
    µV (the model itself is scale-invariant, the line-length baseline is
    not).  Annotation onsets are returned relative to the first sample (the
    sub-second start of EDF+ is subtracted).  Raises EdfError.
    """
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(256)
        if len(head) != 256:
            raise EdfError(f"{path}: shorter than an EDF header")
        header_bytes = _number(_field(head, 184, 8, "header bytes"), "header bytes", int)
        reserved = _field(head, 192, 44, "reserved")
        n_records = _number(_field(head, 236, 8, "records"), "number of records", int)
        rec_dur = _number(_field(head, 244, 8, "record duration"), "record duration")
        ns = _number(_field(head, 252, 4, "signals"), "number of signals", int)
        if not (1 <= ns <= 4096) or header_bytes != 256 * (ns + 1):
            raise EdfError(f"{path}: inconsistent header size ({header_bytes} bytes, {ns} signals)")
        if reserved.startswith("EDF+D"):
            raise EdfError(f"{path}: discontinuous EDF+ files are not supported")
        if rec_dur <= 0:
            raise EdfError(f"{path}: record duration must be positive")
        sig = f.read(256 * ns)
        if len(sig) != 256 * ns:
            raise EdfError(f"{path}: truncated signal header")

        def col(offset, width, i):
            return sig[ns * offset + i * width: ns * offset + (i + 1) * width].decode("latin-1").strip()

        labels = [col(0, 16, i) for i in range(ns)]
        units = [col(96, 8, i) for i in range(ns)]
        pmin = [_number(col(104, 8, i), "physical minimum") for i in range(ns)]
        pmax = [_number(col(112, 8, i), "physical maximum") for i in range(ns)]
        dmin = [_number(col(120, 8, i), "digital minimum") for i in range(ns)]
        dmax = [_number(col(128, 8, i), "digital maximum") for i in range(ns)]
        spr = [_number(col(216, 8, i), "samples per record", int) for i in range(ns)]
        if any(s < 0 or s > 10_000_000 for s in spr):
            raise EdfError(f"{path}: bad samples-per-record field")
        rec_samples = sum(spr)
        if rec_samples == 0:
            raise EdfError(f"{path}: records hold no samples")
        avail = (size - header_bytes) // (2 * rec_samples)
        if n_records < 0 or n_records > avail:
            n_records = avail          # -1 (unknown) or a truncated file: what is there
        raw = np.fromfile(f, dtype="<i2", count=n_records * rec_samples)
    raw = raw.reshape(n_records, rec_samples)

    annot_idx = [i for i, lab in enumerate(labels) if lab == _ANNOT_LABEL]
    data_idx = [i for i in range(ns) if i not in annot_idx]
    if not data_idx:
        raise EdfError(f"{path}: no ordinary signals")
    rates = {spr[i] for i in data_idx}
    if len(rates) != 1:
        raise EdfError(f"{path}: signals have different sampling rates")
    per_rec = spr[data_idx[0]]
    offsets = np.concatenate([[0], np.cumsum(spr)])
    data = np.empty((len(data_idx), n_records * per_rec), dtype=dtype)
    out_units = []
    for row, i in enumerate(data_idx):
        if dmax[i] == dmin[i] or pmax[i] == pmin[i]:
            raise EdfError(f"{path}: signal {labels[i]!r} has an empty digital or physical range")
        gain = (pmax[i] - pmin[i]) / (dmax[i] - dmin[i])
        unit = units[i]
        factor = 1.0
        if to_microvolts:
            factor = {"nV": 1e-3, "mV": 1e3, "V": 1e6}.get(unit, 1.0)
            if unit in ("nV", "mV", "V"):
                unit = "uV"
        digital = raw[:, offsets[i]:offsets[i + 1]].reshape(-1).astype(np.float64)
        data[row] = ((digital - dmin[i]) * gain + pmin[i]) * factor
        out_units.append(unit)

    annotations = []
    start_offset = 0.0
    for i in annot_idx:
        block = raw[:, offsets[i]:offsets[i + 1]]
        for r in range(n_records):
            text = block[r].astype("<i2").tobytes()
            first = True
            for m in _TAL_RE.finditer(text):
                onset = float(m.group(1))
                duration = float(m.group(2)) if m.group(2) else 0.0
                texts = [t.decode("utf-8", "replace") for t in m.group(3).split(b"\x14")]
                if first and texts == [""]:
                    if r == 0:
                        start_offset = onset
                    first = False
                    continue
                first = False
                for t in texts:
                    if t:
                        annotations.append(Annotation(onset, duration, t))
    for a in annotations:
        a.onset -= start_offset
    return Recording(data=data, fs=per_rec / rec_dur, labels=[labels[i] for i in data_idx],
                     units=out_units, annotations=annotations, start_offset=start_offset)
