"""heatnet.design.lifecycle (python/heatnet/design/): life-cycle cost of design variants.

- A one-pipe network whose loss and pump power follow in closed form (constant-property fluid,
  fixed flow): the NPV equals investment + annuity of the constant annual costs, by hand.
- The annual heat loss of a variant equals the sum of its per-step pipe losses in the results
  file of the same run (uneven steps, so the interval rule matters).
- Failed-check hours by kind, feasibility and ranking; serial and process pool agree.
- Bad study input (unknown DN in the cost table, a DN missing from it, negative price,
  lifetime 0, unknown economics key) gets a clear StudyInputError before any simulation.
- The shipped cost catalogue is what its derivation (design/_cost_sources.py) writes.

Run: PYTHONPATH=build/python /usr/bin/python3 -m pytest -q tests/python/test_lifecycle.py
"""
import math
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")
h5py = pytest.importorskip("h5py")
heatnet = pytest.importorskip("heatnet")
hd = pytest.importorskip("heatnet.design")

CP, RHO = 4200.0, 1000.0          # constant fluid properties of the test networks
T_SUPPLY, T_SOIL = 80.0, 8.0
FLOW, DP_BAR = 5.0, 3.0
L_SUP, L_RET, U_SUP = 2000.0, 10.0, 0.4
ID_DN100, ID_DN50 = 0.1071, 0.0545
PIPE_EUR, TRENCH_EUR = 1000.0, 300.0


def one_pipe(diameter=ID_DN100, flow=FLOW, name="one-pipe"):
    """A plant, one insulated supply pipe (the only one that loses heat), a fixed-flow consumer
    and a 10 m uninsulated return."""
    net = heatnet.Network(name=name, settings={
        "ambient_temperature_C": T_SOIL,
        "fluid": {"density_kg_m3": RHO, "kinematic_viscosity_m2_s": 4e-7,
                  "specific_heat_J_kgK": CP}})
    for n in ("S", "C", "CR", "R"):
        net.add_node(n)
    net.add_pipe("SUP", from_="S", to="C", length_m=L_SUP, inner_diameter_m=diameter,
                 roughness_mm=0.1, heat_loss_W_mK=U_SUP)
    net.add_pipe("RET", from_="CR", to="R", length_m=L_RET, inner_diameter_m=diameter,
                 roughness_mm=0.1)
    net.add_source("PLANT", supply_node="S", return_node="R", supply_temperature_C=T_SUPPLY,
                   return_pressure_bar=2.0, pump={"type": "fixed_dp", "dp_bar": DP_BAR})
    net.add_consumer("CONS", supply_node="C", return_node="CR", mass_flow_kg_s=flow,
                     return_temperature_C=40)
    return net


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tables(tmp_path):
    sizes = write(tmp_path / "sizes.csv", "# test pipe sizes\ndn,inner_diameter_mm,u_s2_W_mK\n"
                  "50,54.5,0.4\n100,107.1,0.4\n")
    catalogue = write(tmp_path / "costs.csv", "dn,series,pipe_EUR_per_m,trench_EUR_per_m,source\n"
                      f"50,2,500,100,test\n100,2,{PIPE_EUR},{TRENCH_EUR},test\n")
    return sizes, catalogue


def constant_day(tmp_path):
    rows = "\n".join(f"{h},1.0" for h in range(24))
    return write(tmp_path / "day.csv", "time_h,demand_factor:*\n" + rows + "\n")


