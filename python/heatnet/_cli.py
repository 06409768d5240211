"""The `heatnet` command of a pip installation (pyproject.toml, [project.scripts]).

The command line is the C++ executable built with the package and shipped inside it
(heatnet/bin/heatnet, see setup.py); this entry point replaces the Python process with it, so
arguments, output, signals and exit codes are the executable's own.
"""
import os
import sys
from pathlib import Path


def executable() -> Path:
    """Path of the `heatnet` executable shipped in the installed package."""
    return Path(__file__).resolve().parent / "bin" / "heatnet"


def main() -> None:
    exe = executable()
    if not os.access(exe, os.X_OK):
        sys.exit(f"heatnet: the command-line executable is missing from the installed package "
                 f"({exe}); reinstall it with pip")
    os.execv(exe, [str(exe), *sys.argv[1:]])
