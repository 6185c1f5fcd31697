# SPDX-License-Identifier: GPL-3.0-or-later
"""MVPFormer configuration, tensor-name table and wavelet sizes.

Numpy-free and torch-free: shared by the numpy reference, the torch module,
the checkpoint converter and the tests.  The configuration keys are the ones
stored as strings in the ``__metadata__`` of our model files and of the
shared test vectors (spec: ``shared/docs/mvpformer-spec.md``).
"""

import dataclasses
import math

__all__ = [
    "ConfigError",
    "MVPFormerConfig",
    "METADATA_KEYS",
    "FORMAT_TAG",
    "dwt_levels",
    "dwt_level_lengths",
    "dwt_output_size",
    "segment_len_for_dwt_size",
    "base_tensor_shapes",
    "lora_tensor_shapes",
    "GEN_HEAD",
    "CLS_HEAD",
]

# Official name of the generative readout; our name of the classification one
# (the official classification checkpoint also calls it head.head.weight).
GEN_HEAD = "head.head.weight"
CLS_HEAD = "cls_head.weight"

# Value of the "format" metadata key written by the converter.
FORMAT_TAG = "ictoscope-mvpformer-1"

# Number of filter taps of db4.
_DB4_TAPS = 8


class ConfigError(ValueError):
    """A configuration is missing a key, has a malformed value or is inconsistent."""


