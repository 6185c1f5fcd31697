#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write tests/data/model-broken/: a tiny valid MVPFormer model file
(valid.safetensors) and one deliberately broken file per failure kind of the
loader (src/model/icto-model.c).  Pure python3 (struct, json): run from the
source root as  python3 tools/make-broken-models.py [OUTDIR]."""

import json
import os
import struct
import sys

CFG = {
    "n_embd": 8, "n_layer": 1, "n_head": 2, "n_head_kv": 1, "n_inner": 12,
    "n_positions": 4, "n_channels": 3, "segment_len": 16, "dwt_size": 22,
    "layer_norm_epsilon": 1e-5, "lora_alpha": 4, "lora_rank": 2,
    "wavelet": "db4", "wavelet_mode": "periodic", "window": 10,
}


def tensors(cfg):
    D, F, r = cfg["n_embd"], cfg["n_inner"], cfg["lora_rank"]
    kv = D // cfg["n_head"] * cfg["n_head_kv"]
    t = {
        "encoder.ln.weight": [cfg["dwt_size"]],
        "encoder.proj.weight": [D, cfg["dwt_size"]],
        "mvpformer.ln_f.weight": [D],
        "mvpformer.positional_embedding.weight": [cfg["n_positions"], D],
        "mvpformer.channel_embedding.weight": [cfg["n_channels"], D],
        "head.head.weight": [D, D],
        "cls_head.weight": [2, D],
        "seizure_embeddings": [3, cfg["segment_len"]],
    }
    for i in range(cfg["n_layer"]):
        p = "mvpformer.h.%d." % i
        t.update({
            p + "ln_1.weight": [D], p + "ln_2.weight": [D],
            p + "attn.attn_bias": [3 * kv],
            p + "attn.q_attn.weight": [D, D], p + "attn.c_attn.weight": [2 * kv, D],
            p + "attn.q_attn.lora_A": [r, D], p + "attn.q_attn.lora_B": [D, r],
            p + "attn.c_attn.lora_A": [r, D], p + "attn.c_attn.lora_B": [kv, r],
            p + "attn.position_net.weight": [kv, D], p + "attn.channel_net.weight": [kv, D],
            p + "attn.c_proj.weight": [D, D],
            p + "mlp.gate_proj.weight": [F, D], p + "mlp.up_proj.weight": [F, D],
            p + "mlp.down_proj.weight": [D, F],
        })
    return t


class Lcg:
    def __init__(self, seed):
        self.s = seed

    def next(self):
        self.s = (self.s * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return ((self.s >> 40) / float(1 << 24)) - 0.5


def build(cfg=None, shapes=None, meta_override=None, entry_edit=None, extra=None,
          drop=(), dtypes=None):
    """Returns bytes of a safetensors file; the hooks make the broken variants."""
    cfg = dict(CFG if cfg is None else cfg)
    shapes = tensors(cfg) if shapes is None else shapes
    for name in drop:
        del shapes[name]
    rng = Lcg(7)
    header = {"__metadata__": {k: str(v) for k, v in cfg.items()}}
    if meta_override is not None:
        header["__metadata__"] = meta_override(header["__metadata__"])
    data = b""
    for name in sorted(shapes):
        n = 1
        for d in shapes[name]:
            n *= d
        dt = (dtypes or {}).get(name, "F32")
        if dt == "F32":
            blob = struct.pack("<%df" % n, *[rng.next() * 0.5 for _ in range(n)])
        else:
            blob = bytes(4 * n)
        header[name] = {"dtype": dt, "shape": shapes[name],
                        "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    if extra:
        extra(header)
    if entry_edit:
        entry_edit(header)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data


def raw_header(text, data=b""):
    h = text.encode()
    return struct.pack("<Q", len(h)) + h + data


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("tests", "data", "model-broken")
    os.makedirs(out, exist_ok=True)
    valid = build()
    files = {"valid.safetensors": valid}

    files["empty.safetensors"] = b""
    files["header-absurd.safetensors"] = struct.pack("<Q", 1 << 62) + valid[8:]
    hlen = struct.unpack("<Q", valid[:8])[0]
    files["header-past-end.safetensors"] = struct.pack("<Q", len(valid)) + valid[8:]
    files["header-json.safetensors"] = valid[:8] + valid[8:8 + hlen - 9] + b"]" + valid[8 + hlen - 8:]
    # the same tensor name twice (JSON object with a repeated key)
    h = json.loads(valid[8:8 + hlen])
    text = json.dumps(h, separators=(",", ":"))
    dup = text[:-1] + ',"mvpformer.ln_f.weight":' + json.dumps(h["mvpformer.ln_f.weight"]) + "}"
    files["duplicate-tensor.safetensors"] = raw_header(dup + " " * (-len(dup) % 8), valid[8 + hlen:])

    def set_entry(name, key, value):
        def f(header):
            header[name][key] = value
        return f

    files["dtype-unknown.safetensors"] = build(entry_edit=set_entry("mvpformer.ln_f.weight", "dtype", "F8_E9M9"))
    files["dtype-int.safetensors"] = build(dtypes={"mvpformer.ln_f.weight": "I32"})
    files["offset-outside.safetensors"] = build(
        entry_edit=set_entry("mvpformer.ln_f.weight", "data_offsets", [1 << 40, (1 << 40) + 32]))
    files["offset-size.safetensors"] = build(
        entry_edit=set_entry("mvpformer.ln_f.weight", "shape", [9]))

    def overlap(header):
        a = header["mvpformer.ln_f.weight"]["data_offsets"]
        b = header["mvpformer.h.0.ln_1.weight"]
        b["data_offsets"] = [a[0] + 4, a[0] + 4 + 32]
    files["overlap.safetensors"] = build(entry_edit=overlap)

    def drop_key(key):
        def f(meta):
            del meta[key]
            return meta
        return f

    def set_key(key, value):
        def f(meta):
            meta[key] = value
            return meta
        return f

    files["config-missing.safetensors"] = build(meta_override=drop_key("n_head"))
    files["config-invalid.safetensors"] = build(meta_override=set_key("n_embd", "eight"))
    files["config-dwt-size.safetensors"] = build(meta_override=set_key("dwt_size", "16"))
    files["wavelet.safetensors"] = build(meta_override=set_key("wavelet_mode", "periodization"))

    s = tensors(CFG)
    s["mvpformer.h.0.attn.extra_bias"] = [8]
    files["unknown-tensor.safetensors"] = build(shapes=s)
    s = tensors(CFG)
    s["mvpformer.h.1.ln_1.weight"] = [8]
    files["layer-out-of-range.safetensors"] = build(shapes=s)
    files["missing-tensor.safetensors"] = build(drop=["mvpformer.h.0.mlp.up_proj.weight"])
    files["lora-half.safetensors"] = build(drop=["mvpformer.h.0.attn.c_attn.lora_B"])
    s = tensors(CFG)
    s["mvpformer.h.0.attn.c_attn.weight"] = [6, 8]
    files["shape.safetensors"] = build(shapes=s)
    s = tensors(CFG)
    s["head.head.weight"] = [3, 8]
    files["head-shape.safetensors"] = build(shapes=s)

    for name, blob in sorted(files.items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)
    print("wrote %d files to %s" % (len(files), out))


if __name__ == "__main__":
    main()
