#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Evaluate a seizure model file against a line-length baseline.

    /usr/bin/python3 tools/train/evaluate.py --model models/ictoscope-demo.safetensors

Held-out simulated recordings (common.EVAL_SIM: seeds never used in
training, written by ``ictoscope-cli simulate``) are scored with the
spec's windows (125 s, stride 5 s, every channel, decision = argmax of the
classification logits for the window's last 5-s segment):

* event-based sensitivity, precision, F1 and false alarms per 24 h in
  SzCORE conventions (tools/train/szcore.py), over the part of each
  recording where a decision exists (from 120 s on);
* AUROC of the window probabilities against the window labels (spec §3.6);
* detection latency: time at which the first positive decision inside the
  tolerance window of a seizure is available (end of its window) minus the
  seizure's EEC.

The baseline is a classic line-length detector: the last segment's line
length over its median in the window's first 24 segments, mean over
channels; its threshold is the one that maximises event F1 on the
simulated training recordings (common.TRAIN_SIM).

The real recordings with seizure marks (../shared/data/real) are far
shorter than a window; they are reported window by window with as many
segments as they hold (see the model card for what that can and cannot
show).
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np

# run as a script: replace its own directory by tools/ (see train.py)
if __name__ == "__main__":
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from train import common, szcore  # noqa: E402
from mvpformer import weights  # noqa: E402
from mvpformer.config import CLS_HEAD  # noqa: E402

DECIDE_FROM = (common.WINDOW_T - 1) * common.SEGMENT_S     # 120 s


def parse_args(argv=None):
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--model", required=True, help="model safetensors file")
    p.add_argument("--work", default=os.path.join(common.REPO, "_build-train", "train-data"),
                   help="directory for the simulated recordings (reused when present)")
    p.add_argument("--cli", default=None, help="ictoscope-cli (default: $ICTO_CLI or a build dir)")
    p.add_argument("--real-dir", default=common.SHARED_REAL, help="../shared/data/real")
    p.add_argument("--recordings", type=int, default=len(common.EVAL_SIM),
                   help="use the first N held-out simulated recordings")
    p.add_argument("--train-recordings", type=int, default=len(common.TRAIN_SIM),
                   help="training recordings used to set the baseline threshold")
    p.add_argument("--val-recordings", type=int, default=len(common.VAL_SIM),
                   help="validation recordings used to set the model's threshold (0: 0.5)")
    p.add_argument("--threads", type=int, default=1, help="torch threads")
    p.add_argument("--json", default=None, help="write all numbers to this JSON file")
    return p.parse_args(argv)


class Model:
    """The model file as a torch module (float32), run from wavelet features."""

    def __init__(self, path):
        import torch
        from mvpformer.torch_model import MVPFormer

        self.torch = torch
        cfg, tensors = weights.load_model(path)
        if CLS_HEAD not in tensors:
            raise SystemExit(f"{path}: no classification head")
        self.cfg = cfg
        self.module = MVPFormer.from_tensors(cfg, tensors, dtype=torch.float32).eval()

    def window_probs(self, feats, T=common.WINDOW_T):
        """P(seizure) of every window of T consecutive segments: [S − T + 1]."""
        torch = self.torch
        out = []
        with torch.no_grad():
            f = torch.as_tensor(np.asarray(feats, dtype=np.float32))
            n = feats.shape[0] - T + 1
            for k0 in range(0, max(0, n), 16):
                ks = range(k0, min(n, k0 + 16))
                x = torch.stack([f[k:k + T] for k in ks])
                _, _, _, logits = common.forward_features(self.module, x)
                out.extend(float(p) for p in torch.softmax(logits, dim=1)[:, 1])
        return np.array(out)


def decidable(seizures, duration):
    """Reference events clipped to [120 s, T) and shifted to start at 0."""
    out = []
    for on, off in seizures:
        if off < DECIDE_FROM:
            continue
        out.append((max(on, DECIDE_FROM) - DECIDE_FROM, min(off, duration) - DECIDE_FROM))
    return out, duration - DECIDE_FROM


def hypothesis(positive):
    """Events from per-window decisions; window k decides segment k + 24 (shifted by 120 s)."""
    times = [k * common.SEGMENT_S for k in range(len(positive))]
    return szcore.mask_to_events(times, positive, common.SEGMENT_S)


