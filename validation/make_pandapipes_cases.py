#!/usr/bin/python3
"""Generate validation/cases/<family>__<case>/case.json for every pandapipes reference network.

Reads ${HEATNET_REFERENCE_DIR}/pandapipes/<family>/cases.json (default validation/reference) and
writes only case.json files: the network, reference.csv and pandapipes.csv stay in the external
folder and are referenced through ${HEATNET_REFERENCE_DIR}. Re-run after the reference data change:

    /usr/bin/python3 validation/make_pandapipes_cases.py
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FAMILIES = ["stanet_water", "openmodelica_water_colebrook", "openmodelica_water_swamee_jain",
            "openmodelica_heat_transfer"]

PP_TEST = {
    "stanet_water": "pandapipes test/stanet_comparison/test_water_stanet.py",
    "openmodelica_water_colebrook": "pandapipes test/openmodelica_comparison/test_water_openmodelica.py",
    "openmodelica_water_swamee_jain": "pandapipes test/openmodelica_comparison/test_water_openmodelica.py",
    "openmodelica_heat_transfer": "pandapipes test/openmodelica_comparison/test_heat_transfer_openmodelica.py",
}

# Second quantity set: heatnet against pandapipes' own solution of the same net (pandapipes.csv,
# solved with tol 1e-9). Only where the model is the same; see FAMILY_PP_NOTES for what differs.
PP_TOL = {
    "pp_pressure": {"atol": 0.0, "rtol": 1e-6, "unit": "Pa",
                    "why": "same model as pandapipes (constant fluid, same friction law, g = 9.81); "
                           "pandapipes solved to tol 1e-9, 1e-6 relative leaves room for its "
                           "convergence and the CSV's 12 significant digits"},
    "pp_velocity": {"atol": 1e-6, "rtol": 1e-6, "unit": "m/s",
                    "why": "same model as pandapipes; pandapipes solved to tol 1e-9"},
    "pp_mass_flow": {"atol": 1e-6, "rtol": 1e-6, "unit": "kg/s",
                     "why": "same model as pandapipes; pandapipes solved to tol 1e-9"},
}


# Quantities that miss their bound for a physical reason established in the report (never by
# widening the bound): compared at full tolerance, reported XFAIL with this explanation.
OM_HEAT = ("OpenModelica used a temperature-dependent medium (its velocities imply rho ~ 965 kg/m3 at "
           "90 degC) and its own finite-volume discretisation, while the converted net (like pandapipes) uses "
           "pandapipes' constant OpenModelica_fluid; the independent referee with the same exact exponential "
           "law misses this bound by the same amount (REFEREE.md), and pandapipes' own test passes only "
           "because it truncates temperatures to whole kelvin")
EXPECTED_FAILURES = {
    f"openmodelica_heat_transfer__{c}": {"mean_temperature_K": OM_HEAT, "outlet_temperature_K": OM_HEAT}
    for c in ("delta", "delta_2sinks", "t_cross", "two_pipes")
}
EXPECTED_FAILURES["openmodelica_heat_transfer__heights"] = {"mean_temperature_K": OM_HEAT}
TRANSITION = ("pipes {pipes} run at Re {re}, inside heatnet's laminar-turbulent transition (cubic Hermite "
              "between 64/Re at Re 2000 and the turbulent law at Re 4000, a C1 friction law for Newton); "
              "pandapipes (and {tool}) evaluate the turbulent formula at every Re, so the friction of these "
              "pipes differs by up to ~40 %")
EXPECTED_FAILURES["openmodelica_water_swamee_jain__combined_networks__versatility"] = {
    q: TRANSITION.format(pipes="P3, P7", re="3085, 2740", tool="the referee") + "; the loop flows redistribute"
    for q in ("pp_pressure", "pp_velocity", "pp_mass_flow")}
EXPECTED_FAILURES["stanet_water__one_pipe__pipe_1_PC"] = {
    "pp_pressure": TRANSITION.format(pipes="P0", re="2630", tool="STANET") + "; the flow is fixed by the "
                   "demand, so only the pressure drop differs (1.8e-3; against STANET 1.76e-3 of the 2e-3 bound)"}
BALANCE_DEFAULTS = json.loads((Path(__file__).resolve().parent / "defaults.json").read_text())["tolerances"]
EXPECTED_FAILURES["openmodelica_water_swamee_jain__combined_networks__mixed_net"] = {
    "pp_pressure": ("pipe P4 runs at Re = 3178, inside heatnet's laminar-turbulent transition "
                    "(cubic Hermite between 64/Re at Re 2000 and Swamee-Jain at Re 4000, a C1 friction "
                    "law for Newton); pandapipes evaluates Swamee-Jain at every Re. Flows are fixed by "
                    "the demands (tree), so only the pressure at the dead end J2 differs (1.3e-4)")}


def reference_dir() -> Path:
    env = os.environ.get("HEATNET_REFERENCE_DIR")
    return Path(env) if env else (REPO / "validation" / "reference")


# The independent referee (REFEREE.md, exact formulas) reproduces pandapipes' own solution only
# where pandapipes' model and the converted network are the same as the formulas in our spec.
# Where it does not (pandapipes' Colebrook is not converged to the exact root: ~1e-4 in dp; a
# pressure offset proportional to elevation in district_N/pumps_N/heights, ~1.2e-3 of rho*g*dz, in
# the referee as much as in heatnet), pandapipes.csv is a different model and is not compared.
# The heat cases' temperatures are never the same model (pandapipes linearises per section).
PP_SAME_MODEL_BOUND = 1e-6


def referee_pp_agreement(ref_root: Path) -> dict[tuple[str, str], tuple[float, float]]:
    """(family, case) -> (pp dp_rel, pp dv) from the REFEREE.md table."""
    out = {}
    for line in (ref_root / "REFEREE.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 13 or cells[0] in ("family", "---"):
            continue
        try:
            out[(cells[0], cells[1])] = (float(cells[10]), float(cells[11]))
        except ValueError:
            continue
    return out


def pp_quantities(family: str, c: dict, agreement: dict) -> list[str]:
    """pandapipes.csv quantities compared for this case: only where the model is the same."""
    dp, dv = agreement.get((family, c["case"]), (float("inf"), float("inf")))
    if family == "openmodelica_heat_transfer" or dp > PP_SAME_MODEL_BOUND or dv > PP_SAME_MODEL_BOUND:
        return []
    return ["pp_pressure", "pp_velocity", "pp_mass_flow"]


def make_case(family: str, fam: dict, c: dict, agreement: dict) -> dict:
    name = c["case"]
    base = f"${{HEATNET_REFERENCE_DIR}}/pandapipes/{family}/{name}"
    tol = c["tol"]
    tested = c.get("tested", True)
    src = PP_TEST[family]
    bound = (f"pandapipes' own test bound ({src})" if tested else
             f"pandapipes' own test bound: family default of {src} (no pandapipes test loads this file)")
    tolerances = {
        "pressure": {"atol": 0.0, "rtol": tol["p"], "unit": "Pa",
                     "why": bound + ": |1 - p/p_ref| on gauge pressure"},
        "velocity": {"atol": tol["v"], "rtol": 0.0, "unit": "m/s", "why": bound + ": |v - v_ref|"},
    }
    if "T" in tol:
        tolerances["mean_temperature_K"] = {
            "atol": 0.0, "rtol": tol["T"], "unit": "K",
            "why": bound + ": |1 - mean(T_sections)/mean(T_ref)| in kelvin"}
        tolerances["outlet_temperature_K"] = {
            "atol": 0.0, "rtol": tol["T"], "unit": "K",
            "why": bound + " (asserted on the mean temperature; applied to the outlet temperature in kelvin)"}
    quantities = pp_quantities(family, c, agreement)
    for q in quantities:
        tolerances[q] = dict(PP_TOL[q])
    for q, text in EXPECTED_FAILURES.get(f"{family}__{name}", {}).items():
        if q not in tolerances:  # a balance quantity: start from the runner's default bound
            tolerances[q] = dict(BALANCE_DEFAULTS[q])
        tolerances[q]["expected_failure"] = text
    return {
        "name": f"{family}__{name}",
        "family": "pandapipes",
        "description": (f"pandapipes v0.11.0 validation network {c['source']} ({fam['tool']} reference), "
                        f"{c['n_nodes']} nodes, {c['n_pipes']} pipes, friction {c['friction']}"
                        + ("; " + "; ".join(c["notes"]) if c.get("notes") else "")),
        "network": f"{base}/network.json",
        "reference": {
            "family": family,
            "reference_csv": f"{base}/reference.csv",
            "pandapipes_csv": f"{base}/pandapipes.csv",
        },
        "provenance": {
            "tool": fam["tool"],
            "version": ("values stored in pandapipes v0.11.0 (tag, commit 1ea83dc1) network files; "
                        f"the {fam['tool']} version is not recorded there. pandapipes.csv: pandapipes 0.11 "
                        "solution, use_numba=False, tol 1e-9"),
            "settings": (f"fluid {c['fluid']} (constant: {json.dumps(c['settings_fluid'])}), friction "
                         f"{c['friction']}, gravity 9.81; pandapipes bounds p={tol['p']} v={tol['v']}"
                         + (f" T={tol['T']}" if "T" in tol else "") + ("" if tested else " (family default)")),
            "source": f"{c['source']}; converted data {base} (README.md, REFEREE.md there)",
        },
        "tolerances": tolerances,
    }


def main() -> int:
    ref = reference_dir() / "pandapipes"
    out_root = HERE / "cases"
    written = 0
    for family in FAMILIES:
        path = ref / family / "cases.json"
        if not path.is_file():
            print(f"missing {path}", file=sys.stderr)
            return 1
        fam = json.loads(path.read_text())
        agreement = referee_pp_agreement(ref)
        for c in fam["cases"]:
            case = make_case(family, fam, c, agreement)
            d = out_root / case["name"]
            d.mkdir(parents=True, exist_ok=True)
            (d / "case.json").write_text(json.dumps(case, indent=2) + "\n")
            written += 1
    print(f"wrote {written} case.json files under {out_root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
