"""`python3 -m heatnet COMMAND ARGS...`: the heatnet commands implemented in Python.

The C++ command line `heatnet` runs every subcommand it does not implement itself through this
module (cli/python_commands.cpp), so `heatnet size ...` and `python3 -m heatnet size ...` are the
same command. To add one: write a function ``main(argv: list[str]) -> int`` (argparse with
``prog="heatnet NAME"``) in its own module and add one line to :data:`COMMANDS`. The module is
imported only when its command runs, so a command may need packages (geopandas, matplotlib) that
the others do not.

Exit codes, as for the C++ commands: 0 success, 1 a solve did not converge, 2 bad input or usage
(one "error: ..." line naming the element or feature, field and reason; no output file).
This function maps heatnet's exceptions to them, so a command only raises.
"""
from __future__ import annotations

import importlib
import sys
from typing import Dict, List, Optional, Tuple

#: command name -> ("module:function", one-line summary). Keep it sorted by name.
COMMANDS: Dict[str, Tuple[str, str]] = {
    "export-geojson": ("heatnet.gis.cli:export_main",
                       "write results (HDF5) + network as GeoJSON lines and points for GIS"),
    "import-geojson": ("heatnet.gis.cli:import_main",
                       "build a network (JSON) from GeoJSON route lines, buildings and plants"),
    "report": ("heatnet.report:main",
               "write a self-contained HTML design report (key figures, map, piezometric graph)"),
    "size": ("heatnet.design.cli:size_main",
             "pick pipe sizes from a catalogue for pressure-loss and velocity limits"),
    "study": ("heatnet.design.study:study_main",
              "life-cycle cost of design variants: a year each, ranked by NPV"),
}

EXIT_OK, EXIT_NOT_CONVERGED, EXIT_BAD_INPUT = 0, 1, 2


def print_commands(file=None) -> None:
    """One "  name  summary" line per command (what `heatnet --help` shows)."""
    file = file or sys.stdout
    width = max(len(name) for name in COMMANDS)
    for name, (_target, summary) in sorted(COMMANDS.items()):
        print(f"  {name:<{width}}  {summary}", file=file)


def _usage(file) -> None:
    print("usage: heatnet COMMAND [ARGS...]   (or: python3 -m heatnet COMMAND [ARGS...])\n"
          "Commands implemented in Python:", file=file)
    print_commands(file)
    print("The solver commands (solve, check, info, convert, simulate) are in the C++ `heatnet`;"
          " `heatnet COMMAND --help` for each.", file=file)


def _load(target: str):
    module_name, function = target.split(":")
    return getattr(importlib.import_module(module_name), function)


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        _usage(sys.stdout if argv else sys.stderr)
        return EXIT_OK if argv else EXIT_BAD_INPUT
    if argv[0] == "--commands":
        print_commands()
        return EXIT_OK
    name, args = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"error: unknown command {name!r}; the Python commands are "
              + ", ".join(sorted(COMMANDS)) + " (the C++ ones: heatnet --help)", file=sys.stderr)
        return EXIT_BAD_INPUT
    from ._errors import ConvergenceError, Error

    try:
        command = _load(COMMANDS[name][0])
    except ImportError as e:     # an optional dependency of this command (geopandas, ...)
        print(f"error: heatnet {name} needs a Python package that could not be imported: {e}",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return int(command(args) or 0)
    except ConvergenceError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_NOT_CONVERGED
    except (Error, ValueError, OSError) as e:   # heatnet's input errors derive from ValueError
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
