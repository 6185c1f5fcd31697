#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run one MVPFormer window through the numpy reference implementation.

Mirrors ``ictoscope-cli forward``:

    tools/forward-reference.py --weights W.safetensors [--head H.safetensors]
        [--lora L.safetensors] --input I.safetensors --out O.safetensors

The input file holds ``signal`` [T, C, L].  The output file holds, in
float32, the tensors named as in the shared test vectors' expected.safetensors:
``encoder_out``, ``layer_out.{i}``, ``hidden_states``, ``gen_pred`` (when a
generative head exists), ``class_logits`` and ``class_probs`` (when a
classification head exists) and ``attn_probs_last``.  ``--compare FILE``
additionally prints the README error measures against another output file
(e.g. the C engine's) and exits with status 1 if one exceeds the float32
tolerances.  Needs only numpy.
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mvpformer import compare, reference, safetensors_io, weights  # noqa: E402


def parse_args(argv):
    """Command-line options."""
    p = argparse.ArgumentParser(
        description="MVPFormer forward pass of one window with the numpy reference.")
    p.add_argument("--weights", required=True, help="model file (safetensors, config in metadata)")
    p.add_argument("--head", help="classification head file (head.head.weight [2, D])")
    p.add_argument("--lora", help="unmerged LoRA adapters to fold in")
    p.add_argument("--input", required=True, help="safetensors file with 'signal' [T, C, L]")
    p.add_argument("--out", required=True, help="output safetensors file")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64",
                   help="computation dtype (default float64); outputs are stored as float32")
    p.add_argument("--compare", metavar="FILE",
                   help="compare the outputs with those in FILE and report the errors")
    return p.parse_args(argv)


def main(argv=None):
    """Entry point; returns the exit status."""
    args = parse_args(argv)
    try:
        cfg, tensors = weights.load_model(args.weights, args.head, args.lora)
        inputs, _ = safetensors_io.load(args.input)
    except (OSError, ValueError) as exc:
        print(f"forward-reference: {exc}", file=sys.stderr)
        return 1
    if "signal" not in inputs:
        print(f"forward-reference: {args.input}: no tensor named 'signal'", file=sys.stderr)
        return 1
    try:
        out = reference.forward(inputs["signal"], tensors, cfg, dtype=np.dtype(args.dtype))
    except ValueError as exc:
        print(f"forward-reference: {exc}", file=sys.stderr)
        return 1
    metadata = cfg.to_metadata()
    metadata["computed_with"] = f"numpy reference, {args.dtype}"
    safetensors_io.save(args.out, {k: v for k, v in out.items() if v is not None},
                        metadata=metadata, dtype="float32")
    status = 0
    if args.compare:
        other, _ = safetensors_io.load(args.compare)
        for name, err, tol, ok in compare.compare_outputs(other, out):
            print(f"{name:20s} {err:10.3e}  (tolerance {tol:.0e}) {'ok' if ok else 'FAIL'}")
            if not ok:
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
