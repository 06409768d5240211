"""Validation case families: one module per `family` value of case.json (see validation/runner.py)."""
