"""heatnet: steady-state thermal-hydraulic solver for district-heating networks.

Quick start::

    import heatnet
    net = heatnet.Network(name="demo", settings={"ambient_temperature_C": 8.0})
    net.add_node("S0"); net.add_node("S1"); net.add_node("R0"); net.add_node("R1")
    net.add_pipe("SP1", from_="S0", to="S1", length_m=300, inner_diameter_m=0.08,
                 roughness_mm=0.05, heat_loss_W_mK=0.3)
    net.add_pipe("RP1", from_="R1", to="R0", length_m=300, inner_diameter_m=0.08,
                 roughness_mm=0.05, heat_loss_W_mK=0.3)
    net.add_source("PLANT", supply_node="S0", return_node="R0", supply_temperature_C=90,
                   return_pressure_bar=2.0, pump={"type": "fixed_dp", "dp_bar": 1.5})
    net.add_consumer("C1", supply_node="S1", return_node="R1", heat_demand_kW=200,
                     return_temperature_C=55)
    result = heatnet.solve(net)
    result.table("pipes"); result["nodes/pressure"]      # Pa (gauge), [time, node]
    net.set_consumer("C1", heat_demand_kW=250)           # same topology
    result = heatnet.solve(net)                          # symbolic factorisation reused

All values in results are SI (Pa gauge, degC, kg/s, W, m, m/s); inputs use the units in the
keyword names, exactly like the JSON network format.
"""
from . import _heatnet
from ._errors import ConvergenceError, Error, InputError, IoError, NetworkError
from ._network import Network
from ._result import GROUPS, RESULT_FIELDS, Result, SolveReport, read_results
from ._solve import solve, solver_options
from ._simulate import SimulationResult, StepArrival, read_profiles, simulate

from .gis.importer import _attach_to_network
from .gis.export import _attach_to_result

_attach_to_network(Network)   # Network.from_geojson (heatnet.gis)
_attach_to_result(Result)     # Result.to_geojson (heatnet.gis)

__version__ = _heatnet.__version__
NETWORK_FORMAT = _heatnet.NETWORK_FORMAT
RESULTS_FORMAT = _heatnet.RESULTS_FORMAT

__all__ = [
    "Network", "solve", "solver_options", "Result", "SolveReport", "read_results",
    "simulate", "read_profiles", "SimulationResult", "StepArrival",
    "Error", "NetworkError", "InputError", "IoError", "ConvergenceError",
    "RESULT_FIELDS", "GROUPS", "NETWORK_FORMAT", "RESULTS_FORMAT", "__version__",
]


def __getattr__(name):
    # Submodules that pull in heavy dependencies (matplotlib, pandas, dask) load on first use,
    # so `heatnet.plot.piezometric(...)` works after a bare `import heatnet`.
    if name in ("plot", "sweep", "design", "gis"):
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'heatnet' has no attribute {name!r}")
