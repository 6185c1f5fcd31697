# SPDX-License-Identifier: GPL-3.0-or-later
"""Numpy reference implementation of MVPFormer inference.

Written from ``shared/docs/mvpformer-spec.md``; section numbers below refer
to it.  One window at a time: the input is a signal ``X[T, C, L]``, the
outputs are every intermediate the shared test vectors hold.  The dtype of
the computation is a parameter (float64 for a reference, float32 to see
what a float32 engine gets).  Clarity over speed, but the attention works
head by head so a full MVPFormer-S window (N = 1600 tokens) fits in memory.

Main entry points: :func:`forward` and :class:`ReferenceModel`.
"""

import numpy as np

from .config import CLS_HEAD, GEN_HEAD, dwt_levels

__all__ = [
    "DB4_LO",
    "DB4_HI",
    "dwt_db4_periodic",
    "rms_norm",
    "encode",
    "mvpa",
    "mlp",
    "forward",
    "cosine_agreement",
    "ReferenceModel",
]

# db4 analysis low-pass filter (PyWavelets dec_lo), spec §4.1.
DB4_LO = np.array([
    -0.010597401785069032, 0.0328830116668852, 0.030841381835560764, -0.18703481171909309,
    -0.027983769416859854, 0.6308807679298589, 0.7148465705529157, 0.2303778133088965,
])
# hi[k] = (-1)^(k+1) lo[7-k]
DB4_HI = np.array([(-1.0) ** (k + 1) * DB4_LO[7 - k] for k in range(8)])


def _analysis_step(a, lo, hi):
    """One periodic-mode db4 step on the last axis: returns (cA, cD)."""
    n = a.shape[-1]
    taps = lo.shape[0]
    k_out = (n + taps - 1) // 2
    # cA[k] = sum_j lo[j] a[(2k + 1 - j) mod n]
    idx = (2 * np.arange(k_out)[:, None] + 1 - np.arange(taps)[None, :]) % n
    gathered = a[..., idx]                       # [..., K, taps]
    return gathered @ lo, gathered @ hi


def dwt_db4_periodic(x):
    """Wavelet feature vector f = [cA_J, cD_J, ..., cD_1] of each row of ``x``.

    ``x``: array [..., L].  Returns [..., S_w] in x's dtype (spec §4.1).
    """
    lo = DB4_LO.astype(x.dtype)
    hi = DB4_HI.astype(x.dtype)
    a = x
    details = []
    for _ in range(dwt_levels(x.shape[-1])):
        a, d = _analysis_step(a, lo, hi)
        details.append(d)
    return np.concatenate([a] + details[::-1], axis=-1)


def rms_norm(x, weight, eps):
    """x * (mean(x^2) + eps)^(-1/2) * weight over the last axis (spec §5)."""
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * weight


def encode(signal, w, cfg):
    """Wave encoder: signal [T, C, L] -> tokens E [T, C, D] (spec §4)."""
    f = dwt_db4_periodic(signal)
    g = rms_norm(f, w["encoder.ln.weight"], cfg.encoder_eps)
    return g @ w["encoder.proj.weight"].T


def _softmax_rows(scores):
    """Softmax over the last axis; -inf entries give exactly 0."""
    m = np.max(scores, axis=-1, keepdims=True)
    e = np.exp(scores - m)
    return e / np.sum(e, axis=-1, keepdims=True)


def mvpa(a, w, prefix, cfg, T, C, want_probs=False):
    """Multi-variate parallel attention of one layer (spec §6).

    ``a``: normalised input [N, D] with token n = t*C + c.
    Returns ``(out [N, D], probs [H, N, N] or None)``.
    """
    dt = a.dtype
    N = T * C
    H, Hkv, hd, kv = cfg.n_head, cfg.n_head_kv, cfg.head_dim, cfg.kv_dim
    q = (a @ w[prefix + "q_attn.weight"].T).reshape(N, H, hd)
    kvp = a @ w[prefix + "c_attn.weight"].T
    k = kvp[:, :kv].reshape(N, Hkv, hd)
    v = kvp[:, kv:].reshape(N, Hkv, hd)
    P = w["mvpformer.positional_embedding.weight"][:T]
    Q = w["mvpformer.channel_embedding.weight"][:C]
    r = (P @ w[prefix + "position_net.weight"].T).reshape(T, Hkv, hd)
    s = (Q @ w[prefix + "channel_net.weight"].T).reshape(C, Hkv, hd)
    beta = w[prefix + "attn_bias"]
    u = beta[:kv].reshape(Hkv, hd)
    vb = beta[kv:2 * kv].reshape(Hkv, hd)
    z = beta[2 * kv:].reshape(Hkv, hd)

    t_of = np.arange(N) // C
    c_of = np.arange(N) % C
    dt_steps = t_of[:, None] - t_of[None, :]                    # t - t'
    causal = dt_steps >= 0
    in_window = (dt_steps <= cfg.window) | (t_of[:, None] == T - 1)
    content_w = (causal & in_window).astype(dt)
    time_row = np.clip(T - 1 - dt_steps, 0, T - 1)               # used where causal
    chan_row = C - 1 - np.abs(c_of[:, None] - c_of[None, :])
    rows = np.arange(N)[:, None]
    scale = 1.0 / np.sqrt(dt.type(hd))

    out = np.empty((N, H, hd), dtype=dt)
    probs = np.empty((H, N, N), dtype=dt) if want_probs else None
    for h in range(H):
        g = h // cfg.n_group
        qh = q[:, h, :]
        content = (qh + u[g]) @ k[:, g, :].T                     # [N, N]
        time_tab = (qh + vb[g]) @ r[:, g, :].T                   # [N, T]
        chan_tab = (qh + z[g]) @ s[:, g, :].T                    # [N, C]
        scores = (content_w * content + time_tab[rows, time_row]
                  + chan_tab[rows, chan_row]) * scale
        scores = np.where(causal, scores, -np.inf)
        p = _softmax_rows(scores)
        out[:, h, :] = p @ v[:, g, :]
        if want_probs:
            probs[h] = p
    return out.reshape(N, H * hd) @ w[prefix + "c_proj.weight"].T, probs


