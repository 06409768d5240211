// HydraulicSolver's link statuses between Newton steps: check valves, pumps and plants that
// close against reverse flow or too high a head, control valves (PRV/PSV/FCV...) going active,
// open or closed, links at full or empty tanks, and dp_control plants held by another plant.
// The rules and tolerances are EPANET's (OpenWaterAnalytics/EPANET src/hydstatus.c: cvstatus,
// pumpstatus, prvstatus, psvstatus, fcvstatus, tankstatus), with anti-chattering limits.
#include <algorithm>
#include <cmath>
#include <limits>

#include "network/compiled.hpp"
#include "solver/newton/hydraulic_solver.hpp"
#include "solver/physics/substation.hpp"

namespace heatnet::solver {
namespace {
// Control valves may change status this often before they are frozen.
constexpr int kMaxValveStatusChanges = 200;
// EPANET's status tolerances: HTOL = 0.0005 ft (head), QTOL = 1e-4 cfs (volume flow).
constexpr double kStatusHeadTol = 0.0005 * 0.3048;
constexpr double kStatusFlowTol = 1e-4 * 0.028316846592;
}  // namespace

// The most head pump link k can deliver (m of its fluid): a booster pump's or curve plant's
// shut-off head (at its speed), a fixed_dp plant's dp. A network that needs more pushes water
// back through the pump, which closes instead.
double HydraulicSolver::shutoff_head(const Network& net, const HydraulicParameters& params,
                                     int k) const {
  const int e = element_[k];
  if (kind_[k] == LinkKind::pump) {
    const double speed = net.pumps().speed[e];
    return speed * speed * net.pumps().curve[e].shutoff_head_m;
  }
  const SourceData& s = net.sources();
  if (s.pump_type[e] == SourcePumpType::fixed_dp)
    return s.pump_dp_Pa[e] / (params.link_density[k] * params.gravity);
  return s.pump_curve[e].shutoff_head_m;
}

bool HydraulicSolver::is_fixed_dp_plant(const Network& net, int k) const {
  return kind_[k] == LinkKind::source &&
         net.sources().pump_type[element_[k]] == SourcePumpType::fixed_dp;
}

double HydraulicSolver::dp_plant_flow(const HydraulicParameters& params,
                                      const HydraulicState& st, int s) const {
  double flow = params.demand[dp_supply_node_[s]];
  for (auto [k, sign] : dp_incident_[s]) flow += sign * st.q[k];
  return flow;
}

// A dp_control plant never runs backwards (network format: plants close like check valves).
// It closes where the network would push water back into it: the other plants hold its
// controlled consumer's dp above the set point even with it idle. Closed, its supply node
// floats (its flow is zero instead of the consumer's dp being the set point); it reopens when
// that dp falls below the set point. EPANET's status tolerances, as for pumps.
int HydraulicSolver::update_dp_plant_statuses(const Network& net, const HydraulicParameters& params,
                                              HydraulicState& st) const {
  int changes = 0;
  const SourceData& sd = net.sources();
  const ConsumerData& cd = net.consumers();
  for (std::size_t d = 0; d < dp_sources_.size(); ++d) {
    const int s = static_cast<int>(d);
    if (st.dp_source_changes[s] >= kMaxStatusChanges) continue;
    const int src = dp_sources_[s];
    const double rho = dp_incident_[s].empty() ? 1000.0 : params.link_density[dp_incident_[s][0].first];
    const int c = sd.pump_consumer[src];
    const double controlled_dp = st.p[cd.supply_node[c]] - st.p[cd.return_node[c]];
    const bool closed = st.dp_source_closed[s];
    const bool close = !closed && dp_plant_flow(params, st, s) < -kStatusFlowTol * rho;
    const bool reopen = closed && controlled_dp < sd.pump_dp_Pa[src] - kStatusHeadTol * rho * params.gravity;
    if (close || reopen) {
      st.dp_source_closed[s] = close;
      ++st.dp_source_changes[s];
      ++changes;
    }
  }
  return changes;
}

// Head difference h(from) - h(to) across hydraulic link k (m of the link's fluid).
double HydraulicSolver::head_difference(const HydraulicParameters& params,
                                        const HydraulicState& st, int k) const {
  const int i = from_[k], j = to_[k];
  const double rho_g = params.link_density[k] * params.gravity;
  return (st.p[i] - st.p[j]) / rho_g + elevation_[i] - elevation_[j];
}

StatusChanges HydraulicSolver::update_statuses(const Network& net,
                                               const HydraulicParameters& params,
                                               HydraulicState& st, StatusCheck check) const {
  StatusChanges changes;
  const bool all = check != StatusCheck::control_valves;
  const double htol = kStatusHeadTol;
  for (const int k : status_links_) {
    const StatusControl control = control_[k];
    const bool valve = control == StatusControl::prv || control == StatusControl::psv ||
                       control == StatusControl::fcv;
    if (!valve && !all) continue;
    if (st.status_changes[k] >= (valve ? kMaxValveStatusChanges : kMaxStatusChanges)) continue;
    const double rho = params.link_density[k];
    const double rho_g = rho * params.gravity;
    const double qtol = kStatusFlowTol * rho;
    const double q = st.q[k];
    const double dh = head_difference(params, st, k);
    const int e = element_[k];
    LinkStatus s = st.status[k];
    // EPANET's check-valve rule (cvstatus).
    auto cv = [&](LinkStatus current, double h, double flow) {
      if (std::abs(h) > htol) {
        if (h < -htol) return LinkStatus::closed;
        if (flow < -qtol) return LinkStatus::closed;
        return LinkStatus::open;
      }
      return flow < -qtol ? LinkStatus::closed : current;
    };
    switch (control) {
      case StatusControl::fixed: s = initial_status_[k]; break;
      case StatusControl::check:
        // Between the first steps a check valve carrying forward flow stays open, whatever
        // the head across it says: a reverse head with a forward flow is a transient in which
        // the two disagree, and closing there (EPANET) reopened it two steps later (DMAs:
        // pipe 6978 closed at step 2, reopened at 4). At convergence EPANET's rule decides.
        if (check == StatusCheck::periodic && s == LinkStatus::open && q > qtol) break;
        s = cv(s, dh, q);
        break;
      case StatusControl::pump: {
        // EPANET re-opens XHEAD pumps at every check, then tests again.
        const double hmax = shutoff_head(net, params, k);
        const double required = -dh;  // head the pump must add
        // A fixed_dp plant's law already turns excess head into reverse flow, so it closes on
        // its flow only: its head at a state solved with the last outer iteration's densities
        // is off by dz * (1 - rho_old / rho_new) (up to ~1 m on terrain), which would close a
        // plant that delivers.
        const bool closes_on_head = !is_fixed_dp_plant(net, k);
        if (closes_on_head && required > hmax + htol) s = LinkStatus::closed;
        else if (s == LinkStatus::open && q < -qtol) s = LinkStatus::closed;
        else if (s == LinkStatus::closed && required < hmax - htol) s = LinkStatus::open;
        break;
      }
      case StatusControl::prv:
      case StatusControl::psv: {
        const ValveData& v = net.valves();
        const int node = control == StatusControl::prv ? to_[k] : from_[k];
        const double hset = elevation_[node] + v.setting_Pa[e] / rho_g;
        const double h1 = elevation_[from_[k]] + st.p[from_[k]] / rho_g;
        const double h2 = elevation_[to_[k]] + st.p[to_[k]] / rho_g;
        const double d = v.diameter_m[e];
        const double area = std::isnan(d) ? 0.0 : std::numbers::pi * 0.25 * d * d;
        const double hml = area > 0 ? v.minor_loss[e] * (q / rho) * (q / rho) /
                                          (2.0 * params.gravity * area * area)
                                    : 0.0;
        if (control == StatusControl::prv) {
          switch (s) {
            case LinkStatus::active:
              if (q < -qtol) s = LinkStatus::closed;
              else if (h1 - hml < hset - htol) s = LinkStatus::open;
              break;
            case LinkStatus::open:
              if (q < -qtol) s = LinkStatus::closed;
              else if (h2 >= hset + htol) s = LinkStatus::active;
              break;
            case LinkStatus::closed:
              if (h1 >= hset + htol && h2 < hset - htol) s = LinkStatus::active;
              else if (h1 < hset - htol && h1 > h2 + htol) s = LinkStatus::open;
              break;
          }
        } else {
          switch (s) {
            case LinkStatus::active:
              if (q < -qtol) s = LinkStatus::closed;
              else if (h2 + hml > hset + htol) s = LinkStatus::open;
              break;
            case LinkStatus::open:
              if (q < -qtol) s = LinkStatus::closed;
              else if (h1 < hset - htol) s = LinkStatus::active;
              break;
            case LinkStatus::closed:
              if (h2 > hset + htol && h1 > h2 + htol) s = LinkStatus::open;
              else if (h1 >= hset + htol && h1 > h2 + htol) s = LinkStatus::active;
              break;
          }
        }
        break;
      }
      case StatusControl::fcv: {
        // EPANET fcvstatus: reverse head or flow makes it an open valve (XFCV); it becomes
        // active again once the flow reaches the setting.
        if (dh < -htol) s = LinkStatus::open;
        else if (q < -qtol) s = LinkStatus::open;
        else if (s == LinkStatus::open && q >= net.valves().flow_setting_kg_s[e]) s = LinkStatus::active;
        break;
      }
    }
    // Full / empty tanks (EPANET tankstatus): close links that would fill / drain them.
    if (all && tank_side_[k] && s != LinkStatus::closed) {
      const double h_tank = tank_side_[k] > 0 ? -dh : dh;      // h(tank) - h(other end)
      const double q_out = tank_side_[k] > 0 ? -q : q;          // flow out of the tank
      const bool pump = kind_[k] == LinkKind::pump || kind_[k] == LinkKind::source;
      if (tank_full_[k]) {
        if (pump ? tank_side_[k] > 0 : cv(LinkStatus::open, h_tank, q_out) == LinkStatus::closed)
          s = LinkStatus::closed;
      }
      if (tank_empty_[k]) {
        if (pump ? tank_side_[k] < 0 : cv(LinkStatus::closed, h_tank, q_out) == LinkStatus::open)
          s = LinkStatus::closed;
      }
    }
    if (s != st.status[k]) {
      st.status[k] = s;
      ++st.status_changes[k];
      ++changes.all;
      if (valve) ++changes.control_valves;
    }
  }
  if (all) changes.all += update_dp_plant_statuses(net, params, st);
  return changes;
}

}  // namespace heatnet::solver