def latencies(positive, seizures, eecs, params=szcore.Parameters()):
    """Per seizure: decision time of its first positive window − EEC (None if missed)."""
    out = []
    for i, (on, off) in enumerate(seizures):
        eec = eecs[i] if i < len(eecs) else on
        lat = None
        for k, p in enumerate(positive):
            seg_start = DECIDE_FROM + k * common.SEGMENT_S
            seg_end = seg_start + common.SEGMENT_S
            if p and seg_end > on - params.tolerance_start and seg_start < off + params.tolerance_end:
                lat = seg_end - eec
                break
        out.append(lat)
    return out


def score_method(records, key, threshold):
    """Pooled event score, AUROC and latencies of one method over recordings."""
    total = szcore.Score()
    all_scores, all_labels, lats = [], [], []
    for rec in records:
        scores = rec[key]
        positive = scores > threshold
        ref, dur = decidable(rec["seizures"], rec["duration"])
        total = total + szcore.event_score(ref, hypothesis(positive), dur)
        all_scores.extend(scores)
        all_labels.extend(rec["labels"])
        lats.extend(latencies(positive, rec["seizures"], rec["eecs"]))
    found = [x for x in lats if x is not None]
    return {
        "tp": total.tp, "fp": total.fp, "ref_true": total.ref_true,
        "hours": total.duration / 3600.0,
        "sensitivity": total.sensitivity, "precision": total.precision, "f1": total.f1,
        "fp_per_24h": total.fp_per_24h,
        "auroc": szcore.auroc(all_scores, all_labels),
        "latency_median_s": float(np.median(found)) if found else math.nan,
        "latency_min_s": float(min(found)) if found else math.nan,
        "latency_max_s": float(max(found)) if found else math.nan,
        "threshold": threshold,
    }


def load_sim(cli, work, spec, seconds, seizures_n, model=None):
    """One simulated recording: window scores of the model and of the baseline."""
    name, seed, layout, pattern = spec
    path = common.simulate(cli, work, name, seconds, seizures_n, seed, layout, pattern)
    rec = common.edf.read(path)
    seizures, eecs = common.seizure_events(rec)
    ll = common.line_length(rec.data, rec.fs)
    out = {
        "name": name, "seed": seed, "layout": layout or "default", "pattern": pattern,
        "channels": rec.data.shape[0], "duration": rec.duration,
        "seizures": seizures, "eecs": eecs,
        "baseline": common.line_length_scores(ll),
    }
    seg_lab = common.segment_labels(ll.shape[0], seizures)
    out["labels"] = seg_lab[common.WINDOW_T - 1:]
    if model is not None:
        feats = common.recording_features(rec.data, rec.fs, dtype=np.float32)
        out["model"] = model.window_probs(feats)
    return out


def choose_threshold(records, key="baseline", candidates=None):
    """Threshold maximising pooled event F1 (ties: the higher threshold)."""
    values = np.concatenate([r[key] for r in records])
    if candidates is None:
        candidates = np.unique(np.quantile(values, np.linspace(0.5, 0.999, 200)))
    best, best_f1 = None, -1.0
    for thr in candidates:
        res = score_method(records, key, thr)
        f1 = res["f1"] if not math.isnan(res["f1"]) else 0.0
        if f1 >= best_f1:
            best, best_f1 = float(thr), f1
    return best


def evaluate_real(model, real_dir):
    """Window-by-window results on the real recordings (T = available segments)."""
    out = []
    for name, (rel, onsets) in common.REAL_RECORDINGS.items():
        path = os.path.join(real_dir, rel)
        if not os.path.exists(path):
            out.append({"name": name, "note": "file not found"})
            continue
        rec = common.edf.read(path)
        feats = common.recording_features(rec.data, rec.fs, dtype=np.float32)
        ll = common.line_length(rec.data, rec.fs)
        n_seg = feats.shape[0]
        entry = {"name": name, "channels": rec.data.shape[0], "duration": rec.duration,
                 "onsets": onsets, "segments": n_seg, "windows": []}
        if n_seg == 0:
            entry["note"] = (f"{rec.duration:.1f} s is shorter than one 5-s segment: "
                             "the model cannot be run on it")
        # seizure assumed to last to the end of the file (no offset is marked)
        seizures = [(on, rec.duration) for on in onsets]
        labels = common.segment_labels(n_seg, seizures)
        for T in range(1, n_seg + 1):
            p = float(model.window_probs(feats[:T], T=T)[0])
            ll_ratio = (float(common.line_length_scores(ll[:T], T=T)[0]) if T > 1 else None)
            entry["windows"].append({"T": T, "end_s": T * common.SEGMENT_S,
                                     "label": int(labels[T - 1]), "model_p": p,
                                     "baseline_score": ll_ratio})
        probs = [w["model_p"] for w in entry["windows"]]
        labs = [w["label"] for w in entry["windows"]]
        entry["auroc_model"] = szcore.auroc(probs, labs)
        out.append(entry)
    return out


