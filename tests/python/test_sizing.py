"""heatnet.design.size_pipes / `heatnet size` (docs/sizing.md) against hand calculations.

The networks use constant water properties (rho 970 kg/m3, nu 3.5e-7 m2/s, cp 4190 J/kgK, about
water at 80 degC) and adiabatic pipes, so every flow is Q / (cp dT) exactly and the specific
friction loss R = f/d rho v^2/2 can be computed by hand: here with Colebrook-White solved by
bisection (the sizer iterates a fixed point from Swamee-Jain: two ways to the same root).
"""
import csv
import math
import os
import subprocess
from pathlib import Path

import pytest

pd = pytest.importorskip("pandas")
heatnet = pytest.importorskip("heatnet")
from heatnet import design  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
HEATNET_BIN = Path(os.environ.get("HEATNET_BIN", REPO / "build" / "bin" / "heatnet"))
RHO, NU, CP = 970.0, 3.5e-7, 4190.0
K_M = 0.1e-3
DT = 40.0                       # 90 -> 50 degC
FLUID = {"density_kg_m3": RHO, "kinematic_viscosity_m2_s": NU, "specific_heat_J_kgK": CP}
SERIES2 = REPO / "python" / "heatnet" / "design" / "catalogues" / "en253_series2.csv"


def catalogue_rows(path=SERIES2):
    with open(path) as f:
        return [r for r in csv.DictReader(line for line in f if not line.startswith("#"))]


DN = {int(r["dn"]): float(r["inner_diameter_m"]) for r in catalogue_rows()}
#: the EN 253 bores without U values, so that the pipes stay adiabatic and flows exact
BORES = design.Catalogue([design.PipeSize(d, dn) for dn, d in DN.items()], "EN 253 bores")


def colebrook_bisection(re, rel):
    def g(x):
        return x + 2 * math.log10(rel / 3.7 + 2.51 * x / re)
    lo, hi = 1.0, 30.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if g(lo) * g(mid) <= 0:
            hi = mid
        else:
            lo = mid
    return 1 / lo ** 2


def hand_r_v(m, d):
    """(R Pa/m, v m/s) of mass flow m in a pipe of inner diameter d."""
    v = m / (RHO * math.pi * d * d / 4)
    re = v * d / NU
    f = 64 / re if re <= 2000 else colebrook_bisection(max(re, 4000), K_M / d)
    return f / d * RHO * v * v / 2, v


def hand_size(m, max_r, max_v):
    for dn in sorted(DN):
        r, v = hand_r_v(m, DN[dn])
        if r <= max_r and v <= max_v:
            return dn
    raise AssertionError("no size")


def two_pipe_network(positions, pipes, consumers):
    """Supply nodes S<k>, return twins R<k>; pipes (a, b, length) as PS<i>/PR<i> twins."""
    net = heatnet.Network(name="hand", settings={"fluid": FLUID, "ambient_temperature_C": 10})
    for k, (x, y) in enumerate(positions):
        net.add_node(f"S{k}", x=x, y=y)
        net.add_node(f"R{k}", x=x, y=y)
    for i, (a, b, length) in enumerate(pipes, start=1):
        for side, f, t in (("S", a, b), ("R", b, a)):
            net.add_pipe(f"P{side}{i}", from_=f"{side}{f}", to=f"{side}{t}", length_m=length,
                         inner_diameter_m=0.3, roughness_mm=K_M * 1e3, heat_loss_W_mK=0.0)
    net.add_source("PLANT", supply_node="S0", return_node="R0", supply_temperature_C=90,
                   return_pressure_bar=3.0, pump={"type": "fixed_dp", "dp_bar": 6.0})
    for node, kw in consumers:
        net.add_consumer(f"C{node}", supply_node=f"S{node}", return_node=f"R{node}",
                         heat_demand_kW=kw, return_temperature_C=90 - DT)
    return net


def kg_s(kw):
    return kw * 1e3 / (CP * DT)


