"""Several plants, one of them dp_control: networks on which the hydraulic Newton diverged
(residuals 1e15 to 1e75 Pa, then `numerical_failure`) after plant status changes. Each is a
seed of benchmarks/robustness.py reduced to the few elements that still failed; each must now
converge to a state that satisfies the plant rules of the network format, checked from the
results themselves (not against an earlier run):
  * a dp_control plant either runs and holds its consumer's dp at the set point, or is closed
    and the other plants hold that dp at or above it;
  * no plant runs backwards (a closed plant leaks at most ~1e-9 kg/s per bar);
  * mass closes at every node and energy over the network to 1e-9 relative.

Run: PYTHONPATH=build/python /usr/bin/python3 -m pytest -q tests/python/test_plant_divergence.py
"""
import pytest

import heatnet

BALANCE_REL = 1e-9
SET_POINT_PA = 0.8e5
LEAK_KG_S = 1e-8  # a closed plant's leak: 1e-9 kg/s per bar, at a few bar


def twin_pipes(net, a, b, length, diameter):
    """Supply pipe S<a> -> S<b> and return pipe R<b> -> R<a>, insulated, smooth."""
    for pid, f, t in ((f"PS{a}_{b}", f"S{a}", f"S{b}"), (f"PR{a}_{b}", f"R{b}", f"R{a}")):
        net.add_pipe(pid, from_=f, to=t, length_m=length, inner_diameter_m=diameter,
                     roughness_mm=0.05, heat_loss_W_mK=0.0)


def curve_plant_next_to_controlled_consumer():
    """Robustness seed 755 reduced: the dp_control plant MAIN controls C20, at whose nodes a
    curve plant P2 sits. A Newton step pushed P2 backwards, where its quadratic curve,
    extrapolated, fell with the reverse flow: the step then pushed it further back each time
    (the flow's exponent doubling) until the factorisation failed."""
    net = heatnet.Network(name="seed 755 reduced", settings={
        "fluid": "water", "friction": "colebrook", "temperature_C": 60.0,
        "ambient_temperature_C": 6.03})
    for node in ("S0", "S1", "S2", "S9", "S20", "R0", "R1", "R2", "R9", "R20"):
        net.add_node(node)
    for a, b, length, diameter in [("0", "1", 85.62, 0.1), ("0", "9", 711.3, 0.05),
                                   ("1", "2", 454.6, 0.04), ("9", "20", 614.0, 0.04)]:
        twin_pipes(net, a, b, length, diameter)
    for cid, kw, t_ret in (("C2", 100.0, 30.1), ("C9", 800.0, 38.5), ("C20", 20.0, 47.2)):
        node = cid[1:]
        net.add_consumer(cid, supply_node=f"S{node}", return_node=f"R{node}", heat_demand_kW=kw,
                         return_temperature_C=t_ret, min_dp_bar=0.5)
    net.add_source("MAIN", supply_node="S0", return_node="R0", supply_temperature_C=61.3,
                   return_pressure_bar=3.0,
                   pump={"type": "dp_control", "consumer": "C20", "dp_bar": 0.8})
    net.add_source("P2", supply_node="S20", return_node="R20", supply_temperature_C=62.2,
                   pump={"type": "curve",
                         "points_m3_h_m": [[0.0, 24.36], [207.9, 21.92], [415.8, 14.61]]})
    return net


