# SPDX-License-Identifier: GPL-3.0-or-later
"""Error measures and tolerances of the shared test vectors.

From ``shared/testdata/mvpformer/README.md``: real-valued outputs are
compared by max-norm relative error ``max|got - exp| / max|exp|``,
probabilities by absolute error ``max|got - exp|``.
"""

import numpy as np

__all__ = ["FLOAT32_TOLERANCES", "is_probability", "tolerance_for", "error", "compare_outputs"]

# Tolerances a float32 implementation must meet (README "Tolerances").
FLOAT32_TOLERANCES = {
    "hidden": 5e-5,        # encoder_out, layer_out.*, hidden_states, gen_pred (relative)
    "class_logits": 1e-4,  # relative
    "probs": 5e-5,         # class_probs, attn_probs_last (absolute)
}


def is_probability(name):
    """True for outputs compared by absolute error."""
    return name in ("class_probs", "attn_probs_last")


def tolerance_for(name):
    """The float32 tolerance of output ``name``."""
    if is_probability(name):
        return FLOAT32_TOLERANCES["probs"]
    if name == "class_logits":
        return FLOAT32_TOLERANCES["class_logits"]
    return FLOAT32_TOLERANCES["hidden"]


def error(name, got, expected):
    """README error measure of ``got`` against ``expected`` (computed in float64)."""
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        raise ValueError(f"{name}: shape {list(got.shape)} differs from expected "
                         f"{list(expected.shape)}")
    diff = np.max(np.abs(got - expected)) if got.size else 0.0
    if is_probability(name):
        return float(diff)
    scale = np.max(np.abs(expected)) if expected.size else 0.0
    return float(diff / scale) if scale > 0 else float(diff)


def compare_outputs(got, expected, scale=1.0):
    """Compare every tensor of ``expected`` with ``got``.

    ``scale`` multiplies the float32 tolerances (use < 1 for a float64 run).
    Returns a list of ``(name, error, tolerance, ok)``; a name missing from
    ``got`` is reported with error ``inf``.
    """
    rows = []
    for name in sorted(expected):
        tol = tolerance_for(name) * scale
        if name not in got or got[name] is None:
            rows.append((name, float("inf"), tol, False))
            continue
        err = error(name, got[name], expected[name])
        rows.append((name, err, tol, err <= tol))
    return rows
