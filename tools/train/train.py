#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Train the bundled demonstration model (models/ictoscope-demo.safetensors).

One command, deterministic for a seed, CPU only:

    /usr/bin/python3 tools/train/train.py --out models/ictoscope-demo.safetensors

1. Data: simulated recordings written by ``ictoscope-cli simulate`` (seeds
   and layouts in common.TRAIN_SIM) and, for pre-training, the real
   recordings of ../shared/data/real that are at least one segment long.
2. Pre-training with the generative objective of MVPFormer (spec §7.2): the
   generative head's prediction ŷ[t, c] must pick the next segment's encoder
   output e[t+1, c] among it and 30 random negatives (other segments and
   channels of the batch), cosine similarity, temperature 0.1.
3. Fine-tuning with the classification head (cross-entropy on the window
   label of spec §3 step 6: a seizure touches the last segment), keeping
   the generative loss as an auxiliary term.

Windows are the spec's: 25 segments of 5 s at 512 Hz, on the 5-s grid.  To
save time each training window uses a random subset of channels; the saved
model runs at any C <= 128.  The channel-embedding table is kept at zero
(and the encoder norm weight at one): the channel-distance row C−1−|c−c'|
depends on C, so a table trained at one C would mean something else at
another; with a zero table the model is the same function for every C.
"""

import argparse
import json
import os
import platform
import sys
import time

import numpy as np

# run as a script: replace its own directory (where train.py would shadow the
# package "train") by tools/
if __name__ == "__main__":
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from train import common  # noqa: E402
from mvpformer import safetensors_io  # noqa: E402
from mvpformer.config import CLS_HEAD, GEN_HEAD  # noqa: E402


def parse_args(argv=None):
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--out", required=True, help="output safetensors file")
    p.add_argument("--seed", type=int, default=1, help="random seed")
    p.add_argument("--work", default=os.path.join(common.REPO, "_build-train", "train-data"),
                   help="directory for the simulated recordings (reused when present)")
    p.add_argument("--cli", default=None, help="ictoscope-cli (default: $ICTO_CLI or a build dir)")
    p.add_argument("--real-dir", default=common.SHARED_REAL, help="../shared/data/real")
    p.add_argument("--pretrain-steps", type=int, default=120)
    p.add_argument("--finetune-steps", type=int, default=450)
    p.add_argument("--batch", type=int, default=8, help="windows per step")
    p.add_argument("--channels", type=int, default=8, help="channels per training window")
    p.add_argument("--keep-channels", type=int, default=16,
                   help="channels of each recording kept for training (random, seeded)")
    p.add_argument("--involved-weight", type=float, default=30.0,
                   help="extra weight of seizure-involved channels (simulator's soz_fraction) "
                        "when choosing the kept channels")
    p.add_argument("--encoder-init", choices=("band", "default"), default="band",
                   help="initialisation of encoder.proj")
    p.add_argument("--negatives", type=int, default=30, help="contrastive negatives")
    p.add_argument("--temperature", type=float, default=0.1)
    p.add_argument("--lr", type=float, default=1e-3, help="pre-training learning rate")
    p.add_argument("--finetune-lr", type=float, default=5e-4)
    p.add_argument("--positive-fraction", type=float, default=0.5,
                   help="share of seizure windows in fine-tuning batches")
    p.add_argument("--near-fraction", type=float, default=0.0,
                   help="share of the non-seizure fine-tuning windows drawn from those whose "
                        "last segment is within --near-seconds of a seizure (hard negatives: "
                        "pre-ictal and post-ictal windows)")
    p.add_argument("--near-seconds", type=float, default=120.0)
    p.add_argument("--finetune-channels", type=int, default=None,
                   help="channels per fine-tuning window (default: --channels)")
    p.add_argument("--threads", type=int, default=1,
                   help="torch threads (1 is fastest on a busy 2-core machine)")
    p.add_argument("--recordings", type=int, default=len(common.TRAIN_SIM),
                   help="use the first N simulated training recordings")
    p.add_argument("--seconds", type=int, default=common.TRAIN_SIM_SECONDS,
                   help="length of each simulated training recording")
    p.add_argument("--log", default=None, help="JSON log of the losses (optional)")
    return p.parse_args(argv)


class Corpus:
    """Per-recording wavelet features [S, C, S_w] and segment labels [S]."""

    def __init__(self):
        self.feats, self.labels, self.names = [], [], []
        self.seconds = 0.0
        self.seizures = 0

    def add(self, name, feats, labels, seconds, seizures):
        """Add one recording."""
        self.names.append(name)
        self.feats.append(feats)
        self.labels.append(labels)
        self.seconds += seconds
        self.seizures += seizures


def involvement(edf_path, n_channels):
    """soz_fraction column of the simulator's ``<base>_channels.tsv`` (0 when absent)."""
    path = edf_path[:-len(".edf")] + "_channels.tsv"
    out = np.zeros(n_channels)
    try:
        with open(path, encoding="utf-8") as f:
            header = f.readline().rstrip("\n").split("\t")
            col = header.index("soz_fraction")
            for i, line in enumerate(f):
                if i < n_channels:
                    try:
                        out[i] = float(line.rstrip("\n").split("\t")[col])
                    except ValueError:
                        pass
    except (OSError, ValueError):
        pass
    return out