def test_one_pipe_npv_is_investment_plus_annuity_of_constant_losses(tmp_path, tables):
    sizes, catalogue = tables
    e = hd.Economics(heat_price_EUR_per_MWh=40.0, electricity_price_EUR_per_MWh=120.0,
                     discount_rate=0.05, lifetime_years=25, pump_efficiency=0.6,
                     substation_EUR_per_kW=135.0, pipes_per_trench=2.0)
    costs = hd.Costs.default(sizes, e, catalogue=catalogue)
    study = hd.lifecycle([hd.Variant("one", one_pipe(), insulation_series=2)],
                         constant_day(tmp_path), costs, executor=None,
                         tolerance_temperature_K=1e-12)
    row = study.table.iloc[0]

    # By hand. Pipe (docs/models.md): T_out = T_soil + (T_in - T_soil) exp(-U L / (m cp)),
    # loss = m cp (T_in - T_out). The pump's hydraulic power is (p_supply - p_return) * m / rho
    # from the solved pressures (solver/solution_builder.cpp): the set point dp * m / rho to
    # 1e-7 (the solved dp is 0.005 Pa below 3 bar), so the annual figure is checked against a
    # single steady solve of the same network. The fixed-flow consumer has no heat_demand_kW,
    # so no substation cost.
    loss_W = FLOW * CP * (T_SUPPLY - T_SOIL) * (1 - math.exp(-U_SUP * L_SUP / (FLOW * CP)))
    pump_W = heatnet.solve(one_pipe(), tolerance_temperature_K=1e-12).summary["pump_power_W"]
    assert pump_W == pytest.approx(DP_BAR * 1e5 * FLOW / RHO, rel=1e-7)
    pump_el_W = pump_W / 0.6
    investment = (L_SUP + L_RET) * (PIPE_EUR + TRENCH_EUR / 2)
    annual = (loss_W * 40.0 + pump_el_W * 120.0) * 8760 / 1e6          # EUR per year
    annuity = (1 - 1.05 ** -25) / 0.05
    npv = investment + annual * annuity

    assert row["investment_EUR"] == pytest.approx(investment, rel=1e-12)
    assert row["heat_loss_MWh_a"] == pytest.approx(loss_W * 8760 / 1e6, rel=1e-9)
    assert row["pump_energy_MWh_a"] == pytest.approx(pump_el_W * 8760 / 1e6, rel=1e-9)
    assert row["npv_EUR"] == pytest.approx(npv, rel=1e-9)
    assert row["npv_EUR"] == pytest.approx(row["npv_investment_EUR"] + row["npv_heat_loss_EUR"]
                                           + row["npv_pumping_EUR"], rel=1e-12)
    assert row["simulated_hours"] == 24 and bool(row["feasible"])
    assert row["failed_check_hours"] == 0 and row["peak_under_supply_kW"] == 0


def test_annuity_factor_by_hand():
    assert hd.annuity_factor(0.04, 30) == pytest.approx(17.2920, abs=5e-5)   # annuity tables
    assert hd.annuity_factor(0.0, 30) == 30.0
    assert hd.present_value(100.0, 10.0, 0.1, 2) == pytest.approx(100 + 10 / 1.1 + 10 / 1.21)


def test_annual_heat_loss_equals_the_sum_of_per_step_losses_in_the_results_file(tmp_path, tables):
    sizes, catalogue = tables
    times = [0, 1, 2, 4, 5, 7.5, 8, 11, 12, 13, 20, 21]     # uneven steps
    lines = ["time_h,soil_temperature_C,demand_factor:*"]
    for i, t in enumerate(times):
        lines.append(f"{t},{5 + (i % 4)},{0.5 + 0.1 * (i % 6)}")
    profiles = write(tmp_path / "uneven.csv", "\n".join(lines) + "\n")
    costs = hd.Costs.default(sizes, catalogue=catalogue)
    study = hd.lifecycle([hd.Variant("v1", one_pipe(), insulation_series=2)], profiles, costs,
                         executor=None, results_dir=tmp_path / "runs")
    row = study.table.iloc[0]
    with h5py.File(tmp_path / "runs" / "v1.h5", "r") as f:
        t_h = f["time"][:] / 3600.0
        loss_W = f["pipes/heat_loss"][:].sum(axis=1)
    dt = np.diff(t_h)
    dt = np.append(dt, dt[-1])                 # the last step repeats the previous interval
    per_step_MWh = float((loss_W * dt).sum() / 1e6)
    period = row["heat_loss_MWh_a"] * row["simulated_hours"] / 8760.0
    assert row["simulated_hours"] == pytest.approx(dt.sum(), rel=1e-12)
    assert period == pytest.approx(per_step_MWh, rel=1e-9)
    assert per_step_MWh > 0
    # the network the run used is kept next to it and solves again to the same file figures
    again = heatnet.simulate(heatnet.Network.from_json(str(tmp_path / "runs" / "v1.json")),
                             profiles, keep_result=False)
    assert again.summary["heat_loss_MWh"] == pytest.approx(per_step_MWh, rel=1e-9)


