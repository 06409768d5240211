"""A solve that does not converge names why: a dp_control plant whose controlled consumer sits
behind a 0.5 mm pipe (valid under EPANET's friction law) cannot raise that consumer's dp, and
the coupled solve's single Newton steps run out of their shared budget. The message names the
plant and the consumer (before, the single-step message replaced the Newton solver's cause)."""
import pytest

import heatnet


def starved_network():
    net = heatnet.Network(settings={"friction": "epanet_darcy_weisbach"})
    for node in ("S", "R", "A"):
        net.add_node(node)
    net.add_pipe("P", from_="S", to="A", length_m=100, inner_diameter_m=0.0005, roughness_mm=1.0)
    net.add_source("CHP", supply_node="S", return_node="R", supply_temperature_C=80,
                   return_pressure_bar=2.0,
                   pump={"type": "dp_control", "consumer": "C1", "dp_bar": 1.0})
    net.add_consumer("C1", supply_node="A", return_node="R", heat_demand_kW=100,
                     return_temperature_C=50, kvs_m3_h=10)
    return net


def test_unresponsive_controlled_dp_is_named():
    with pytest.raises(heatnet.ConvergenceError) as e:
        heatnet.solve(starved_network())
    message = e.value.report.message
    assert "source 'CHP'" in message
    assert "consumer 'C1'" in message
    assert "does not respond to its pump" in message
