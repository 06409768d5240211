"""heatnet.design: design tools on top of the solver (docs/lifecycle.md).

Life-cycle cost of design variants: :func:`lifecycle`, :class:`Variant`, :class:`Costs`
(:class:`CostCatalogue`, :class:`PipeSizes`, :class:`Economics`), :func:`annuity_factor`.
"""
from .costs import (DEFAULT_COST_CATALOGUE, CostCatalogue, Costs, Economics, PipeSizes,
                    StudyInputError)
from .lifecycle import CHECK_KINDS, LifecycleResult, Variant, lifecycle, price_network
from .npv import annuity_factor, capital_recovery_factor, present_value

__all__ = ["lifecycle", "Variant", "LifecycleResult", "Costs", "CostCatalogue", "PipeSizes",
           "Economics", "StudyInputError", "DEFAULT_COST_CATALOGUE", "CHECK_KINDS",
           "price_network", "annuity_factor", "capital_recovery_factor", "present_value"]