def band_init(proj, rng_torch):
    """Initialise encoder.proj [D, S_w] so that each output reads one wavelet level.

    Row i gets random weights on the coefficients of level i mod (J + 1) only
    (cA_J, cD_J, …, cD_1), unit norm: the first layer's gated MLP, a product
    of two projections, can then form band energies early in training.
    """
    import torch
    from mvpformer.config import dwt_level_lengths

    lengths = dwt_level_lengths(common.SEGMENT_LEN)
    starts = np.concatenate([[0], np.cumsum(lengths)])
    D = proj.shape[0]
    with torch.no_grad():
        proj.zero_()
        for i in range(D):
            b = i % len(lengths)
            w = torch.randn(lengths[b], generator=rng_torch)
            proj[i, starts[b]:starts[b + 1]] = w / w.norm()


def load_data(args, cli, rng):
    """Simulate (or reuse) the training recordings; features of them and of the real ones."""
    sim, real = Corpus(), Corpus()
    for name, seed, layout, pattern in common.TRAIN_SIM[:args.recordings]:
        path = common.simulate(cli, args.work, name, args.seconds, common.TRAIN_SIM_SEIZURES,
                               seed, layout, pattern)
        rec = common.edf.read(path)
        seizures, _ = common.seizure_events(rec)
        C = rec.data.shape[0]
        weight = args.involved_weight * involvement(path, C) + 1.0
        keep = np.sort(rng.choice(C, size=min(C, args.keep_channels), replace=False,
                                  p=weight / weight.sum()))
        feats = common.recording_features(rec.data[keep], rec.fs)
        sim.add(name, feats, common.segment_labels(feats.shape[0], seizures),
                rec.duration, len(seizures))
        print(f"  {name}: {len(keep)} of {C} channels, {rec.duration:.0f} s, "
              f"{len(seizures)} seizures", flush=True)
    for name, (rel, onsets) in common.REAL_RECORDINGS.items():
        path = os.path.join(args.real_dir, rel)
        if not os.path.exists(path):
            print(f"  {name}: not found, skipped", flush=True)
            continue
        rec = common.edf.read(path)
        C = rec.data.shape[0]
        keep = np.sort(rng.choice(C, size=min(C, args.keep_channels), replace=False))
        feats = common.recording_features(rec.data[keep], rec.fs)
        if feats.shape[0] < 2:
            print(f"  {name}: {rec.duration:.1f} s, shorter than two segments: not usable",
                  flush=True)
            continue
        real.add(name, feats, np.zeros(feats.shape[0], dtype=np.int64), rec.duration, len(onsets))
        print(f"  {name}: {rec.data.shape[0]} channels, {feats.shape[0]} segments (real)",
              flush=True)
    return sim, real


