// Turns the converged state into the result fields, the design checks and the step summary.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "heatnet/errors.hpp"
#include "network/checks.hpp"
#include "solver/consumer_demand.hpp"
#include "solver/engine.hpp"
#include "network/compiled.hpp"

namespace heatnet {
namespace {
constexpr double kAtm = fluid::kAtmospherePa;
constexpr double kInf = std::numeric_limits<double>::infinity();
// A check fails only when the limit is exceeded by more than this fraction of the limit: a
// dp-controlled pump holds its consumer exactly at the limit, up to solver round-off.
constexpr double kCheckSlack = 1e-6;
// A consumer is under-supplied when something holds it below its demand (its flow limit, its
// fully open valve, a supply no warmer than its return) and it gets less than its demand by
// more than this fraction. Without such a cause a shortfall is the coupling's tolerance: it
// delivers the demand to ~tolerance.temperature_K / (T_supply - T_return), ~1e-8 at the steady
// default, ~1e-5 in a time series' looser steps.
constexpr double kUnderSupplySlack = 1e-6;
// "3 consumers under-supplied, 412 kW missing; worst 'C7_9': 61 %"
std::string under_supply_line(const StepSummary& s) {
  const int percent = static_cast<int>(std::floor(100.0 * std::max(0.0, s.worst_supply_ratio)));
  return std::to_string(s.under_supplied) + (s.under_supplied == 1 ? " consumer" : " consumers") +
         " under-supplied, " + std::to_string(static_cast<long long>(std::llround(s.heat_missing_W * 1e-3))) +
         " kW missing; worst '" + s.worst_supplied_consumer + "': " + std::to_string(percent) +
         " % of its demand";
}

// A closed plant leaks q = dp / closed-link resistance (1e-9 kg/s per bar at the default 1e14);
// reverse flow beyond this is a plant running backwards.
constexpr double kPlantLeak = 1e-8;
// A closed plant whose leak implies a pressure rise above solver::kImpossiblePressurePa is not
// held shut by another plant: the network has nowhere else to put the water (no steady state).
using solver::kImpossiblePressurePa;
// A pressure (Pa) in bar with 4 significant digits, for messages.
std::string bar_text(double pa) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", pa * 1e-5);
  return buf;
}
// Boundary flows below this fraction of the largest link flow are round-off of the mass
// balance (it closes to ~1e-12 relative), not make-up or spill worth reporting.
constexpr double kBoundaryFlowShown = 1e-9;

std::vector<BoundaryFlow> visible_boundary_flows(const Network& net,
                                                 const std::vector<double>& source_makeup,
                                                 const std::vector<double>& pressure_node_flow,
                                                 const std::vector<double>& link_flow) {
  double largest = 0;
  for (double q : link_flow) largest = std::max(largest, std::abs(q));
  const double shown = kBoundaryFlowShown * largest;
  std::vector<BoundaryFlow> out;
  for (std::size_t i = 0; i < source_makeup.size(); ++i)
    if (std::abs(source_makeup[i]) > shown)
      out.push_back({"source", net.sources().id[i], source_makeup[i]});
  for (std::size_t j = 0; j < pressure_node_flow.size(); ++j)
    if (std::abs(pressure_node_flow[j]) > shown)
      out.push_back({"pressure_node", net.nodes().id[net.pressure_nodes().node[j]],
                     pressure_node_flow[j]});
  return out;
}
}  // namespace

// Why dp_control plant i's pump dp is beyond any pump (kImpossiblePressurePa).
std::string SolverEngine::impossible_pump_cause(const Network& net, int i) const {
  const SourceData& sd = net.sources();
  const std::string dp = bar_text(state_.source_dp[i]);
  if (hydraulic_->dp_source_closed(state_, i))
    return "closed, the network pushes its supply to " + dp + " bar: more water enters than the "
           "consumers take (e.g. a fixed_flow plant pumping more than they draw), so there is no "
           "steady state";
  return "pump dp = " + dp + " bar to hold consumer '" + net.consumers().id[sd.pump_consumer[i]] +
         "' at its set point of " + bar_text(sd.pump_dp_Pa[i]) + " bar: no pump delivers that; "
         "the network cannot carry the flows its consumers draw (an impossible design)";
}