def fixed_dp_plant_across_controlled_consumer():
    """Robustness seed 433 reduced: a fixed_dp plant P3 sits at the nodes of C1, the consumer
    MAIN's dp control watches. Through P3's stiff law C1's dp hardly responds to MAIN's pump,
    so the bordered Newton step asked a pump dp of 6e12 Pa and pushed 1.6e8 kg/s back through
    P3. On terrain: S1 lies 17.9 m above R1."""
    net = heatnet.Network(name="seed 433 reduced", settings={
        "fluid": "water", "friction": "colebrook", "temperature_C": 60.0,
        "ambient_temperature_C": 10.1})
    for node, z in [("S0", 3.016), ("S1", 19.59), ("S3", 12.24), ("S9", 5.886),
                    ("R0", 33.49), ("R1", 1.7), ("R3", 38.55), ("R9", 25.17)]:
        net.add_node(node, elevation_m=z)
    for a, b, length, diameter in [("0", "1", 282.7, 0.05), ("1", "3", 454.7, 0.08),
                                   ("1", "9", 358.3, 0.04)]:
        twin_pipes(net, a, b, length, diameter)
    net.add_consumer("C1", supply_node="S1", return_node="R1", heat_demand_kW=20.0,
                     return_temperature_C=37.9, min_dp_bar=0.5)
    net.add_consumer("C3", supply_node="S3", return_node="R3", heat_demand_kW=800.0,
                     return_temperature_C=34.6, min_dp_bar=0.5)
    net.add_source("MAIN", supply_node="S0", return_node="R0", supply_temperature_C=61.7,
                   return_pressure_bar=3.0,
                   pump={"type": "dp_control", "consumer": "C1", "dp_bar": 0.8})
    net.add_source("P2", supply_node="S9", return_node="R9", supply_temperature_C=66.4,
                   pump={"type": "curve",
                         "points_m3_h_m": [[0.0, 32.64], [177.4, 29.38], [354.8, 19.58]]})
    net.add_source("P3", supply_node="S1", return_node="R1", supply_temperature_C=66.3,
                   pump={"type": "fixed_dp", "dp_bar": 0.9366})
    return net


def check_plant_rules(result, controlled):
    """The rules every converged solve with one dp_control plant MAIN must satisfy."""
    s = result.summary
    flows = [abs(v) for g in ("pipes", "consumers", "sources")
             for v in result[f"{g}/mass_flow"].ravel()]
    assert s["max_mass_imbalance_kg_s"] <= BALANCE_REL * max(flows)
    assert s["energy_balance_rel"] <= BALANCE_REL
    sources = result.table("sources")
    consumers = result.table("consumers")
    assert (sources["mass_flow"] >= -LEAK_KG_S).all(), sources["mass_flow"]
    assert (consumers["dp_available"] >= 0.0).all()  # a substation never pumps
    dp = consumers.loc[controlled, "dp_available"]
    closed = set(result.checks.query("check == 'source_closed'")["element_id"])
    if "MAIN" in closed:
        assert abs(sources.loc["MAIN", "mass_flow"]) <= LEAK_KG_S
        assert dp >= SET_POINT_PA * (1 - 1e-9)
    else:
        assert sources.loc["MAIN", "mass_flow"] > 0.0
        assert dp == pytest.approx(SET_POINT_PA, rel=1e-9)
    return closed


def test_curve_plant_pushed_backwards_during_newton_converges():
    r = heatnet.solve(curve_plant_next_to_controlled_consumer())
    assert r.converged
    closed = check_plant_rules(r, "C20")
    # P2's pump holds C20's dp far above the set point (its shut-off head is 2.3 bar): MAIN idles
    assert closed == {"MAIN"}
    assert r.table("sources").loc["P2", "mass_flow"] > 0.1


def test_dp_control_plant_whose_consumer_hardly_responds_converges():
    r = heatnet.solve(fixed_dp_plant_across_controlled_consumer())
    assert r.converged
    closed = check_plant_rules(r, "C1")
    # P3 cannot hold C1's nodes: R1 lies 17.9 m below S1, so P3 would have to lift the
    # 0.8 bar set point plus that column; it closes and MAIN controls C1
    assert "P3" in closed and "MAIN" not in closed
    nodes = r.table("nodes")
    rho_g = 983.0 * 9.80665  # water at ~60 degC; the margin below is 1.6 bar
    rise = nodes.loc["S1", "pressure"] - nodes.loc["R1", "pressure"] + rho_g * (19.59 - 1.7)
    assert rise > 0.9366e5 + 1e5


def colebrook_dp(mass_flow, length, diameter, rho, nu, roughness):
    """Darcy-Weisbach pressure loss (Pa) with the Colebrook-White friction factor, solved by
    fixed-point iteration on 1/sqrt(lambda) (independent of the solver's implementation)."""
    area = 3.141592653589793 * diameter ** 2 / 4
    v = mass_flow / (rho * area)
    re = v * diameter / nu
    x = 8.0  # 1/sqrt(lambda)
    for _ in range(100):
        x = -2.0 * __import__("math").log10(roughness / (3.7 * diameter) + 2.51 * x / re)
    return (1.0 / x ** 2) * length / diameter * rho * v * v / 2