def sample_window(corpus, rng, T, n_chan, k=None, r=None):
    """Features [T, n_chan, S_w] of a random window (or of recording r, start k)."""
    if r is None:
        sizes = np.array([max(0, f.shape[0] - T + 1) for f in corpus.feats], dtype=np.float64)
        r = int(rng.choice(len(sizes), p=sizes / sizes.sum()))
    f = corpus.feats[r]
    if k is None:
        k = int(rng.integers(0, f.shape[0] - T + 1))
    C = f.shape[1]
    chans = np.sort(rng.choice(C, size=min(n_chan, C), replace=False))
    return f[k:k + T][:, chans].astype(np.float32), int(corpus.labels[r][k + T - 1])


def contrastive_loss(torch, enc, pred, rng, n_neg, temperature):
    """Next-segment contrastive loss (spec §7.2).

    ``enc``, ``pred``: [B, T, C, D]; ŷ[t] is scored against e[t+1] and
    ``n_neg`` encoder outputs drawn at random from other (window, step,
    channel) positions of the batch.  Returns (loss, top-1 accuracy).
    """
    D = enc.shape[-1]
    p = torch.nn.functional.normalize(pred[:, :-1].reshape(-1, D), dim=-1, eps=1e-8)
    t = torch.nn.functional.normalize(enc[:, 1:].reshape(-1, D), dim=-1, eps=1e-8)
    M = p.shape[0]
    offs = torch.as_tensor(rng.integers(1, M, size=(M, n_neg)))
    neg_idx = (torch.arange(M)[:, None] + offs) % M          # never the positive itself
    pos = (p * t).sum(-1, keepdim=True)
    neg = torch.einsum("md,mkd->mk", p, t[neg_idx])
    logits = torch.cat([pos, neg], dim=1) / temperature
    target = torch.zeros(M, dtype=torch.long)
    loss = torch.nn.functional.cross_entropy(logits, target)
    acc = (logits.argmax(dim=1) == 0).float().mean()
    return loss, float(acc)