// A plant pump never runs backwards: where the network would push water back through a plant,
// it closes like a check valve. The check's value is by how much the pressure rise the
// network asks of a fixed_dp or curve plant's pump (`rise_Pa`, as its head: elevation
// included) exceeds what the pump holds; for a dp_control plant, by how much its controlled
// consumer's dp exceeds the set point with the plant idle. A closed plant forced to leak at an
// impossible pressure, a plant left open with reverse flow (its status froze against
// chatter), or a dp_control plant whose pump dp is beyond any pump (kImpossiblePressurePa: its
// set point asks flows the network cannot carry) is no usable answer.
void SolverEngine::check_plant_direction(const Network& net, int i, double q, double rise_Pa,
                                         double rho_g, Solution& sol) {
  const SourceData& sd = net.sources();
  const int link = hydraulic_->hydraulic_index()[net.topology().source_offset + i];
  // a cause for the state to be no usable answer (solver/solve_status.hpp decides)
  auto invalid = [&](const std::string& why, bool impossible_design) {
    invalid_causes_.push_back({"source '" + sd.id[i] + "': mass_flow = " + format_value(q) +
                                   " kg/s " + why,
                               impossible_design});
  };
  if (sd.pump_type[i] == SourcePumpType::dp_control && std::abs(state_.source_dp[i]) > kImpossiblePressurePa)
    invalid_causes_.push_back({"source '" + sd.id[i] + "': " + impossible_pump_cause(net, i), true});
  if (hydraulic_->dp_source_closed(state_, i)) {
    const ConsumerData& cd = net.consumers();
    const int c = sd.pump_consumer[i];
    const double excess = state_.p[cd.supply_node[c]] - state_.p[cd.return_node[c]] - sd.pump_dp_Pa[i];
    sol.checks.push_back({0, "source", sd.id[i], "source_closed", std::max(0.0, excess), 0.0});
  } else if (link >= 0 && state_.status[link] == solver::LinkStatus::closed) {
    const double held_dp = sd.pump_type[i] == SourcePumpType::fixed_dp
                               ? sd.pump_dp_Pa[i]
                               : rho_g * sd.pump_curve[i].shutoff_head_m;
    sol.checks.push_back({0, "source", sd.id[i], "source_closed", std::max(0.0, rise_Pa - held_dp), 0.0});
    const double forcing_Pa = -q * net.settings().closed_link_resistance_Pa_s_kg;
    if (forcing_Pa > kImpossiblePressurePa)
      invalid("is forced back through the closed plant at " + bar_text(forcing_Pa) +
              " bar: nothing else can take that water (e.g. a fixed_flow plant pumping more "
              "than the consumers draw, or a dp_control plant pumping beyond any pump)",
              true);
  } else if (q < 0) {
    sol.checks.push_back({0, "source", sd.id[i], "source_reverse_flow", q, 0.0});
    if (link >= 0 && q < -kPlantLeak) invalid("runs backwards through its pump, which did not settle closed", false);
    // an open dp_control plant whose closing froze against chatter
    if (link < 0 && q < -kPlantLeak)
      invalid("runs backwards: the other plants push more water into the network than the "
              "consumers take, and the plant did not settle closed",
              false);
  }
}

// Whether consumer i draws what a limit lets it: its flow limit, its fully open valve, or a
// supply no warmer than its return temperature (it cannot deliver anything then).
bool SolverEngine::held_below_demand(const Network& net, int i) const {
  const ConsumerData& cd = net.consumers();
  if (std::isnan(cd.heat_demand_W[i]) || consumer_flow_.empty()) return false;
  const int link = hydraulic_->hydraulic_index()[net.topology().consumer_offset + i];
  return at_flow_limit(i) || hydraulic_->valve_limited(params_, state_, link) ||
         !(temps_.node_T[cd.supply_node[i]] > cd.return_temperature_C[i]);
}

// A result field of `n` values, every one of which the caller writes: a reused Solution keeps
// its storage and last step's values (no allocation or zero fill per time step).
std::vector<double>& SolverEngine::result_field(Solution& sol, ElementGroup g, std::string_view name,
                                                std::size_t n) {
  auto& v = sol.field(g, name);
  v.resize(n);
  return v;
}

