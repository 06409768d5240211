"""heatnet report: the Oral design and annual reports opened in headless Chromium.

Each report is written by the CLI (`heatnet report`), loaded in Chromium (chromium_page.py), and
checked the way a reader would: no console errors, the charts laid out with a real size, the
tables sortable, the key figures in the DOM equal to the HDF5 datasets (read with h5py, summed
here) and to the solver's own summary; printed to A4.

Run: PYTHONPATH=build/python HEATNET_BIN=build/bin/heatnet /usr/bin/python3 -m pytest -q \
     tests/python/test_report.py         (needs Debian's chromium: `make test` installs it)
"""
from __future__ import annotations

import collections
import json
import os
import pathlib
import re
import subprocess
import sys
from html.parser import HTMLParser

import numpy as np
import pytest

heatnet = pytest.importorskip("heatnet")
h5py = pytest.importorskip("h5py")
pytest.importorskip("matplotlib")

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import chromium_page  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
ORAL = ROOT / "examples" / "oral"
HEATNET = pathlib.Path(os.environ.get("HEATNET_BIN", ROOT / "build" / "bin" / "heatnet")).absolute()
BENCH = HEATNET.parent / "heatnet_bench"

# Declared once.
EXACT_RTOL = 1e-12          # a DOM value is the HDF5 value summed the same way: round-off only
SUMMARY_RTOL = 1e-9         # the Python figures vs the C++ step summary (sums in another order)
BOILING_ATOL_PA = 1.0       # p_sat(T) by IF97 region 4 in Python (heatnet.plot) and in C++
MIN_CHART_PX = (600, 250)   # width, height a laid-out chart must reach in a 1280 px window
A4_PT = (595.92, 842.88)    # Chromium's A4 page in PDF points
A4_ATOL_PT = 1.0
MAX_LARGE_REPORT_BYTES = 20e6
RUN_TIMEOUT_S = 900


@pytest.fixture(scope="session")
def chromium():
    binary = chromium_page.chromium_binary()
    if binary is None:
        pytest.fail("no chromium on PATH: `make test` installs Debian's chromium (or set $CHROMIUM)")
    return binary


def _cli(*args, check=True):
    proc = subprocess.run([str(HEATNET), *map(str, args)], capture_output=True, text=True,
                          timeout=RUN_TIMEOUT_S, env=dict(os.environ, MPLBACKEND="Agg"))
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


@pytest.fixture(scope="module")
def design(tmp_path_factory):
    """The Oral design case solved in Python (for the C++ summary), its HDF5 and its report."""
    out = tmp_path_factory.mktemp("report_design")
    net = heatnet.Network.from_json(ORAL / "oral.json")
    res = heatnet.solve(net)
    res.to_hdf5(out / "oral_design.h5")
    _cli("report", out / "oral_design.h5", "--network", ORAL / "oral.json",
         "-o", out / "oral_report.html")
    return out, res


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    """The Oral annual run (heatnet simulate, 8760 h) and its report."""
    out = tmp_path_factory.mktemp("report_year")
    _cli("simulate", ORAL / "oral.json", "--profiles", ORAL / "annual_profiles.csv",
         "-o", out / "oral_year.h5", "-q")
    _cli("report", out / "oral_year.h5", "--network", ORAL / "oral.json",
         "-o", out / "oral_year_report.html")
    return out


PROBE_JS = r"""
// what the page fetched, or refers to, outside itself (in-page #anchors and data: URIs are in)
var external = performance.getEntriesByType("resource").map(function (e) { return e.name; });
[].forEach.call(document.querySelectorAll("*"), function (el) {
  [].forEach.call(el.attributes, function (a) {
    if (["src", "href", "srcset", "poster", "data", "action"].indexOf(a.localName) >= 0 &&
        !/^\s*(#|data:)/.test(a.value)) external.push(a.value);
  });
});
var out = {figures: {}, external: external};
document.querySelectorAll("figure.chart").forEach(function (f) {
  var s = f.querySelector("svg"), r = s ? s.getBoundingClientRect() : {width: 0, height: 0};
  out.figures[f.id] = [r.width, r.height];
});
var t = document.getElementById("consumers-table");
if (t) {
  var th = t.querySelectorAll("thead th")[6];   // dp available
  var col = function () { return [].map.call(t.tBodies[0].rows, function (r) {
    return parseFloat(r.cells[6].getAttribute("data-v")); }); };
  th.click(); out.sorted_up = col(); th.click(); out.sorted_down = col();
}
var b = document.querySelector('.map-select button[data-map="map-velocity"]');
if (b) {
  b.click();
  out.maps_shown = [].filter.call(document.querySelectorAll("figure.map"),
    function (f) { return !f.hidden; }).map(function (f) { return f.id; });
}
return out;
"""