def fmt(x, digits=2):
    """Number for the table (NaN as n/a)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.{digits}f}"


def main(argv=None):
    """Run the evaluation and print a Markdown table."""
    args = parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    t0 = time.time()
    cli = args.cli or common.default_cli()
    model = Model(args.model)

    train_recs = [load_sim(cli, args.work, s, common.TRAIN_SIM_SECONDS,
                           common.TRAIN_SIM_SEIZURES)
                  for s in common.TRAIN_SIM[:args.train_recordings]]
    threshold = choose_threshold(train_recs)
    print(f"baseline threshold (line-length ratio, chosen on {len(train_recs)} training "
          f"recordings): {threshold:.3f}", flush=True)

    val_recs = [load_sim(cli, args.work, spec, common.EVAL_SIM_SECONDS,
                         common.EVAL_SIM_SEIZURES, model)
                for spec in common.VAL_SIM[:args.val_recordings]]
    model_threshold = (choose_threshold(val_recs, "model", np.linspace(0.05, 0.95, 91))
                       if val_recs else 0.5)
    print(f"model threshold (chosen on {len(val_recs)} validation recordings): "
          f"{model_threshold:.2f}", flush=True)

    recs = []
    for spec in common.EVAL_SIM[:args.recordings]:
        recs.append(load_sim(cli, args.work, spec, common.EVAL_SIM_SECONDS,
                             common.EVAL_SIM_SEIZURES, model))
        print(f"  {spec[0]}: {recs[-1]['channels']} channels, "
              f"{len(recs[-1]['seizures'])} seizures ({time.time() - t0:.0f} s)", flush=True)
    results = {
        "model": score_method(recs, "model", 0.5),
        "model_tuned": score_method(recs, "model", model_threshold),
        "baseline": score_method(recs, "baseline", threshold),
    }
    real = evaluate_real(model, args.real_dir)

    print()
    print(f"Held-out simulated recordings: {len(recs)} "
          f"({sum(r['duration'] for r in recs) / 3600:.2f} h, "
          f"{sum(len(r['seizures']) for r in recs)} seizures, seeds "
          f"{', '.join(str(r['seed']) for r in recs)}); scored from 120 s on")
    print()
    print("| method | sensitivity | precision | F1 | FP / 24 h | AUROC | latency median (min…max) s |")
    print("|---|---|---|---|---|---|---|")
    for key, label in (("model", "ictoscope-demo (argmax, P > 0.5)"),
                       ("model_tuned", f"ictoscope-demo (P > {model_threshold:.2f})"),
                       ("baseline", f"line length (threshold {threshold:.2f})")):
        r = results[key]
        print(f"| {label} | {fmt(r['sensitivity'])} ({r['tp']}/{r['ref_true']}) | "
              f"{fmt(r['precision'])} | {fmt(r['f1'])} | {fmt(r['fp_per_24h'], 1)} "
              f"({r['fp']} FP) | {fmt(r['auroc'], 3)} | {fmt(r['latency_median_s'], 0)} "
              f"({fmt(r['latency_min_s'], 0)}…{fmt(r['latency_max_s'], 0)}) |")
    print()
    print("Real recordings (window of T segments ending at end_s; label 1 = the seizure "
          "touches the last segment, assuming it lasts to the end of the file):")
    for entry in real:
        if "note" in entry and not entry.get("windows"):
            print(f"- {entry['name']}: {entry['note']}")
            continue
        cells = ", ".join(
            f"T={w['T']} end {w['end_s']:.0f} s label {w['label']}: p={w['model_p']:.3f}"
            f" LL={fmt(w['baseline_score'])}" for w in entry["windows"])
        print(f"- {entry['name']} ({entry['channels']} ch, {entry['duration']:.1f} s): {cells}")
    print(f"\n(evaluation took {time.time() - t0:.0f} s)")

    if args.json:
        def clean(o):
            if isinstance(o, dict):
                return {k: clean(v) for k, v in o.items()}
            if isinstance(o, (list, tuple)):
                return [clean(v) for v in o]
            if isinstance(o, np.ndarray):
                return clean(o.tolist())
            if isinstance(o, (np.floating, float)):
                return None if math.isnan(float(o)) else float(o)
            if isinstance(o, np.integer):
                return int(o)
            return o
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(clean({"results": results, "real": real, "simulated": recs,
                             "threshold": threshold, "model_threshold": model_threshold}), f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