// Fills `sol` from the converged state; of a reused Solution only the fields' storage is kept.
void SolverEngine::make_solution(const Network& net, const fluid::FluidModel& fluid,
                                 FrictionModel friction, const SolverOptions& options,
                                 SolveReport& report, Solution& sol) {
  sol.values.resize(kResultFieldCount);
  sol.checks.clear();
  sol.summary = StepSummary{};
  sol.max_temperature_change_K = 0;
  sol.iterations = report.iterations;
  // the node balance of the final state: the boundary flows at held nodes that the source,
  // pressure-node and energy results read (the state does not change while they are made)
  hydraulic_->node_imbalance(state_, params_, imbalance_);
  node_results(net, fluid, options.limits, sol);
  pipe_results(net, friction, options.limits, sol);
  consumer_results(net, fluid, sol);
  if (sol.summary.under_supplied > 0 && report.usable() && report.message.empty())
    report.message = under_supply_line(sol.summary);
  source_results(net, fluid, sol);
  pressure_node_results(net, sol, report);
  pump_and_valve_results(net, sol);
  energy_balance(net, fluid, sol);
  freezing_checks(net, fluid, sol);
  sol.summary.failed_checks = static_cast<int>(sol.checks.size());
}

// Pressure, head and temperature per node; the pressure extremes and checks.
void SolverEngine::node_results(const Network& net, const fluid::FluidModel& fluid,
                                const DesignLimits& lim, Solution& sol) const {
  const NodeData& nd = net.nodes();
  const double g = net.settings().gravity_m_s2;
  const int n = net.node_count();
  const auto& p = state_.p;
  const auto& T = temps_.node_T;
  StepSummary& sum = sol.summary;
  auto& np = result_field(sol, ElementGroup::nodes, "pressure", n);
  auto& nh = result_field(sol, ElementGroup::nodes, "head", n);
  auto& nt = result_field(sol, ElementGroup::nodes, "temperature", n);
  sum.min_pressure_Pa = kInf;
  sum.max_pressure_Pa = -kInf;
  sum.min_boiling_margin_Pa = kInf;
  // the extremes' nodes by index, their ids copied once at the end
  int min_pressure = -1, max_pressure = -1, min_margin = -1;
  for (int i = 0; i < n; ++i) {
    np[i] = p[i];
    nt[i] = T[i];
    const double rho = fluid.density(T[i], std::max(p[i] + kAtm, 0.5 * kAtm));
    nh[i] = nd.elevation_m[i] + p[i] / (rho * g);
    if (p[i] < sum.min_pressure_Pa) {
      sum.min_pressure_Pa = p[i];
      min_pressure = i;
    }
    if (p[i] > sum.max_pressure_Pa) {
      sum.max_pressure_Pa = p[i];
      max_pressure = i;
    }
    if (p[i] > lim.max_pressure_Pa * (1.0 + kCheckSlack))
      sol.checks.push_back({0, "node", nd.id[i], "max_pressure", p[i], lim.max_pressure_Pa});
    if (!fluid.is_constant()) {
      const double margin = p[i] + kAtm - fluid.saturation_pressure(T[i]);
      if (margin < sum.min_boiling_margin_Pa) {
        sum.min_boiling_margin_Pa = margin;
        min_margin = i;
      }
      if (margin < lim.boiling_margin_Pa * (1.0 - kCheckSlack))
        sol.checks.push_back({0, "node", nd.id[i], "boiling_margin", margin, lim.boiling_margin_Pa});
    }
  }
  if (min_pressure >= 0) sum.min_pressure_node = nd.id[min_pressure];
  if (max_pressure >= 0) sum.max_pressure_node = nd.id[max_pressure];
  if (min_margin >= 0) sum.min_boiling_margin_node = nd.id[min_margin];
  if (n == 0) sum.min_pressure_Pa = sum.max_pressure_Pa = 0;
}

