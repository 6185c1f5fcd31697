# SPDX-License-Identifier: GPL-3.0-or-later
"""Training and evaluation tools of the bundled demonstration model."""
