"""heatnet quick start (notebook-style): build a small district-heating network in Python,
solve it, look at the results, change a demand and solve again.

    PYTHONPATH=build/python python3 examples/python/quickstart.py
"""
# %% Build the network: keyword arguments are the JSON keys, units in the names.
import heatnet

net = heatnet.Network(name="quickstart", settings={"ambient_temperature_C": 8.0,
                                                   "friction": "colebrook"})
for i, z in enumerate([10.0, 12.0, 15.0]):
    net.add_node(f"S{i}", elevation_m=z)   # supply line
    net.add_node(f"R{i}", elevation_m=z)   # return line
for i, (length, d) in enumerate([(300.0, 0.0825), (250.0, 0.0703)], start=1):
    net.add_pipe(f"SP{i}", from_=f"S{i - 1}", to=f"S{i}", length_m=length, inner_diameter_m=d,
                 roughness_mm=0.05, heat_loss_W_mK=0.3)
    net.add_pipe(f"RP{i}", from_=f"R{i}", to=f"R{i - 1}", length_m=length, inner_diameter_m=d,
                 roughness_mm=0.05, heat_loss_W_mK=0.3)
net.add_source("PLANT", supply_node="S0", return_node="R0", supply_temperature_C=90.0,
               return_pressure_bar=2.0, pump={"type": "fixed_dp", "dp_bar": 1.5})
net.add_consumer("C1", supply_node="S1", return_node="R1", heat_demand_kW=200.0,
                 return_temperature_C=55.0, min_dp_bar=0.5)
net.add_consumer("C2", supply_node="S2", return_node="R2", heat_demand_kW=150.0,
                 return_temperature_C=50.0, min_dp_bar=0.5)
print(net)

# %% Solve (the GIL is released while C++ works) and look at the results (SI units).
result = heatnet.solve(net)
print(result.report.brief())
print(result.table("pipes")[["mass_flow", "velocity", "pressure_drop", "heat_loss"]])
print(result.table("consumers"))
s = result.summary
print(f"heat supplied {s['heat_supplied_W'] / 1e3:.1f} kW, losses {s['heat_loss_W'] / 1e3:.1f} kW, "
      f"critical consumer {s['critical_consumer']}")
pressure_bar = result["nodes/pressure"][-1] / 1e5   # read-only numpy view, [time, node]
print(dict(zip(result.ids("nodes"), pressure_bar.round(3))))

# %% Change a demand and solve again: same topology, symbolic factorisation reused.
net.set_consumer("C2", heat_demand_kW=220.0)
again = heatnet.solve(net)
print(again.report.brief(), "| symbolic analysis reused:", again.report.symbolic_reused)
print(again.table("consumers")[["mass_flow", "heat", "dp_available"]])
print("failed design checks:", len(again.checks))