# --------------------------------------------------------------------------- line
# Plant S0 - S1 - S2 - S3, 200 m each; 1000 kW at S1, 450 at S2, 450 at S3; limits 200 Pa/m,
# 1.2 m/s. By hand (R Pa/m, v m/s):
#   PS1 1900 kW = 11.34 kg/s: DN100 153 Pa/m but 1.30 m/s > 1.2 -> DN125 (51 Pa/m, 0.85 m/s)
#   PS2  900 kW =  5.37 kg/s: DN65 312 Pa/m > 200 -> DN80 (136 Pa/m, 1.04 m/s)
#   PS3  450 kW =  2.69 kg/s: DN50 ~300 Pa/m > 200 -> DN65
LINE_EXPECTED = {"PS1": (125, "max_velocity_m_s"), "PS2": (80, "max_dp_Pa_m"),
                 "PS3": (65, "max_dp_Pa_m")}


def line_network():
    return two_pipe_network([(0, 0), (200, 0), (400, 0), (600, 0)],
                            [(0, 1, 200.0), (1, 2, 200.0), (2, 3, 200.0)],
                            [(1, 1000.0), (2, 450.0), (3, 450.0)])


def test_three_pipe_line_matches_the_hand_calculation():
    flows = {"PS1": kg_s(1900), "PS2": kg_s(900), "PS3": kg_s(450)}
    for pid, (dn, _why) in LINE_EXPECTED.items():           # the hand calculation itself
        assert hand_size(flows[pid], 200, 1.2) == dn
    net = line_network()
    sized = design.size_pipes(net, BORES, max_dp_Pa_m=200, max_velocity_m_s=1.2)
    assert sized.converged
    t = sized.table
    for pid, (dn, why) in LINE_EXPECTED.items():
        row = t.loc[pid]
        assert row["twin"] == "PR" + pid[2:]
        assert row["new_size"] == f"DN{dn}"
        assert row["governed_by"] == why
        r, v = hand_r_v(flows[pid], DN[dn])
        assert row["mass_flow_kg_s"] == pytest.approx(flows[pid], rel=1e-6)
        assert row["dp_Pa_m"] == pytest.approx(r, rel=1e-6)
        assert row["velocity_m_s"] == pytest.approx(v, rel=1e-9)
        for p in (pid, "PR" + pid[2:]):                     # twins share the size
            assert sized.network.element("pipes", p)["inner_diameter_m"] == DN[dn]
    # the final solve used the final sizes; the input network is untouched (copy=True)
    assert net.element("pipes", "PS1")["inner_diameter_m"] == 0.3
    vel = dict(zip(sized.result.ids("pipes"), sized.result["pipes/velocity"][-1]))
    assert vel["PS1"] == pytest.approx(hand_r_v(flows["PS1"], DN[125])[1], rel=1e-6)
    assert sized.rounds == 2          # tree: flows do not depend on sizes; the 2nd round confirms


def test_heat_loss_comes_from_the_catalogue():
    # (with U the pipes lose heat, the water cools and the flows rise a little: 0.5 % here)
    sized = design.size_pipes(line_network(), "en253-series2", max_dp_Pa_m=200,
                              max_velocity_m_s=1.2)
    u = {int(r["dn"]): float(r["heat_loss_W_mK"]) for r in catalogue_rows()}
    assert sized.network.element("pipes", "PR2")["heat_loss_W_mK"] == u[80]


def test_velocity_limit_of_a_catalogue_size(tmp_path):
    # a catalogue whose DN80 allows only 1.0 m/s: PS2 (1.04 m/s in DN80) moves up to DN100
    rows = catalogue_rows()
    path = tmp_path / "cat.csv"
    with open(path, "w") as f:
        f.write("dn,inner_diameter_m,max_velocity_m_s\n")
        for r in rows:
            f.write(f"{r['dn']},{r['inner_diameter_m']},{1.0 if r['dn'] == '80' else 3.0}\n")
    sized = design.size_pipes(line_network(), path, max_dp_Pa_m=200, max_velocity_m_s=1.2)
    assert sized.table.loc["PS2", "new_size"] == "DN100"
    assert sized.table.loc["PS2", "governed_by"] == "max_velocity_m_s"