def test_dp_control_plant_beyond_any_pump_is_named_impossible():
    """12 kg/s to one consumer through 2 x 2500 m of DN40: holding its dp at 0.8 bar takes the
    plant's pump ~1,170 bar. Before, that "converged" (robustness seed 362: 1,179 bar) or was
    blamed on a fixed_flow plant (seeds 913, 928, where closed plants leaked at that pressure)."""
    rho, nu = 971.8, 3.6e-7
    net = heatnet.Network(name="beyond any pump", settings={
        "fluid": {"density_kg_m3": rho, "kinematic_viscosity_m2_s": nu,
                  "specific_heat_J_kgK": 4186.0}, "friction": "colebrook"})
    for node in ("S0", "S1", "R0", "R1"):
        net.add_node(node)
    twin_pipes(net, "0", "1", 2500.0, 0.04)
    net.add_consumer("C1", supply_node="S1", return_node="R1", mass_flow_kg_s=12.0,
                     return_temperature_C=40.0)
    net.add_source("MAIN", supply_node="S0", return_node="R0", supply_temperature_C=70.0,
                   return_pressure_bar=3.0,
                   pump={"type": "dp_control", "consumer": "C1", "dp_bar": 0.8})
    with pytest.raises(heatnet.ConvergenceError) as e:
        heatnet.solve(net)
    report = e.value.report
    assert report.status == "invalid_solution"
    assert "source 'MAIN': pump dp = " in report.message
    assert "consumer 'C1'" in report.message and "an impossible design" in report.message
    expected = SET_POINT_PA + 2 * colebrook_dp(12.0, 2500.0, 0.04, rho, nu, 0.05e-3)
    shown_bar = float(report.message.split("pump dp = ")[1].split(" bar")[0])
    assert shown_bar == pytest.approx(expected * 1e-5, rel=1e-3)  # 4 digits shown
    sources = e.value.result.table("sources")
    rise = sources.loc["MAIN", "supply_pressure"] - sources.loc["MAIN", "return_pressure"]
    assert rise == pytest.approx(expected, rel=1e-6)


def test_fixed_flow_surplus_is_named_no_steady_state():
    """A fixed_flow plant pushing 5 kg/s where the two consumers draw 2 x 200 kW at 70/40 degC
    (3.2 kg/s): the surplus can only go back through MAIN, which never runs backwards, so there
    is no steady state. Before, the coupled solve ran out of Newton iterations without a cause
    (robustness seeds 399, 435: the closed plant's floating supply pressure ran away, until it
    diverged)."""
    cp = 4186.0
    net = heatnet.Network(name="fixed-flow surplus", settings={
        "fluid": {"density_kg_m3": 971.8, "kinematic_viscosity_m2_s": 3.6e-7,
                  "specific_heat_J_kgK": cp}})
    for node in ("S0", "S1", "S2", "R0", "R1", "R2"):
        net.add_node(node)
    twin_pipes(net, "0", "1", 300.0, 0.1)
    twin_pipes(net, "1", "2", 300.0, 0.1)
    for cid in ("C1", "C2"):
        net.add_consumer(cid, supply_node=f"S{cid[1]}", return_node=f"R{cid[1]}",
                         heat_demand_kW=200.0, return_temperature_C=40.0)
    net.add_source("MAIN", supply_node="S0", return_node="R0", supply_temperature_C=70.0,
                   return_pressure_bar=3.0,
                   pump={"type": "dp_control", "consumer": "C2", "dp_bar": 0.8})
    net.add_source("P2", supply_node="S2", return_node="R2", supply_temperature_C=70.0,
                   pump={"type": "fixed_flow", "mass_flow_kg_s": 5.0})
    # no pipe loses heat: the consumers see 70 degC and draw Q / (cp (70 - 40)) each
    assert 2 * 200e3 / (cp * 30.0) < 5.0
    with pytest.raises(heatnet.ConvergenceError) as e:
        heatnet.solve(net)
    report = e.value.report
    assert report.status == "invalid_solution"
    assert "source 'MAIN': closed" in report.message
    assert "no steady state" in report.message
