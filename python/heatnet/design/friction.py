"""Darcy friction factors for sizing, vectorised over numpy arrays.

The same laws as the solver (docs/models.md, "Friction"): laminar 64/Re up to Re = 2000;
turbulent Colebrook-White (1939), 1/sqrt(f) = -2 log10(k/(3.7 D) + 2.51/(Re sqrt(f))), or
Swamee & Jain (1976), f = 0.25 / log10(k/(3.7 D) + 5.74/Re^0.9)^2. In the transition zone
(2000 < Re < 4000) sizing takes the turbulent law at Re = 4000, an upper bound of the solver's
cubic bridge there, so a size that passes here passes in the solver too.
"""
from __future__ import annotations

import numpy as np

LAMINAR_RE = 2000.0
TURBULENT_RE = 4000.0
#: the network's friction setting -> the law sizing uses
LAWS = {"colebrook": "colebrook", "epanet_darcy_weisbach": "swamee_jain",
        "swamee_jain": "swamee_jain", "nikuradse": "nikuradse"}


def swamee_jain(re, rel_roughness):
    return 0.25 / np.log10(rel_roughness / 3.7 + 5.74 / re ** 0.9) ** 2


def colebrook(re, rel_roughness, iterations: int = 30):
    """Fixed-point iteration on x = 1/sqrt(f) from Swamee-Jain; it contracts fast (the
    derivative of the right side is about 2.51 * 0.87 / (Re sqrt(f)) << 1), 30 rounds reach
    round-off for Re >= 4000."""
    x = 1.0 / np.sqrt(swamee_jain(re, rel_roughness))
    for _ in range(iterations):
        x = -2.0 * np.log10(rel_roughness / 3.7 + 2.51 * x / re)
    return 1.0 / x ** 2


def nikuradse(re, rel_roughness):
    """pandapipes' definition: 64/Re + (-2 log10(k/(3.71 D)))^-2 at every Re (spec)."""
    return 64.0 / re + 1.0 / (-2.0 * np.log10(rel_roughness / 3.71)) ** 2


def darcy_friction_factor(re, rel_roughness, law: str = "colebrook"):
    """f for arrays of Re (> 0) and k/D (>= 0) with the laminar/transition rule above."""
    re = np.asarray(re, dtype=float)
    rel = np.broadcast_to(np.asarray(rel_roughness, dtype=float), re.shape)
    if law == "nikuradse":
        return nikuradse(np.maximum(re, 1e-300), np.maximum(rel, 1e-300))
    turbulent = colebrook if law == "colebrook" else swamee_jain
    f = turbulent(np.maximum(re, TURBULENT_RE), rel)
    laminar = 64.0 / np.maximum(re, 1e-300)
    return np.where(re <= LAMINAR_RE, laminar, f)
