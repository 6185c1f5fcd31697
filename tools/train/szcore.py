# SPDX-License-Identifier: GPL-3.0-or-later
"""Seizure-detection scoring in SzCORE conventions (timescoring 0.0.7).

Written from ../shared/docs/formats-and-scoring.md §4.2-4.4: event-based
scoring (10 Hz masks, merge of events under 90 s apart, split of events
over 300 s, tolerance 30 s before / 60 s after each reference event, any
overlap) and sample-based scoring, with the metrics of §4.4.  Events are
(start, end) pairs in seconds; ``duration`` is the recording length T.
Also helpers to turn a series of window probabilities into events and to
compute the AUROC.
"""

import dataclasses
import math

import numpy as np

__all__ = [
    "Parameters",
    "Score",
    "merge_events",
    "split_events",
    "union_events",
    "event_score",
    "sample_score",
    "mask_to_events",
    "auroc",
]


@dataclasses.dataclass(frozen=True)
class Parameters:
    """SzCORE defaults (timescoring 0.0.7)."""

    tolerance_start: float = 30.0
    tolerance_end: float = 60.0
    min_overlap: float = 0.0
    max_event_duration: float = 300.0
    min_duration_between_events: float = 90.0


@dataclasses.dataclass
class Score:
    """Counts over one or more recordings and the metrics of §4.4."""

    tp: float = 0
    fp: float = 0
    ref_true: float = 0
    duration: float = 0.0     # seconds

    def __add__(self, other):
        return Score(self.tp + other.tp, self.fp + other.fp,
                     self.ref_true + other.ref_true, self.duration + other.duration)

    @property
    def sensitivity(self):
        """TP / refTrue (NaN without reference events)."""
        return self.tp / self.ref_true if self.ref_true else math.nan

    @property
    def precision(self):
        """TP / (TP + FP) (NaN without detections)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else math.nan

    @property
    def f1(self):
        """2 TP / (2 TP + FP + FN) (NaN when refTrue + FP = 0)."""
        fn = self.ref_true - self.tp
        den = 2 * self.tp + self.fp + fn
        return 2 * self.tp / den if self.ref_true + self.fp else math.nan

    @property
    def fp_per_24h(self):
        """FP · 86400 / duration."""
        return self.fp * 86400.0 / self.duration if self.duration else math.nan


def _round(x):
    """Python's round (ties to even) as an int."""
    return int(round(x))


def merge_events(events, min_gap):
    """Walk the list in order; merge next into prev while next.start − prev.end < min_gap.

    As timescoring does: the merged event is (prev.start, next.end), so a
    nested event shrinks the end (use :func:`union_events` first to avoid it).
    """
    out = []
    for start, end in events:
        if out and start - out[-1][1] < min_gap:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def split_events(events, max_duration):
    """Cut events longer than ``max_duration`` into pieces of that length."""
    out = []
    for start, end in events:
        while end - start > max_duration:
            out.append((start, start + max_duration))
            start += max_duration
        out.append((start, end))
    return out


def union_events(events):
    """Sort events and join overlapping ones (a clean list for scoring)."""
    out = []
    for start, end in sorted(events):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _mask(events, fs, n):
    mask = np.zeros(n, dtype=bool)
    for start, end in events:
        mask[max(0, _round(start * fs)):max(0, _round(end * fs))] = True
    return mask


def event_score(ref, hyp, duration, params=Parameters()):
    """Event-based score of one recording (§4.2). Returns a :class:`Score`."""
    fs = 10
    n = _round(duration * fs)
    total = n / fs
    ref = split_events(merge_events(list(ref), params.min_duration_between_events),
                       params.max_event_duration)
    hyp = split_events(merge_events(list(hyp), params.min_duration_between_events),
                       params.max_event_duration)
    hyp_mask = _mask(hyp, fs, n)
    tp_mask = np.zeros(n, dtype=bool)
    tp = 0
    for start, end in ref:
        ws = max(0.0, start - params.tolerance_start)
        we = min(total, end + params.tolerance_end)
        if we <= ws:
            continue
        lo, hi = _round(ws * fs), _round(we * fs)
        overlap = np.count_nonzero(hyp_mask[lo:hi]) / fs / (we - ws)
        if overlap > params.min_overlap + 1e-6:
            tp += 1
            tp_mask[lo:hi] = True
    fp = sum(1 for start, end in hyp
             if not tp_mask[_round(start * fs):_round(end * fs)].any())
    return Score(tp=tp, fp=fp, ref_true=len(ref), duration=total)


def sample_score(ref, hyp, duration, fs=1.0):
    """Sample-based score (§4.3) on masks at ``fs`` from the unmerged events."""
    n = _round(duration * fs)
    r = _mask(ref, fs, n)
    h = _mask(hyp, fs, n)
    return Score(tp=int(np.count_nonzero(r & h)), fp=int(np.count_nonzero(~r & h)),
                 ref_true=int(np.count_nonzero(r)), duration=n / fs)


def mask_to_events(times, positive, step):
    """Events from a series of decisions at ``times`` (s), each covering [t, t + step)."""
    events = []
    for t, p in zip(times, positive):
        if not p:
            continue
        if events and abs(events[-1][1] - t) < 1e-9:
            events[-1] = (events[-1][0], t + step)
        else:
            events.append((t, t + step))
    return events


def auroc(scores, labels):
    """Area under the ROC curve (Mann-Whitney, ties count one half); NaN with one class."""
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=bool)
    n_pos, n_neg = int(labels.sum()), int((~labels).sum())
    if n_pos == 0 or n_neg == 0:
        return math.nan
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):                      # average ranks of ties
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return float((ranks[labels].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))
