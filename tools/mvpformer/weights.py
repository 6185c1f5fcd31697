# SPDX-License-Identifier: GPL-3.0-or-later
"""Model tensors: checking, LoRA folding, configuration inference, loading.

Works on plain dicts of numpy arrays keyed by the official state-dict names
(spec §9).  Used by the numpy reference, the converter and the tests.
"""

import re

import numpy as np

from . import safetensors_io
from .config import (
    CLS_HEAD,
    GEN_HEAD,
    ConfigError,
    MVPFormerConfig,
    base_tensor_shapes,
    dwt_output_size,
    lora_tensor_shapes,
    segment_len_for_dwt_size,
)

__all__ = [
    "WeightsError",
    "KNOWN_HEADS",
    "classify_head",
    "check_tensors",
    "has_lora",
    "fold_lora",
    "infer_config",
    "load_model",
]

# The published configurations (spec §2), used to infer the head counts,
# which the tensor shapes alone cannot tell: (n_embd, kv_dim) -> (H, Hkv).
KNOWN_HEADS = {
    (768, 256): (12, 4),
    (2048, 1024): (16, 8),
}

# Segment length of the published models: dwt_size 2610 is also produced by
# L = 2559, so the shape alone is ambiguous there (spec §4.1: L = 2560).
KNOWN_SEGMENT_LEN = {2610: 2560}

_LAYER_RE = re.compile(r"^mvpformer\.h\.(\d+)\.")


class WeightsError(ValueError):
    """A set of tensors does not form a valid MVPFormer model."""


def classify_head(array, n_embd):
    """Return GEN_HEAD for a [D, D] readout, CLS_HEAD for a [2, D] one.

    Raises WeightsError for any other shape.
    """
    shape = tuple(np.shape(array))
    if shape == (n_embd, n_embd):
        return GEN_HEAD
    if shape == (2, n_embd):
        return CLS_HEAD
    raise WeightsError(f"head.head.weight has shape {list(shape)}: expected "
                       f"[{n_embd}, {n_embd}] (generative) or [2, {n_embd}] (classification)")


def has_lora(tensors):
    """True if any LoRA adapter tensor is present."""
    return any(".lora_A" in k or ".lora_B" in k for k in tensors)


def check_tensors(tensors, cfg, require_heads=False):
    """Check names and shapes of a model's tensors against ``cfg``.

    Required: every backbone tensor of :func:`base_tensor_shapes`.
    Optional: GEN_HEAD [D, D], CLS_HEAD [2, D], and the LoRA adapters, which
    must then be complete (all four per layer, for every layer).
    ``require_heads``: also require at least one readout.
    Any other name, a missing tensor or a wrong shape raises WeightsError.
    """
    expected = dict(base_tensor_shapes(cfg))
    optional = {GEN_HEAD: (cfg.n_embd, cfg.n_embd), CLS_HEAD: (2, cfg.n_embd)}
    lora = lora_tensor_shapes(cfg)
    problems = []
    for name, shape in expected.items():
        if name not in tensors:
            problems.append(f"missing tensor '{name}'")
        elif tuple(np.shape(tensors[name])) != shape:
            problems.append(f"tensor '{name}' has shape {list(np.shape(tensors[name]))}, "
                            f"expected {list(shape)}")
    lora_present = [k for k in lora if k in tensors]
    if lora_present and len(lora_present) != len(lora):
        missing = sorted(set(lora) - set(lora_present))
        problems.append(f"incomplete LoRA adapters: missing {', '.join(missing[:4])}"
                        + (" ..." if len(missing) > 4 else ""))
    for name in tensors:
        if name in expected:
            continue
        if name in optional:
            shape = optional[name]
        elif name in lora:
            shape = lora[name]
        else:
            problems.append(f"unknown tensor '{name}'")
            continue
        if tuple(np.shape(tensors[name])) != shape:
            problems.append(f"tensor '{name}' has shape {list(np.shape(tensors[name]))}, "
                            f"expected {list(shape)}")
    if require_heads and GEN_HEAD not in tensors and CLS_HEAD not in tensors:
        problems.append("no readout: neither a generative nor a classification head")
    if problems:
        raise WeightsError("; ".join(problems))


