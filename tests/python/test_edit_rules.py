"""One validation rule per field (issue #19 finding 2): the same Python edit behaves the same
whether or not the network was compiled (solved) first. Before, a diameter made smaller than
the roughness solved on a compiled network (the setter did not re-check roughness < diameter)
and raised NetworkError on a fresh one."""
import pytest

import heatnet


def network(friction="colebrook"):
    net = heatnet.Network(settings={"friction": friction})
    net.add_node("S")
    net.add_node("R")
    net.add_node("A")
    net.add_pipe("P", from_="S", to="A", length_m=100, inner_diameter_m=0.1, roughness_mm=1.0)
    net.add_source("CHP", supply_node="S", return_node="R", supply_temperature_C=80,
                   return_pressure_bar=2.0,
                   pump={"type": "dp_control", "consumer": "C1", "dp_bar": 1.0})
    net.add_consumer("C1", supply_node="A", return_node="R", heat_demand_kW=100,
                     return_temperature_C=50, kvs_m3_h=10)
    return net


def outcome(net, edit):
    """"solved", the field of the NetworkError raised by the edit or the next solve, or the
    status of a solve that does not converge (a 0.5 mm pipe under EPANET's law is valid input
    that starves the dp-controlled consumer: what matters here is that both paths agree)."""
    try:
        edit(net)
        heatnet.solve(net)
        return "solved"
    except heatnet.NetworkError as e:
        return e.field
    except heatnet.ConvergenceError as e:
        return e.report.status


EDITS = {
    "diameter below roughness": lambda n: n.set_pipe("P", inner_diameter_m=0.0005),
    "roughness above diameter": lambda n: n.set_pipe("P", roughness_mm=200),
    "dp_control dp zero": lambda n: n.set_source("CHP", pump={"dp_bar": 0.0}),
    "kvs consumer made fixed flow": lambda n: n.set_consumer("C1", mass_flow_kg_s=1.0),
    "valid diameter": lambda n: n.set_pipe("P", inner_diameter_m=0.15),
}


@pytest.mark.parametrize("name", EDITS)
@pytest.mark.parametrize("friction", ["colebrook", "epanet_darcy_weisbach"])
def test_edit_same_before_and_after_compile(name, friction):
    fresh = network(friction)
    compiled = network(friction)
    heatnet.solve(compiled)
    assert outcome(compiled, EDITS[name]) == outcome(fresh, EDITS[name])


def test_diameter_below_roughness_is_refused_after_compile():
    net = network()
    heatnet.solve(net)
    assert outcome(net, EDITS["diameter below roughness"]) == "roughness_mm"
