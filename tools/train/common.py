# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared pieces of the training and evaluation tools.

* simulated recordings from ``ictoscope-cli simulate`` and the real
  recordings of ../shared/data/real, with their seizure events;
* the per-segment wavelet features of the encoder (spec §4.1), computed
  once per recording: every window of the spec's data loader (§3) starts
  on the 5-s grid, so its segments are the recording's 5-s segments;
* the model configuration of the bundled model and a forward pass of the
  torch module (tools/mvpformer/torch_model.py) from those features;
* the window labels of spec §3 step 6 and the line-length baseline.
"""

import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.dirname(HERE)
REPO = os.path.dirname(TOOLS)
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)

from mvpformer.config import MVPFormerConfig, dwt_levels, dwt_output_size  # noqa: E402
from mvpformer.preprocess import MODEL_RATE, resample_linear  # noqa: E402
from train import edf  # noqa: E402,F401  (re-exported for train.py and evaluate.py)

SEGMENT_S = 5.0
SEGMENT_LEN = int(SEGMENT_S * MODEL_RATE)     # 2560
WINDOW_T = 25                                 # segments per window (125 s)
SHARED_REAL = os.path.normpath(os.path.join(REPO, "..", "shared", "data", "real"))

# Real recordings (all redistributable, see ../shared/data/real/README.md) and
# the seizure onsets known for them (s after the first sample; no offsets).
REAL_RECORDINGS = {
    "ecog_pt01_seizure1": ("ecog_pt01_seizure1/pt01_seizure1_ecog.edf", [1.0]),
    "ecog_mne_sample": ("ecog_mne_sample/sample_ecog.edf", [10.229]),
    "seeg_mne_sample": ("seeg_mne_sample/sample_seeg.edf", []),
}


def demo_config():
    """Configuration of the bundled model: the spec's MVPFormer at small width."""
    return MVPFormerConfig(
        n_embd=128, n_layer=4, n_head=4, n_head_kv=2, n_inner=256,
        n_positions=110, n_channels=128, dwt_size=dwt_output_size(SEGMENT_LEN),
        segment_len=SEGMENT_LEN, lora=False).validate()


def default_cli():
    """Path of ictoscope-cli: $ICTO_CLI, else the first build dir that has it."""
    env = os.environ.get("ICTO_CLI")
    if env:
        return env
    for build in ("_build-train", "_build"):
        path = os.path.join(REPO, build, "src", "cli", "ictoscope-cli")
        if os.path.exists(path):
            return path
    raise FileNotFoundError("ictoscope-cli not found: build it or set ICTO_CLI")


def simulate(cli, out_dir, name, duration, seizures, seed, layout=None, pattern=None):
    """Write (or reuse) a simulated recording; returns the EDF path."""
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name + ".edf")
    args = [cli, "simulate", "--duration", str(duration), "--seizures", str(seizures),
            "--seed", str(seed), "--quiet", "--out", path]
    if layout:
        args += ["--layout", layout]
    if pattern:
        args += ["--pattern", pattern]
    stamp = path + ".args"
    wanted = " ".join(args[1:])
    if os.path.exists(path) and os.path.exists(stamp):
        with open(stamp, encoding="utf-8") as f:
            if f.read() == wanted:
                return path
    subprocess.run(args, check=True)
    with open(stamp, "w", encoding="utf-8") as f:
        f.write(wanted)
    return path


def seizure_events(rec):
    """(seizures, eecs) of a simulated recording: [(onset, offset)], [EEC onset]."""
    seizures = [(a.onset, a.onset + a.duration) for a in rec.annotations
                if a.text.startswith("Seizure") and a.duration > 0]
    eecs = [a.onset for a in rec.annotations if a.text == "EEC"]
    return sorted(seizures), sorted(eecs)


def to_model_rate(data, fs):
    """Whole recording resampled to 512 Hz (spec §3 rule; identity at 512 Hz)."""
    if abs(fs - MODEL_RATE) < 1e-9:
        return np.asarray(data, dtype=np.float64)
    n_out = int(data.shape[1] * MODEL_RATE / fs)
    return resample_linear(data, n_out)


def _dwt_conv(x):
    """db4 'periodic' DWT of the rows of x [R, L] (torch): periodic padding and a
    stride-2 correlation with the reversed filters, the formula of spec §4.1."""
    import torch
    from mvpformer.reference import DB4_HI, DB4_LO

    w = torch.as_tensor(np.array([DB4_LO[::-1], DB4_HI[::-1]]), dtype=x.dtype)[:, None, :]
    a = x
    details = []
    for _ in range(dwt_levels(x.shape[-1])):
        n = a.shape[-1]
        k_out = (n + 7) // 2
        # a_pad[m] = a[(m - 6) mod n], m = 0 … 2 k_out + 5
        idx = (torch.arange(2 * k_out + 6) - 6) % n
        out = torch.nn.functional.conv1d(a[:, None, idx], w, stride=2)
        details.append(out[:, 1])
        a = out[:, 0]
    return torch.cat([a] + details[::-1], dim=-1)


def dwt_features(segments):
    """Wavelet features [..., S_w] of segments [..., L], RMS-normalised (spec §4.2
    without the weight), float32."""
    import torch

    with torch.no_grad():
        x = torch.as_tensor(np.asarray(segments, dtype=np.float32))
        shape = x.shape
        f = _dwt_conv(x.reshape(-1, shape[-1]))
        f = f * torch.rsqrt(f.pow(2).mean(dim=-1, keepdim=True) + 1e-5)
    return f.reshape(*shape[:-1], f.shape[-1]).numpy()


