"""Outputs of the Python commands (GeoJSON, sized networks, reports, study tables) are written
through one atomic helper: a file only when complete, with an ordinary new file's permissions
(mkstemp's temporary files are private: exports came out -rw------- before)."""
import os
import stat

import pytest

from heatnet._cli_util import atomic_output, write_text_atomically


def umask():
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_written_file_has_ordinary_permissions(tmp_path):
    out = tmp_path / "net.geojson"
    write_text_atomically(out, "{}")
    assert out.read_text() == "{}"
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask()


def test_failed_block_leaves_no_file(tmp_path):
    out = tmp_path / "report.html"
    with pytest.raises(RuntimeError):
        with atomic_output(out) as tmp:
            with open(tmp, "w") as f:
                f.write("half")
            raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []
