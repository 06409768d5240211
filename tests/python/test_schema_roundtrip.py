"""One schema drives JSON, the definition and the pandas tables: every validation and example
network goes JSON (or .inp) -> Network -> DataFrames -> Network -> JSON unchanged, every field
equal (issue #19 finding 1: table() -> from_dataframes() dropped pipe closed/check_valve, valve
settings/curves/closed, pump speed/power_kW/closed and pressure-node flags)."""
import inspect
import json
import math
import os
from pathlib import Path

import pytest

import heatnet
from heatnet import _network

pd = pytest.importorskip("pandas")

REPO = Path(__file__).resolve().parents[2]
REF = Path(os.environ.get("HEATNET_REFERENCE_DIR", REPO.parent / "shared" / "reference"))
KINDS = ("nodes", "pipes", "pressure_nodes", "sources", "consumers", "pumps", "valves")


def network_files():
    """The network of every validation case (a missing file is a failure, not a skip) and
    every example network."""
    files = []
    for case in sorted((REPO / "validation" / "cases").glob("*/case.json")):
        network = json.loads(case.read_text())["network"]
        network = network.replace("${HEATNET_REFERENCE_DIR}", str(REF))
        files.append((case.parent / network).resolve())
    files += sorted((REPO / "examples").rglob("*.json"))
    return sorted(set(files))


def load(path: Path) -> heatnet.Network:
    return heatnet.Network.from_inp(path) if path.suffix == ".inp" else \
        heatnet.Network.from_json(path)


def through_tables(net: heatnet.Network) -> heatnet.Network:
    tables = {kind: net.table(kind) for kind in KINDS if net.count(kind)}
    return heatnet.Network.from_dataframes(**tables, name=net.name, settings=net.settings,
                                           description=net.description)


def test_every_validation_network_is_found():
    files = network_files()
    assert len(files) >= 60
    missing = [str(f) for f in files if not f.is_file()]
    assert not missing, "networks missing: " + ", ".join(missing[:5])


@pytest.mark.parametrize("path", network_files(), ids=lambda p: p.parent.name + "/" + p.name)
def test_json_network_dataframes_network_json(path):
    net = load(path)
    again = through_tables(net)
    assert again == net  # every member of every definition
    assert again.to_json_text() == net.to_json_text()
    for kind in KINDS:
        for eid in net.ids(kind):
            assert again.element(kind, eid) == net.element(kind, eid), (kind, eid)


def test_extension_fields_survive_tables():
    """The fields the issue lists, one network with each set away from its default."""
    net = heatnet.Network()
    for n in ("A", "B", "C", "D", "E", "F"):
        net.add_node(n)
    net.add_pressure_node("A", pressure_bar=3.0, temperature_C=20.0, no_inflow=True)
    net.add_pressure_node("F", pressure_bar=1.0, temperature_C=20.0, no_outflow=True)
    net.add_pipe("P1", from_="A", to="B", length_m=100, inner_diameter_m=0.1, roughness_mm=0.1,
                 check_valve=True)
    net.add_pipe("P2", from_="B", to="C", length_m=100, inner_diameter_m=0.1, roughness_mm=0.1,
                 closed=True)
    net.add_pump("PU", from_="C", to="D", power_kW=5.0, speed=0.8, closed=True)
    net.add_valve("V1", from_="D", to="E", type="prv", setting_bar=2.0, closed=True)
    net.add_valve("V2", from_="E", to="F", type="gpv", curve_m3_h_m=[[0, 0], [10, 1]])
    net.add_valve("V3", from_="B", to="E", type="fcv", mass_flow_kg_s=1.5)
    again = through_tables(net)
    assert again == net
    assert again.element("pipes", "P1")["check_valve"] is True
    assert again.element("pipes", "P2")["closed"] is True
    assert again.element("pumps", "PU")["power_kW"] == 5.0
    assert again.element("pumps", "PU")["speed"] == 0.8
    assert again.element("valves", "V1")["setting_bar"] == 2.0
    assert again.element("valves", "V2")["curve_m3_h_m"] == [[0, 0], [10, 1]]
    assert again.element("pressure_nodes", "A")["no_inflow"] is True


def test_table_columns_are_the_schema_keys():
    for kind in KINDS:
        keys = [row["key"] for row in heatnet._heatnet.schema_fields(kind)]
        id_key = "node" if kind == "pressure_nodes" else "id"
        df = heatnet.Network().table(kind)
        assert [df.index.name] + list(df.columns) == [id_key] + [k for k in keys if k != id_key]


def test_add_methods_take_every_schema_key():
    """The add_* keyword arguments are the schema's keys (``from`` spelled ``from_``)."""
    for kind in KINDS:
        keys = [row["key"] for row in heatnet._heatnet.schema_fields(kind)]
        method = getattr(heatnet.Network, "add_" + _network._KINDS[kind][0])
        params = [p for p in inspect.signature(method).parameters
                  if p not in ("self", "kwargs")]
        assert params == ["from_" if k == "from" else k for k in keys], kind


def test_unit_factors_match_the_compiled_setters():
    """A fast edit (schema setter, factor to SI) and a rebuild give the same compiled model."""
    net = heatnet.Network()
    net.add_node("A")
    net.add_node("B")
    net.add_pressure_node("A", pressure_bar=3.0, temperature_C=60.0)
    net.add_pipe("P", from_="A", to="B", length_m=500, inner_diameter_m=0.2, roughness_mm=0.05)
    net.add_consumer("C", supply_node="B", return_node="A", mass_flow_kg_s=2.0,
                     return_temperature_C=40.0, min_dp_bar=0.2)
    fresh = net.copy()
    heatnet.solve(net)  # compiled: the next edits go through the setters
    edits = {"set_pipe": ("P", dict(roughness_mm=0.2, inner_diameter_m=0.15, length_m=400)),
             "set_consumer": ("C", dict(mass_flow_kg_s=3.0))}
    for method, (eid, changes) in edits.items():
        getattr(net, method)(eid, **changes)
        getattr(fresh, method)(eid, **changes)
    a = heatnet.solve(net)
    b = heatnet.solve(fresh)
    assert math.isclose(a["pipes/mass_flow"][-1][0], b["pipes/mass_flow"][-1][0], rel_tol=1e-9)
    assert math.isclose(a["nodes/pressure"][-1][1], b["nodes/pressure"][-1][1], rel_tol=1e-9)