def fold_lora(tensors, cfg):
    """Fold the LoRA adapters into the base weights (spec §8).

    q_attn.weight += s * B_q A_q; the value half (rows kvD..2kvD-1) of
    c_attn.weight += s * B_c A_c; the key half is unchanged; s = alpha / r.
    The sums are evaluated in float64 from the stored values; the folded
    matrices are returned as float64 (round them once when storing).
    Returns a new dict without the adapter tensors; other tensors are shared.
    """
    out = {k: v for k, v in tensors.items() if ".lora_" not in k}
    if not has_lora(tensors):
        return out
    s = float(cfg.lora_scaling)
    kv = cfg.kv_dim
    for i in range(cfg.n_layer):
        p = f"mvpformer.h.{i}.attn."
        a_q = np.asarray(tensors[p + "q_attn.lora_A"], dtype=np.float64)
        b_q = np.asarray(tensors[p + "q_attn.lora_B"], dtype=np.float64)
        w_q = np.array(tensors[p + "q_attn.weight"], dtype=np.float64)
        out[p + "q_attn.weight"] = w_q + s * (b_q @ a_q)
        a_c = np.asarray(tensors[p + "c_attn.lora_A"], dtype=np.float64)
        b_c = np.asarray(tensors[p + "c_attn.lora_B"], dtype=np.float64)
        w_c = np.array(tensors[p + "c_attn.weight"], dtype=np.float64)
        w_c[kv:2 * kv] += s * (b_c @ a_c)
        out[p + "c_attn.weight"] = w_c
    return out