class _Figures(HTMLParser):
    """{row id: (data-value, data-unit)} of the key-figure rows (<tr data-key ...>)."""

    def __init__(self):
        super().__init__()
        self.rows = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-key" in a:
            self.rows[a["id"]] = (a["data-value"], a.get("data-unit", ""))


def dom_figures(dom: str):
    p = _Figures()
    p.feed(dom)
    return p.rows


def num(rows, rid) -> float:
    return float(rows[rid][0])


def _row(f, path, step):
    return np.asarray(f[path][step], dtype=float)


def _ids(f, group):
    return [x.decode() if isinstance(x, bytes) else x for x in f[group + "/id"][()]]


def assert_step_figures(rows, f, step):
    """The key figures of one step against the HDF5 datasets."""
    assert num(rows, "kf-heat_supplied") == pytest.approx(_row(f, "sources/heat", step).sum(),
                                                          rel=EXACT_RTOL)
    assert num(rows, "kf-heat_delivered") == pytest.approx(
        _row(f, "consumers/heat", step).sum(), rel=EXACT_RTOL)
    assert num(rows, "kf-heat_loss") == pytest.approx(_row(f, "pipes/heat_loss", step).sum(),
                                                      rel=EXACT_RTOL)
    pumps = _row(f, "pumps/power", step).sum() if len(_ids(f, "pumps")) else 0.0
    assert num(rows, "kf-pump_power") == pytest.approx(
        _row(f, "sources/pump_power", step).sum() + pumps, rel=EXACT_RTOL)
    p, nodes = _row(f, "nodes/pressure", step), _ids(f, "nodes")
    assert num(rows, "kf-min_pressure") == p.min()
    assert num(rows, "kf-max_pressure") == p.max()
    v = np.abs(_row(f, "pipes/velocity", step))
    assert num(rows, "kf-max_velocity") == v.max()
    dp, cons = _row(f, "consumers/dp_available", step), _ids(f, "consumers")
    assert rows["kf-critical_consumer"][0] == cons[int(np.argmin(dp))]
    assert num(rows, "kf-critical_dp") == dp.min()
    src = _ids(f, "sources")
    for i, s in enumerate(src):
        assert num(rows, f"kf-plant_flow:{s}") == _row(f, "sources/mass_flow", step)[i]
        assert num(rows, f"kf-plant_return_temperature:{s}") == \
            _row(f, "sources/return_temperature", step)[i]
    checks = f["checks"][()]
    failed = int((checks["time_index"] == step).sum()) if checks.size else 0
    assert int(rows["kf-failed_checks"][0]) == failed
    del nodes


def assert_charts_laid_out(probe, names):
    for name in names:
        w, h = probe["figures"][name]
        assert w >= MIN_CHART_PX[0] and h >= MIN_CHART_PX[1], (name, w, h)


# ------------------------------------------------------------------------------ design case
def test_design_report_opens_without_console_errors(design, chromium):
    out, _res = design
    page = chromium_page.open_page(chromium, out / "oral_report.html", PROBE_JS)
    assert page.console == [], page.console
    assert page.probe["external"] == []   # self-contained: nothing fetched or linked
    assert_charts_laid_out(page.probe, ["map-temperature", "piezo"])
    # the other maps are one click away: hidden, then shown by the selector
    assert page.probe["maps_shown"] == ["map-velocity"]


def test_design_key_figures_equal_hdf5(design, chromium):
    out, _res = design
    page = chromium_page.open_page(chromium, out / "oral_report.html")
    rows = dom_figures(page.dom)
    with h5py.File(out / "oral_design.h5", "r") as f:
        assert_step_figures(rows, f, 0)
        sha = f.attrs["input_sha256"]
        version = f.attrs["heatnet_version"]
    sha = sha.decode() if isinstance(sha, bytes) else sha
    version = version.decode() if isinstance(version, bytes) else version
    meta = re.search(r'<dl id="meta">(.*?)</dl>', page.dom, re.S).group(1)
    assert sha in meta and version in meta and "Oral" in meta


def test_design_key_figures_equal_the_solver_summary(design, chromium):
    """The report recomputes the figures from the file; the solver computed them in C++."""
    out, res = design
    rows = dom_figures(chromium_page.open_page(chromium, out / "oral_report.html").dom)
    s = res.summary
    for key, skey in (("heat_supplied", "heat_supplied_W"), ("heat_delivered", "heat_delivered_W"),
                      ("heat_loss", "heat_loss_W"), ("pump_power", "pump_power_W"),
                      ("min_pressure", "min_pressure_Pa"), ("max_pressure", "max_pressure_Pa"),
                      ("max_velocity", "max_velocity_m_s"),
                      ("min_dp_margin", "min_consumer_dp_margin_Pa")):
        assert num(rows, f"kf-{key}") == pytest.approx(s[skey], rel=SUMMARY_RTOL, abs=1e-9), key
    assert num(rows, "kf-min_boiling_margin") == pytest.approx(s["min_boiling_margin_Pa"],
                                                               abs=BOILING_ATOL_PA)
    assert rows["kf-critical_consumer"][0] == s["critical_consumer"]
    assert int(rows["kf-failed_checks"][0]) == s["failed_checks"]
    assert int(rows["kf-under_supplied"][0]) == s["under_supplied"]


