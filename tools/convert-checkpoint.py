#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Convert official MVPFormer PyTorch checkpoints into an Ictoscope model file.

    tools/convert-checkpoint.py BASE.pt [--head CLS.pt] --out MODEL.safetensors
        [--dtype float32|float16|bfloat16] [--n-head H] [--n-head-kv HKV]
        [--segment-len L] [--lora-alpha A] [--encoder-norm auto|ones|stored]

Inputs: plain state dicts or Lightning checkpoints (a dict with a
``state_dict`` key; keys possibly prefixed ``model.``), as saved by
``torch.save``.  BASE is the generative model (HMVPFormer); the optional
classification checkpoint (ClassificationHMVPFormer) adds or overrides
``head.head.weight`` [2, D] and any other tensor it holds (LoRA adapters).

Output (shared/docs/mvpformer-spec.md §8-9 and issue 3): safetensors with
the official tensor names, LoRA adapters folded (q_attn fully, the value half
of c_attn, scaling alpha / r; evaluated in float64, rounded once), the
generative head as ``head.head.weight`` [D, D], the classification head as
``cls_head.weight`` [2, D], the configuration as strings in ``__metadata__``.
Unused buffers (attn.time_bias, attn.masked_bias) and seizure_embeddings are
dropped; ln_2.weight is kept.  ``encoder.ln.weight`` becomes ones for a
generative-only model (the authors' generative loader does that, spec §4.4)
and is kept as stored when a classification head is present.

Anything not recognised (unknown keys, missing tensors, inconsistent shapes,
non-finite values) is refused with a message and exit status 1.
Requires torch (Debian: python3-torch) to read the checkpoints.
"""

import argparse
import importlib.util
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mvpformer import safetensors_io, weights  # noqa: E402
from mvpformer.config import CLS_HEAD, FORMAT_TAG, GEN_HEAD  # noqa: E402

# Keys of official checkpoints that are not model parameters: dropped.
_DROPPED_SUFFIXES = (".attn.time_bias", ".attn.masked_bias")
_DROPPED_NAMES = ("seizure_embeddings",)
_LIGHTNING_PREFIX = "model."


class ConversionError(Exception):
    """The input is not something this converter recognises."""


def parse_args(argv):
    """Command-line options."""
    p = argparse.ArgumentParser(
        description="Convert official MVPFormer checkpoints to an Ictoscope model file "
                    "(safetensors).")
    p.add_argument("base", help="base (generative) checkpoint: state dict or Lightning .ckpt")
    p.add_argument("--head", help="classification checkpoint (head.head.weight [2, D], "
                                  "possibly LoRA adapters or a full state dict)")
    p.add_argument("--out", "-o", required=True, help="output .safetensors file")
    p.add_argument("--dtype", choices=("float32", "float16", "bfloat16"), default="float32",
                   help="storage type of the output (default float32)")
    p.add_argument("--n-head", type=int, help="query heads (inferred for the published widths)")
    p.add_argument("--n-head-kv", type=int, help="key/value heads (inferred from --n-head)")
    p.add_argument("--segment-len", type=int,
                   help="samples per segment (default: from seizure_embeddings or dwt size)")
    p.add_argument("--lora-alpha", type=float, default=16.0,
                   help="LoRA alpha; scaling = alpha / rank (default 16)")
    p.add_argument("--layer-norm-epsilon", type=float, default=1e-5)
    p.add_argument("--encoder-eps", type=float, default=1e-5)
    p.add_argument("--window", type=int, default=10, help="content window in time steps")
    p.add_argument("--encoder-norm", choices=("auto", "ones", "stored"), default="auto",
                   help="encoder.ln.weight: ones for a generative-only model, stored when a "
                        "classification head is present (auto, default), or forced")
    p.add_argument("--unsafe-load", action="store_true",
                   help="unpickle arbitrary objects (only for checkpoints you trust; needed "
                        "for Lightning checkpoints whose extra fields are not plain data)")
    return p.parse_args(argv)


def load_checkpoint(path, unsafe):
    """Read a torch.save file and return its state dict (name -> tensor)."""
    import torch

    try:
        if unsafe:
            obj = torch.load(path, map_location="cpu")
        else:
            obj = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise ConversionError(f"{path}: no such file") from None
    except Exception as exc:  # torch raises many kinds for foreign or unsafe pickles
        hint = "" if unsafe else " (if it is a trusted Lightning checkpoint, try --unsafe-load)"
        raise ConversionError(f"{path}: cannot read as a PyTorch checkpoint: {exc}{hint}") from None
    if isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
        obj = obj["state_dict"]
    if not isinstance(obj, dict) or not obj:
        raise ConversionError(f"{path}: not a state dict nor a Lightning checkpoint "
                              f"with a 'state_dict'")
    for key, value in obj.items():
        if not isinstance(key, str) or not isinstance(value, torch.Tensor):
            raise ConversionError(f"{path}: entry {key!r} is not a named tensor")
    keys = list(obj)
    prefixed = [k for k in keys if k.startswith(_LIGHTNING_PREFIX)]
    if prefixed and len(prefixed) != len(keys):
        other = next(k for k in keys if not k.startswith(_LIGHTNING_PREFIX))
        raise ConversionError(f"{path}: some keys have the '{_LIGHTNING_PREFIX}' prefix and "
                              f"some do not (e.g. '{other}')")
    if prefixed:
        obj = {k[len(_LIGHTNING_PREFIX):]: v for k, v in obj.items()}
    return obj


def to_numpy(path, state):
    """Keep the model parameters as float64 numpy arrays; drop known buffers."""
    import torch

    out = {}
    for name, tensor in state.items():
        if name in _DROPPED_NAMES or name.endswith(_DROPPED_SUFFIXES):
            continue
        if not tensor.is_floating_point():
            raise ConversionError(f"{path}: tensor '{name}' has non-float dtype {tensor.dtype}")
        array = tensor.detach().to(torch.float64).cpu().numpy()
        if not np.all(np.isfinite(array)):
            raise ConversionError(f"{path}: tensor '{name}' holds NaN or infinite values")
        out[name] = array
    return out


def convert(args):
    """Do the conversion; returns a summary line.  Raises ConversionError."""
    base_state = load_checkpoint(args.base, args.unsafe_load)
    seg_hint = None
    if "seizure_embeddings" in base_state and base_state["seizure_embeddings"].dim() == 2:
        seg_hint = int(base_state["seizure_embeddings"].shape[1])
    tensors = to_numpy(args.base, base_state)

    try:
        cfg = weights.infer_config(
            tensors, n_head=args.n_head, n_head_kv=args.n_head_kv,
            segment_len=args.segment_len, segment_len_hint=seg_hint,
            lora_alpha=args.lora_alpha, layer_norm_epsilon=args.layer_norm_epsilon,
            encoder_eps=args.encoder_eps, window=args.window)
    except weights.WeightsError as exc:
        raise ConversionError(f"{args.base}: {exc}") from None
    D = cfg.n_embd
    notes = []

    if GEN_HEAD in tensors:
        try:
            kind = weights.classify_head(tensors[GEN_HEAD], D)
        except weights.WeightsError as exc:
            raise ConversionError(f"{args.base}: {exc}") from None
        if kind == CLS_HEAD:
            # a full classification checkpoint given as the base (or a generative
            # one trained with size_out 2, spec §7.2: reported in the summary)
            tensors[CLS_HEAD] = tensors.pop(GEN_HEAD)
            notes.append("the base's head.head.weight is [2, D]: taken as the "
                         "classification readout")
    if CLS_HEAD in tensors and args.head is not None:
        raise ConversionError(f"{args.base}: holds a classification head already; "
                              f"do not give --head as well")

    if args.head is not None:
        head_tensors = to_numpy(args.head, load_checkpoint(args.head, args.unsafe_load))
        if GEN_HEAD not in head_tensors:
            raise ConversionError(f"{args.head}: no head.head.weight in the classification "
                                  f"checkpoint")
        if tuple(head_tensors[GEN_HEAD].shape) != (2, D):
            raise ConversionError(f"{args.head}: head.head.weight has shape "
                                  f"{list(head_tensors[GEN_HEAD].shape)}, expected [2, {D}] "
                                  f"for a classification head")
        tensors[CLS_HEAD] = head_tensors.pop(GEN_HEAD)
        for name, array in head_tensors.items():
            if name in tensors and tensors[name].shape != array.shape:
                raise ConversionError(f"{args.head}: '{name}' has shape {list(array.shape)}, "
                                      f"the base has {list(tensors[name].shape)}")
            tensors[name] = array  # the classification checkpoint overrides

    lora_a = tensors.get("mvpformer.h.0.attn.q_attn.lora_A")
    if lora_a is not None and lora_a.ndim == 2 and lora_a.shape[0] > 0:
        cfg.lora_rank = lora_a.shape[0]  # the classification checkpoint may bring the adapters
    try:
        weights.check_tensors(tensors, cfg, require_heads=True)
    except weights.WeightsError as exc:
        where = args.base if args.head is None else f"{args.base} + {args.head}"
        raise ConversionError(f"{where}: {exc}") from None

    folded = weights.has_lora(tensors)
    tensors = weights.fold_lora(tensors, cfg)

    norm_mode = args.encoder_norm
    if norm_mode == "auto":
        norm_mode = "stored" if CLS_HEAD in tensors else "ones"
    if norm_mode == "ones":
        tensors["encoder.ln.weight"] = np.ones_like(tensors["encoder.ln.weight"])

    if args.dtype == "float16":
        for name, array in tensors.items():
            if np.max(np.abs(array)) > np.finfo(np.float16).max:
                raise ConversionError(f"'{name}' exceeds the float16 range; "
                                      f"use --dtype float32 or bfloat16")

    cfg.lora = False  # the file holds no adapters any more
    metadata = cfg.to_metadata()
    metadata["format"] = FORMAT_TAG
    metadata["lora_folded"] = "true" if folded else "false"
    metadata["encoder_norm"] = norm_mode
    tmp = args.out + ".part"
    try:
        safetensors_io.save(tmp, tensors, metadata=metadata, dtype=args.dtype)
        os.replace(tmp, args.out)  # no half-written model file under the final name
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise ConversionError(f"{args.out}: cannot write: {exc}") from None
    heads = [n for n, k in (("generative", GEN_HEAD), ("classification", CLS_HEAD)) if k in tensors]
    return (f"wrote {args.out}: D={cfg.n_embd} layers={cfg.n_layer} heads={cfg.n_head}/"
            f"{cfg.n_head_kv} F={cfg.n_inner} L={cfg.segment_len}, readouts: {', '.join(heads)}, "
            f"LoRA {'folded' if folded else 'absent'}, encoder norm {norm_mode}, {args.dtype}"
            + "".join(f"\nnote: {n}" for n in notes))


def main(argv=None):
    """Entry point; returns the exit status."""
    args = parse_args(argv)
    if importlib.util.find_spec("torch") is None:
        print("convert-checkpoint: error: PyTorch is needed to read checkpoints "
              "(Debian: apt-get install python3-torch)", file=sys.stderr)
        return 1
    try:
        print(convert(args))
    except (ConversionError, safetensors_io.SafetensorsError) as exc:
        print(f"convert-checkpoint: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
