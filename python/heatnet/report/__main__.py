"""python3 -m heatnet.report ARGS = heatnet report ARGS (errors as exit 2, one line)."""
import sys

from ..__main__ import main

sys.exit(main(["report", *sys.argv[1:]]))