def test_tables_sort_in_the_browser(design, chromium):
    out, res = design
    probe = chromium_page.open_page(chromium, out / "oral_report.html", PROBE_JS).probe
    up, down = probe["sorted_up"], probe["sorted_down"]
    assert len(up) == len(res.ids("consumers"))   # all of them: fewer than the table's cap
    assert up == sorted(up) and down == sorted(down, reverse=True)


def test_report_prints_to_a4(design, chromium, tmp_path):
    out, _res = design
    pdf = tmp_path / "report.pdf"
    console, _s = chromium_page.capture(chromium, out / "oral_report.html", pdf, pdf=True)
    assert console == []
    data = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert len(boxes) >= 3   # key figures, map, piezometric graph, tables: several pages
    for w, h in boxes:
        assert float(w) == pytest.approx(A4_PT[0], abs=A4_ATOL_PT)
        assert float(h) == pytest.approx(A4_PT[1], abs=A4_ATOL_PT)


def test_report_is_self_contained(design):
    out, _res = design
    html = (out / "oral_report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script src" not in html and "<link" not in html
    assert html.count("<svg") >= 5   # four maps and the piezometric graph, inline


@pytest.mark.parametrize("name", ["oral_report.html", "oral_year_report.html"])
def test_referenced_ids_are_unique(design, year, name):
    """One document holds every chart's SVG: a clip path or marker id shared by two maps would
    let a hidden map's definition serve the visible one."""
    folder = design[0] if name == "oral_report.html" else year
    html = (folder / name).read_text(encoding="utf-8")
    ids = collections.Counter(re.findall(r'\sid="([^"]+)"', html))
    referenced = set(re.findall(r'url\(#([^)]+)\)', html)) | \
        set(re.findall(r'href="#([^"]+)"', html))
    assert len(referenced) > 10   # clip paths and markers of the charts, in-page links
    assert {i: ids[i] for i in referenced if ids[i] != 1} == {}


# ------------------------------------------------------------------------------ annual run
def test_year_report_opens_without_console_errors(year, chromium):
    page = chromium_page.open_page(chromium, year / "oral_year_report.html", PROBE_JS)
    assert page.console == [], page.console
    assert page.probe["external"] == []   # self-contained: nothing fetched or linked
    assert_charts_laid_out(page.probe, ["map-temperature", "piezo", "duration", "monthly"])


def test_year_figures_equal_hdf5(year, chromium):
    rows = dom_figures(chromium_page.open_page(chromium, year / "oral_year_report.html").dom)
    with h5py.File(year / "oral_year.h5", "r") as f:
        t_h = np.asarray(f["time"][()], dtype=float) / 3600.0
        dt = np.append(np.diff(t_h), t_h[-1] - t_h[-2])
        supplied = np.asarray(f["sources/heat"][()]).sum(axis=1)
        loss = np.asarray(f["pipes/heat_loss"][()]).sum(axis=1)
        assert int(rows["series-steps"][0]) == t_h.size == 8760
        assert num(rows, "series-energy_supplied") == pytest.approx((supplied * dt).sum(),
                                                                    rel=EXACT_RTOL)
        assert num(rows, "series-energy_loss") == pytest.approx((loss * dt).sum(), rel=EXACT_RTOL)
        assert num(rows, "series-peak_load") == supplied.max()
        checks = f["checks"][()]
        per_step = np.bincount(checks["time_index"], minlength=t_h.size)
        assert num(rows, "series-hours_failed") == pytest.approx(dt[per_step > 0].sum(),
                                                                 rel=EXACT_RTOL)
        # the detailed hour has the most failed checks, and its figures are that row's
        worst = int(rows["series-worst_step"][0])
        assert per_step[worst] == per_step.max()
        assert_step_figures(rows, f, worst)


# ------------------------------------------------------------------------------ the harness
def test_the_browser_checks_can_fail(chromium, tmp_path):
    """A script error shows on the console, a fetch from outside the file in the resources."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><body><img src="https://example.org/x.png">'
                   "<script>undefinedFunction();</script></body></html>", encoding="utf-8")
    page = chromium_page.open_page(chromium, bad, PROBE_JS)
    assert "undefinedFunction" in "\n".join(page.console)
    assert set(page.probe["external"]) == {"https://example.org/x.png"}


# ------------------------------------------------------------------------------ errors and API
def test_report_of_another_network_is_refused(design, tmp_path):
    out, _res = design
    other = tmp_path / "other.json"
    doc = json.loads((ORAL / "oral.json").read_text(encoding="utf-8"))
    removed = doc["pipes"].pop()
    other.write_text(json.dumps(doc), encoding="utf-8")
    target = tmp_path / "r.html"
    proc = _cli("report", out / "oral_design.h5", "--network", other, "-o", target, check=False)
    assert proc.returncode == 2
    assert "error:" in proc.stderr and repr(removed["id"]) in proc.stderr, proc.stderr
    assert not target.exists()


@pytest.mark.parametrize("args, needle", [
    (["--step", "5"], "step 5 out of range"),
    (["--map", "colour"], "invalid choice"),
    (["--max-velocity-m-s", "nan"], "max_velocity_m_s"),
])
def test_bad_options_exit_2_without_a_file(design, tmp_path, args, needle):
    out, _res = design
    target = tmp_path / "r.html"
    proc = _cli("report", out / "oral_design.h5", "--network", ORAL / "oral.json", "-o", target,
                *args, check=False)
    assert proc.returncode == 2 and needle in proc.stderr, proc.stderr
    assert not target.exists()


def test_result_report_html_in_memory(design, tmp_path):
    _out, res = design
    net = heatnet.Network.from_json(ORAL / "oral.json")
    path = res.report_html(tmp_path / "mem.html", net, map_quantity="pressure_loss")
    rows = dom_figures(path.read_text(encoding="utf-8"))
    assert num(rows, "kf-heat_supplied") == pytest.approx(res.summary["heat_supplied_W"],
                                                          rel=SUMMARY_RTOL)
    html = path.read_text(encoding="utf-8")
    assert re.search(r'id="map-pressure_loss"(?! hidden)', html)
    assert "Newton" in html   # the SolveReport's full text


# ------------------------------------------------------------------------------ 10^5 pipes
def test_large_network_report_stays_small_and_opens(chromium, tmp_path):
    """A 10^5-pipe network (the benchmark generator): the report stays under 20 MB and opens
    without console errors. The render time is printed (wall clock is not asserted here; see
    benchmarks/report_render.py and the README's numbers)."""
    if not BENCH.exists():
        pytest.fail(f"no {BENCH}: build the benchmarks target (make build)")
    net = tmp_path / "big.json"
    subprocess.run([str(BENCH), "--kind", "realistic", "--pipes", "100000", "--repeats", "1",
                    "--write-json", str(net)], check=True, capture_output=True,
                   timeout=RUN_TIMEOUT_S)
    _cli("solve", net, "-o", tmp_path / "big.h5")
    _cli("report", tmp_path / "big.h5", "--network", net, "-o", tmp_path / "big.html")
    size = (tmp_path / "big.html").stat().st_size
    assert size < MAX_LARGE_REPORT_BYTES, size
    page = chromium_page.open_page(chromium, tmp_path / "big.html", PROBE_JS)
    assert page.console == [], page.console
    assert page.probe["external"] == []   # self-contained: nothing fetched or linked
    assert_charts_laid_out(page.probe, ["map-temperature", "piezo"])
    print(f"10^5-pipe report: {size / 1e6:.1f} MB, opened in {page.seconds:.1f} s")


def test_small_network_without_coordinates(tmp_path):
    """No x/y: the report says there is no map and still draws the piezometric graph."""
    net = heatnet.Network(name="no-xy", settings={"ambient_temperature_C": 8.0})
    for n in ("S0", "S1", "R0", "R1"):
        net.add_node(n)
    net.add_pipe("SP1", from_="S0", to="S1", length_m=300, inner_diameter_m=0.08,
                 roughness_mm=0.05, heat_loss_W_mK=0.3)
    net.add_pipe("RP1", from_="R1", to="R0", length_m=300, inner_diameter_m=0.08,
                 roughness_mm=0.05, heat_loss_W_mK=0.3)
    net.add_source("PLANT", supply_node="S0", return_node="R0", supply_temperature_C=90,
                   return_pressure_bar=2.0, pump={"type": "fixed_dp", "dp_bar": 1.5})
    net.add_consumer("C1", supply_node="S1", return_node="R1", heat_demand_kW=200,
                     return_temperature_C=55)
    res = heatnet.solve(net)
    html = res.report_html(tmp_path / "r.html", net).read_text(encoding="utf-8")
    assert "no x/y coordinates: no map" in html
    assert 'id="piezo"' in html
    rows = dom_figures(html)
    assert rows["kf-critical_consumer"][0] == "C1"
    assert num(rows, "kf-heat_delivered") == pytest.approx(res.summary["heat_delivered_W"],
                                                           rel=SUMMARY_RTOL)
