"""heatnet.plot: the piezometric graph and the network map on a small hand-made network.

Run: PYTHONPATH=build/python /usr/bin/python3 -m pytest -q tests/python/test_plot.py
"""
import math

import numpy as np
import pytest

import heatnet
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from heatnet import plot  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MIN_PNG_BYTES = 10_000        # a drawn figure, not an empty canvas
RTOL = 1e-12                  # values copied from the result into the plot
P_SAT_RTOL = 1e-4             # IF97 region 4 vs the FACTS section 7 table (5 significant digits)
DENSITY_RTOL = 2e-3           # plot's water density (IF97 at 16 bar, interpolated) vs the solver's


def build_loop_net():
    """Plant at S0/R0; supply S0-S1-S2 (100 m + 100 m) and a detour S0-S3-S2 (50 m + 300 m),
    so the shortest route to C2 runs through S1; a spur S1-S4 feeds C4. The return side mirrors
    the supply side (R<k>, pipes run back towards the plant). x/y in m, elevations vary."""
    net = heatnet.Network(name="loop test net",
                          settings={"ambient_temperature_C": 5.0, "temperature_C": 70.0})
    xy = {"0": (0, 0, 10.0), "1": (100, 0, 12.0), "2": (200, 0, 15.0), "3": (0, 50, 11.0),
          "4": (100, -80, 13.0)}
    for k, (x, y, z) in xy.items():
        net.add_node("S" + k, elevation_m=z, x=x, y=y)
        net.add_node("R" + k, elevation_m=z, x=x, y=y)
    pipes = [("1", "0", "1", 100.0, 0.10), ("2", "1", "2", 100.0, 0.08),
             ("3", "0", "3", 50.0, 0.08), ("4", "3", "2", 300.0, 0.08),
             ("5", "1", "4", 120.0, 0.05)]
    for n, a, b, length, d in pipes:
        net.add_pipe("SP" + n, from_="S" + a, to="S" + b, length_m=length, inner_diameter_m=d,
                     roughness_mm=0.05, heat_loss_W_mK=0.4)
        net.add_pipe("RP" + n, from_="R" + b, to="R" + a, length_m=length, inner_diameter_m=d,
                     roughness_mm=0.05, heat_loss_W_mK=0.4)
    net.add_source("PLANT", supply_node="S0", return_node="R0", supply_temperature_C=110.0,
                   return_pressure_bar=3.0,
                   pump={"type": "dp_control", "consumer": "C2", "dp_bar": 0.8})
    net.add_consumer("C2", supply_node="S2", return_node="R2", heat_demand_kW=600.0,
                     return_temperature_C=60.0, min_dp_bar=0.8)
    net.add_consumer("C4", supply_node="S4", return_node="R4", heat_demand_kW=250.0,
                     return_temperature_C=60.0, min_dp_bar=0.5)
    return net


@pytest.fixture(scope="module")
def solved():
    net = build_loop_net()
    return net, heatnet.solve(net)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _is_png(path):
    data = path.read_bytes()
    return data[:8] == PNG_MAGIC and len(data) > MIN_PNG_BYTES


# ------------------------------------------------------------------------------- the route
def test_path_is_the_shortest_supply_route_and_its_mirror():
    route = plot.find_path(build_loop_net(), to="C2")
    assert route.source == "PLANT" and route.consumer == "C2"
    assert route.supply_nodes == ["S0", "S1", "S2"]
    assert route.supply_links == ["SP1", "SP2"]
    np.testing.assert_allclose(route.supply_distance_m, [0.0, 100.0, 200.0])
    assert route.return_nodes == ["R0", "R1", "R2"]
    assert route.return_links == ["RP1", "RP2"]
    np.testing.assert_allclose(route.return_distance_m, [0.0, 100.0, 200.0])


def test_path_to_a_spur_consumer():
    route = plot.find_path(build_loop_net(), to="C4")
    assert route.supply_nodes == ["S0", "S1", "S4"]
    assert route.return_nodes == ["R0", "R1", "R4"]
    np.testing.assert_allclose(route.supply_distance_m, [0.0, 100.0, 220.0])


