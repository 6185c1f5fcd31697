#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of tools/train/szcore.py against the worked examples of
../shared/docs/formats-and-scoring.md §4.5 (SzCORE, timescoring 0.0.7)."""

import math
import os
import sys
import unittest

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
sys.path.insert(0, TOOLS)

from mvpformer import testsupport  # noqa: E402

testsupport.require_modules("numpy")

from train import szcore  # noqa: E402


class Metrics(unittest.TestCase):
    """Helpers comparing a Score with the four numbers of the examples."""

    def check(self, score, tp, fp, ref_true, sens, prec, f1, fp24):
        self.assertEqual((score.tp, score.fp, score.ref_true), (tp, fp, ref_true))
        for got, want in ((score.sensitivity, sens), (score.precision, prec),
                          (score.f1, f1), (score.fp_per_24h, fp24)):
            if math.isnan(want):
                self.assertTrue(math.isnan(got))
            else:
                self.assertAlmostEqual(got, want, places=4)


class WorkedExamples(Metrics):
    """§4.5 examples 1-3, event and sample scoring."""

    def test_example1_tolerance_edges_exclusive(self):
        ref = [(300, 360), (1800, 1860)]
        hyp = [(200, 270), (420, 425), (1870, 1880)]
        self.check(szcore.event_score(ref, hyp, 3600), 1, 2, 2, 0.5, 1 / 3, 0.4, 48)
        hyp2 = [(200, 270), (419, 425), (1870, 1880)]
        self.check(szcore.event_score(ref, hyp2, 3600), 2, 1, 2, 1.0, 2 / 3, 0.8, 24)
        self.check(szcore.sample_score(ref, hyp, 3600), 0, 85, 120, 0.0, 0.0, 0.0, 2040)

    def test_example2_merge_then_split(self):
        ref = [(1000, 1400)]
        hyp = [(1010, 1020), (1100, 1120), (5000, 5100), (5150, 5160)]
        self.check(szcore.event_score(ref, hyp, 7200), 1, 1, 2, 0.5, 0.5, 0.5, 12)
        self.check(szcore.sample_score(ref, hyp, 7200), 30, 110, 400,
                   0.075, 30 / 140, 0.1111, 1320)

    def test_example3_reference_merge(self):
        ref = [(100, 130), (180, 200)]
        hyp = [(195, 260)]
        self.check(szcore.event_score(ref, hyp, 600), 1, 0, 1, 1.0, 1.0, 1.0, 0.0)
        self.check(szcore.sample_score(ref, hyp, 600), 5, 60, 50, 0.1, 5 / 65, 0.0870, 8640)


class EdgeCases(Metrics):
    """The edge-case table of §4.5."""

    def test_gap_90_not_merged_89_9_merged(self):
        self.assertEqual(szcore.merge_events([(0, 10), (100, 110)], 90), [(0, 10), (100, 110)])
        self.assertEqual(szcore.merge_events([(0, 10), (99.9, 110)], 90), [(0, 110)])

    def test_split_300(self):
        self.assertEqual(szcore.split_events([(0, 300)], 300), [(0, 300)])
        self.assertEqual(szcore.split_events([(0, 300.1)], 300), [(0, 300), (300, 300.1)])

    def test_nested_reference_shrinks(self):
        self.assertEqual(szcore.merge_events([(100, 500), (200, 250)], 90), [(100, 250)])
        self.assertEqual(szcore.union_events([(200, 250), (100, 500)]), [(100, 500)])

    def test_zero_length_hypothesis_is_fp(self):
        self.check(szcore.event_score([(100, 160)], [(105, 105)], 600), 0, 1, 1,
                   0.0, 0.0, 0.0, 144)
        s = szcore.event_score([(100, 160)], [(105, 105.04)], 600)
        self.assertEqual((s.tp, s.fp), (0, 1))

    def test_zero_length_reference(self):
        s = szcore.event_score([(100, 100)], [(120, 121)], 600)
        self.assertEqual((s.tp, s.fp, s.ref_true), (1, 0, 1))

    def test_long_hypothesis_without_reference(self):
        s = szcore.event_score([], [(1000, 1720)], 3600)
        self.assertEqual((s.tp, s.fp, s.ref_true), (0, 3, 0))
        self.assertTrue(math.isnan(s.sensitivity))
        self.assertAlmostEqual(s.fp_per_24h, 72.0)

    def test_window_clipped_to_file(self):
        # reference at 10 s: window [0, 70) (clipped), hypothesis at 0-1 s detects it
        s = szcore.event_score([(10, 20)], [(0, 1)], 100)
        self.assertEqual((s.tp, s.fp), (1, 0))
        # reference near the end: window [60, 100), hypothesis (99, 100) detects it
        s = szcore.event_score([(90, 95)], [(99, 100)], 100)
        self.assertEqual((s.tp, s.fp), (1, 0))

    def test_metrics_nan_rules(self):
        s = szcore.Score(tp=0, fp=0, ref_true=0, duration=3600)
        self.assertTrue(math.isnan(s.sensitivity))
        self.assertTrue(math.isnan(s.precision))
        self.assertTrue(math.isnan(s.f1))
        self.assertEqual(s.fp_per_24h, 0.0)


class Helpers(unittest.TestCase):
    """Window decisions to events; AUROC."""

    def test_mask_to_events(self):
        ev = szcore.mask_to_events([0, 5, 10, 15, 20], [True, True, False, True, False], 5)
        self.assertEqual(ev, [(0, 10), (15, 20)])

    def test_auroc(self):
        self.assertAlmostEqual(szcore.auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75)
        self.assertAlmostEqual(szcore.auroc([0.5, 0.5], [0, 1]), 0.5)
        self.assertEqual(szcore.auroc([1, 2, 3], [1, 0, 1]), 0.5)
        self.assertTrue(math.isnan(szcore.auroc([1, 2], [1, 1])))


if __name__ == "__main__":
    testsupport.run()
