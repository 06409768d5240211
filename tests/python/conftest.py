"""The Python suite runs every test or fails: a skip counts as a failure.

A missing build (no `heatnet` module, no CLI), a missing optional package or missing reference data
must turn `make test` red; a skipped test would let it pass having checked nothing. Expected
failures (`xfail`) are unaffected.
"""
import pytest


def _as_failure(report, reason):
    report.outcome = "failed"
    report.longrepr = f"skipped, which this suite counts as a failure: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _as_failure(report, reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    report = outcome.get_result()
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _as_failure(report, f"{collector.nodeid}: {reason}")
