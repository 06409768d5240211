"""Native EPANET for the benchmarks' reference columns: epanet_native_time.c built against the
EPANET build that HEATNET_EPANET_NATIVE names (include/epanet2_2.h, build/lib/libepanet2.so;
never part of heatnet). Used by end_to_end.py and speed_targets.py."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def build_driver() -> Path | None:
    """The driver's executable, or None (with the reason printed) where there is no EPANET."""
    root = os.environ.get("HEATNET_EPANET_NATIVE")
    if not root:
        return None
    root = Path(root)
    include, lib = root / "include", root / "build" / "lib"
    if not (include / "epanet2_2.h").exists() or not (lib / "libepanet2.so").exists():
        print(f"  HEATNET_EPANET_NATIVE={root}: no include/epanet2_2.h and build/lib/libepanet2.so")
        return None
    exe = Path(tempfile.gettempdir()) / f"heatnet_epanet_native_time_{os.getuid()}"
    cc = shutil.which("cc") or shutil.which("gcc")
    r = subprocess.run([cc, "-O2", "-o", str(exe), str(HERE / "epanet_native_time.c"),
                        f"-I{include}", f"-L{lib}", "-lepanet2", "-lm", f"-Wl,-rpath,{lib}"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print("  native EPANET driver did not build:", r.stderr[-300:])
        return None
    return exe
