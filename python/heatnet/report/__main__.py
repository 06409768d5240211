"""python3 -m heatnet.report RESULTS.h5 --network NET.json -o report.html"""
import sys

from . import main

sys.exit(main())