def infer_config(tensors, n_head=None, n_head_kv=None, segment_len=None,
                 lora_alpha=16.0, layer_norm_epsilon=1e-5, encoder_eps=1e-5,
                 window=10, segment_len_hint=None):
    """Infer the configuration from tensor shapes (official names).

    The shapes give D, the layer count, F, the table sizes, S_w and kvD; the
    head counts come from ``n_head``/``n_head_kv`` or, for the published
    widths, from :data:`KNOWN_HEADS`; the segment length from ``segment_len``,
    ``segment_len_hint`` (e.g. the width of ``seizure_embeddings``) or the
    only L that yields S_w.  Raises WeightsError when something cannot be
    determined or is inconsistent.
    """
    def shape(name):
        if name not in tensors:
            raise WeightsError(f"missing tensor '{name}'")
        return tuple(np.shape(tensors[name]))

    proj = shape("encoder.proj.weight")
    if len(proj) != 2:
        raise WeightsError(f"encoder.proj.weight has shape {list(proj)}, expected 2-D")
    n_embd, dwt_size = proj
    layers = sorted({int(m.group(1)) for k in tensors for m in [_LAYER_RE.match(k)] if m})
    if not layers:
        raise WeightsError("no transformer layers (mvpformer.h.{i}.*) found")
    if layers != list(range(len(layers))):
        raise WeightsError(f"layer indices are not 0..{len(layers) - 1}: {layers}")
    pos = shape("mvpformer.positional_embedding.weight")
    chan = shape("mvpformer.channel_embedding.weight")
    gate = shape("mvpformer.h.0.mlp.gate_proj.weight")
    pnet = shape("mvpformer.h.0.attn.position_net.weight")
    if len(pos) != 2 or len(chan) != 2 or len(gate) != 2 or len(pnet) != 2:
        raise WeightsError("embedding tables and projections must be 2-D")
    kv_dim = pnet[0]
    if n_head is None and n_head_kv is None:
        if (n_embd, kv_dim) not in KNOWN_HEADS:
            raise WeightsError(
                f"cannot infer the head counts for n_embd {n_embd}, kv width {kv_dim} "
                f"(not a published configuration): give --n-head (and --n-head-kv)")
        n_head, n_head_kv = KNOWN_HEADS[(n_embd, kv_dim)]
    elif n_head is None or n_head_kv is None:
        # one given: the other follows from D / H = kvD / Hkv
        if n_head is not None:
            if n_embd % n_head or kv_dim % (n_embd // n_head):
                raise WeightsError(f"n_head {n_head} does not fit n_embd {n_embd} "
                                   f"and kv width {kv_dim}")
            n_head_kv = kv_dim // (n_embd // n_head)
        else:
            if kv_dim % n_head_kv:
                raise WeightsError(f"n_head_kv {n_head_kv} does not divide kv width {kv_dim}")
            n_head = n_embd // (kv_dim // n_head_kv)
    if n_head <= 0 or n_head_kv <= 0 or n_embd % n_head or (n_embd // n_head) * n_head_kv != kv_dim:
        raise WeightsError(f"n_head {n_head} / n_head_kv {n_head_kv} do not fit "
                           f"n_embd {n_embd} and kv width {kv_dim}")
    if segment_len is None:
        if segment_len_hint is not None:
            segment_len = segment_len_hint
        elif dwt_size in KNOWN_SEGMENT_LEN:
            segment_len = KNOWN_SEGMENT_LEN[dwt_size]
        else:
            candidates = segment_len_for_dwt_size(dwt_size)
            if len(candidates) != 1:
                raise WeightsError(
                    f"cannot infer the segment length from dwt_size {dwt_size} "
                    f"(candidates {candidates[:6]}): give --segment-len")
            segment_len = candidates[0]
    if dwt_output_size(segment_len) != dwt_size:
        raise WeightsError(f"segment length {segment_len} gives {dwt_output_size(segment_len)} "
                           f"wavelet coefficients but encoder.proj.weight has {dwt_size}")
    lora_rank = 8
    lora_key = "mvpformer.h.0.attn.q_attn.lora_A"
    if lora_key in tensors:
        lora_rank = shape(lora_key)[0]
    try:
        cfg = MVPFormerConfig(
            n_embd=n_embd, n_layer=len(layers), n_head=n_head, n_head_kv=n_head_kv,
            n_inner=gate[0], n_positions=pos[0], n_channels=chan[0], dwt_size=dwt_size,
            segment_len=segment_len, layer_norm_epsilon=layer_norm_epsilon,
            lora_alpha=float(lora_alpha), lora_rank=lora_rank, encoder_eps=encoder_eps,
            window=window, lora=has_lora(tensors)).validate()
    except ConfigError as exc:
        raise WeightsError(str(exc)) from None
    return cfg


def _merge_head_file(tensors, head_tensors, n_embd, path):
    for name, array in head_tensors.items():
        if name == GEN_HEAD:
            tensors[classify_head(array, n_embd)] = array
        elif name == CLS_HEAD or ".lora_" in name:
            tensors[name] = array
        else:
            raise WeightsError(f"{path}: unexpected tensor '{name}' in a head file")


def load_model(weights_path, head_path=None, lora_path=None, fold=True):
    """Load a model from safetensors files with official names.

    ``weights_path``: backbone (and optionally readouts) with the
    configuration in its metadata.  ``head_path``: a file with
    ``head.head.weight`` [2, D] (or [D, D]) or ``cls_head.weight``, and
    possibly LoRA adapters.  ``lora_path``: a file of LoRA adapters.
    A ``head.head.weight`` is filed as the generative or classification
    readout by its shape.  With ``fold`` the adapters are folded (float64).
    Returns ``(cfg, tensors)``; raises WeightsError or
    safetensors_io.SafetensorsError.
    """
    tensors, metadata = safetensors_io.load(weights_path)
    try:
        cfg = MVPFormerConfig.from_metadata(metadata)
    except ConfigError as exc:
        raise WeightsError(f"{weights_path}: {exc}") from None
    if GEN_HEAD in tensors:
        array = tensors.pop(GEN_HEAD)
        tensors[classify_head(array, cfg.n_embd)] = array
    if head_path is not None:
        head_tensors, _ = safetensors_io.load(head_path)
        _merge_extra_file(tensors, head_tensors, cfg.n_embd, head_path)
    if lora_path is not None:
        lora_tensors, _ = safetensors_io.load(lora_path)
        for name in lora_tensors:
            if ".lora_" not in name:
                raise WeightsError(f"{lora_path}: '{name}' is not a LoRA adapter tensor")
        _merge_extra_file(tensors, lora_tensors, cfg.n_embd, lora_path)
    if has_lora(tensors) and "mvpformer.h.0.attn.q_attn.lora_A" in tensors:
        rank = np.shape(tensors["mvpformer.h.0.attn.q_attn.lora_A"])[0]
        if rank != cfg.lora_rank:
            raise WeightsError(f"LoRA rank {rank} differs from the configured lora_rank "
                               f"{cfg.lora_rank}")
    check_tensors(tensors, cfg, require_heads=False)
    if fold:
        tensors = fold_lora(tensors, cfg)
    return cfg, tensors


def _merge_extra_file(tensors, extra, n_embd, path):
    """Add a head or adapter file's tensors; head.head.weight is filed by shape."""
    for name, array in extra.items():
        if name == GEN_HEAD:
            tensors[classify_head(array, n_embd)] = array
        elif name == CLS_HEAD or ".lora_" in name:
            tensors[name] = array
        else:
            raise WeightsError(f"{path}: unexpected tensor '{name}' in a head or adapter file")