// Flow, velocity, pressure drop, friction and heat loss per pipe; the velocity check.
void SolverEngine::pipe_results(const Network& net, FrictionModel friction,
                                const DesignLimits& lim, Solution& sol) const {
  const Topology& t = net.topology();
  const auto& p = state_.p;
  const auto& flow = thermal_in_.link_flow;
  StepSummary& sum = sol.summary;
  const PipeData& pd = net.pipes();
  const int np_ = net.pipe_count();
  auto& pq = result_field(sol, ElementGroup::pipes, "mass_flow", np_);
  auto& pv = result_field(sol, ElementGroup::pipes, "velocity", np_);
  auto& pdp = result_field(sol, ElementGroup::pipes, "pressure_drop", np_);
  auto& pf = result_field(sol, ElementGroup::pipes, "friction_factor", np_);
  auto& pre = result_field(sol, ElementGroup::pipes, "reynolds", np_);
  auto& pti = result_field(sol, ElementGroup::pipes, "inlet_temperature", np_);
  auto& pto = result_field(sol, ElementGroup::pipes, "outlet_temperature", np_);
  auto& phl = result_field(sol, ElementGroup::pipes, "heat_loss", np_);
  int fastest = -1;  // the fastest pipe by index, its id copied once at the end
  for (int e = 0; e < np_; ++e) {
    const int k = t.pipe_offset + e;
    const double q = flow[k];
    const physics::PipeCoefficients c = params_.pipe_coefficients(pd, e);
    const physics::PipeFlowState fs =  // from the solve's last Colebrook root
        physics::pipe_flow_state(friction, c, q, hydraulic_->colebrook_root(e));
    pq[e] = q;
    pv[e] = q / (c.density * c.area_m2);
    pdp[e] = p[pd.from[e]] - p[pd.to[e]];
    pf[e] = fs.friction_factor;
    pre[e] = fs.reynolds;
    pti[e] = temps_.link_T_in[k];
    pto[e] = temps_.link_T_out[k];
    phl[e] = temps_.pipe_heat_loss[e];
    sum.heat_loss_W += phl[e];
    if (std::abs(pv[e]) > sum.max_velocity_m_s) {
      sum.max_velocity_m_s = std::abs(pv[e]);
      fastest = e;
    }
    if (std::abs(pv[e]) > lim.max_velocity_m_s * (1.0 + kCheckSlack))
      sol.checks.push_back({0, "pipe", pd.id[e], "max_velocity", std::abs(pv[e]), lim.max_velocity_m_s});
  }
  if (fastest >= 0) sum.max_velocity_pipe = pd.id[fastest];
}

// Flow, heat and temperatures per consumer; the dp and under-supply checks.
void SolverEngine::consumer_results(const Network& net, const fluid::FluidModel& fluid,
                                    Solution& sol) const {
  const Topology& t = net.topology();
  const auto& p = state_.p;
  const auto& T = temps_.node_T;
  StepSummary& sum = sol.summary;
  const ConsumerData& cd = net.consumers();
  const int nc = net.consumer_count();
  auto& cq = result_field(sol, ElementGroup::consumers, "mass_flow", nc);
  auto& ch = result_field(sol, ElementGroup::consumers, "heat", nc);
  auto& cts = result_field(sol, ElementGroup::consumers, "supply_temperature", nc);
  auto& ctr = result_field(sol, ElementGroup::consumers, "return_temperature", nc);
  auto& cdp = result_field(sol, ElementGroup::consumers, "dp_available", nc);
  auto& chd = result_field(sol, ElementGroup::consumers, "heat_demand", nc);
  sum.min_consumer_dp_margin_Pa = kInf;
  double min_dp = kInf;
  int critical = -1;  // by index, its id copied once at the end
  for (int i = 0; i < nc; ++i) {
    const double q = consumer_flow_.empty() ? 0.0 : consumer_flow_[i];
    const double ts = T[cd.supply_node[i]];
    // the temperature the sweep let its water leave at (min(return, supply), see
    // consumer_outlet_temperature): the energy balance closes on it
    const int link = t.consumer_offset + i;
    const double tr = thermal_in_.consumer_outlet_T.empty() || !(q > 0)
                          ? solver::consumer_outlet_temperature(ts, cd.return_temperature_C[i])
                          : temps_.link_T_out[link];
    cq[i] = q;
    ch[i] = q > 0 ? q * (fluid.enthalpy(ts) - fluid.enthalpy(tr)) : 0.0;  // backwards: passive
    cts[i] = ts;
    ctr[i] = tr;
    cdp[i] = p[cd.supply_node[i]] - p[cd.return_node[i]];
    // a fixed-flow consumer asks for no particular heat: it gets what its flow carries
    chd[i] = std::isnan(cd.heat_demand_W[i]) ? ch[i] : cd.heat_demand_W[i];
    sum.heat_delivered_W += ch[i];
    if (cdp[i] < min_dp) {
      min_dp = cdp[i];
      critical = i;
    }
    if (!std::isnan(cd.min_dp_Pa[i])) {
      sum.min_consumer_dp_margin_Pa = std::min(sum.min_consumer_dp_margin_Pa, cdp[i] - cd.min_dp_Pa[i]);
      if (cdp[i] < cd.min_dp_Pa[i] * (1.0 - kCheckSlack))
        sol.checks.push_back({0, "consumer", cd.id[i], "consumer_dp", cdp[i], cd.min_dp_Pa[i]});
    }
    if (chd[i] > 0 && ch[i] < chd[i] * (1.0 - kUnderSupplySlack) && held_below_demand(net, i)) {
      sol.checks.push_back({0, "consumer", cd.id[i], "under_supplied", ch[i], chd[i]});
      ++sum.under_supplied;
      sum.heat_missing_W += chd[i] - ch[i];
      if (ch[i] / chd[i] < sum.worst_supply_ratio) {
        sum.worst_supply_ratio = ch[i] / chd[i];
        sum.worst_supplied_consumer = cd.id[i];
      }
    }
  }
  if (critical >= 0) sum.critical_consumer = cd.id[critical];
}

