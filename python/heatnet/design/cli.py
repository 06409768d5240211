"""`heatnet size` (run through python/heatnet/__main__.py)."""
from __future__ import annotations

import argparse
from typing import List

from .._cli_util import atomic_output


def size_main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(
        prog="heatnet size",
        description="Size the pipes of a network for its design load case: per pipe (supply "
                    "and return twins together) the smallest catalogue size that meets the "
                    "pressure-loss and velocity limits at the solved flows, re-solved until the "
                    "sizes stop changing (docs/sizing.md).")
    ap.add_argument("network", help="network file (.json), the design load case")
    ap.add_argument("--catalogue", required=True,
                    help="pipe catalogue: en253-series1, en253-series2, en253-series3 or a CSV "
                         "with inner_diameter_m [dn, roughness_mm, heat_loss_W_mK, "
                         "max_velocity_m_s]")
    ap.add_argument("-o", "--output", required=True, help="sized network file to write (.json)")
    ap.add_argument("--max-dp-Pa-m", type=float, default=200.0,
                    help="specific friction loss limit, Pa/m (default %(default)s)")
    ap.add_argument("--max-velocity-m-s", type=float, default=2.5,
                    help="velocity limit, m/s (default %(default)s)")
    ap.add_argument("--min-dn", type=int, help="smallest DN to use")
    ap.add_argument("--pipe-limits", help="CSV of per-pipe limits: pipe (id or glob), "
                    "max_dp_Pa_m, max_velocity_m_s, min_dn, min_inner_diameter_m")
    ap.add_argument("--local-loss-allowance", type=float,
                    help="set minor_loss of each sized pipe to this share of its fully rough "
                         "friction loss (e.g. 0.2); default: keep minor_loss")
    ap.add_argument("--max-rounds", type=int, default=60,
                    help="bound on solve-and-resize rounds (default %(default)s)")
    ap.add_argument("--report", help="write the sizing table (one row per pipe/pair) as CSV")
    ap.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    a = ap.parse_args(argv)

    from .. import Network
    from .sizing import size_pipes

    net = Network.from_json(a.network)
    sized = size_pipes(net, a.catalogue, max_dp_Pa_m=a.max_dp_Pa_m,
                       max_velocity_m_s=a.max_velocity_m_s, min_dn=a.min_dn,
                       pipe_limits=a.pipe_limits, local_loss_allowance=a.local_loss_allowance,
                       max_rounds=a.max_rounds, copy=False)
    with atomic_output(a.output) as tmp:
        sized.network.to_json(tmp)
    if a.report:
        with atomic_output(a.report) as tmp:
            sized.table.to_csv(tmp, float_format="%.6g")
    if not a.quiet:
        print(f"wrote {a.output}")
        for line in sized.lines():
            print("  " + line)
        _print_changes(sized.changes())
    return 0


def _print_changes(changes, most: int = 20) -> None:
    if changes.empty:
        return
    print(f"  {'pipe':<14} {'twin':<14} {'old':>10} -> {'new':<10} {'kg/s':>9} {'Pa/m':>7} "
          f"{'m/s':>5}  governed by")
    for pid, r in changes.head(most).iterrows():
        print(f"  {pid:<14} {r['twin']:<14} {r['old_size']:>10} -> {r['new_size']:<10} "
              f"{r['mass_flow_kg_s']:9.3f} {r['dp_Pa_m']:7.1f} {r['velocity_m_s']:5.2f}  "
              f"{r['governed_by']}")
    if len(changes) > most:
        print(f"  ... {len(changes) - most} more (--report FILE.csv for all)")