def dwt_levels(length):
    """Number of db4 levels for a signal of ``length`` samples (pywt dwt_max_level)."""
    if length < _DB4_TAPS - 1:
        return 0
    return int(math.floor(math.log2(length // (_DB4_TAPS - 1))))


def dwt_level_lengths(length):
    """Lengths of cA_J, cD_J, ..., cD_1 for the 'periodic' mode (spec §4.1)."""
    lengths = []
    n = length
    for _ in range(dwt_levels(length)):
        n = (n + _DB4_TAPS - 1) // 2
        lengths.append(n)
    if not lengths:
        return [length]
    return [lengths[-1]] + lengths[::-1]


def dwt_output_size(length):
    """Length S_w of the wavelet feature vector of a ``length``-sample segment."""
    return sum(dwt_level_lengths(length))


def segment_len_for_dwt_size(dwt_size, limit=1 << 16):
    """All segment lengths L <= limit whose feature vector has ``dwt_size`` entries."""
    return [n for n in range(1, min(limit, dwt_size) + 1) if dwt_output_size(n) == dwt_size]


def _parse_bool(text):
    if text in ("true", "True", "1"):
        return True
    if text in ("false", "False", "0"):
        return False
    raise ValueError(f"not a boolean: {text!r}")


@dataclasses.dataclass
class MVPFormerConfig:
    """Hyper-parameters of one MVPFormer model (spec §2)."""

    n_embd: int
    n_layer: int
    n_head: int
    n_head_kv: int
    n_inner: int
    n_positions: int
    n_channels: int
    dwt_size: int
    segment_len: int
    layer_norm_epsilon: float = 1e-5
    lora_alpha: float = 16.0
    lora_rank: int = 8
    wavelet: str = "db4"
    wavelet_mode: str = "periodic"
    encoder_eps: float = 1e-5
    window: int = 10
    lora: bool = False

    _TYPES = {
        "n_embd": int, "n_layer": int, "n_head": int, "n_head_kv": int,
        "n_inner": int, "n_positions": int, "n_channels": int, "dwt_size": int,
        "segment_len": int, "layer_norm_epsilon": float, "lora_alpha": float,
        "lora_rank": int, "wavelet": str, "wavelet_mode": str,
        "encoder_eps": float, "window": int, "lora": _parse_bool,
    }

    @property
    def head_dim(self):
        """hd = D / H."""
        return self.n_embd // self.n_head

    @property
    def kv_dim(self):
        """kvD = hd * Hkv: width of keys, values, time and channel keys."""
        return self.head_dim * self.n_head_kv

    @property
    def n_group(self):
        """G = H / Hkv: query heads per key/value head."""
        return self.n_head // self.n_head_kv

    @property
    def lora_scaling(self):
        """LoRA scaling alpha / r (2 for the released models)."""
        return self.lora_alpha / self.lora_rank

    def validate(self):
        """Raise ConfigError unless the values are usable together."""
        for name in ("n_embd", "n_layer", "n_head", "n_head_kv", "n_inner",
                     "n_positions", "n_channels", "dwt_size", "segment_len",
                     "lora_rank"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be positive, got {getattr(self, name)}")
        if self.n_embd % self.n_head:
            raise ConfigError(f"n_embd {self.n_embd} is not a multiple of n_head {self.n_head}")
        if self.n_head % self.n_head_kv:
            raise ConfigError(f"n_head {self.n_head} is not a multiple of n_head_kv {self.n_head_kv}")
        if self.wavelet != "db4" or self.wavelet_mode != "periodic":
            raise ConfigError(f"only db4 / periodic is supported, got "
                              f"{self.wavelet} / {self.wavelet_mode}")
        if dwt_output_size(self.segment_len) != self.dwt_size:
            raise ConfigError(f"segment_len {self.segment_len} gives "
                              f"{dwt_output_size(self.segment_len)} wavelet coefficients, "
                              f"not dwt_size {self.dwt_size}")
        if self.window < 0:
            raise ConfigError(f"window must be >= 0, got {self.window}")
        if not (self.layer_norm_epsilon > 0 and self.encoder_eps > 0):
            raise ConfigError("norm epsilons must be positive")
        return self

    @classmethod
    def from_metadata(cls, metadata):
        """Build from a safetensors ``__metadata__`` dict (extra keys are ignored)."""
        values = {}
        for field in dataclasses.fields(cls):
            if field.name not in metadata:
                if field.default is dataclasses.MISSING:
                    raise ConfigError(f"metadata lacks the key '{field.name}'")
                continue
            try:
                values[field.name] = cls._TYPES[field.name](metadata[field.name])
            except ValueError as exc:
                raise ConfigError(f"metadata '{field.name}': {exc}") from None
        return cls(**values).validate()

    def to_metadata(self):
        """The configuration as a dict of strings (safetensors ``__metadata__``)."""
        out = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool):
                out[field.name] = "true" if value else "false"
            elif isinstance(value, float):
                out[field.name] = str(int(value)) if value.is_integer() else repr(value)
            else:
                out[field.name] = str(value)
        return out


METADATA_KEYS = tuple(f.name for f in dataclasses.fields(MVPFormerConfig))


def base_tensor_shapes(cfg):
    """Official names and shapes of the backbone tensors (no heads, no LoRA, no buffers)."""
    D, kv, F = cfg.n_embd, cfg.kv_dim, cfg.n_inner
    shapes = {
        "encoder.ln.weight": (cfg.dwt_size,),
        "encoder.proj.weight": (D, cfg.dwt_size),
        "mvpformer.positional_embedding.weight": (cfg.n_positions, D),
        "mvpformer.channel_embedding.weight": (cfg.n_channels, D),
        "mvpformer.ln_f.weight": (D,),
    }
    for i in range(cfg.n_layer):
        p = f"mvpformer.h.{i}."
        shapes.update({
            p + "ln_1.weight": (D,),
            p + "ln_2.weight": (D,),
            p + "attn.q_attn.weight": (D, D),
            p + "attn.c_attn.weight": (2 * kv, D),
            p + "attn.position_net.weight": (kv, D),
            p + "attn.channel_net.weight": (kv, D),
            p + "attn.c_proj.weight": (D, D),
            p + "attn.attn_bias": (3 * kv,),
            p + "mlp.gate_proj.weight": (F, D),
            p + "mlp.up_proj.weight": (F, D),
            p + "mlp.down_proj.weight": (D, F),
        })
    return shapes


def lora_tensor_shapes(cfg):
    """Official names and shapes of the LoRA adapters (spec §8)."""
    D, kv, r = cfg.n_embd, cfg.kv_dim, cfg.lora_rank
    shapes = {}
    for i in range(cfg.n_layer):
        p = f"mvpformer.h.{i}.attn."
        shapes.update({
            p + "q_attn.lora_A": (r, D),
            p + "q_attn.lora_B": (D, r),
            p + "c_attn.lora_A": (r, D),
            p + "c_attn.lora_B": (kv, r),
        })
    return shapes