// Flow, heat, pressures and pump head per source; each plant's direction check.
void SolverEngine::source_results(const Network& net, const fluid::FluidModel& fluid,
                                  Solution& sol) {
  const NodeData& nd = net.nodes();
  const double g = net.settings().gravity_m_s2;
  const auto& p = state_.p;
  const auto& T = temps_.node_T;
  StepSummary& sum = sol.summary;
  const SourceData& sd = net.sources();
  const int ns = net.source_count();
  auto& sq = result_field(sol, ElementGroup::sources, "mass_flow", ns);
  auto& sh = result_field(sol, ElementGroup::sources, "heat", ns);
  auto& ssp = result_field(sol, ElementGroup::sources, "supply_pressure", ns);
  auto& srp = result_field(sol, ElementGroup::sources, "return_pressure", ns);
  auto& shd = result_field(sol, ElementGroup::sources, "pump_head", ns);
  auto& spw = result_field(sol, ElementGroup::sources, "pump_power", ns);
  auto& srt = result_field(sol, ElementGroup::sources, "return_temperature", ns);
  auto& smu = result_field(sol, ElementGroup::sources, "makeup_mass_flow", ns);
  for (int i = 0; i < ns; ++i) {
    const int s = sd.supply_node[i], r = sd.return_node[i];
    const double q = source_flow_.empty() ? 0.0 : source_flow_[i];
    const double rho = fluid.density(T[r], std::max(p[r] + kAtm, 0.5 * kAtm));
    const double dp_pump = p[s] - p[r] + rho * g * (nd.elevation_m[s] - nd.elevation_m[r]);
    sq[i] = q;
    // the plant's outlet is at its set point even where other water mixes into its supply node
    // a plant carrying water backwards (closed and leaking) heats nothing (the sweep passes
    // that water through unchanged)
    sh[i] = q > 0 ? q * (fluid.enthalpy(sd.supply_temperature_C[i]) - fluid.enthalpy(T[r])) : 0.0;
    ssp[i] = p[s];
    srp[i] = p[r];
    shd[i] = dp_pump / (rho * g);
    spw[i] = q / rho * dp_pump;
    srt[i] = T[r];
    smu[i] = source_makeup(net, i);
    sum.heat_supplied_W += sh[i];
    sum.pump_power_W += spw[i];
    check_plant_direction(net, i, q, dp_pump, rho * g, sol);
  }
}

// What each pressure node feeds into the network (negative: takes out), and the report's
// boundary flows.
void SolverEngine::pressure_node_results(const Network& net, Solution& sol,
                                         SolveReport& report) const {
  const auto& T = temps_.node_T;
  const auto& flow = thermal_in_.link_flow;
  const auto& smu = sol.field(ElementGroup::sources, "makeup_mass_flow");
  const PressureNodeData& pn = net.pressure_nodes();
  const int npn = static_cast<int>(pn.node.size());
  auto& pnq = result_field(sol, ElementGroup::pressure_nodes, "mass_flow", npn);
  auto& pnt = result_field(sol, ElementGroup::pressure_nodes, "temperature", npn);
  for (int j = 0; j < npn; ++j) {
    pnq[j] = imbalance_[pn.node[j]];
    pnt[j] = T[pn.node[j]];
  }
  report.boundary_flows = visible_boundary_flows(net, smu, pnq, flow);
}