def test_explicit_path_follows_the_given_nodes():
    route = plot.find_path(build_loop_net(), path=["S0", "S3", "S2"])
    assert route.supply_links == ["SP3", "SP4"]
    np.testing.assert_allclose(route.supply_distance_m, [0.0, 50.0, 350.0])
    assert route.consumer == "C2"                     # the consumer at the path's end
    assert route.return_nodes == ["R0", "R1", "R2"]  # its return route is the shortest one


def test_bad_paths_are_value_errors():
    net = build_loop_net()
    with pytest.raises(ValueError, match="no pipe"):
        plot.find_path(net, path=["S0", "S2"])
    with pytest.raises(ValueError, match="must start"):
        plot.find_path(net, path=["S1", "S2"])
    with pytest.raises(ValueError, match="no consumer"):
        plot.find_path(net, to="NOPE")


def test_network_accepted_as_dict_and_file(tmp_path):
    net = build_loop_net()
    path = tmp_path / "loop.json"
    net.to_json(path)
    for form in (net.to_dict(), path, str(path)):
        assert plot.find_path(form, to="C2").supply_nodes == ["S0", "S1", "S2"]


# ------------------------------------------------------------------------------- piezometric
def test_piezometric_writes_png_and_plots_the_result_heads(solved, tmp_path):
    net, res = solved
    out = tmp_path / "piezo.png"
    ax = plot.piezometric(res, net, to="C2", file=out)
    assert _is_png(out)
    heads = dict(zip(res.ids("nodes"), res["nodes/head"][-1]))
    lines = {line.get_label(): line for line in ax.get_lines()}
    supply, ret = lines["supply line"], lines["return line"]
    np.testing.assert_allclose(supply.get_xdata(), [0.0, 0.1, 0.2], rtol=RTOL)   # km
    np.testing.assert_allclose(supply.get_ydata(), [heads[n] for n in ("S0", "S1", "S2")],
                               rtol=RTOL)
    np.testing.assert_allclose(ret.get_ydata(), [heads[n] for n in ("R0", "R1", "R2")], rtol=RTOL)
    # the static line is the head held at the plant return
    static = next(line for label, line in lines.items() if label.startswith("static head"))
    assert static.get_ydata()[0] == pytest.approx(heads["R0"], rel=RTOL)
    # the anti-boiling limit lies above the terrain and below the supply line here
    boil = next(line for label, line in lines.items() if label.startswith("anti-boiling"))
    terrain = lines["terrain (elevation)"]
    assert np.all(boil.get_ydata() > terrain.get_ydata())
    assert np.all(boil.get_ydata() < supply.get_ydata())
    assert ax.heatnet_path.supply_nodes == ["S0", "S1", "S2"]
    texts = " ".join(t.get_text() for t in ax.texts)
    dp_c2 = dict(zip(res.ids("consumers"), res["consumers/dp_available"][-1]))["C2"]
    assert f"Δp {dp_c2 / 1e5:.2f} bar" in texts


def test_piezometric_defaults_to_the_critical_consumer(solved):
    net, res = solved
    ax = plot.piezometric(res, net)
    assert ax.heatnet_path.consumer == res.summary["critical_consumer"]


def test_piezometric_from_a_results_file_and_an_existing_axes(solved, tmp_path):
    net, res = solved
    h5 = tmp_path / "loop.h5"
    res.to_hdf5(h5)
    back = heatnet.read_results(h5)          # no summary: the consumer with the least margin
    fig, (a1, a2) = plt.subplots(1, 2)
    ax = plot.piezometric(back, net, to="C4", ax=a1)
    assert ax is a1 and ax.heatnet_path.consumer == "C4"
    ax = plot.piezometric(back, net, ax=a2)
    dp = dict(zip(back.ids("consumers"), back["consumers/dp_available"][-1]))
    worst = min(dp, key=lambda c: dp[c] - {"C2": 0.8e5, "C4": 0.5e5}[c])
    assert ax.heatnet_path.consumer == worst


