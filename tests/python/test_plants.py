"""Several plants from Python: a floating plant, make-up and spill between two pressure holders,
a pressure node, and the boundary-flow results (datasets, tables, report, HDF5 file).

Run: PYTHONPATH=build/python /usr/bin/python3 -m pytest -q tests/python
"""
import h5py
import numpy as np
import pytest

import heatnet
import pandas  # noqa: F401


def line_with_two_plants(sec_return_bar=None, sec_dp_bar=2.5, pressure_node=False):
    """Main plant at S0/R0 holding 2 bar, consumers at S1/R1 and S2/R2, a second plant at
    S2/R2 (floating unless sec_return_bar), optionally a pressure node at R1 (2.4 bar, 40 degC)."""
    net = heatnet.Network(name="two plants", settings={
        "fluid": {"density_kg_m3": 971.8, "kinematic_viscosity_m2_s": 3.6e-7,
                  "specific_heat_J_kgK": 4186.0},
        "ambient_temperature_C": 8.0})
    for node in ("S0", "S1", "S2", "R0", "R1", "R2"):
        net.add_node(node)
    for pid, a, b, length in [("PS1", "S0", "S1", 600.0), ("PS2", "S1", "S2", 400.0),
                              ("PR2", "R2", "R1", 400.0), ("PR1", "R1", "R0", 600.0)]:
        net.add_pipe(pid, from_=a, to=b, length_m=length, inner_diameter_m=0.15,
                     roughness_mm=0.05, heat_loss_W_mK=0.3)
    net.add_consumer("C1", supply_node="S1", return_node="R1", mass_flow_kg_s=12.0,
                     return_temperature_C=55.0)
    net.add_consumer("C2", supply_node="S2", return_node="R2", mass_flow_kg_s=8.0,
                     return_temperature_C=55.0)
    net.add_source("MAIN", supply_node="S0", return_node="R0", supply_temperature_C=90.0,
                   return_pressure_bar=2.0, pump={"type": "fixed_dp", "dp_bar": 3.0})
    net.add_source("SEC", supply_node="S2", return_node="R2", supply_temperature_C=85.0,
                   return_pressure_bar=sec_return_bar,
                   pump={"type": "fixed_dp", "dp_bar": sec_dp_bar})
    if pressure_node:
        net.add_pressure_node("R1", pressure_bar=2.4, temperature_C=40.0)
    return net


def test_floating_plant_holds_no_pressure_and_takes_no_makeup():
    r = heatnet.solve(line_with_two_plants())
    assert r.converged
    sources = r.table("sources")
    assert sources.loc["SEC", "mass_flow"] > 1.0
    assert sources.loc["SEC", "makeup_mass_flow"] == 0.0
    assert abs(sources.loc["MAIN", "makeup_mass_flow"]) < 1e-9 * 20.0
    assert sources.attrs["units"]["makeup_mass_flow"] == "kg/s"
    assert r.report.boundary_flows == []
    assert r.ids("pressure_nodes") == []
    assert r["pressure_nodes/mass_flow"].shape == (1, 0)


def test_makeup_spill_and_pressure_node_flows_are_results(tmp_path):
    r = heatnet.solve(line_with_two_plants(sec_return_bar=2.3, pressure_node=True))
    assert r.converged
    makeup = dict(zip(r.ids("sources"), r["sources/makeup_mass_flow"][0]))
    inflow = dict(zip(r.ids("pressure_nodes"), r["pressure_nodes/mass_flow"][0]))
    assert r.ids("pressure_nodes") == ["R1"]
    assert r.unit("pressure_nodes/mass_flow") == "kg/s"
    assert r.unit("pressure_nodes/temperature") == "degC"
    # the highest held pressure (R1, 2.4 bar) feeds the network; water leaves where it is lower
    assert inflow["R1"] > 0.1
    assert makeup["MAIN"] + makeup["SEC"] + inflow["R1"] == pytest.approx(0.0, abs=1e-9 * 20)
    nodes = r.table("nodes")
    table = r.table("pressure_nodes")
    assert table.loc["R1", "temperature"] == nodes.loc["R1", "temperature"]
    # the report names every boundary flow, its full text has the one-line summary
    flows = {(b["element_kind"], b["element_id"]): b["mass_flow_kg_s"]
             for b in r.report.boundary_flows}
    assert flows[("pressure_node", "R1")] == inflow["R1"]
    assert flows[("source", "MAIN")] == makeup["MAIN"]
    assert "boundary flows:" in r.report.full()
    assert r.summary["energy_balance_rel"] <= 1e-9
    # the file has the same datasets, each with units
    path = tmp_path / "plants.h5"
    r.to_hdf5(path)
    with h5py.File(path, "r") as f:
        assert list(f["pressure_nodes/id"].asstr()[()]) == ["R1"]
        np.testing.assert_array_equal(f["pressure_nodes/mass_flow"][()],
                                      r["pressure_nodes/mass_flow"])
        np.testing.assert_array_equal(f["sources/makeup_mass_flow"][()],
                                      r["sources/makeup_mass_flow"])
        assert f["sources/makeup_mass_flow"].attrs["units"] == "kg/s"
        assert f["pressure_nodes/temperature"].attrs["units"] == "degC"
    back = heatnet.read_results(path)
    np.testing.assert_array_equal(back["pressure_nodes/temperature"],
                                  r["pressure_nodes/temperature"])


def test_weak_plant_closes_and_is_listed_in_checks():
    r = heatnet.solve(line_with_two_plants(sec_dp_bar=0.3))
    assert r.converged
    sources = r.table("sources")
    assert -1e-8 <= sources.loc["SEC", "mass_flow"] <= 1e-8
    checks = r.checks
    closed = checks[(checks.element_id == "SEC") & (checks.check == "source_closed")]
    assert len(closed) == 1
    assert closed.iloc[0]["element_kind"] == "source"
    assert closed.iloc[0]["value"] > 0.0


def test_floating_plant_cannot_be_given_a_return_pressure_in_place():
    """The compiled model keeps its unknowns; the Python network rebuilds it instead."""
    net = line_with_two_plants()
    heatnet.solve(net)
    net.set_source("SEC", return_pressure_bar=2.3)
    r = heatnet.solve(net)
    assert r.converged
    assert abs(r.table("sources").loc["SEC", "makeup_mass_flow"]) > 0.1


def test_file_written_before_boundary_flows_still_reads(tmp_path):
    """A file without /pressure_nodes and /sources/makeup_mass_flow (written before they
    existed) reads with no pressure nodes and NaN make-up; any other missing dataset is still
    a malformed file."""
    r = heatnet.solve(line_with_two_plants(sec_return_bar=2.3, pressure_node=True))
    old = tmp_path / "old.h5"
    r.to_hdf5(old)
    with h5py.File(old, "r+") as f:
        del f["pressure_nodes"]
        del f["sources/makeup_mass_flow"]
    back = heatnet.read_results(old)
    assert back.ids("pressure_nodes") == []
    assert back["pressure_nodes/mass_flow"].shape == (1, 0)
    assert np.isnan(back["sources/makeup_mass_flow"]).all()
    assert back.unit("sources/makeup_mass_flow") == "kg/s"
    np.testing.assert_array_equal(back["sources/mass_flow"], r["sources/mass_flow"])
    broken = tmp_path / "broken.h5"
    r.to_hdf5(broken)
    with h5py.File(broken, "r+") as f:
        del f["sources/heat"]
    with pytest.raises(Exception, match="heat"):
        heatnet.read_results(broken)