// Flow, head and power per booster pump; flow and pressure drop per valve.
void SolverEngine::pump_and_valve_results(const Network& net, Solution& sol) const {
  const Topology& t = net.topology();
  const NodeData& nd = net.nodes();
  const double g = net.settings().gravity_m_s2;
  const auto& p = state_.p;
  const auto& flow = thermal_in_.link_flow;
  const auto& hidx = hydraulic_->hydraulic_index();
  StepSummary& sum = sol.summary;
  const int nbp = net.pump_count();
  auto& bq = result_field(sol, ElementGroup::pumps, "mass_flow", nbp);
  auto& bh = result_field(sol, ElementGroup::pumps, "head", nbp);
  auto& bpw = result_field(sol, ElementGroup::pumps, "power", nbp);
  for (int i = 0; i < nbp; ++i) {
    const int k = t.pump_offset + i;
    const int a = t.link_from[k], b = t.link_to[k];
    const double rho = params_.link_density[hidx[k]];
    const double rise = p[b] - p[a] + rho * g * (nd.elevation_m[b] - nd.elevation_m[a]);
    bq[i] = flow[k];
    bh[i] = rise / (rho * g);
    bpw[i] = flow[k] / rho * rise;
    sum.pump_power_W += bpw[i];
  }
  const int nv = net.valve_count();
  auto& vq = result_field(sol, ElementGroup::valves, "mass_flow", nv);
  auto& vdp = result_field(sol, ElementGroup::valves, "pressure_drop", nv);
  for (int i = 0; i < nv; ++i) {
    const int k = t.valve_offset + i;
    vq[i] = flow[k];
    vdp[i] = p[t.link_from[k]] - p[t.link_to[k]];
  }
}

// The largest mass imbalance at a free node and the network's relative energy imbalance.
void SolverEngine::energy_balance(const Network& net, const fluid::FluidModel& fluid,
                                  Solution& sol) const {
  const NodeData& nd = net.nodes();
  const SourceData& sd = net.sources();
  const int n = net.node_count();
  const int ns = net.source_count();
  const auto& T = temps_.node_T;
  StepSummary& sum = sol.summary;
  sum.max_mass_imbalance_kg_s = std::max(sum.max_mass_imbalance_kg_s,
                                         hydraulic_->max_free_imbalance(imbalance_));
  // energy: sources + boundary inflows - boundary outflows = consumers + pipe losses
  double boundary = 0, boundary_in = 0;
  const bool have_thermal = thermal_in_.prepared;
  for (const auto& b : thermal_in_.boundary_inflows) {
    // a neutral inflow enters at the node's temperature
    const double e = b.neutral ? b.mass_flow * fluid.enthalpy(T[b.node]) : b.enthalpy_flow;
    boundary += e;
    boundary_in += std::abs(e);
  }
  for (int i = 0; i < n && have_thermal; ++i)
    if (nd.demand_kg_s[i] > 0) boundary -= nd.demand_kg_s[i] * fluid.enthalpy(T[i]);  // leaves at node T
  for (std::size_t j = 0; j < net.pressure_nodes().node.size() && have_thermal; ++j) {
    const int i = net.pressure_nodes().node[j];
    if (imbalance_[i] < 0) boundary -= -imbalance_[i] * fluid.enthalpy(T[i]);
  }
  for (int i = 0; i < ns && have_thermal; ++i) {
    const double makeup = source_makeup(net, i);
    if (makeup < 0) boundary -= -makeup * fluid.enthalpy(T[sd.return_node[i]]);
  }
  if (have_thermal) {
    const double lhs = sum.heat_supplied_W + boundary;
    const double rhs = sum.heat_delivered_W + sum.heat_loss_W;
    const double scale = std::max({std::abs(sum.heat_supplied_W), boundary_in, std::abs(rhs), 1.0});
    sum.energy_balance_rel = std::abs(lhs - rhs) / scale;
  }
}

// Water colder than the water model's range: it would freeze where it stands still (a
// near-stagnant pipe in frozen ground). A design finding, not a failed solve: its properties
// were taken at the range's lower end (SolverEngine::property_temperature).
void SolverEngine::freezing_checks(const Network& net, const fluid::FluidModel& fluid,
                                   Solution& sol) const {
  const NodeData& nd = net.nodes();
  const int n = net.node_count();
  const auto& T = temps_.node_T;
  if (!fluid.is_constant())
    for (int i = 0; i < n; ++i)
      if (T[i] < kWaterMinTemperatureC)
        sol.checks.push_back({0, "node", nd.id[i], "freezing", T[i], kWaterMinTemperatureC});
}

}  // namespace heatnet
