#include "solver/thermal/thermal_solver.hpp"

#include <Eigen/SparseCore>
#include <Eigen/KLUSupport>
#include <algorithm>
#include <cmath>

#include "heatnet/errors.hpp"
#include "solver/thermal/fixed_outlet.hpp"
#include "solver/thermal/pipe_mean_temperature.hpp"
#include "network/compiled.hpp"

namespace heatnet::solver {
namespace {
// A link whose outlet temperature follows its inlet: pipes, pumps, valves, and a plant or
// consumer carrying water backwards (a closed one leaking: it neither heats nor cools it).
bool is_dependent(LinkKind k, double flow) {
  return k == LinkKind::pipe || k == LinkKind::pump || k == LinkKind::valve || flow < 0;
}
}  // namespace

ThermalSolver::ThermalSolver(const Network&) {}

// The traversal's work arrays exist only while flows have cycles: once a plan is made, its
// sweeps do not need them (a million-node network: ~100 MB).
void ThermalSolver::size_traversal(int n, int m) {
  indegree_.assign(n, 0);
  done_.assign(n, 0);
  mix_.reset(n);
  links_.resize(m);
  queue_.reserve(n);
}

void ThermalSolver::release_plan() {
  plan_valid_ = false;
  plan_rec_ = {};
  plan_in_link_ = {};
  plan_in_up_ = {};
  plan_in_start_ = {};
  plan_fixed_ = {};
  plan_stagnant_ = {};
  pos_mix_.release();
  pos_fixed_inflow_ = {};
  fixed_positions_ = {};
  release_tree_work();
}

void ThermalSolver::release_traversal() {
  indegree_ = {};
  done_ = {};
  mix_.release();
  links_ = {};
  queue_ = {};
  cyclic_index_ = {};
}

void ThermalSolver::solve(const Network& net, const fluid::FluidModel& fluid,
                          const ThermalInputs& in, ThermalState& out) {
  const Topology& t = net.topology();
  const int n = t.node_count, m = t.link_count();
  const double ambient = net.settings().ambient_temperature_C;
  // the planned sweep writes every node and link end (no fill first: 28 MB a sweep at a
  // million pipes); the traversal leaves what it does not reach at ambient
  out.node_T.resize(n);
  out.link_T_in.resize(m);
  out.link_T_out.resize(m);
  out.pipe_heat_loss.resize(net.pipe_count());  // heat_losses fills it (once, at the end)
  out.pipe_T_mean.resize(net.pipe_count());
  out.cyclic_nodes = 0;
  tree_links_valid_ = false;  // of the last sweep's state
  mixing_links_valid_ = false;

  double qmax = 0;
  for (double q : in.link_flow) qmax = std::max(qmax, std::abs(q));
  const double q_eps = std::max(kStagnantFlowFraction * qmax, 1e-12);
  if (sweep_with_plan(net, fluid, in, out, q_eps)) return;

  std::fill(out.node_T.begin(), out.node_T.end(), ambient);
  std::fill(out.link_T_in.begin(), out.link_T_in.end(), ambient);
  std::fill(out.link_T_out.begin(), out.link_T_out.end(), ambient);
  size_traversal(n, m);
  for (const ThermalInputs::BoundaryInflow& b : in.boundary_inflows)
    mix_.add_boundary(b.node, b.mass_flow, b.enthalpy_flow, b.neutral);
  record_links(net, fluid, in, out, q_eps);
  stagnant_nodes_.clear();
  traverse(net, fluid, in, out);
  plan_valid_ = false;  // flow cycles: no plan (the next acyclic solve makes one)
  solve_flow_cycles(net, fluid, in, out, q_eps);
  stagnant_node_temperatures(net, out);
  report_stagnant_links(net, in, out);
  mean_temperatures(net, in, out);
  lossless_means(net, in, out);
}

// Per link: stagnant (0), flow from -> to (1) or to -> from (2), +2 for a fixed outlet
// (consumer, source). With the same signature as the plan's, the planned sweep applies.
// Otherwise, if the plan's order is still topological for the new directions (flows that
// stopped or started downstream), or can be repaired locally (a few reversed), only its link
// lists are rebuilt; a new order by the flows is next; only flow cycles need the traversal.
// Returns whether the sweep is done.
bool ThermalSolver::sweep_with_plan(const Network& net, const fluid::FluidModel& fluid,
                                    const ThermalInputs& in, ThermalState& out, double q_eps) {
  const Topology& t = net.topology();
  const int m = t.link_count();
  signature_now_.resize(m);
  for (int k = 0; k < m; ++k) {
    const double q = in.link_flow[k];
    signature_now_[k] = std::abs(q) <= q_eps ? 0
                        : static_cast<unsigned char>((q >= 0 ? 1 : 2) +
                                                     (is_dependent(t.link_kind[k], q) ? 0 : 2));
  }
  used_plan_ = plan_valid_ && (signature_now_ == signature_ || link_plan(t, signature_now_) ||
                               (repair_order(t, signature_now_) && link_plan(t, signature_now_)));
  bool planned = used_plan_;
  if (!planned) {
    release_plan();
    planned = order_by_flow(t);
    if (planned) release_traversal();  // left over from an earlier sweep with flow cycles
  }
  if (!planned) return false;
  signature_ = signature_now_;
  solve_planned(net, fluid, in, out);
  return true;
}

// One sequential pass packs what the traversal needs per link into one cache line, so the
// topological traversal (random order over the network) touches one record per link; fixed
// outlets (consumers, sources) enter their downstream node's mix here.
void ThermalSolver::record_links(const Network& net, const fluid::FluidModel& fluid,
                                 const ThermalInputs& in, ThermalState& out, double q_eps) {
  const Topology& t = net.topology();
  const PipeData& pipes = net.pipes();
  const FixedOutlets fixed_outlet(net, in);
  for (int k = 0; k < t.link_count(); ++k) {
    LinkRecord& r = links_[k];
    const double q = std::abs(in.link_flow[k]);
    r.from = t.link_from[k];
    r.up = upstream(t, in, k);
    r.down = downstream(t, in, k);
    r.q = q;
    r.alpha = 1.0;
    r.t_amb = 0.0;
    r.loses_heat = false;
    const LinkKind kind = t.link_kind[k];
    if (kind == LinkKind::pipe) {
      const int e = t.link_element[k];
      const double u = pipes.heat_loss_W_mK[e];
      if (u > 0) {
        r.loses_heat = true;
        r.t_amb = pipes.ambient_temperature_C[e];
        if (q > q_eps) r.alpha = std::exp(-u * pipes.length_m[e] / (q * in.pipe_cp[e]));
      }
    }
    if (q <= q_eps) {
      r.role = LinkRecord::stagnant;
      continue;
    }
    if (is_dependent(kind, in.link_flow[k])) {
      r.role = LinkRecord::dependent;
      ++indegree_[r.down];
    } else {
      r.role = LinkRecord::fixed;
      const double tf = fixed_outlet(k);
      out.link_T_out[k] = tf;
      mix_.add_stream(r.down, q, tf, fluid);
    }
  }
}

// Topological traversal (Kahn): a node settles once all its dependent inflows are in, then
// streams its temperature into its outgoing links (exponential cooling towards ambient,
// alpha = exp(-U L / (m cp)); 1 without loss). Nodes on or behind flow cycles stay unsettled.
void ThermalSolver::traverse(const Network& net, const fluid::FluidModel& fluid,
                             const ThermalInputs& in, ThermalState& out) {
  const Topology& t = net.topology();
  const double ambient = net.settings().ambient_temperature_C;
  auto propagate = [&](int i) {
    const double t_node = out.node_T[i];
    for (int s = t.node_link_start[i]; s < t.node_link_start[i + 1]; ++s) {
      const int k = t.node_link[s];
      const LinkRecord& r = links_[k];
      if (r.role == LinkRecord::stagnant) {
        // stagnant link: report the node temperature at its 'from' end and ambient beyond
        if (r.from == i) {
          out.link_T_in[k] = t_node;
          if (is_dependent(t.link_kind[k], in.link_flow[k])) out.link_T_out[k] = r.loses_heat ? r.t_amb : t_node;
        }
        continue;
      }
      if (r.up != i) continue;
      out.link_T_in[k] = t_node;
      if (r.role != LinkRecord::dependent) continue;
      const double t_out = r.loses_heat ? r.t_amb + (t_node - r.t_amb) * r.alpha : t_node;
      out.link_T_out[k] = t_out;
      mix_.add_stream(r.down, r.q, t_out, fluid);
      if (--indegree_[r.down] == 0) queue_.push_back(r.down);
    }
  };
  queue_.clear();
  for (int i = 0; i < t.node_count; ++i)
    if (indegree_[i] == 0) queue_.push_back(i);
  for (std::size_t head = 0; head < queue_.size(); ++head) {
    const int i = queue_[head];
    out.node_T[i] = mix_.temperature(i, fluid, net.settings().temperature_C, ambient);
    if (mix_.streams[i] == 0 && !(mix_.flow[i] > 0) && !mix_.neutral[i])
      stagnant_nodes_.push_back(i);  // settled without inflow (stagnant_node_temperatures)
    done_[i] = 1;
    propagate(i);
  }
}

// Nodes on or behind directed cycles: one sparse linear system in node enthalpy,
//   W_i h_i - sum_{k into i from u in U} q_k a_k h_u = known_i + sum q_k (1 - a_k) h(T_amb,k)
// with a_k = exp(-NTU_k) (1 for pumps/valves); exact for constant cp.
void ThermalSolver::solve_flow_cycles(const Network& net, const fluid::FluidModel& fluid,
                                      const ThermalInputs& in, ThermalState& out, double q_eps) {
  const Topology& t = net.topology();
  const PipeData& pipes = net.pipes();
  const double ambient = net.settings().ambient_temperature_C;
  std::vector<int>& index = cyclic_index_;
  std::vector<int>& cyclic = cyclic_nodes_;
  index.assign(t.node_count, -1);
  cyclic.clear();
  for (int i = 0; i < t.node_count; ++i)
    if (!done_[i]) {
      index[i] = static_cast<int>(cyclic.size());
      cyclic.push_back(i);
    }
  if (cyclic.empty()) return;
  for (int i : cyclic) mix_.to_enthalpy(i, fluid);
  const int u = static_cast<int>(cyclic.size());
  out.cyclic_nodes = u;
  std::vector<Eigen::Triplet<double>> trip;
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(u);
  for (int r = 0; r < u; ++r) {
    const int i = cyclic[r];
    // mix_ already holds settled upstream contributions; add the cyclic ones' weights
    double w = mix_.flow[i];
    for (int s = t.node_link_start[i]; s < t.node_link_start[i + 1]; ++s) {
      const int k = t.node_link[s];
      const double q = std::abs(in.link_flow[k]);
      if (q <= q_eps || !is_dependent(t.link_kind[k], in.link_flow[k]) || downstream(t, in, k) != i) continue;
      const int up = upstream(t, in, k);
      if (index[up] < 0) continue;  // already counted in mix_
      w += q;
      double a = 1.0, t_amb = 0.0;
      if (t.link_kind[k] == LinkKind::pipe && pipes.heat_loss_W_mK[t.link_element[k]] > 0) {
        const int e = t.link_element[k];
        a = std::exp(-pipes.heat_loss_W_mK[e] * pipes.length_m[e] / (q * in.pipe_cp[e]));
        t_amb = pipes.ambient_temperature_C[e];
      }
      trip.emplace_back(r, index[up], -q * a);
      if (a < 1.0) rhs[r] += q * (1.0 - a) * fluid.enthalpy(t_amb);
    }
    rhs[r] += mix_.enthalpy_flow[i];
    // a node with no inflow at all keeps an identity row (stagnant: ambient, then its
    // conduction balance, stagnant_node_temperatures)
    if (w <= 0) {
      if (!mix_.neutral[i]) stagnant_nodes_.push_back(i);
      trip.emplace_back(r, r, 1.0);
      rhs[r] = fluid.enthalpy(ambient);
    } else {
      trip.emplace_back(r, r, w);
    }
  }
  Eigen::SparseMatrix<double> a(u, u);
  a.setFromTriplets(trip.begin(), trip.end());
  a.makeCompressed();
  // KLU: sparse LU without BLAS, so the same bits on every CPU (a dense-kernel LU such as
  // UMFPACK calls BLAS, whose per-CPU kernels round differently, and a circulating network's
  // outer iterations followed those last bits). The rows are diagonally dominant (W_i is the
  // whole inflow, each off-diagonal q a <= q), so partial pivoting has nothing to fear.
  Eigen::KLU<Eigen::SparseMatrix<double>> lu;
  lu.compute(a);
  if (lu.info() != Eigen::Success)
    throw Error(ErrorCode::solve_failed, "network", net.name(), "", "",
                "temperature system of a flow cycle is singular");
  Eigen::VectorXd h = lu.solve(rhs);
  for (int r = 0; r < u; ++r) {
    out.node_T[cyclic[r]] = fluid.temperature_from_enthalpy(h[r]);
    done_[cyclic[r]] = 1;
  }
  // Outlet temperatures of links leaving cyclic nodes, from the same enthalpy decay the system
  // used (h_out = h_amb + a (h_in - h_amb)): the nodes' mixing then balances the reported
  // outlets exactly, where the temperature form would differ by the variation of cp along the
  // pipe (energy balance off by up to 1e-3 on flow cycles).
  for (int r = 0; r < u; ++r) {
    const int i = cyclic[r];
    for (int s = t.node_link_start[i]; s < t.node_link_start[i + 1]; ++s) {
      const int k = t.node_link[s];
      const double q = std::abs(in.link_flow[k]);
      if (q <= q_eps || upstream(t, in, k) != i) continue;
      out.link_T_in[k] = out.node_T[i];
      if (!is_dependent(t.link_kind[k], in.link_flow[k])) continue;
      const int e = t.link_element[k];
      if (t.link_kind[k] == LinkKind::pipe && pipes.heat_loss_W_mK[e] > 0) {
        const double a = std::exp(-pipes.heat_loss_W_mK[e] * pipes.length_m[e] / (q * in.pipe_cp[e]));
        const double h_amb = fluid.enthalpy(pipes.ambient_temperature_C[e]);
        out.link_T_out[k] = fluid.temperature_from_enthalpy(h_amb + a * (h[r] - h_amb));
      } else {
        out.link_T_out[k] = out.node_T[i];
      }
    }
  }
}

// Mean temperatures from the link records (their alpha = exp(-NTU) is already there).
void ThermalSolver::mean_temperatures(const Network& net, const ThermalInputs& in,
                                      ThermalState& out) const {
  const Topology& t = net.topology();
  const PipeData& pipes = net.pipes();
  for (int e = 0; e < net.pipe_count(); ++e) {
    const int k = t.pipe_offset + e;
    const LinkRecord& r = links_[k];
    if (!r.loses_heat) {
      continue;  // lossless_means
    } else if (r.role == LinkRecord::stagnant) {
      out.pipe_T_mean[e] = r.t_amb;
    } else {
      const double ntu = pipes.heat_loss_W_mK[e] * pipes.length_m[e] / (r.q * in.pipe_cp[e]);
      out.pipe_T_mean[e] =
          r.t_amb + (out.link_T_in[k] - r.t_amb) * pipe_mean_factor(ntu, r.alpha);
    }
  }
}

// Pipe heat losses from enthalpy differences (energy-consistent with the mixing above). Only
// needed for the final state, so it is not part of every sweep.
void ThermalSolver::heat_losses(const Network& net, const fluid::FluidModel& fluid,
                                const ThermalInputs& in, ThermalState& out) const {
  const Topology& t = net.topology();
  const std::vector<double>& u = net.pipes().heat_loss_W_mK;
  const int np = net.pipe_count();
  out.pipe_heat_loss.resize(np);  // every entry written below (no fill first)
  double qmax = 0;
  for (double q : in.link_flow) qmax = std::max(qmax, std::abs(q));
  const double q_eps = std::max(kStagnantFlowFraction * qmax, 1e-12);
  for (int e = 0; e < np; ++e) {
    const int k = t.pipe_offset + e;
    const double q = std::abs(in.link_flow[k]);
    out.pipe_heat_loss[e] =
        q <= q_eps || u[e] <= 0
            ? 0.0
            : q * (fluid.enthalpy(out.link_T_in[k]) - fluid.enthalpy(out.link_T_out[k]));
  }
}

}  // namespace heatnet::solver
