#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""tools/convert-checkpoint.py on fake official checkpoints made from case-c.

The base checkpoint holds case-c's weights with the LoRA adapters unmerged,
the unused buffers and seizure_embeddings, saved with torch.save as a plain
state dict or as a Lightning checkpoint (``state_dict``, ``model.`` prefix);
the classification checkpoint holds ``head.head.weight`` [2, D].  The
converted file, run through the numpy reference, must reproduce case-c's
expected (LoRA-folded) outputs.  Also: the generative-only conversion
writes ones into encoder.ln.weight, the output dtypes round once from the
float64 fold, and every kind of unrecognised input is refused with a
message, exit status 1 and no output file.
Skips (77) without the shared data, numpy or torch; fails under CI=true.
"""

import contextlib
import importlib.util
import io
import os
import subprocess
import sys
import tempfile
import unittest

TOOLS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                      "..", "..", "tools"))
sys.path.insert(0, TOOLS)

from mvpformer import testsupport  # noqa: E402

testsupport.require_modules("numpy", "torch")
CASE = testsupport.shared_case_dir("case-c")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from mvpformer import compare, config, reference, safetensors_io, weights  # noqa: E402

SCRIPT = os.path.join(TOOLS, "convert-checkpoint.py")
_spec = importlib.util.spec_from_file_location("convert_checkpoint", SCRIPT)
convert_checkpoint = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(convert_checkpoint)

BASE, _ = safetensors_io.load(os.path.join(CASE, "weights.safetensors"))
LORA, _ = safetensors_io.load(os.path.join(CASE, "lora.safetensors"))
HEAD, _ = safetensors_io.load(os.path.join(CASE, "head_cls.safetensors"))
SIGNAL = safetensors_io.load(os.path.join(CASE, "input.safetensors"))[0]["signal"]
EXPECTED, VECTOR_MD = safetensors_io.load(os.path.join(CASE, "expected.safetensors"))
CFG = config.MVPFormerConfig.from_metadata(VECTOR_MD)
D = CFG.n_embd


def official_state_dict(lora=True, dtype=torch.float32):
    """case-c as an official HMVPFormer state dict (unmerged adapters, buffers)."""
    sd = {k: torch.from_numpy(v).to(dtype) for k, v in BASE.items()}
    if lora:
        sd.update({k: torch.from_numpy(v).to(dtype) for k, v in LORA.items()})
    for i in range(CFG.n_layer):
        p = f"mvpformer.h.{i}.attn."
        sd[p + "time_bias"] = torch.tril(torch.ones(1, 1, 110, 110, dtype=torch.bool))
        sd[p + "masked_bias"] = torch.tensor(-1e4)
    sd["seizure_embeddings"] = torch.randn(3, CFG.segment_len, generator=torch.Generator().manual_seed(5))
    return sd


def head_state_dict(lora=False):
    """A classification checkpoint: head.head.weight [2, D] (and adapters)."""
    sd = {"head.head.weight": torch.from_numpy(HEAD["head.head.weight"])}
    if lora:
        sd.update({k: torch.from_numpy(v) for k, v in LORA.items()})
    return sd


class ConverterTest(unittest.TestCase):
    """Conversions and refusals."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def save(self, name, obj):
        torch.save(obj, self.path(name))
        return self.path(name)

    def convert(self, *args):
        """Run the converter in-process: (status, stderr)."""
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = convert_checkpoint.main([str(a) for a in args])
        return status, err.getvalue()

    def convert_ok(self, *args):
        out = self.path("out.safetensors")
        status, err = self.convert(*args, "--out", out)
        self.assertEqual(status, 0, err)
        return out

    def check_against_expected(self, out):
        cfg, tensors = weights.load_model(out)
        got = reference.forward(SIGNAL, tensors, cfg)
        if config.GEN_HEAD not in tensors:
            self.assertNotIn("gen_pred", got)
            got["gen_pred"] = EXPECTED["gen_pred"]  # nothing to compare
        for name, err, tol, ok in compare.compare_outputs(got, EXPECTED, scale=0.05):
            with self.subTest(output=name):
                self.assertTrue(ok, f"{name}: {err:.3e} > {tol:.1e}")
        return cfg, tensors

    def test_plain_with_classification_head(self):
        base = self.save("base.pt", official_state_dict())
        head = self.save("head.pt", head_state_dict())
        out = self.convert_ok(base, "--head", head, "--n-head", 4)
        stored, md = safetensors_io.load(out)
        self.assertNotIn("seizure_embeddings", stored)
        self.assertFalse(any("time_bias" in k or "masked_bias" in k or ".lora_" in k
                             for k in stored))
        self.assertIn("mvpformer.h.0.ln_2.weight", stored)
        self.assertEqual(stored["cls_head.weight"].shape, (2, D))
        self.assertEqual(stored["head.head.weight"].shape, (D, D))
        np.testing.assert_array_equal(stored["encoder.ln.weight"], BASE["encoder.ln.weight"])
        for key in config.METADATA_KEYS:
            if key != "lora":
                self.assertEqual(type(getattr(CFG, key))(config.MVPFormerConfig._TYPES[key](md[key])),
                                 getattr(CFG, key), key)
        self.assertEqual(md["lora"], "false")
        self.assertEqual(md["lora_folded"], "true")
        self.check_against_expected(out)

    def test_lightning_generative_only(self):
        sd = {"model." + k: v for k, v in official_state_dict().items()}
        base = self.save("light.ckpt", {"state_dict": sd, "epoch": 3, "global_step": 120})
        out = self.convert_ok(base, "--n-head", 4, "--n-head-kv", 4)
        cfg, tensors = weights.load_model(out)
        self.assertNotIn(config.CLS_HEAD, tensors)
        np.testing.assert_array_equal(tensors["encoder.ln.weight"], 1.0)  # spec §4.4
        # the same function as case-c with the encoder norm weight set to ones
        ref_tensors = weights.fold_lora(dict(BASE, **LORA), CFG)
        ref_tensors["encoder.ln.weight"] = np.ones(CFG.dwt_size)
        ref = reference.forward(SIGNAL, ref_tensors, CFG)
        got = reference.forward(SIGNAL, tensors, cfg)
        for name in ("encoder_out", "hidden_states", "gen_pred", "attn_probs_last"):
            self.assertLess(compare.error(name, got[name], ref[name]), 1e-6, name)
        self.assertGreater(compare.error("gen_pred", got["gen_pred"], EXPECTED["gen_pred"]), 0.01)

    def test_head_checkpoint_brings_adapters(self):
        base = self.save("base.pt", official_state_dict(lora=False))
        head = self.save("head.pt", head_state_dict(lora=True))
        out = self.convert_ok(base, "--head", head, "--n-head", 4)
        self.check_against_expected(out)

    def test_full_classification_checkpoint_as_base(self):
        sd = official_state_dict()
        sd["head.head.weight"] = torch.from_numpy(HEAD["head.head.weight"])
        out = self.convert_ok(self.save("cls.pt", sd), "--n-head", 4)
        cfg, tensors = self.check_against_expected(out)
        self.assertNotIn(config.GEN_HEAD, tensors)
        np.testing.assert_array_equal(tensors["encoder.ln.weight"], BASE["encoder.ln.weight"])

    def test_output_dtypes_round_once(self):
        base = self.save("base.pt", official_state_dict())
        head = self.save("head.pt", head_state_dict())
        folded = weights.fold_lora(dict(BASE, **LORA), CFG)
        name = "mvpformer.h.1.attn.c_attn.weight"
        for dtype, code in (("bfloat16", "BF16"), ("float16", "F16")):
            out = self.convert_ok(base, "--head", head, "--n-head", 4, "--dtype", dtype)
            header, _, _, _ = safetensors_io.read_header(out)
            self.assertEqual({e[0] for e in header.values()}, {code})
            got, _ = safetensors_io.load(out)
            if dtype == "bfloat16":
                want = safetensors_io.from_bfloat16_bits(safetensors_io.to_bfloat16_bits(folded[name]))
            else:
                want = folded[name].astype(np.float16).astype(np.float32)
            np.testing.assert_array_equal(got[name], want)

    def test_bfloat16_source(self):
        sd = official_state_dict(dtype=torch.bfloat16)
        del sd["seizure_embeddings"]
        out = self.convert_ok(self.save("bf.pt", sd), "--n-head", 4, "--encoder-norm", "stored",
                              "--segment-len", 300)
        got, _ = safetensors_io.load(out)
        name = "mvpformer.h.0.mlp.up_proj.weight"
        np.testing.assert_array_equal(got[name], sd[name].float().numpy())

    def test_refusals(self):
        def mutated(fn):
            sd = official_state_dict()
            fn(sd)
            return sd

        def drop(key):
            return lambda sd: sd.pop(key)

        def put(key, value):
            return lambda sd: sd.__setitem__(key, value)

        garbage = self.path("garbage.pt")
        with open(garbage, "wb") as f:
            f.write(b"\x80\x04 not a checkpoint at all" * 10)
        mixed = {("model." + k if "ln_f" not in k else k): v
                 for k, v in official_state_dict().items()}
        nan_q = torch.from_numpy(BASE["mvpformer.h.0.attn.q_attn.weight"]).clone()
        nan_q[0, 0] = float("nan")
        cases = [
            ("unknown key", mutated(put("mvpformer.h.0.attn.bogus.weight", torch.zeros(D, D))),
             [], "unknown tensor 'mvpformer.h.0.attn.bogus.weight'"),
            ("missing tensor", mutated(drop("mvpformer.h.1.mlp.up_proj.weight")), [],
             "missing tensor 'mvpformer.h.1.mlp.up_proj.weight'"),
            ("inconsistent shape", mutated(put("mvpformer.h.1.attn.c_attn.weight",
                                               torch.zeros(48, D))), [],
             "'mvpformer.h.1.attn.c_attn.weight' has shape [48, 32]"),
            ("bad base head", mutated(put("head.head.weight", torch.zeros(3, D))), [],
             "head.head.weight has shape [3, 32]"),
            ("incomplete LoRA", mutated(drop("mvpformer.h.1.attn.c_attn.lora_B")), [],
             "incomplete LoRA"),
            ("LoRA shape", mutated(put("mvpformer.h.0.attn.c_attn.lora_B", torch.zeros(D * 2, 8))),
             [], "lora_B' has shape"),
            ("NaN", mutated(put("mvpformer.h.0.attn.q_attn.weight", nan_q)), [], "NaN"),
            ("integer tensor", mutated(put("mvpformer.ln_f.weight", torch.ones(D, dtype=torch.int32))),
             [], "non-float"),
            ("segment length", mutated(put("seizure_embeddings", torch.zeros(3, 200))), [],
             "segment length 200"),
            ("ambiguous segment length", mutated(drop("seizure_embeddings")), [],
             "cannot infer the segment length from dwt_size 333 (candidates [299, 300])"),
            ("float16 range", mutated(put("mvpformer.ln_f.weight", torch.full((D,), 1e5))),
             ["--dtype", "float16"], "exceeds the float16 range"),
            ("mixed prefix", mixed, [], "prefix"),
            ("not a dict", [torch.zeros(3)], [], "not a state dict"),
            ("not tensors", {"a": 1}, [], "not a named tensor"),
            ("head counts", official_state_dict(), ["NO_HEADS"], "cannot infer the head counts"),
            ("bad head count", official_state_dict(), ["--n-head", 5], "does not fit"),
            ("generative head as --head", official_state_dict(),
             ["--head", self.save("genhead.pt", {"head.head.weight": torch.zeros(D, D)})],
             "expected [2, 32]"),
            ("head file without head", official_state_dict(),
             ["--head", self.save("nohead.pt", {"mvpformer.ln_f.weight": torch.ones(D)})],
             "no head.head.weight"),
            ("unknown key in head file", official_state_dict(),
             ["--head", self.save("badhead.pt", dict(head_state_dict(), extra=torch.ones(2)))],
             "unknown tensor 'extra'"),
        ]
        for label, obj, extra, phrase in cases:
            with self.subTest(case=label):
                src = self.save("bad.pt", obj)
                out = self.path(f"refused-{label.replace(' ', '-')}.safetensors")
                args = [src, "--out", out]
                if extra != ["NO_HEADS"]:
                    args += extra
                    if "--n-head" not in extra:
                        args += ["--n-head", 4]
                status, err = self.convert(*args)
                self.assertEqual(status, 1, label)
                self.assertIn(phrase, err)
                self.assertTrue(err.startswith("convert-checkpoint: error: "), err)
                self.assertFalse(os.path.exists(out), label)
        for label, src, phrase in (("garbage", garbage, "cannot read"),
                                   ("no file", self.path("absent.pt"), "no such file")):
            with self.subTest(case=label):
                status, err = self.convert(src, "--n-head", 4, "--out", self.path("x.safetensors"))
                self.assertEqual(status, 1)
                self.assertIn(phrase, err)

    def test_command_line(self):
        base = self.save("base.pt", official_state_dict())
        head = self.save("head.pt", head_state_dict())
        out = self.path("cli.safetensors")
        proc = subprocess.run([sys.executable, SCRIPT, base, "--head", head, "--n-head", "4",
                               "--out", out], capture_output=True, text=True, check=False)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("LoRA folded", proc.stdout)
        self.check_against_expected(out)
        proc = subprocess.run([sys.executable, SCRIPT, base, "--out", out + "2"],
                              capture_output=True, text=True, check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("--n-head", proc.stderr)


if __name__ == "__main__":
    testsupport.run()
