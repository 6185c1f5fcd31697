#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The numpy reference (tools/mvpformer) against the shared test vectors.

Every output of the three cases (case-c with its LoRA adapters folded, and
without them against expected_nolora) within the README's float32
tolerances when computed in float32, and within 1/20 of them in float64;
plus causality, determinism, the wavelet sizes, the resampling, the safetensors
reader/writer and the forward-reference CLI.
Skips (77) without the shared data or numpy; fails instead under CI=true.
"""

import os
import subprocess
import sys
import tempfile
import unittest

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
sys.path.insert(0, os.path.normpath(TOOLS))

from mvpformer import testsupport  # noqa: E402

testsupport.require_modules("numpy")
CASES = {c: testsupport.shared_case_dir(c) for c in ("case-a", "case-b", "case-c")}

import numpy as np  # noqa: E402

from mvpformer import compare, config, preprocess, reference, safetensors_io, weights  # noqa: E402

# float64 evaluation must be far inside the float32 tolerances (README: ~1e-7).
FLOAT64_SCALE = 0.05


def load_case(case, lora=True):
    """(cfg, folded tensors, signal, expected) of a shared case."""
    d = CASES[case]
    lora_path = os.path.join(d, "lora.safetensors")
    use_lora = lora and os.path.exists(lora_path)
    cfg, tensors = weights.load_model(os.path.join(d, "weights.safetensors"),
                                      os.path.join(d, "head_cls.safetensors"),
                                      lora_path if use_lora else None)
    signal = safetensors_io.load(os.path.join(d, "input.safetensors"))[0]["signal"]
    name = "expected.safetensors" if lora else "expected_nolora.safetensors"
    expected = safetensors_io.load(os.path.join(d, name))[0]
    return cfg, tensors, signal, expected


class SharedVectors(unittest.TestCase):
    """Every output of every case within tolerance."""

    def check(self, case, dtype, scale, lora=True):
        cfg, tensors, signal, expected = load_case(case, lora)
        out = reference.forward(signal, tensors, cfg, dtype=dtype)
        self.assertEqual(set(expected) - set(out), set(), "outputs missing")
        for name, err, tol, ok in compare.compare_outputs(out, expected, scale):
            with self.subTest(case=case, dtype=np.dtype(dtype).name, output=name):
                self.assertTrue(ok, f"{name}: error {err:.3e} > {tol:.1e}")

    def test_float64(self):
        for case in CASES:
            self.check(case, np.float64, FLOAT64_SCALE)

    def test_float32(self):
        for case in CASES:
            self.check(case, np.float32, 1.0)

    def test_case_c_without_lora(self):
        self.check("case-c", np.float64, FLOAT64_SCALE, lora=False)
        self.check("case-c", np.float32, 1.0, lora=False)

    def test_lora_matters(self):
        # the folded and unfolded expectations differ, and so do our outputs
        cfg, folded, signal, _ = load_case("case-c", lora=True)
        _, plain, _, _ = load_case("case-c", lora=False)
        a = reference.forward(signal, folded, cfg)["hidden_states"]
        b = reference.forward(signal, plain, cfg)["hidden_states"]
        self.assertGreater(compare.error("hidden_states", a, b), 0.1)


class Properties(unittest.TestCase):
    """Causality, determinism, masks, wavelet sizes."""

    def test_causality(self):
        cfg, tensors, signal, _ = load_case("case-b")
        base = reference.forward(signal, tensors, cfg)
        changed = signal.copy()
        t_change = 9
        changed[t_change:] = np.random.default_rng(7).standard_normal(changed[t_change:].shape)
        other = reference.forward(changed, tensors, cfg)
        for name in ("encoder_out", "layer_out.0", "hidden_states", "gen_pred"):
            np.testing.assert_array_equal(base[name][:t_change], other[name][:t_change], name)
            self.assertFalse(np.array_equal(base[name][t_change:], other[name][t_change:]))

    def test_deterministic(self):
        cfg, tensors, signal, _ = load_case("case-a")
        a = reference.forward(signal, tensors, cfg, dtype=np.float32)
        b = reference.forward(signal, tensors, cfg, dtype=np.float32)
        for name in a:
            np.testing.assert_array_equal(a[name], b[name], name)

    def test_attention_mask(self):
        cfg, tensors, signal, _ = load_case("case-b")
        T, C, _ = signal.shape
        probs = reference.forward(signal, tensors, cfg)["attn_probs_last"]
        t_of = np.arange(T * C) // C
        future = t_of[None, :] > t_of[:, None]
        self.assertTrue(np.all(probs[:, future] == 0.0))
        self.assertTrue(np.all(probs[:, ~future] > 0.0))
        np.testing.assert_allclose(probs.sum(axis=-1), 1.0, rtol=1e-12)

    def test_dwt_sizes(self):
        self.assertEqual(config.dwt_levels(2560), 8)
        self.assertEqual(config.dwt_level_lengths(2560),
                         [16, 16, 26, 46, 86, 166, 326, 645, 1283])
        self.assertEqual(config.dwt_output_size(2560), 2610)
        self.assertEqual(config.dwt_output_size(300), 333)
        self.assertEqual(config.dwt_output_size(128), 154)
        for n in (6, 7, 13, 14, 99, 300):
            x = np.random.default_rng(n).standard_normal((2, n))
            self.assertEqual(reference.dwt_db4_periodic(x).shape, (2, config.dwt_output_size(n)))

    def test_dwt_periodic_invariants(self):
        # db4 is orthogonal: one periodic step of a constant gives sqrt(2) * const in cA
        # and zero detail; the filters have unit norm and the right moments.
        self.assertAlmostEqual(float(np.sum(reference.DB4_LO)), np.sqrt(2), places=12)
        self.assertAlmostEqual(float(np.sum(reference.DB4_LO ** 2)), 1.0, places=12)
        self.assertAlmostEqual(float(np.dot(reference.DB4_LO, reference.DB4_HI)), 0.0, places=12)
        x = np.full((1, 64), 3.0)
        f = reference.dwt_db4_periodic(x)
        lengths = config.dwt_level_lengths(64)
        np.testing.assert_allclose(f[0, lengths[0]:], 0.0, atol=1e-12)
        levels = config.dwt_levels(64)
        np.testing.assert_allclose(f[0, :lengths[0]], 3.0 * np.sqrt(2.0) ** levels, rtol=1e-12)

    def test_shape_checks(self):
        cfg, tensors, signal, _ = load_case("case-a")
        with self.assertRaises(ValueError):
            reference.forward(signal[:, :, :-1], tensors, cfg)
        too_many = np.zeros((cfg.n_positions + 1,) + signal.shape[1:], dtype=np.float32)
        with self.assertRaises(ValueError):
            reference.forward(too_many, tensors, cfg)


class Preprocessing(unittest.TestCase):
    """Resampling and segmentation of spec §3."""

    def test_special_rates(self):
        rng = np.random.default_rng(4)
        x = rng.standard_normal((2, 4 * 1000))
        np.testing.assert_array_equal(preprocess.resample_linear(x[:, :1000], 1000), x[:, :1000])
        y = preprocess.resample_linear(x[:, :2000], 1000)            # 1024 Hz -> 512 Hz
        np.testing.assert_array_equal(y, (x[:, 0:2000:2] + x[:, 1:2000:2]) / 2)
        y = preprocess.resample_linear(x, 1000)                      # 2048 Hz -> 512 Hz
        np.testing.assert_array_equal(y, (x[:, 1::4] + x[:, 2::4]) / 2)
        # a linear ramp stays a ramp (away from the clamped left edge)
        ramp = np.arange(500, dtype=np.float64)
        y = preprocess.resample_linear(ramp, 1000)
        np.testing.assert_allclose(np.diff(y[2:-2]), 0.5, rtol=1e-12)

    def test_window(self):
        fs = 1024
        rng = np.random.default_rng(5)
        data = rng.standard_normal((3, fs * 140))
        X = preprocess.window(data, fs, begin_s=10.0)
        self.assertEqual(X.shape, (25, 3, 2560))
        start = 10 * fs
        # segment t, channel c = resampled samples [2560 t, 2560 t + 2560) of row c
        t, c = 7, 2
        native = data[c, start + 2 * 2560 * t: start + 2 * 2560 * (t + 1)]
        np.testing.assert_array_equal(X[t, c], (native[0::2] + native[1::2]) / 2)
        with self.assertRaises(ValueError):
            preprocess.window(data, fs, begin_s=20.0)                 # 145 s > 140 s
        X = preprocess.window(data[:, :fs * 20], fs, 0.0, n_segments=4)
        self.assertEqual(X.shape, (4, 3, 2560))


class Safetensors(unittest.TestCase):
    """The pure-numpy reader and writer."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def test_round_trip(self):
        rng = np.random.default_rng(1)
        tensors = {"a": rng.standard_normal((3, 5)), "b.c": rng.standard_normal(7),
                   "scalar": np.array(2.5)}
        md = {"n_embd": "32", "x": "y"}
        for dtype, exact in (("float64", np.float64), ("float32", np.float32),
                             ("float16", np.float16)):
            safetensors_io.save(self.path("t.safetensors"), tensors, md, dtype=dtype)
            back, md2 = safetensors_io.load(self.path("t.safetensors"))
            self.assertEqual(md2, md)
            for k, v in tensors.items():
                np.testing.assert_array_equal(back[k], v.astype(exact).astype(back[k].dtype))
                self.assertEqual(back[k].shape, v.shape)

    def test_bfloat16(self):
        values = np.array([1.0, -2.0, 1.0 + 2 ** -8, 1.0 + 3 * 2 ** -8, 1.0 + 2 ** -8 + 2 ** -30,
                           3.4e38, 1e-40, np.inf, -np.inf, 0.0])
        # ties go to even; a value just above a tie rounds up (one rounding from
        # float64, no double rounding through float32); overflow gives inf;
        # 1e-40 is the subnormal 2**-133 (1.09 quanta)
        expected = np.array([1.0, -2.0, 1.0, 1.0 + 4 * 2 ** -8, 1.0 + 2 * 2 ** -8,
                             np.inf, 2.0 ** -133, np.inf, -np.inf, 0.0])
        back = safetensors_io.from_bfloat16_bits(
            safetensors_io.to_bfloat16_bits(values)).astype(np.float64)
        np.testing.assert_array_equal(back, expected)
        self.assertTrue(np.isnan(safetensors_io.from_bfloat16_bits(
            safetensors_io.to_bfloat16_bits(np.array([np.nan])))[0]))
        # float32 inputs: the same as the usual bit-level round-to-nearest-even
        x = np.random.default_rng(2).standard_normal(1000).astype(np.float32)
        b = safetensors_io.to_bfloat16_bits(x)
        u = x.view(np.uint32).astype(np.uint64)
        rne = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
        np.testing.assert_array_equal(b, rne)
        safetensors_io.save(self.path("b.safetensors"), {"x": x}, dtype="bfloat16")
        back, _ = safetensors_io.load(self.path("b.safetensors"))
        np.testing.assert_array_equal(back["x"], safetensors_io.from_bfloat16_bits(rne))

    def test_reads_shared_files(self):
        header, md, _, _ = safetensors_io.read_header(
            os.path.join(CASES["case-a"], "weights.safetensors"))
        self.assertEqual(md["n_embd"], "32")
        self.assertEqual(header["encoder.proj.weight"][1], (32, 2610))

    def write_raw(self, header_bytes, data=b"", length=None):
        import struct
        self.n_raw = getattr(self, "n_raw", 0) + 1
        p = self.path(f"bad{self.n_raw}.safetensors")
        with open(p, "wb") as f:
            f.write(struct.pack("<Q", len(header_bytes) if length is None else length))
            f.write(header_bytes)
            f.write(data)
        return p

    def test_refuses_malformed(self):
        cases = {
            "past the end": self.write_raw(b"{}", length=1 << 20),
            "exceeds": self.write_raw(b"{}", length=1 << 40),
            "not valid JSON": self.write_raw(b"{nope"),
            "outside the data buffer": self.write_raw(
                b'{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', b"1234"),
            "bytes stored": self.write_raw(
                b'{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', b"12345678"),
            "unsupported dtype": self.write_raw(
                b'{"x":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}', b"1"),
            "invalid shape": self.write_raw(
                b'{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', b"1234"),
            "overlap": self.write_raw(
                b'{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
                b'"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', b"12345678"),
        }
        for phrase, path in cases.items():
            with self.subTest(phrase=phrase):
                with self.assertRaisesRegex(safetensors_io.SafetensorsError, phrase):
                    safetensors_io.load(path)
        with open(self.path("short"), "wb") as f:
            f.write(b"123")
        with self.assertRaisesRegex(safetensors_io.SafetensorsError, "too short"):
            safetensors_io.load(self.path("short"))