def test_per_pipe_limits_and_min_dn(tmp_path):
    limits = tmp_path / "limits.csv"
    limits.write_text("pipe,max_dp_Pa_m,min_dn\nPS3,,100\nPS*,400,\n")
    sized = design.size_pipes(line_network(), BORES, max_dp_Pa_m=200,
                              max_velocity_m_s=1.5, pipe_limits=limits)
    t = sized.table
    assert t.loc["PS3", "new_size"] == "DN100" and t.loc["PS3", "governed_by"] == "min_dn"
    assert t.loc["PS2", "new_size"] == "DN65"                # 312 Pa/m <= 400, 1.43 m/s
    assert t.loc["PS1", "new_size"] == "DN100"               # 153 Pa/m, 1.30 m/s
    bad = tmp_path / "bad.csv"
    bad.write_text("pipe,max_dp_Pa_m\nNOPE*,100\n")
    with pytest.raises(design.SizingError, match="NOPE"):
        design.size_pipes(line_network(), "en253-series2", pipe_limits=bad)


def test_infeasible_names_the_pipe():
    net = line_network()
    net.set_consumer("C1", heat_demand_kW=400000.0)          # 400 MW through DN1000 max
    with pytest.raises(design.SizingError, match="pipe 'PS1'.*no catalogue size"):
        design.size_pipes(net, "en253-series2", max_dp_Pa_m=200, max_velocity_m_s=1.2)


# --------------------------------------------------------------------------- ring
# S0 (plant) - S1 (300 m), S1 - S2 (300 m) and S0 - S2 directly (900 m, a longer route);
# 600 kW at S1, 1200 kW at S2. The split of the flow to S2 between the two routes depends on
# the sizes, so the hand calculation iterates: split the flow (equal friction loss around the
# loop, bisection), size each pipe for its flow, repeat until the sizes repeat.
RING_PIPES = [(0, 1, 300.0), (1, 2, 300.0), (0, 2, 900.0)]


def ring_network():
    return two_pipe_network([(0, 0), (300, 0), (300, 300)], RING_PIPES, [(1, 600.0), (2, 1200.0)])


def hand_ring(d):
    """Flows of PS1, PS2, PS3 for diameters d (3 values) by the loop equation."""
    m1, m2 = kg_s(600), kg_s(1200)

    def loop(x):          # friction along S0-S1-S2 minus along S0-S2, x = flow in PS3
        return (hand_r_v(m1 + m2 - x, d[0])[0] * 300 + hand_r_v(m2 - x, d[1])[0] * 300
                - hand_r_v(x, d[2])[0] * 900)
    lo, hi = 1e-9, m2 - 1e-9
    for _ in range(200):
        mid = (lo + hi) / 2
        if loop(lo) * loop(mid) <= 0:
            hi = mid
        else:
            lo = mid
    x = (lo + hi) / 2
    return [m1 + m2 - x, m2 - x, x]


def test_small_ring_is_sized_from_the_solved_split():
    d = [0.3, 0.3, 0.3]
    for _ in range(20):
        flows = hand_ring(d)
        dns = [hand_size(m, 100, 1.5) for m in flows]
        new = [DN[dn] for dn in dns]
        if new == d:
            break
        d = new
    else:
        pytest.fail("the hand iteration did not settle")
    sized = design.size_pipes(ring_network(), BORES, max_dp_Pa_m=100, max_velocity_m_s=1.5)
    t = sized.table
    assert [t.loc[p, "new_size"] for p in ("PS1", "PS2", "PS3")] == [f"DN{n}" for n in dns]
    for p, m in zip(("PS1", "PS2", "PS3"), flows):
        assert t.loc[p, "mass_flow_kg_s"] == pytest.approx(m, rel=2e-3)
    # a tree assumption (no PS3) would put all 1800 kW through PS1: a bigger pipe
    assert hand_size(kg_s(1800), 100, 1.5) > dns[0]
    assert flows[2] > 0.1 * kg_s(1200)          # the direct route really carries flow


