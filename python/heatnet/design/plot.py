"""Plot of a life-cycle study: NPV per variant split into investment / heat loss / pumping."""
from __future__ import annotations

import os
from typing import Optional

__all__ = ["plot_npv"]

_PARTS = (("npv_investment_EUR", "investment", "#4c72b0"),
          ("npv_heat_loss_EUR", "heat loss", "#dd8452"),
          ("npv_pumping_EUR", "pumping", "#55a868"))


def plot_npv(table, file: "os.PathLike[str] | str | None" = None, ax=None, title: str = ""):
    """Horizontal stacked bars in the table's (rank) order, best at the top; variants with
    ``feasible`` False are hatched and say why (failed-check hours, failed steps)."""
    import matplotlib

    if ax is None and file is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    own = ax is None
    ops = None
    if own:
        fig, (ax, ops) = plt.subplots(1, 2, figsize=(13, 0.45 * len(table) + 1.8), sharey=True,
                                      gridspec_kw={"width_ratios": [3, 1.4]})
    labels = []
    for i, (_, row) in enumerate(table.iterrows()):
        left = 0.0
        hatch = None if bool(row["feasible"]) else "///"
        for col, name, color in _PARTS:
            value = float(row[col]) / 1e6
            ax.barh(i, value, left=left, color=color, hatch=hatch, edgecolor="white" if hatch
                    else color, label=name if i == 0 else None)
            left += value
        note = ""
        if not bool(row["feasible"]):
            note = f"  fails: {row['blocking_hours']:.0f} h"
            if row["failed_steps"]:
                note += f", {int(row['failed_steps'])} steps"
        elif row["failed_check_hours"]:
            note = f"  ({row['failed_check_hours']:.0f} h outside the design basis)"
        ax.text(left, i, f" {left:,.1f}{note}", va="center", fontsize=8)
        labels.append(f"{int(row['rank'])}. {row['variant']}")
    ax.set_yticks(range(len(table)))
    ax.set_yticklabels(labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("present value of costs over the lifetime [million EUR]")
    ax.set_title(title or "Life-cycle cost by variant (hatched: fails a design check)",
                 fontsize=10)
    ax.legend(loc="upper right", fontsize=8)
    ax.margins(x=0.25)
    if ops is not None:
        _operating_panel(ops, table)
        fig.tight_layout()
    if file is not None:
        ax.figure.savefig(os.fspath(file), dpi=120)
        if own:
            plt.close(ax.figure)
    return ax


def _operating_panel(ax, table) -> None:
    """The operating part of the NPV alone (heat loss + pumping), where the investment would
    hide it."""
    for i, (_, row) in enumerate(table.iterrows()):
        left = 0.0
        hatch = None if bool(row["feasible"]) else "///"
        for col, _name, color in _PARTS[1:]:
            value = float(row[col]) / 1e6
            ax.barh(i, value, left=left, color=color, hatch=hatch,
                    edgecolor="white" if hatch else color)
            left += value
        ax.text(left, i, f" {left:.2f}", va="center", fontsize=8)
    ax.set_xlabel("of which heat loss + pumping [million EUR]")
    ax.set_title("operating costs", fontsize=10)
    ax.margins(x=0.2)
