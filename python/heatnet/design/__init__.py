"""heatnet.design: design tools on top of the solver.

- :func:`size_pipes` (``heatnet size``): pick each pipe's size from a catalogue for a
  pressure-loss and a velocity limit at the solved design flows (sizing.py, docs/sizing.md);
- :func:`load_catalogue`, :class:`Catalogue`: pipe catalogues, the EN 253 steel series 1/2/3
  shipped as "en253-series1" ... (catalogues/README.md for the sources).
"""
from .catalogue import BUILTIN_CATALOGUES, Catalogue, PipeSize, load_catalogue
from .sizing import SizingError, SizingResult, read_pipe_limits, size_pipes, twin_pairs

__all__ = ["size_pipes", "SizingResult", "SizingError", "read_pipe_limits", "twin_pairs",
           "Catalogue", "PipeSize", "load_catalogue", "BUILTIN_CATALOGUES"]