def mlp(a, w, prefix):
    """SwiGLU MLP: W_down (SiLU(W_gate a) * (W_up a)) (spec §5)."""
    gate = a @ w[prefix + "gate_proj.weight"].T
    up = a @ w[prefix + "up_proj.weight"].T
    return (gate / (1 + np.exp(-gate)) * up) @ w[prefix + "down_proj.weight"].T


def forward(signal, w, cfg, dtype=np.float64):
    """Run one window through the model.

    ``signal``: [T, C, L] with T <= n_positions, C <= n_channels,
    L = segment_len.  ``w``: dict of tensors with official names (LoRA
    already folded; see weights.fold_lora), readouts optional: GEN_HEAD
    [D, D], CLS_HEAD [2, D].  ``dtype``: computation dtype.

    Returns a dict of arrays named as in the test vectors: ``encoder_out``,
    ``layer_out.{i}``, ``hidden_states`` (all [T, C, D]), ``attn_probs_last``
    [H, N, N], and, when the readouts exist, ``gen_pred`` [T, C, D],
    ``class_logits`` [2], ``class_probs`` [2].
    """
    signal = np.asarray(signal)
    if signal.ndim != 3:
        raise ValueError(f"signal must be [T, C, L], got shape {list(signal.shape)}")
    T, C, L = signal.shape
    if not (1 <= T <= cfg.n_positions and 1 <= C <= cfg.n_channels and L == cfg.segment_len):
        raise ValueError(f"signal shape {[T, C, L]} does not fit the model (T <= "
                         f"{cfg.n_positions}, C <= {cfg.n_channels}, L = {cfg.segment_len})")
    dtype = np.dtype(dtype)
    w = {name: np.asarray(t, dtype=dtype) for name, t in w.items()}
    N, D = T * C, cfg.n_embd
    results = {}

    h = encode(signal.astype(dtype), w, cfg).reshape(N, D)
    results["encoder_out"] = h.reshape(T, C, D)
    probs = None
    for i in range(cfg.n_layer):
        prefix = f"mvpformer.h.{i}."
        a = rms_norm(h, w[prefix + "ln_1.weight"], cfg.layer_norm_epsilon)
        attn_out, probs = mvpa(a, w, prefix + "attn.", cfg, T, C,
                               want_probs=(i == cfg.n_layer - 1))
        h = h + attn_out + mlp(a, w, prefix + "mlp.")           # parallel block
        results[f"layer_out.{i}"] = h.reshape(T, C, D)
    y = rms_norm(h, w["mvpformer.ln_f.weight"], cfg.layer_norm_epsilon).reshape(T, C, D)
    results["hidden_states"] = y
    results["attn_probs_last"] = probs
    if GEN_HEAD in w:
        results["gen_pred"] = y @ w[GEN_HEAD].T
    if CLS_HEAD in w:
        pooled = y[T - 1].mean(axis=0)
        logits = w[CLS_HEAD] @ pooled
        results["class_logits"] = logits
        results["class_probs"] = _softmax_rows(logits)
    return results


def cosine_agreement(gen_pred, encoder_out, eps=1e-8):
    """Per-channel agreement cos(ŷ[t, c], e[t+1, c]) for t = 0..T-2 (spec §7.2).

    Returns [T-1, C].  torch semantics: each norm is clamped to at least eps.
    """
    pred = gen_pred[:-1]
    target = encoder_out[1:]
    num = np.sum(pred * target, axis=-1)
    den = (np.maximum(np.linalg.norm(pred, axis=-1), eps)
           * np.maximum(np.linalg.norm(target, axis=-1), eps))
    return num / den


class ReferenceModel:
    """A loaded model: configuration plus folded tensors, ready to run."""

    def __init__(self, cfg, tensors):
        self.cfg = cfg
        self.tensors = tensors

    @classmethod
    def from_files(cls, weights_path, head_path=None, lora_path=None):
        """Load from safetensors files (see weights.load_model)."""
        from .weights import load_model
        return cls(*load_model(weights_path, head_path, lora_path))

    def __call__(self, signal, dtype=np.float64):
        return forward(signal, self.tensors, self.cfg, dtype=dtype)
