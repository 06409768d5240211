// Options of one solve. Defaults live here, one comment per field; validate() names the
// field, value and broken rule.
#pragma once
#include <optional>
#include <string>

#include "heatnet/network.hpp"

namespace heatnet {

enum class LinearBackend { automatic, cholmod_supernodal, cholmod_simplicial };
std::string_view to_string(LinearBackend b);
std::optional<LinearBackend> parse_linear_backend(std::string_view s);

struct DesignLimits {
  double boiling_margin_Pa = 0.5e5;   // absolute pressure must exceed p_sat(T) by this (SNiP 41-02: 0.05 MPa)
  double max_pressure_Pa = 16e5;      // PN16, gauge
  double max_velocity_m_s = 3.0;      // pipe mean velocity
};

struct SolverOptions {
  // Overrides of the network settings (unset: use the network's settings).
  std::optional<FrictionModel> friction;
  std::optional<double> tolerance_mass_flow_rel;   // Newton: relative flow change
  std::optional<double> tolerance_temperature_K;   // outer loop: max temperature change
  std::optional<int> max_iterations;               // Newton iterations per hydraulic solve; a
                                                   // coupled solve's one-step-per-outer-iteration
                                                   // sequence counts as one solve

  int max_outer_iterations = 800;     // thermal-hydraulic coupling iterations (docs/models.md)
  bool thermal = true;                // false: isothermal at settings.temperature_C
  // automatic: chosen from the factor's flops per nonzero (solver/linear/spd_solver.cpp):
  // heatnet's own simplicial LDL^T for light systems, else CHOLMOD supernodal or simplicial;
  // the report names the one used.
  LinearBackend backend = LinearBackend::automatic;
  bool warm_start = true;             // reuse the previous state of the same Solver
  DesignLimits limits;

  void validate() const;  // throws heatnet::Error (code invalid_value) naming the field
};

}  // namespace heatnet
