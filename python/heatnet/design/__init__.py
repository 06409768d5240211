"""heatnet.design: design tools on top of the solver.

- :func:`size_pipes` (``heatnet size``): pick each pipe's size from a catalogue for a
  pressure-loss and a velocity limit at the solved design flows (sizing.py, docs/sizing.md);
- :func:`load_catalogue`, :class:`Catalogue`: pipe catalogues, the EN 253 steel series 1/2/3
  shipped as "en253-series1" ... (catalogues/README.md for the sources).
- :func:`lifecycle` (``heatnet study``): life-cycle cost of design variants, an annual run
  each, ranked by the present value of investment, heat loss and pumping (lifecycle.py,
  docs/lifecycle.md); :class:`Variant`, :class:`Costs` (:class:`CostCatalogue`,
  :class:`PipeSizes`, :class:`Economics`), :func:`annuity_factor`.
"""
from .catalogue import BUILTIN_CATALOGUES, Catalogue, PipeSize, load_catalogue
from .costs import (DEFAULT_COST_CATALOGUE, CostCatalogue, Costs, Economics, PipeSizes,
                    StudyInputError)
from .lifecycle import CHECK_KINDS, LifecycleResult, Variant, lifecycle, price_network
from .npv import annuity_factor, capital_recovery_factor, present_value
from .sizing import SizingError, SizingResult, read_pipe_limits, size_pipes, twin_pairs

__all__ = ["size_pipes", "SizingResult", "SizingError", "read_pipe_limits", "twin_pairs",
           "Catalogue", "PipeSize", "load_catalogue", "BUILTIN_CATALOGUES",
           "lifecycle", "Variant", "LifecycleResult", "Costs", "CostCatalogue", "PipeSizes",
           "Economics", "StudyInputError", "DEFAULT_COST_CATALOGUE", "CHECK_KINDS",
           "price_network", "annuity_factor", "capital_recovery_factor", "present_value"]
