"""Read a heatnet-results/1 file (spec/results-format.md) into plain numpy arrays.

Only h5py and numpy: the validation suite reads results the way any outside user would,
never through heatnet's own code.
"""
from __future__ import annotations

import h5py
import numpy as np

GROUPS = ("nodes", "pipes", "consumers", "sources", "pumps", "valves")


def _decode(values) -> list[str]:
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


class Results:
    """Step `step` (default: the last) of a results file.

    results.ids[group] -> list of ids; results.get(group, name) -> 1-D array in id order;
    results.value(group, name, element_id) -> float; results.checks -> list of dicts;
    results.solver -> dict of /solver attributes; results.attrs -> root attributes.
    """

    def __init__(self, path, step: int = -1):
        self.path = str(path)
        self.ids: dict[str, list[str]] = {}
        self.data: dict[tuple[str, str], np.ndarray] = {}
        self.units: dict[tuple[str, str], str] = {}
        with h5py.File(self.path, "r") as f:
            self.attrs = {k: _scalar(v) for k, v in f.attrs.items()}
            self.solver = {k: _scalar(v) for k, v in f["solver"].attrs.items()} if "solver" in f else {}
            for g in GROUPS:
                if g not in f:
                    self.ids[g] = []
                    continue
                grp = f[g]
                self.ids[g] = _decode(grp["id"][()]) if "id" in grp else []
                for name, ds in grp.items():
                    if name == "id" or not isinstance(ds, h5py.Dataset):
                        continue
                    arr = ds[()]
                    if arr.ndim == 2:
                        arr = arr[step] if arr.shape[0] else np.zeros(arr.shape[1])
                    self.data[(g, name)] = np.asarray(arr, dtype=float)
                    u = ds.attrs.get("units")
                    self.units[(g, name)] = u.decode() if isinstance(u, bytes) else str(u)
            self.checks = []
            self.has_checks = "checks" in f
            if self.has_checks:
                table = f["checks"][()]
                for row in table:
                    self.checks.append({
                        "time_index": int(row["time_index"]),
                        "element_kind": _str(row["element_kind"]),
                        "element_id": _str(row["element_id"]),
                        "check": _str(row["check"]),
                        "value": float(row["value"]),
                        "limit": float(row["limit"]),
                    })
        self._index = {g: {e: i for i, e in enumerate(ids)} for g, ids in self.ids.items()}

    def get(self, group: str, name: str) -> np.ndarray:
        key = (group, name)
        if key not in self.data:
            raise KeyError(f"results file has no /{group}/{name}")
        return self.data[key]

    def has(self, group: str, name: str) -> bool:
        return (group, name) in self.data

    def index(self, group: str, element_id: str) -> int | None:
        return self._index.get(group, {}).get(element_id)

    def value(self, group: str, name: str, element_id: str) -> float:
        i = self.index(group, element_id)
        if i is None:
            raise KeyError(f"no {group} element '{element_id}' in the results")
        return float(self.get(group, name)[i])


def _str(v) -> str:
    return v.decode() if isinstance(v, bytes) else str(v)


def _scalar(v):
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, np.ndarray) and v.size == 1:
        v = v.reshape(-1)[0]
    if isinstance(v, np.generic):
        return v.item()
    return v
