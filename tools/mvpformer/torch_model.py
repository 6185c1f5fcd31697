# SPDX-License-Identifier: GPL-3.0-or-later
"""MVPFormer as a PyTorch module with the official state-dict names.

Same equations as reference.py (spec sections in the comments), written
with batched tensor operations so it can be trained later: the forward pass
takes ``signal`` [B, T, C, L] (or [T, C, L]) and returns a dict with the
encoder output, the hidden states, the generative predictions and the
classification logits.  LoRA adapters are optional modules with the
official names (``q_attn.lora_A`` ...), applied unmerged so they can be
trained; :meth:`MVPFormer.folded_state_dict` folds them (spec §8).

Requires torch (Debian: python3-torch; written against 1.13).
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

from .config import CLS_HEAD, GEN_HEAD, dwt_levels
from .reference import DB4_HI, DB4_LO

__all__ = [
    "RMSNorm",
    "LoRALinear",
    "WaveletEncoder",
    "MVPAttention",
    "MLP",
    "Block",
    "Backbone",
    "GenerativeHead",
    "MVPFormer",
]


class RMSNorm(nn.Module):
    """x * (mean(x^2) + eps)^(-1/2) * weight over the last axis (spec §5)."""

    def __init__(self, width, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(width))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + self.eps) * self.weight


class LoRALinear(nn.Module):
    """Bias-free linear layer with an optional LoRA adapter on a row range.

    ``weight`` [out, in]; with ``rank`` > 0 also ``lora_A`` [rank, in] and
    ``lora_B`` [rows, rank], whose scaled product is added to the output rows
    ``rows = (start, stop)`` (the value half of c_attn, all rows of q_attn).
    """

    def __init__(self, n_in, n_out, rank=0, alpha=16.0, rows=None):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_out, n_in))
        nn.init.normal_(self.weight, std=0.02)
        self.rows = rows if rows is not None else (0, n_out)
        self.scaling = alpha / rank if rank else 0.0
        if rank:
            self.lora_A = nn.Parameter(torch.empty(rank, n_in))
            self.lora_B = nn.Parameter(torch.zeros(self.rows[1] - self.rows[0], rank))
            nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        else:
            self.lora_A = None
            self.lora_B = None

    def folded_weight(self):
        """weight with the adapter product added to its rows (spec §8), in float64."""
        w = self.weight.detach().to(torch.float64).clone()
        if self.lora_A is not None:
            a = self.lora_A.detach().to(torch.float64)
            b = self.lora_B.detach().to(torch.float64)
            w[self.rows[0]:self.rows[1]] += self.scaling * (b @ a)
        return w

    def forward(self, x):
        y = F.linear(x, self.weight)
        if self.lora_A is None:
            return y
        delta = F.linear(F.linear(x, self.lora_A), self.lora_B) * self.scaling
        start, stop = self.rows
        return torch.cat([y[..., :start], y[..., start:stop] + delta, y[..., stop:]], dim=-1)


class WaveletEncoder(nn.Module):
    """db4 periodic DWT, RMS norm, projection (spec §4). State: ln, proj."""

    def __init__(self, segment_len, dwt_size, n_embd, eps=1e-5):
        super().__init__()
        self.segment_len = segment_len
        self.ln = RMSNorm(dwt_size, eps)
        self.proj = nn.Linear(dwt_size, n_embd, bias=False)

    def dwt(self, x):
        """Feature vector [cA_J, cD_J, ..., cD_1] of each row of x [..., L]."""
        # filters made from the float64 constants in the input's dtype (not buffers,
        # so a module converted to float32 still filters float64 input exactly)
        lo = torch.tensor(DB4_LO, dtype=x.dtype, device=x.device)
        hi = torch.tensor(DB4_HI, dtype=x.dtype, device=x.device)
        taps = lo.shape[0]
        a = x
        details = []
        for _ in range(dwt_levels(x.shape[-1])):
            n = a.shape[-1]
            k_out = (n + taps - 1) // 2
            idx = (2 * torch.arange(k_out, device=x.device)[:, None] + 1
                   - torch.arange(taps, device=x.device)[None, :]) % n
            gathered = a[..., idx]
            details.append(gathered @ hi)
            a = gathered @ lo
        return torch.cat([a] + details[::-1], dim=-1)

    def forward(self, signal):
        return self.proj(self.ln(self.dwt(signal)))


class MVPAttention(nn.Module):
    """Multi-variate parallel attention with grouped-query heads (spec §6)."""

    def __init__(self, cfg, lora=False):
        super().__init__()
        D, kv = cfg.n_embd, cfg.kv_dim
        rank = cfg.lora_rank if lora else 0
        self.n_head, self.n_head_kv, self.head_dim = cfg.n_head, cfg.n_head_kv, cfg.head_dim
        self.kv_dim = kv
        self.window = cfg.window
        self.q_attn = LoRALinear(D, D, rank, cfg.lora_alpha, rows=(0, D))
        self.c_attn = LoRALinear(D, 2 * kv, rank, cfg.lora_alpha, rows=(kv, 2 * kv))
        self.position_net = nn.Linear(D, kv, bias=False)
        self.channel_net = nn.Linear(D, kv, bias=False)
        self.c_proj = nn.Linear(D, D, bias=False)
        self.attn_bias = nn.Parameter(torch.zeros(3 * kv))

    def forward(self, a, pos_emb, chan_emb, want_probs=False):
        """a [B, T, C, D]; pos_emb [T, D]; chan_emb [C, D] -> (out, probs or None)."""
        B, T, C, D = a.shape
        N = T * C
        H, Hkv, hd, kv = self.n_head, self.n_head_kv, self.head_dim, self.kv_dim
        x = a.reshape(B, N, D)
        heads = torch.arange(H, device=a.device) // (H // Hkv)     # kv head of each query head
        q = self.q_attn(x).view(B, N, H, hd).transpose(1, 2)       # [B, H, N, hd]
        kvp = self.c_attn(x)
        k = kvp[..., :kv].view(B, N, Hkv, hd).transpose(1, 2)[:, heads]
        v = kvp[..., kv:].view(B, N, Hkv, hd).transpose(1, 2)[:, heads]
        r = self.position_net(pos_emb).view(T, Hkv, hd).transpose(0, 1)[heads]   # [H, T, hd]
        s = self.channel_net(chan_emb).view(C, Hkv, hd).transpose(0, 1)[heads]  # [H, C, hd]
        u, vb, z = (b.view(Hkv, 1, hd)[heads] for b in self.attn_bias.split(kv))

        t_of = torch.arange(N, device=a.device) // C
        c_of = torch.arange(N, device=a.device) % C
        steps = t_of[:, None] - t_of[None, :]
        causal = steps >= 0
        keep_content = causal & ((steps <= self.window) | (t_of[:, None] == T - 1))
        time_row = (T - 1 - steps).clamp(0, T - 1)
        chan_row = C - 1 - (c_of[:, None] - c_of[None, :]).abs()
        rows = torch.arange(N, device=a.device)[:, None]

        content = (q + u) @ k.transpose(-1, -2)                    # [B, H, N, N]
        time_tab = (q + vb) @ r.transpose(-1, -2)                  # [B, H, N, T]
        chan_tab = (q + z) @ s.transpose(-1, -2)                   # [B, H, N, C]
        scores = (content * keep_content.to(content.dtype)
                  + time_tab[:, :, rows, time_row]
                  + chan_tab[:, :, rows, chan_row]) / math.sqrt(hd)
        scores = scores.masked_fill(~causal, float("-inf"))
        probs = torch.softmax(scores, dim=-1)
        out = (probs @ v).transpose(1, 2).reshape(B, T, C, D)
        return self.c_proj(out), (probs if want_probs else None)


class MLP(nn.Module):
    """SwiGLU: down(SiLU(gate(a)) * up(a)), no biases (spec §5)."""

    def __init__(self, cfg):
        super().__init__()
        self.gate_proj = nn.Linear(cfg.n_embd, cfg.n_inner, bias=False)
        self.up_proj = nn.Linear(cfg.n_embd, cfg.n_inner, bias=False)
        self.down_proj = nn.Linear(cfg.n_inner, cfg.n_embd, bias=False)

    def forward(self, a):
        return self.down_proj(F.silu(self.gate_proj(a)) * self.up_proj(a))


class Block(nn.Module):
    """Parallel block: h + MVPA(ln_1(h)) + MLP(ln_1(h)); ln_2 exists but is unused."""

    def __init__(self, cfg, lora=False):
        super().__init__()
        self.ln_1 = RMSNorm(cfg.n_embd, cfg.layer_norm_epsilon)
        self.ln_2 = RMSNorm(cfg.n_embd, cfg.layer_norm_epsilon)
        self.attn = MVPAttention(cfg, lora)
        self.mlp = MLP(cfg)

    def forward(self, h, pos_emb, chan_emb, want_probs=False):
        a = self.ln_1(h)
        attn_out, probs = self.attn(a, pos_emb, chan_emb, want_probs)
        return h + attn_out + self.mlp(a), probs


class Backbone(nn.Module):
    """The transformer (state-dict prefix ``mvpformer.``)."""

    def __init__(self, cfg, lora=False):
        super().__init__()
        self.positional_embedding = nn.Embedding(cfg.n_positions, cfg.n_embd)
        self.channel_embedding = nn.Embedding(cfg.n_channels, cfg.n_embd)
        self.h = nn.ModuleList(Block(cfg, lora) for _ in range(cfg.n_layer))
        self.ln_f = RMSNorm(cfg.n_embd, cfg.layer_norm_epsilon)


class GenerativeHead(nn.Module):
    """Generative readout (state-dict name ``head.head.weight`` [D, D])."""

    def __init__(self, n_embd):
        super().__init__()
        self.head = nn.Linear(n_embd, n_embd, bias=False)

    def forward(self, y):
        return self.head(y)


class MVPFormer(nn.Module):
    """Encoder, transformer and both readouts.

    ``gen_head`` / ``cls_head`` choose which readouts exist; ``lora`` adds
    unmerged LoRA adapters.  State-dict names are the official ones, the
    classification readout being ``cls_head.weight`` [2, D].
    """

    def __init__(self, cfg, gen_head=True, cls_head=True, lora=False):
        super().__init__()
        self.cfg = cfg
        self.encoder = WaveletEncoder(cfg.segment_len, cfg.dwt_size, cfg.n_embd, cfg.encoder_eps)
        self.mvpformer = Backbone(cfg, lora)
        self.head = GenerativeHead(cfg.n_embd) if gen_head else None
        self.cls_head = nn.Linear(cfg.n_embd, 2, bias=False) if cls_head else None

    @classmethod
    def from_tensors(cls, cfg, tensors, dtype=torch.float64):
        """Build a module holding exactly ``tensors`` (numpy arrays, official names;
        a ``head.head.weight`` of shape [2, D] is taken as the classification head)."""
        tensors = dict(tensors)
        if GEN_HEAD in tensors and tuple(tensors[GEN_HEAD].shape) == (2, cfg.n_embd):
            tensors[CLS_HEAD] = tensors.pop(GEN_HEAD)
        lora = any(".lora_" in k for k in tensors)
        model = cls(cfg, gen_head=GEN_HEAD in tensors, cls_head=CLS_HEAD in tensors, lora=lora)
        model.to(dtype)  # first, so loading does not round through float32
        state = {k: torch.as_tensor(v).to(dtype) for k, v in tensors.items()}
        model.load_state_dict(state, strict=True)
        return model

    def folded_state_dict(self):
        """State dict (float64) with the LoRA adapters folded in and removed (spec §8)."""
        out = {}
        for name, tensor in self.state_dict().items():
            if ".lora_" not in name:
                out[name] = tensor.detach().to(torch.float64).clone()
        for name, module in self.named_modules():
            if isinstance(module, LoRALinear):
                out[name + ".weight"] = module.folded_weight()
        return out

    def forward(self, signal, output_attentions=False, output_layers=False):
        """signal [B, T, C, L] or [T, C, L] -> dict of outputs.

        Keys: ``encoder_out``, ``hidden_states`` [B, T, C, D]; ``gen_pred``
        [B, T, C, D] and ``class_logits`` [B, 2] when the readouts exist;
        with ``output_layers`` ``layer_out`` (list of [B, T, C, D]); with
        ``output_attentions`` ``attn_probs_last`` [B, H, N, N].  An
        unbatched input gives unbatched outputs.
        """
        unbatched = signal.dim() == 3
        if unbatched:
            signal = signal.unsqueeze(0)
        B, T, C, L = signal.shape
        if T > self.cfg.n_positions or C > self.cfg.n_channels or L != self.cfg.segment_len:
            raise ValueError(f"signal shape {list(signal.shape)} does not fit the model")
        ids_t = torch.arange(T, device=signal.device)
        ids_c = torch.arange(C, device=signal.device)
        pos_emb = self.mvpformer.positional_embedding(ids_t)
        chan_emb = self.mvpformer.channel_embedding(ids_c)

        h = self.encoder(signal)
        out = {"encoder_out": h}
        layers = []
        probs = None
        n_layer = len(self.mvpformer.h)
        for i, block in enumerate(self.mvpformer.h):
            h, probs = block(h, pos_emb, chan_emb, output_attentions and i == n_layer - 1)
            if output_layers:
                layers.append(h)
        y = self.mvpformer.ln_f(h)
        out["hidden_states"] = y
        if self.head is not None:
            out["gen_pred"] = self.head(y)
        if self.cls_head is not None:
            out["class_logits"] = self.cls_head(y[:, T - 1].mean(dim=1))
        if output_layers:
            out["layer_out"] = layers
        if output_attentions:
            out["attn_probs_last"] = probs
        if unbatched:
            out = {k: ([t[0] for t in v] if isinstance(v, list) else v[0]) for k, v in out.items()}
        return out