# ------------------------------------------------------------------------------- map
@pytest.mark.parametrize("quantity", ["temperature", "pressure", "velocity"])
def test_map_writes_png_and_colours_cover_the_range(solved, tmp_path, quantity):
    net, res = solved
    out = tmp_path / f"map_{quantity}.png"
    ax = plot.network_map(res, net, quantity=quantity, file=out)
    assert _is_png(out)
    lc = ax.heatnet_lines
    values = np.asarray(lc.get_array())
    assert len(values) == 5                               # the five supply pipes only
    pipes = res.table("pipes")
    supply = ["SP1", "SP2", "SP3", "SP4", "SP5"]
    if quantity == "temperature":
        expected = 0.5 * (pipes.loc[supply, "inlet_temperature"] + pipes.loc[supply, "outlet_temperature"])
    elif quantity == "pressure":
        p = dict(zip(res.ids("nodes"), res["nodes/pressure"][-1]))
        ends = [("S0", "S1"), ("S1", "S2"), ("S0", "S3"), ("S3", "S2"), ("S1", "S4")]
        expected = [0.5 * (p[a] + p[b]) / 1e5 for a, b in ends]
    else:
        expected = pipes.loc[supply, "velocity"].abs()
    np.testing.assert_allclose(np.sort(values), np.sort(np.asarray(expected, dtype=float)),
                               rtol=RTOL)
    # the colour scale spans exactly the values: lowest -> first colour, highest -> last
    assert lc.norm.vmin == pytest.approx(values.min(), rel=RTOL)
    assert lc.norm.vmax == pytest.approx(values.max(), rel=RTOL)
    rgba = lc.get_colors()
    cmap = lc.get_cmap()
    np.testing.assert_allclose(rgba[np.argmin(values)], cmap(0.0), atol=1e-12)
    np.testing.assert_allclose(rgba[np.argmax(values)], cmap(1.0), atol=1e-12)
    # the colorbar carries the unit
    cbar_label = ax.heatnet_colorbar.ax.get_ylabel()
    assert {"temperature": "°C", "pressure": "bar g", "velocity": "m/s"}[quantity] in cbar_label


def test_specific_pressure_loss_is_darcy_weisbach(solved):
    """R = f / D * rho v^2 / 2 from the friction factor and velocity of the results: an
    independent route to the friction loss that pressure_drop minus the elevation term gives."""
    net, res = solved
    r = plot.specific_pressure_loss(res, net)
    pipes = res.table("pipes")
    diameter = {p["id"]: p["inner_diameter_m"] for p in net.to_dict()["pipes"]}
    for pid, row in pipes.iterrows():
        rho = plot.water_density(0.5 * (row["inlet_temperature"] + row["outlet_temperature"]))
        expected = row["friction_factor"] / diameter[pid] * rho * row["velocity"] ** 2 / 2
        assert r[pid] == pytest.approx(expected, rel=DENSITY_RTOL), pid
    ax = plot.network_map(res, net, quantity="pressure_loss")
    assert sorted(ax.heatnet_lines.get_array()) == sorted(r[p] for p in
                                                          ["SP1", "SP2", "SP3", "SP4", "SP5"])
    assert "Pa/m" in ax.heatnet_colorbar.ax.get_ylabel()


def test_map_sides_and_errors(solved):
    net, res = solved
    assert len(plot.network_map(res, net, side="both").heatnet_lines.get_array()) == 10
    assert len(plot.network_map(res, net, side="return").heatnet_lines.get_array()) == 5
    with pytest.raises(ValueError, match="quantity"):
        plot.network_map(res, net, quantity="colour")
    bare = heatnet.Network.from_json_text(net.to_json_text())
    for node in bare.ids("nodes"):
        bare.set_node(node, x=None, y=None)
    with pytest.raises(ValueError, match="coordinates"):
        plot.network_map(res, bare)


# ------------------------------------------------------------------------------- water
def test_saturation_pressure_matches_facts_table():
    # FACTS.md section 7 [COMPUTED] IAPWS-IF97: p_sat in bar abs
    for t, p_bar in [(100.0, 1.0142), (130.0, 2.7026), (150.0, 4.7610), (70.0, 0.3120)]:
        assert plot.saturation_pressure_Pa(t) == pytest.approx(p_bar * 1e5, rel=P_SAT_RTOL)
    arr = plot.saturation_pressure_Pa(np.array([100.0, 130.0]))
    assert arr.shape == (2,) and math.isclose(arr[0], plot.saturation_pressure_Pa(100.0))
