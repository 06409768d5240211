"""Present value of a life cycle: an investment now plus constant annual costs at the end of
each year of the lifetime, discounted at a constant real rate (the textbook annuity; e.g.
VDI 2067-1 and the Energy Transition Model's annualisation use the same factor)."""
from __future__ import annotations

__all__ = ["annuity_factor", "capital_recovery_factor", "present_value"]


def annuity_factor(discount_rate: float, lifetime_years: float) -> float:
    """Present value of 1 per year paid at the end of years 1..n:
    (1 - (1 + r)^-n) / r, and n when r = 0."""
    r, n = float(discount_rate), float(lifetime_years)
    if r == 0.0:
        return n
    return (1.0 - (1.0 + r) ** (-n)) / r


def capital_recovery_factor(discount_rate: float, lifetime_years: float) -> float:
    """Equal annual payment that repays 1 over the lifetime: 1 / annuity_factor."""
    return 1.0 / annuity_factor(discount_rate, lifetime_years)


def present_value(investment: float, annual_cost: float, discount_rate: float,
                  lifetime_years: float) -> float:
    """investment + annual_cost * annuity_factor(discount_rate, lifetime_years)."""
    return investment + annual_cost * annuity_factor(discount_rate, lifetime_years)