def recording_features(data, fs, dtype=np.float16):
    """Features [S, C, S_w] of the recording's consecutive 5-s segments at 512 Hz.

    Segment s covers [5 s, 5 s + 5) s.  The spec resamples each 125-s window
    as a whole; resampling the whole recording at once gives the same values
    at 512 Hz and differs only at window edges otherwise.
    """
    x = to_model_rate(data, fs)
    n_seg = x.shape[1] // SEGMENT_LEN
    C = x.shape[0]
    out = np.empty((n_seg, C, dwt_output_size(SEGMENT_LEN)), dtype=dtype)
    for s0 in range(0, n_seg, 64):
        s1 = min(n_seg, s0 + 64)
        seg = x[:, s0 * SEGMENT_LEN:s1 * SEGMENT_LEN].reshape(C, s1 - s0, SEGMENT_LEN)
        out[s0:s1] = dwt_features(seg.transpose(1, 0, 2)).astype(dtype)
    return out


def segment_labels(n_seg, seizures):
    """1 where a seizure [on, off] touches segment [5 s, 5 s + 5] (inclusive, spec §3.6)."""
    lab = np.zeros(n_seg, dtype=np.int64)
    for s in range(n_seg):
        b, e = s * SEGMENT_S, (s + 1) * SEGMENT_S
        lab[s] = any(off >= b and on <= e for on, off in seizures)
    return lab


def line_length(data, fs):
    """Mean absolute first difference per channel and 5-s segment: [S, C]."""
    x = to_model_rate(data, fs)
    n_seg = x.shape[1] // SEGMENT_LEN
    seg = x[:, :n_seg * SEGMENT_LEN].reshape(x.shape[0], n_seg, SEGMENT_LEN)
    return np.abs(np.diff(seg, axis=-1)).mean(axis=-1).T.copy()


def line_length_scores(ll, T=WINDOW_T):
    """Baseline score of each window: mean over channels of the last segment's
    line length divided by the channel's median over the window's first T−1
    segments.  ll [S, C] -> [S − T + 1]; entry k is the window of segments k … k+T−1."""
    S = ll.shape[0]
    out = np.empty(max(0, S - T + 1))
    for k in range(len(out)):
        base = np.median(ll[k:k + T - 1], axis=0) + 1e-9
        out[k] = float(np.mean(ll[k + T - 1] / base))
    return out


def build_model(cfg):
    """The torch module with both readouts (tools/mvpformer/torch_model.py)."""
    from mvpformer.torch_model import MVPFormer

    return MVPFormer(cfg, gen_head=True, cls_head=True, lora=False)


def forward_features(model, feats):
    """The module's forward pass from wavelet features [B, T, C, S_w].

    Same computation as ``MVPFormer.forward`` after the DWT: encoder norm and
    projection, the blocks, the final norm, both readouts.  Returns
    (encoder_out, hidden, gen_pred, class_logits).
    """
    import torch

    B, T, C, _ = feats.shape
    bb = model.mvpformer
    pos = bb.positional_embedding(torch.arange(T))
    chan = bb.channel_embedding(torch.arange(C))
    e = model.encoder.proj(model.encoder.ln(feats))
    h = e
    for block in bb.h:
        h, _ = block(h, pos, chan)
    y = bb.ln_f(h)
    return e, y, model.head(y), model.cls_head(y[:, T - 1].mean(dim=1))


# Simulated training recordings: (name, seed, layout, pattern).  900 s with
# three seizures each; layouts and onset patterns varied.
TRAIN_SIM = [
    ("train-%02d" % i, 1000 + i, layout, pattern)
    for i, (layout, pattern) in enumerate([
        (None, "mixed"), ("seeg", "lvfa"), ("ecog", "spikes"), (None, "native"),
        ("LA:8,LH:8,RH:8", "mixed"), ("G:4x4,LA:6", "lvfa"), ("seeg", "spikes"),
        (None, "lvfa"), ("LA:10,LH:10", "native"), ("ecog", "mixed"),
        ("LA:6,LH:6,RA:6,RH:6", "spikes"), (None, "mixed"),
        ("LA:8,LH:8", "lvfa"), ("seeg", "native"), ("G:4x4,LA:6", "spikes"),
        ("LA:10,LH:10", "mixed"), (None, "spikes"), ("ecog", "lvfa"),
        ("LA:8,RA:8,LH:8", "native"), ("LH:8,RH:8", "mixed"), ("seeg", "lvfa"),
        ("LA:6,LH:6,RH:6", "spikes"), ("G:4x4,LA:4", "native"), (None, "lvfa"),
    ])
]
TRAIN_SIM_SECONDS = 900
TRAIN_SIM_SEIZURES = 3

# Held-out simulated recordings (seeds never used in training): small
# layouts so that full-window inference of every channel stays affordable.
EVAL_SIM = [
    ("eval-%02d" % i, 2000 + i, layout, pattern)
    for i, (layout, pattern) in enumerate([
        ("LA:8,LH:8", "mixed"), ("LA:6,LH:6,RH:4", "lvfa"), ("G:4x4", "spikes"),
        ("LA:8,LH:8", "native"), ("LA:6,LH:6,RA:6", "mixed"), ("LH:8,RH:8", "lvfa"),
    ])
]
EVAL_SIM_SECONDS = 900
EVAL_SIM_SEIZURES = 3

# Validation recordings (seeds used neither in training nor in the held-out
# evaluation): only to choose the model's decision threshold.
VAL_SIM = [
    ("val-%02d" % i, 3000 + i, layout, pattern)
    for i, (layout, pattern) in enumerate([
        ("LA:8,LH:8", "lvfa"), ("LA:6,LH:6,RH:6", "spikes"), ("G:4x4,LA:4", "mixed"),
        ("LH:8,RA:8", "native"),
    ])
]