def test_rounds_are_bounded_and_reported():
    sized = design.size_pipes(ring_network(), "en253-series2", max_dp_Pa_m=100,
                              max_velocity_m_s=1.5, free_rounds=1)
    assert sized.converged
    assert [h["round"] for h in sized.history] == list(range(1, sized.rounds + 1))
    assert sized.history[-1]["changed"] == 0
    with pytest.raises(design.SizingError, match="did not settle in 1 rounds"):
        design.size_pipes(ring_network(), "en253-series2", max_rounds=1)


# --------------------------------------------------------------------------- catalogue
def test_shipped_catalogue_is_the_oral_one():
    oral = catalogue_rows(REPO / "examples" / "oral" / "pipe_catalogue.csv")
    for series in (1, 2, 3):
        rows = catalogue_rows(SERIES2.with_name(f"en253_series{series}.csv"))
        assert [int(r["dn"]) for r in rows] == [int(r["dn"]) for r in oral]
        for r, o in zip(rows, oral):
            assert float(r["inner_diameter_m"]) == pytest.approx(
                float(o["inner_diameter_mm"]) / 1000, abs=1e-9)
            assert float(r["heat_loss_W_mK"]) == float(o[f"u_s{series}_W_mK"])
            assert float(r["casing_mm"]) == float(o[f"casing_s{series}_mm"])


@pytest.mark.parametrize("text, message", [
    ("dn,outer_mm\n50,60\n", "no column inner_diameter_m"),
    ("inner_diameter_m\n-0.1\n", "must be > 0"),
    ("inner_diameter_m,dn\n0.1,50.5\n", "not an integer"),
    ("inner_diameter_m\n0.1\n0.1\n", "two sizes"),
    ("inner_diameter_m\nabc\n", "not a number"),
])
def test_bad_catalogue_names_line_and_column(text, message):
    with pytest.raises(ValueError, match=message):
        design.Catalogue.from_csv_text(text, "cat.csv")


# --------------------------------------------------------------------------- CLI
@pytest.mark.skipif(not HEATNET_BIN.exists(), reason=f"no CLI at {HEATNET_BIN}")
def test_cli_size_writes_the_sized_network_and_report(tmp_path):
    src = tmp_path / "line.json"
    line_network().to_json(src)
    out, report = tmp_path / "sized.json", tmp_path / "sizing.csv"
    r = subprocess.run([str(HEATNET_BIN), "size", str(src), "--catalogue", "en253-series2",
                        "--max-dp-Pa-m", "200", "--max-velocity-m-s", "1.2", "-o", str(out),
                        "--report", str(report)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    net = heatnet.Network.from_json(out)
    assert net.element("pipes", "PS1")["inner_diameter_m"] == DN[125]
    table = pd.read_csv(report, index_col="pipe")
    assert table.loc["PS2", "new_size"] == "DN80"
    assert "max_velocity_m_s" in r.stdout


@pytest.mark.skipif(not HEATNET_BIN.exists(), reason=f"no CLI at {HEATNET_BIN}")
def test_cli_size_infeasible_is_exit_2_without_output(tmp_path):
    net = line_network()
    net.set_consumer("C1", heat_demand_kW=400000.0)
    src = tmp_path / "line.json"
    net.to_json(src)
    out = tmp_path / "sized.json"
    r = subprocess.run([str(HEATNET_BIN), "size", str(src), "--catalogue", "en253-series2",
                        "-o", str(out)], capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stderr.startswith("error: pipe 'PS1'")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["line.json"]
