// to_string / parse round trips of the model's enumerations.
#include "heatnet/network.hpp"
#include "network/compiled.hpp"
#include "heatnet/solve_report.hpp"
#include "heatnet/solver_options.hpp"
#include "heatnet/units.hpp"

namespace heatnet {

std::string_view to_string(FrictionModel m) {
  switch (m) {
    case FrictionModel::colebrook: return "colebrook";
    case FrictionModel::swamee_jain: return "swamee_jain";
    case FrictionModel::hazen_williams: return "hazen_williams";
    case FrictionModel::nikuradse: return "nikuradse";
    case FrictionModel::epanet_darcy_weisbach: return "epanet_darcy_weisbach";
  }
  return "?";
}
std::optional<FrictionModel> parse_friction_model(std::string_view s) {
  for (auto m : {FrictionModel::colebrook, FrictionModel::swamee_jain,
                 FrictionModel::hazen_williams, FrictionModel::nikuradse,
                 FrictionModel::epanet_darcy_weisbach})
    if (to_string(m) == s) return m;
  return std::nullopt;
}

std::string_view to_string(SourcePumpType t) {
  switch (t) {
    case SourcePumpType::fixed_dp: return "fixed_dp";
    case SourcePumpType::curve: return "curve";
    case SourcePumpType::dp_control: return "dp_control";
    case SourcePumpType::fixed_flow: return "fixed_flow";
  }
  return "?";
}
std::optional<SourcePumpType> parse_source_pump_type(std::string_view s) {
  for (auto t : {SourcePumpType::fixed_dp, SourcePumpType::curve, SourcePumpType::dp_control,
                 SourcePumpType::fixed_flow})
    if (to_string(t) == s) return t;
  return std::nullopt;
}

std::string_view to_string(ValveType t) {
  switch (t) {
    case ValveType::check: return "check";
    case ValveType::closed: return "closed";
    case ValveType::open: return "open";
    case ValveType::prv: return "prv";
    case ValveType::psv: return "psv";
    case ValveType::pbv: return "pbv";
    case ValveType::fcv: return "fcv";
    case ValveType::tcv: return "tcv";
    case ValveType::gpv: return "gpv";
  }
  return "?";
}
std::optional<ValveType> parse_valve_type(std::string_view s) {
  for (auto t : {ValveType::check, ValveType::closed, ValveType::open, ValveType::prv,
                 ValveType::psv, ValveType::pbv, ValveType::fcv, ValveType::tcv, ValveType::gpv})
    if (to_string(t) == s) return t;
  return std::nullopt;
}

std::string_view to_string(PumpCurveKind k) {
  switch (k) {
    case PumpCurveKind::quadratic: return "quadratic";
    case PumpCurveKind::epanet: return "epanet";
  }
  return "?";
}
std::optional<PumpCurveKind> parse_pump_curve_kind(std::string_view s) {
  for (auto k : {PumpCurveKind::quadratic, PumpCurveKind::epanet})
    if (to_string(k) == s) return k;
  return std::nullopt;
}

std::string_view to_string(LinkKind k) {
  switch (k) {
    case LinkKind::pipe: return "pipe";
    case LinkKind::pump: return "pump";
    case LinkKind::valve: return "valve";
    case LinkKind::source: return "source";
    case LinkKind::consumer: return "consumer";
  }
  return "?";
}

std::string_view to_string(LinearBackend b) {
  switch (b) {
    case LinearBackend::automatic: return "automatic";
    case LinearBackend::cholmod_supernodal: return "cholmod_supernodal";
    case LinearBackend::cholmod_simplicial: return "cholmod_simplicial";
  }
  return "?";
}
std::optional<LinearBackend> parse_linear_backend(std::string_view s) {
  for (auto b : {LinearBackend::automatic, LinearBackend::cholmod_supernodal,
                 LinearBackend::cholmod_simplicial})
    if (to_string(b) == s) return b;
  return std::nullopt;
}

std::string_view to_string(SolveStatus s) {
  switch (s) {
    case SolveStatus::converged: return "converged";
    case SolveStatus::max_iterations: return "max_iterations";
    case SolveStatus::outer_not_converged: return "outer_not_converged";
    case SolveStatus::invalid_solution: return "invalid_solution";
    case SolveStatus::numerical_failure: return "numerical_failure";
  }
  return "?";
}

std::string_view to_string(ElementGroup g) {
  switch (g) {
    case ElementGroup::nodes: return "nodes";
    case ElementGroup::pipes: return "pipes";
    case ElementGroup::consumers: return "consumers";
    case ElementGroup::sources: return "sources";
    case ElementGroup::pumps: return "pumps";
    case ElementGroup::valves: return "valves";
    case ElementGroup::pressure_nodes: return "pressure_nodes";
  }
  return "?";
}

int result_field_index(ElementGroup group, std::string_view name) {
  for (int i = 0; i < kResultFieldCount; ++i)
    if (kResultFields[i].group == group && kResultFields[i].name == name) return i;
  return -1;
}

}  // namespace heatnet