def test_failed_checks_by_kind_make_a_variant_infeasible_and_rank_it_last(tmp_path, tables):
    sizes, catalogue = tables
    costs = hd.Costs.default(sizes, catalogue=catalogue)
    # 25 kg/s through DN50 runs at ~10.7 m/s: above the 3 m/s velocity check at every step
    variants = [hd.Variant("small", one_pipe(ID_DN50, flow=25.0), insulation_series=2),
                hd.Variant("large", one_pipe(ID_DN100, flow=25.0), insulation_series=2)]
    study = hd.lifecycle(variants, constant_day(tmp_path), costs, executor=None)
    t = study.table.set_index("variant")
    assert t.loc["small", "failed_h_max_velocity"] == 24
    assert t.loc["small", "failed_check_hours"] == 24 and not t.loc["small", "feasible"]
    assert t.loc["large", "failed_h_max_velocity"] == 0 and t.loc["large", "feasible"]
    assert t.loc["small", "investment_EUR"] < t.loc["large", "investment_EUR"]
    assert list(study.table["variant"]) == ["large", "small"]        # feasible first
    relaxed = hd.lifecycle(variants, constant_day(tmp_path), costs, executor=None,
                           blocking_checks=["under_supplied"])
    assert list(relaxed.table["variant"])[0] == "small"               # cheaper, now feasible
    png = tmp_path / "npv.png"
    study.plot(file=png)
    assert png.stat().st_size > 0
    csv = tmp_path / "study.csv"
    study.to_csv(csv)
    back = pd.read_csv(csv)
    for col in ("variant", "investment_EUR", "heat_loss_MWh_a", "pump_energy_MWh_a", "npv_EUR",
                "failed_check_hours"):
        assert col in back.columns


def test_failures_colder_than_the_design_outdoor_temperature_do_not_block(tmp_path, tables):
    sizes, catalogue = tables
    costs = hd.Costs.default(sizes, catalogue=catalogue)
    outdoor = [-35.0, -33.0, -31.0, -20.0] * 6          # 12 of 24 hours colder than -31
    rows = "\n".join(f"{h},{t},1.0" for h, t in enumerate(outdoor))
    profiles = write(tmp_path / "cold.csv", "time_h,outdoor_temperature_C,demand_factor:*\n"
                     + rows + "\n")
    small = [hd.Variant("small", one_pipe(ID_DN50, flow=25.0), insulation_series=2)]
    row = hd.lifecycle(small, profiles, costs, executor=None,
                       design_outdoor_temperature_C=-31.0).table.iloc[0]
    assert row["failed_h_max_velocity"] == 24 and row["blocking_hours"] == 12
    assert not row["feasible"]
    row = hd.lifecycle(small, profiles, costs, executor=None,
                       design_outdoor_temperature_C=-15.0).table.iloc[0]
    assert row["failed_check_hours"] == 24 and row["blocking_hours"] == 0 and row["feasible"]
    with pytest.raises(hd.StudyInputError, match="needs an outdoor_temperature_C"):
        hd.lifecycle(small, constant_day(tmp_path), costs, executor=None,
                     design_outdoor_temperature_C=-31.0)


def test_process_pool_gives_the_serial_table(tmp_path, tables):
    sizes, catalogue = tables
    costs = hd.Costs.default(sizes, catalogue=catalogue)
    variants = [hd.Variant(f"f{q}", one_pipe(flow=q), insulation_series=2) for q in (3.0, 6.0)]
    serial = hd.lifecycle(variants, constant_day(tmp_path), costs, executor=None).table
    pool = hd.lifecycle(variants, constant_day(tmp_path), costs, executor="processes",
                        max_workers=2).table
    cols = ["variant", "investment_EUR", "heat_loss_MWh_a", "pump_energy_MWh_a", "npv_EUR"]
    pd.testing.assert_frame_equal(serial[cols], pool[cols])


def test_identical_variants_share_one_annual_run(tmp_path, tables):
    sizes, catalogue = tables
    costs = hd.Costs.default(sizes, catalogue=catalogue)
    net = one_pipe(flow=3.0)
    variants = [hd.Variant("a", net, insulation_series=2),
                hd.Variant("b", net, insulation_series=2, description="same pipes"),
                hd.Variant("c", one_pipe(flow=6.0), insulation_series=2)]
    seen = []
    study = hd.lifecycle(variants, constant_day(tmp_path), costs, executor=None,
                         progress=lambda done, total: seen.append(total))
    assert set(seen) == {2}                       # a and b: one run
    t = study.table.set_index("variant")
    assert sorted(t.index) == ["a", "b", "c"]
    for col in ("heat_loss_MWh_a", "pump_energy_MWh_a", "npv_EUR", "failed_check_hours"):
        assert t.loc["a", col] == t.loc["b", col]
    assert t.loc["b", "description"] == "same pipes"
    separate = hd.lifecycle(variants[:1], constant_day(tmp_path), costs, executor=None).table
    assert separate.iloc[0]["heat_loss_MWh_a"] == t.loc["a", "heat_loss_MWh_a"]
    kept = hd.lifecycle(variants, constant_day(tmp_path), costs, executor=None,
                        results_dir=tmp_path / "kept")
    assert (tmp_path / "kept" / "a.h5").exists() and (tmp_path / "kept" / "b.h5").exists()
    assert kept.table.set_index("variant").loc["b", "npv_EUR"] == t.loc["b", "npv_EUR"]


