"""heatnet.Network.from_inp reads EPANET files like `heatnet solve NET.inp`."""
import os
from pathlib import Path

import pytest

import heatnet

REF = Path(os.environ.get("HEATNET_REFERENCE_DIR",
                          Path(__file__).resolve().parents[2] / "validation" / "reference"))
NET1 = REF / "epanet" / "Net1"


def test_from_inp_matches_epanet_heads():
    net = heatnet.Network.from_inp(NET1 / "network.inp")
    result = heatnet.solve(net)
    heads = dict(zip(result.ids("nodes"), result["nodes/head"][-1]))
    rows = (NET1 / "nodes.csv").read_text().splitlines()[1:]
    for row in rows:
        node, _, _, _, head, _ = row.split(",")
        assert abs(heads[node] - float(head)) < 1e-3, node


def test_from_inp_rejects_other_extensions(tmp_path):
    p = tmp_path / "net.json"
    p.write_text("{}")
    with pytest.raises(ValueError, match=r"\.inp"):
        heatnet.Network.from_inp(p)
