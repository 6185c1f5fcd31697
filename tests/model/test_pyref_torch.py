#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The torch module (tools/mvpformer/torch_model.py) against the numpy reference.

On the three shared cases (case-c with its LoRA adapters unmerged in the
module, folded in the reference) in float64: every output within 1e-10;
in float32 within the README tolerances of the expectations.  Also: a
batch gives the same results as its windows one by one, the state dict has
the official names, folding through the module equals weights.fold_lora,
and gradients reach every parameter used for training.
Skips (77) without the shared data, numpy or torch; fails under CI=true.
"""

import os
import sys
import unittest

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
sys.path.insert(0, os.path.normpath(TOOLS))

from mvpformer import testsupport  # noqa: E402

testsupport.require_modules("numpy", "torch")
CASES = {c: testsupport.shared_case_dir(c) for c in ("case-a", "case-b", "case-c")}

import numpy as np  # noqa: E402
import torch  # noqa: E402

from mvpformer import compare, config, preprocess, reference, safetensors_io, weights  # noqa: E402
from mvpformer.torch_model import MVPFormer  # noqa: E402

torch.set_num_threads(2)


def load_case(case):
    """(cfg, unfolded tensors, signal, expected) of a shared case."""
    d = CASES[case]
    lora = os.path.join(d, "lora.safetensors")
    cfg, tensors = weights.load_model(os.path.join(d, "weights.safetensors"),
                                      os.path.join(d, "head_cls.safetensors"),
                                      lora if os.path.exists(lora) else None, fold=False)
    signal = safetensors_io.load(os.path.join(d, "input.safetensors"))[0]["signal"]
    expected = safetensors_io.load(os.path.join(d, "expected.safetensors"))[0]
    return cfg, tensors, signal, expected


def run_module(model, signal, dtype):
    """Outputs of the module as numpy arrays, named as in the test vectors."""
    with torch.no_grad():
        out = model(torch.from_numpy(signal).to(dtype), output_attentions=True,
                    output_layers=True)
    res = {k: v.double().numpy() for k, v in out.items() if k != "layer_out"}
    for i, layer in enumerate(out["layer_out"]):
        res[f"layer_out.{i}"] = layer.double().numpy()
    res["class_probs"] = torch.softmax(out["class_logits"].double(), -1).numpy()
    return res


class TorchMatchesReference(unittest.TestCase):
    """Same function as the numpy reference."""

    def test_float64(self):
        for case in CASES:
            cfg, tensors, signal, expected = load_case(case)
            ref = reference.forward(signal, weights.fold_lora(tensors, cfg), cfg)
            model = MVPFormer.from_tensors(cfg, tensors, dtype=torch.float64)
            got = run_module(model, signal, torch.float64)
            self.assertEqual(set(expected) - set(got), set())
            for name in expected:
                with self.subTest(case=case, output=name):
                    diff = np.max(np.abs(got[name] - ref[name]))
                    self.assertLess(diff, 1e-10 * max(1.0, np.max(np.abs(ref[name]))))

    def test_float32(self):
        for case in CASES:
            cfg, tensors, signal, expected = load_case(case)
            model = MVPFormer.from_tensors(cfg, tensors, dtype=torch.float32)
            got = run_module(model, signal, torch.float32)
            for name, err, tol, ok in compare.compare_outputs(got, expected):
                with self.subTest(case=case, output=name):
                    self.assertTrue(ok, f"{name}: {err:.3e} > {tol:.1e}")

    def test_batch(self):
        cfg, tensors, signal, _ = load_case("case-c")
        model = MVPFormer.from_tensors(cfg, tensors, dtype=torch.float64)
        other = np.random.default_rng(3).standard_normal(signal.shape)
        batch = torch.from_numpy(np.stack([signal.astype(np.float64), other]))
        with torch.no_grad():
            together = model(batch)
            alone = [model(batch[0]), model(batch[1])]
        for name in ("encoder_out", "hidden_states", "gen_pred", "class_logits"):
            for b in range(2):
                torch.testing.assert_close(together[name][b], alone[b][name],
                                           rtol=1e-12, atol=1e-12)

    def test_state_dict_names(self):
        cfg, tensors, _, _ = load_case("case-c")
        model = MVPFormer.from_tensors(cfg, tensors)
        names = set(model.state_dict())
        self.assertEqual(names, set(tensors))
        expected = (set(config.base_tensor_shapes(cfg)) | set(config.lora_tensor_shapes(cfg))
                    | {config.GEN_HEAD, config.CLS_HEAD})
        self.assertEqual(names, expected)
        for name, value in model.state_dict().items():
            self.assertEqual(tuple(value.shape), tuple(tensors[name].shape), name)

    def test_fold(self):
        cfg, tensors, signal, _ = load_case("case-c")
        model = MVPFormer.from_tensors(cfg, tensors)
        folded = {k: v.numpy() for k, v in model.folded_state_dict().items()}
        ours = weights.fold_lora(tensors, cfg)
        self.assertEqual(set(folded), set(ours))
        for name in ours:
            np.testing.assert_allclose(folded[name], ours[name], rtol=0, atol=1e-12)
        # a module without adapters holding the folded weights computes the same
        plain = MVPFormer.from_tensors(cfg, folded)
        with torch.no_grad():
            x = torch.from_numpy(signal).double()
            torch.testing.assert_close(plain(x)["hidden_states"], model(x)["hidden_states"],
                                       rtol=1e-10, atol=1e-10)

    def test_gradients(self):
        cfg, tensors, signal, _ = load_case("case-c")
        model = MVPFormer.from_tensors(cfg, tensors, dtype=torch.float32)
        out = model(torch.from_numpy(signal))
        loss = out["gen_pred"].square().mean() + out["class_logits"].square().sum()
        loss.backward()
        for name, p in model.named_parameters():
            if ".ln_2." in name:
                self.assertIsNone(p.grad, name)  # unused, as in the official model
                continue
            self.assertIsNotNone(p.grad, name)
            self.assertTrue(torch.isfinite(p.grad).all(), name)
            self.assertGreater(float(p.grad.abs().sum()), 0.0, name)

    def test_resampling_matches_interpolate(self):
        # spec §3: the loader resamples with F.interpolate(mode='linear', align_corners=False)
        rng = np.random.default_rng(6)
        for n_in in (64000, 128000, 256000, 62500, 65536, 32000, 100):
            x = rng.standard_normal((2, n_in))
            want = torch.nn.functional.interpolate(torch.from_numpy(x)[None], size=64000,
                                                   mode="linear", align_corners=False)[0]
            got = preprocess.resample_linear(x, 64000)
            self.assertLess(np.max(np.abs(got - want.numpy())), 1e-13, n_in)

    def test_fresh_model_runs(self):
        cfg = config.MVPFormerConfig(n_embd=16, n_layer=1, n_head=2, n_head_kv=1, n_inner=24,
                                     n_positions=4, n_channels=3, dwt_size=154,
                                     segment_len=128).validate()
        torch.manual_seed(0)
        model = MVPFormer(cfg, lora=True)
        x = torch.randn(2, 4, 3, 128)
        out = model(x, output_attentions=True)
        self.assertEqual(tuple(out["hidden_states"].shape), (2, 4, 3, 16))
        self.assertEqual(tuple(out["class_logits"].shape), (2, 2))
        self.assertEqual(tuple(out["attn_probs_last"].shape), (2, 2, 12, 12))
        with self.assertRaises(ValueError):
            model(torch.randn(5, 3, 128))


if __name__ == "__main__":
    testsupport.run()