def test_reprice_changes_only_the_money(tmp_path, tables):
    sizes, catalogue = tables
    costs = hd.Costs.default(sizes, catalogue=catalogue)
    study = hd.lifecycle([hd.Variant("one", one_pipe(), insulation_series=2)],
                         constant_day(tmp_path), costs, executor=None)
    dearer = study.reprice(hd.Economics(heat_price_EUR_per_MWh=100.0, investment_factor=2.0))
    a, b = study.table.iloc[0], dearer.table.iloc[0]
    assert b["heat_loss_MWh_a"] == a["heat_loss_MWh_a"]
    assert b["pipes_EUR"] == pytest.approx(2 * a["pipes_EUR"], rel=1e-12)
    assert b["npv_heat_loss_EUR"] == pytest.approx(
        a["heat_loss_MWh_a"] * 100.0 * hd.annuity_factor(0.04, 30), rel=1e-12)
    back = study.reprice(hd.Economics(investment_factor=0.0)).reprice(
        hd.Economics(investment_factor=2.0))            # repricing never loses the catalogue cost
    assert back.table.iloc[0]["pipes_EUR"] == pytest.approx(2 * a["pipes_EUR"], rel=1e-12)


# ------------------------------------------------------------------ bad input

def test_unknown_dn_in_the_cost_table_is_an_error(tmp_path):
    bad = write(tmp_path / "bad.csv", "dn,series,pipe_EUR_per_m,trench_EUR_per_m,source\n"
                "100,2,1000,0,x\n777,2,1000,0,x\n")
    with pytest.raises(hd.StudyInputError, match=r"bad\.csv:3: dn = 777: unknown DN"):
        hd.CostCatalogue.read(bad)


def test_a_pipe_whose_dn_is_missing_from_the_cost_table_is_an_error(tmp_path, tables):
    sizes, _ = tables
    only50 = write(tmp_path / "only50.csv", "dn,series,pipe_EUR_per_m,trench_EUR_per_m,source\n"
                   "50,2,500,0,x\n")
    costs = hd.Costs.default(sizes, catalogue=only50)
    with pytest.raises(hd.StudyInputError,
                       match=r"variant 'v': pipe 'SUP': DN 100 series 2 is not in the cost"):
        hd.lifecycle([hd.Variant("v", one_pipe(), insulation_series=2)], constant_day(tmp_path),
                     costs, executor=None)


def test_a_pipe_matching_no_size_is_an_error(tmp_path, tables):
    sizes, catalogue = tables
    costs = hd.Costs.default(sizes, catalogue=catalogue)
    with pytest.raises(hd.StudyInputError,
                       match=r"pipe 'SUP': inner_diameter_m = 0.2 matches no DN"):
        hd.lifecycle([hd.Variant("v", one_pipe(diameter=0.2), insulation_series=2)],
                     constant_day(tmp_path), costs, executor=None)


@pytest.mark.parametrize("field,value,message", [
    ("heat_price_EUR_per_MWh", -5.0, r"heat_price_EUR_per_MWh = -5: must be >= 0"),
    ("electricity_price_EUR_per_MWh", -0.1, r"electricity_price_EUR_per_MWh = -0.1: must be >= 0"),
    ("lifetime_years", 0, r"lifetime_years = 0: must be > 0"),
    ("pump_efficiency", 1.5, r"pump_efficiency = 1.5: must be <= 1"),
    ("discount_rate", float("nan"), r"discount_rate = nan: must be finite"),
])
def test_bad_economics_are_errors(field, value, message):
    with pytest.raises(hd.StudyInputError, match=message):
        hd.Economics(**{field: value}).validate()
    with pytest.raises(hd.StudyInputError, match="economics." + message):
        hd.Economics.from_mapping({field: value})


