"""A solve that does not converge names why: a dp_control plant whose controlled consumer sits
behind a 0.5 mm pipe (valid under EPANET's friction law) cannot raise that consumer's dp: its
pump dp climbs past 1000 bar, an impossible design (`invalid_solution`). The message names the
plant and the consumer (before, the single-step message replaced the Newton solver's cause;
until the pump dp's trust region, the cause was a controlled dp that did not respond)."""
import pytest

import heatnet
from test_edit_rules import network


def starved_network():
    """test_edit_rules' network under EPANET's law, its only pipe narrowed to 0.5 mm."""
    net = network("epanet_darcy_weisbach")
    net.set_pipe("P", inner_diameter_m=0.0005)
    return net


def test_unresponsive_controlled_dp_is_named():
    with pytest.raises(heatnet.ConvergenceError) as e:
        heatnet.solve(starved_network())
    message = e.value.report.message
    assert e.value.report.status == "invalid_solution"
    assert "source 'CHP'" in message
    assert "consumer 'C1'" in message
    assert "no pump delivers that" in message and "an impossible design" in message