class WeightChecks(unittest.TestCase):
    """load_model refuses inconsistent tensor sets."""

    def test_refusals(self):
        d = CASES["case-c"]
        cfg, tensors = weights.load_model(os.path.join(d, "weights.safetensors"), fold=False)
        weights.check_tensors(tensors, cfg)
        bad = dict(tensors)
        del bad["mvpformer.h.1.mlp.up_proj.weight"]
        with self.assertRaisesRegex(weights.WeightsError, "missing tensor"):
            weights.check_tensors(bad, cfg)
        bad = dict(tensors, **{"mvpformer.h.0.attn.bogus": np.zeros(3)})
        with self.assertRaisesRegex(weights.WeightsError, "unknown tensor"):
            weights.check_tensors(bad, cfg)
        bad = dict(tensors, **{"mvpformer.h.0.attn.c_attn.weight": np.zeros((3, 32))})
        with self.assertRaisesRegex(weights.WeightsError, "shape"):
            weights.check_tensors(bad, cfg)
        with self.assertRaisesRegex(weights.WeightsError, "classification"):
            weights.classify_head(np.zeros((3, 32)), 32)


class ForwardCli(unittest.TestCase):
    """tools/forward-reference.py end to end on case-c with its adapters."""

    def test_cli(self):
        d = CASES["case-c"]
        script = os.path.join(TOOLS, "forward-reference.py")
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out.safetensors")
            proc = subprocess.run(
                [sys.executable, script, "--weights", os.path.join(d, "weights.safetensors"),
                 "--head", os.path.join(d, "head_cls.safetensors"),
                 "--lora", os.path.join(d, "lora.safetensors"),
                 "--input", os.path.join(d, "input.safetensors"), "--out", out,
                 "--dtype", "float32", "--compare", os.path.join(d, "expected.safetensors")],
                capture_output=True, text=True, check=False)
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
            got, md = safetensors_io.load(out)
            expected, _ = safetensors_io.load(os.path.join(d, "expected.safetensors"))
            self.assertEqual(set(got), set(expected))
            self.assertEqual(md["n_head"], "4")
            for name, err, tol, ok in compare.compare_outputs(got, expected):
                self.assertTrue(ok, f"{name}: {err:.3e} > {tol:.1e}")
            # without the adapters the comparison must fail
            proc = subprocess.run(
                [sys.executable, script, "--weights", os.path.join(d, "weights.safetensors"),
                 "--head", os.path.join(d, "head_cls.safetensors"),
                 "--input", os.path.join(d, "input.safetensors"), "--out", out,
                 "--compare", os.path.join(d, "expected.safetensors")],
                capture_output=True, text=True, check=False)
            self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
            self.assertIn("FAIL", proc.stdout)


if __name__ == "__main__":
    testsupport.run()
