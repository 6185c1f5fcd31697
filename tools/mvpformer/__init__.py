# SPDX-License-Identifier: GPL-3.0-or-later
"""MVPFormer tools of Ictoscope: a numpy reference implementation of the
model (reference.py), a PyTorch module with the official state-dict names
(torch_model.py, imported only on demand), a pure-numpy safetensors reader
and writer (safetensors_io.py), preprocessing of recordings (preprocess.py), and
shared configuration and weight handling (config.py, weights.py)."""