def main(argv=None):
    """Train and write the model file."""
    args = parse_args(argv)
    import torch

    t_start = time.time()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    cli = args.cli or common.default_cli()
    T = common.WINDOW_T

    print("data:", flush=True)
    sim, real = load_data(args, cli, rng)
    t_data = time.time()

    cfg = common.demo_config()
    model = common.build_model(cfg)
    with torch.no_grad():
        model.mvpformer.channel_embedding.weight.zero_()
        model.mvpformer.positional_embedding.weight.normal_(0.0, 0.5)
    if args.encoder_init == "band":
        band_init(model.encoder.proj.weight, torch.Generator().manual_seed(args.seed))
    model.mvpformer.channel_embedding.weight.requires_grad_(False)
    model.encoder.ln.weight.requires_grad_(False)
    for block in model.mvpformer.h:
        block.ln_2.weight.requires_grad_(False)         # exists, unused (spec §5)
    params = [p for p in model.parameters() if p.requires_grad]
    log = {"pretrain": [], "finetune": []}

    # ---- pre-training: generative, contrastive ----
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr,
                                                total_steps=max(1, args.pretrain_steps),
                                                pct_start=0.1)
    model.train()
    print(f"pre-training: {args.pretrain_steps} steps of {args.batch} windows", flush=True)
    for step in range(args.pretrain_steps):
        batch = [sample_window(sim, rng, T, args.channels)[0] for _ in range(args.batch)]
        x = torch.as_tensor(np.stack(batch))
        enc, _, pred, _ = common.forward_features(model, x)
        loss, acc = contrastive_loss(torch, enc, pred, rng, args.negatives, args.temperature)
        if real.feats and step % 10 == 5:
            # one real recording per 10 steps, whole length (T = its segments)
            r = int(rng.integers(0, len(real.feats)))
            xr, _ = sample_window(real, rng, real.feats[r].shape[0], args.channels, k=0, r=r)
            enc_r, _, pred_r, _ = common.forward_features(model, torch.as_tensor(xr[None]))
            loss_r, _ = contrastive_loss(torch, enc_r, pred_r, rng, args.negatives,
                                         args.temperature)
            loss = loss + 0.25 * loss_r
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        log["pretrain"].append([float(loss), acc])
        if step % 25 == 0 or step == args.pretrain_steps - 1:
            print(f"  step {step:4d} loss {float(loss):.3f} top-1 {acc:.3f} "
                  f"({time.time() - t_start:.0f} s)", flush=True)
    t_pre = time.time()

    # ---- fine-tuning: classification head (+ generative loss) ----
    pos = [(r, k) for r, lab in enumerate(sim.labels) for k in range(len(lab) - T + 1)
           if lab[k + T - 1]]
    neg = [(r, k) for r, lab in enumerate(sim.labels) for k in range(len(lab) - T + 1)
           if not lab[k + T - 1]]
    near_segs = int(round(args.near_seconds / common.SEGMENT_S))

    def is_near(r, k):
        lab = sim.labels[r]
        s = k + T - 1
        return bool(lab[max(0, s - near_segs):s + near_segs + 1].any())

    near = [rk for rk in neg if is_near(*rk)]
    far = [rk for rk in neg if not is_near(*rk)]
    ft_channels = args.finetune_channels or args.channels
    print(f"fine-tuning: {args.finetune_steps} steps; windows {len(pos)} seizure, "
          f"{len(neg)} other ({len(near)} within {args.near_seconds:.0f} s of a seizure)",
          flush=True)
    opt = torch.optim.AdamW(params, lr=args.finetune_lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.finetune_lr,
                                                total_steps=max(1, args.finetune_steps),
                                                pct_start=0.1)
    for step in range(args.finetune_steps):
        xs, ys = [], []
        for _ in range(args.batch):
            pool = pos if (pos and rng.random() < args.positive_fraction) else neg
            if pool is neg and args.near_fraction > 0 and near and far:
                pool = near if rng.random() < args.near_fraction else far
            r, k = pool[int(rng.integers(0, len(pool)))]
            x, y = sample_window(sim, rng, T, ft_channels, k=k, r=r)
            xs.append(x)
            ys.append(y)
        enc, _, pred, logits = common.forward_features(model, torch.as_tensor(np.stack(xs)))
        target = torch.as_tensor(ys)
        ce = torch.nn.functional.cross_entropy(logits, target)
        gen, _ = contrastive_loss(torch, enc, pred, rng, args.negatives, args.temperature)
        loss = ce + 0.5 * gen
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        acc = float((logits.argmax(1) == target).float().mean())
        log["finetune"].append([float(ce), float(gen), acc])
        if step % 25 == 0 or step == args.finetune_steps - 1:
            print(f"  step {step:4d} ce {float(ce):.3f} gen {float(gen):.3f} acc {acc:.3f} "
                  f"({time.time() - t_start:.0f} s)", flush=True)
    t_end = time.time()

    # ---- save ----
    state = model.folded_state_dict()
    tensors = {k: v.numpy().astype(np.float32) for k, v in state.items()}
    assert GEN_HEAD in tensors and CLS_HEAD in tensors
    meta = cfg.to_metadata()
    meta.update({
        "format": "ictoscope-mvpformer-1",
        "lora_folded": "true",
        "encoder_norm": "kept",
        "name": "ictoscope-demo",
        "training_command": " ".join(["tools/train/train.py"] + (argv if argv is not None
                                                                  else sys.argv[1:])),
        "training_seed": str(args.seed),
        "training_data": json.dumps({
            "simulated": {"recordings": len(sim.names), "seconds": sim.seconds,
                          "seizures": sim.seizures,
                          "seeds": [s for _, s, _, _ in common.TRAIN_SIM[:args.recordings]]},
            "real_pretraining": real.names,
        }),
        "training_steps": f"pretrain={args.pretrain_steps} finetune={args.finetune_steps} "
                          f"batch={args.batch} channels={args.channels}",
        "training_seconds": f"{t_end - t_start:.0f}",
        "training_host": f"{platform.machine()} torch {torch.__version__} "
                         f"threads {args.threads}",
        "licence": "GPL-3.0-or-later; research and teaching only, not a diagnostic device",
    })
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    safetensors_io.save(args.out, tensors, metadata=meta, dtype="float32")
    print(f"wrote {args.out} ({os.path.getsize(args.out) / 1e6:.1f} MB); data "
          f"{t_data - t_start:.0f} s, pre-training {t_pre - t_data:.0f} s, fine-tuning "
          f"{t_end - t_pre:.0f} s", flush=True)
    if args.log:
        with open(args.log, "w", encoding="utf-8") as f:
            json.dump(log, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
