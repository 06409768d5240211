// SolveReport formatting and SolverOptions validation.
#include <cmath>
#include <cstdio>
#include <string>

#include "heatnet/errors.hpp"
#include "heatnet/solve_report.hpp"
#include "heatnet/solver_options.hpp"

namespace heatnet {
namespace {
std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}
void invalid(const char* field, double v, const char* rule) {
  throw InputError(ErrorCode::invalid_value, "solver options", "", field, format_value(v), rule);
}
}  // namespace

std::string SolveReport::brief() const {
  std::string s = std::string(to_string(status)) + ": " + std::to_string(iterations) +
                  " Newton iterations, " + std::to_string(outer_iterations) + " outer, " +
                  "flow change " + fmt("%.2e", max_flow_change_rel) + ", imbalance " +
                  fmt("%.2e", max_mass_imbalance_kg_s) + " kg/s, " + fmt("%.3f", timings.total_s) +
                  " s";
  if (!message.empty()) s += " (" + message + ")";
  return s;
}

std::string describe_boundary_flows(const std::vector<BoundaryFlow>& flows) {
  std::string s;
  for (const auto& f : flows) {
    const bool source = f.element_kind == "source";
    const bool in = f.mass_flow_kg_s >= 0;
    if (!s.empty()) s += ", ";
    s += source ? (in ? "make-up " : "spill ") : (in ? "inflow " : "outflow ");
    s += fmt("%.3g", f.mass_flow_kg_s) + " kg/s at " + (source ? "source" : "pressure node") +
         " '" + f.element_id + "'";
  }
  return s;
}

std::string SolveReport::full() const {
  std::string s = brief() + "\n";
  if (!boundary_flows.empty()) s += "boundary flows: " + describe_boundary_flows(boundary_flows) + "\n";
  s += "backend " + backend + (symbolic_reused ? " (symbolic analysis reused)" : "") + ", " +
       std::to_string(factorisations) + " numeric factorisations of a factor with " +
       fmt("%.0f", factor_nonzeros) + " nonzeros, " + fmt("%.3g", factor_flops) + " flops each\n";
  s += "timings: analyse " + fmt("%.4f", timings.analyse_s) + " s, assemble " +
       fmt("%.4f", timings.assemble_s) + " s, factorise " + fmt("%.4f", timings.factorise_s) +
       " s, solve " + fmt("%.4f", timings.linear_solve_s) + " s, thermal " +
       fmt("%.4f", timings.thermal_s) + " s, total " + fmt("%.4f", timings.total_s) + " s\n";
  s += "outer  iter  flow-change  link-residual[Pa]  imbalance[kg/s]  step  status-changes  worst-link  worst-node\n";
  for (const auto& r : history) {
    char line[256];
    std::snprintf(line, sizeof line, "%5d %5d  %11.3e  %17.3e  %15.3e  %4.2f  %14d  ", r.outer,
                  r.iteration, r.max_flow_change_rel, r.max_link_residual_Pa,
                  r.max_mass_imbalance_kg_s, r.step_length, r.status_changes);
    s += line + r.worst_link + "  " + r.worst_node + "\n";
  }
  return s;
}

void SolverOptions::validate() const {
  if (tolerance_mass_flow_rel && !(*tolerance_mass_flow_rel > 0 && *tolerance_mass_flow_rel < 1))
    invalid("tolerance_mass_flow_rel", *tolerance_mass_flow_rel, "must be within 0..1");
  if (tolerance_temperature_K && !(*tolerance_temperature_K > 0 && *tolerance_temperature_K < 100))
    invalid("tolerance_temperature_K", *tolerance_temperature_K, "must be within 0..100");
  if (max_iterations && (*max_iterations < 1 || *max_iterations > 100000))
    invalid("max_iterations", *max_iterations, "must be within 1..100000");
  if (max_outer_iterations < 1 || max_outer_iterations > 10000)
    invalid("max_outer_iterations", max_outer_iterations, "must be within 1..10000");
  if (!(limits.boiling_margin_Pa >= 0) || !std::isfinite(limits.boiling_margin_Pa))
    invalid("limits.boiling_margin_Pa", limits.boiling_margin_Pa, "must be >= 0");
  if (!(limits.max_pressure_Pa > 0) || !std::isfinite(limits.max_pressure_Pa))
    invalid("limits.max_pressure_Pa", limits.max_pressure_Pa, "must be > 0");
  if (!(limits.max_velocity_m_s > 0) || !std::isfinite(limits.max_velocity_m_s))
    invalid("limits.max_velocity_m_s", limits.max_velocity_m_s, "must be > 0");
}

}  // namespace heatnet