def test_unknown_economics_key_and_duplicate_variant_are_errors():
    with pytest.raises(hd.StudyInputError, match=r"economics: unknown key 'heat_price'"):
        hd.Economics.from_mapping({"heat_price": 3})
    with pytest.raises(hd.StudyInputError, match=r"variant name 'a' is used twice"):
        hd.lifecycle([hd.Variant("a", {}), hd.Variant("a", {})], "p.csv", None)


def test_shipped_catalogue_is_its_derivation():
    from heatnet.design import _cost_sources as src

    assert Path(src.CATALOGUE_PATH).read_text(encoding="utf-8") == src.catalogue_text()
    cat = hd.CostCatalogue.read()
    assert cat.pipe_EUR_per_m[(800, 1)] == 12479.0            # EDR DN800, unchanged
    assert cat.pipe_EUR_per_m[(150, 2)] == pytest.approx(1126.4 + 8.0 * 548.78 / 473.33, abs=0.01)
    assert all(cat.pipe_EUR_per_m[(dn, 1)] < cat.pipe_EUR_per_m[(dn, 2)]
               < cat.pipe_EUR_per_m[(dn, 3)] for dn in src.EDR_COMBINED_EUR_PER_M)


# ------------------------------------------------------------------ heatnet study (CLI)

def _cli(*args):
    import os
    import subprocess

    binary = Path(os.environ.get("HEATNET_BIN", Path(__file__).resolve().parents[2]
                                 / "build" / "bin" / "heatnet"))
    if not binary.exists():
        pytest.skip(f"no CLI at {binary}")
    return subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def _study_files(tmp_path, tables):
    import json

    sizes, catalogue = tables
    one_pipe().to_json(str(tmp_path / "one.json"))
    constant_day(tmp_path)
    study = {"format": "heatnet-study/1", "profiles": "day.csv",
             "variants": [{"name": "one", "network": "one.json", "insulation_series": 2}],
             "costs": {"catalogue": catalogue.name, "pipe_sizes": sizes.name,
                       "economics": {"heat_price_EUR_per_MWh": 40.0}}}
    return study, json


def test_heatnet_study_writes_the_table_and_the_plot(tmp_path, tables):
    study, json = _study_files(tmp_path, tables)
    write(tmp_path / "study.json", json.dumps(study))
    out = tmp_path / "out"
    out.mkdir()
    r = _cli("study", tmp_path / "study.json", "-o", out, "--executor", "serial")
    assert r.returncode == 0, r.stderr
    assert "one" in r.stdout and "wrote" in r.stdout
    table = pd.read_csv(out / "lifecycle_study.csv")
    assert list(table["variant"]) == ["one"] and table["npv_EUR"].iloc[0] > 0
    assert (out / "lifecycle_study.png").stat().st_size > 0


@pytest.mark.parametrize("change,message", [
    (lambda s: s["costs"]["economics"].update(lifetime_years=0),
     "costs.economics.lifetime_years = 0: must be > 0"),
    (lambda s: s["costs"]["economics"].update(electricity_price_EUR_per_MWh=-1),
     "costs.economics.electricity_price_EUR_per_MWh = -1: must be >= 0"),
    (lambda s: s["variants"][0].update(network="missing.json"),
     "variants[0].network = 'missing.json': no such file"),
    (lambda s: s.update(colour="red"), "unknown key 'colour'"),
])
def test_heatnet_study_bad_input_is_exit_2_with_one_line_and_no_output(tmp_path, tables, change,
                                                                       message):
    study, json = _study_files(tmp_path, tables)
    change(study)
    write(tmp_path / "study.json", json.dumps(study))
    out = tmp_path / "out"
    out.mkdir()
    r = _cli("study", tmp_path / "study.json", "-o", out, "--executor", "serial")
    assert r.returncode == 2
    assert r.stderr.startswith("error: ") and message in r.stderr and r.stderr.count("\n") == 1
    assert list(out.iterdir()) == []


def test_heatnet_study_unknown_dn_in_the_cost_table(tmp_path, tables):
    study, json = _study_files(tmp_path, tables)
    write(tmp_path / "costs777.csv", "dn,series,pipe_EUR_per_m,trench_EUR_per_m,source\n"
          "777,2,1,0,x\n")
    study["costs"]["catalogue"] = "costs777.csv"
    write(tmp_path / "study.json", json.dumps(study))
    r = _cli("study", tmp_path / "study.json", "-o", tmp_path, "--executor", "serial")
    assert r.returncode == 2 and "dn = 777: unknown DN" in r.stderr
    assert not (tmp_path / "lifecycle_study.csv").exists()
