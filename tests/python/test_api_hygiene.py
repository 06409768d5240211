"""Dead and leaky API (issue #19 finding 5): options that do nothing are not offered, and the
bindings use pybind11's public API only."""
from pathlib import Path

import numpy as np
import pytest

import heatnet

REPO = Path(__file__).resolve().parents[2]


def test_no_supernodal_threshold_option():
    """CHOLMOD's own switch (flops per nonzero of the factor) picks supernodal or simplicial;
    a threshold on free nodes was accepted and ignored. Now an unknown option."""
    net = heatnet.Network()
    net.add_node("A")
    net.add_node("B")
    net.add_pressure_node("A", pressure_bar=2.0, temperature_C=20.0)
    net.add_pipe("P", from_="A", to="B", length_m=10, inner_diameter_m=0.1, roughness_mm=0.1)
    with pytest.raises(TypeError, match="supernodal_threshold"):
        heatnet.solve(net, supernodal_threshold=5)
    assert not hasattr(heatnet._heatnet.SolverOptions(), "supernodal_threshold")
    report = heatnet.solve(net, backend="cholmod_simplicial").report
    assert report.backend == "cholmod_simplicial"


def test_bindings_use_no_private_pybind11_api():
    offenders = [p.name for p in (REPO / "python").glob("*.cpp")
                 if "py::detail::" in p.read_text() or "pybind11::detail::" in p.read_text()]
    assert offenders == []


def test_result_views_are_read_only_views():
    net = heatnet.Network()
    net.add_node("A")
    net.add_node("B")
    net.add_pressure_node("A", pressure_bar=2.0, temperature_C=20.0)
    net.add_pipe("P", from_="A", to="B", length_m=10, inner_diameter_m=0.1, roughness_mm=0.1)
    r = heatnet.solve(net)
    a = r["pipes/mass_flow"]
    assert not a.flags.writeable
    assert a.base is not None
    with pytest.raises(ValueError):
        a[0, 0] = 1.0
    assert np.shares_memory(a, r["pipes/mass_flow"])
