// ThermalSolver: near-stagnant pipes and nodes, where plug flow alone is not continuous in the
// flow (the laws are stated in pipe_mean_temperature.hpp): nodes no water flows into take the
// conduction balance of their pipes, and pipes without heat loss the mean of their
// advection-conduction profile between their end nodes.
#include <algorithm>
#include <cmath>

#include "network/compiled.hpp"
#include "solver/thermal/pipe_mean_temperature.hpp"
#include "solver/thermal/thermal_solver.hpp"

namespace heatnet::solver {
namespace {
// Gauss-Seidel over the nodes without inflow: a chain of them joined by pipes without loss
// needs a few sweeps; one that loses heat is pinned at its ambient in one.
constexpr int kMaxStagnantSweeps = 200;
constexpr double kStagnantTolerance = 1e-9;  // K
}  // namespace

// Nodes of stagnant_nodes_: T = sum(a T_amb + b (T_far - T_amb)) / sum(a) over their pipes
// (stagnant_pipe_weight). A far end that is itself such a node enters once it has a value; a
// node that never gets one (no pipes, or a stagnant part no flowing node reaches through pipes
// without loss) keeps the ambient temperature the sweep gave it.
void ThermalSolver::stagnant_node_temperatures(const Network& net, ThermalState& out) {
  if (stagnant_nodes_.empty()) return;
  const Topology& t = net.topology();
  const PipeData& pipes = net.pipes();
  stagnant_mark_.resize(t.node_count, 0);
  for (int i : stagnant_nodes_) stagnant_mark_[i] = 1;
  for (int sweep = 0; sweep < kMaxStagnantSweeps; ++sweep) {
    double change = 0.0;
    bool pending = false;
    for (int i : stagnant_nodes_) {
      double a_sum = 0.0, rhs = 0.0;
      for (int s = t.node_link_start[i]; s < t.node_link_start[i + 1]; ++s) {
        const int k = t.node_link[s];
        if (t.link_kind[k] != LinkKind::pipe) continue;
        const int far = t.link_from[k] == i ? t.link_to[k] : t.link_from[k];
        if (far == i) continue;
        const int e = t.link_element[k];
        const double u = pipes.heat_loss_W_mK[e];
        const StagnantPipeWeight w =
            stagnant_pipe_weight(pipes.diameter_m[e], pipes.length_m[e], u);
        const double t_amb = u > 0 ? pipes.ambient_temperature_C[e] : 0.0;
        if (w.b > 0 && stagnant_mark_[far] == 1) {  // its far end has no value yet
          pending = true;
          continue;
        }
        a_sum += w.a;
        rhs += w.a * t_amb + (w.b > 0 ? w.b * (out.node_T[far] - t_amb) : 0.0);
      }
      if (!(a_sum > 0)) continue;
      const double next = rhs / a_sum;
      if (stagnant_mark_[i] == 2) change = std::max(change, std::abs(next - out.node_T[i]));
      out.node_T[i] = next;
      stagnant_mark_[i] = 2;
    }
    if (!pending && change <= kStagnantTolerance) break;
  }
  for (int i : stagnant_nodes_) stagnant_mark_[i] = 0;
}

// The ends of stagnant links at the nodes stagnant_node_temperatures set (traversal path; the
// planned sweep reports its stagnant links after those nodes are set): the water at the 'from'
// node, and beyond it ambient (a pipe losing heat) or the same water.
void ThermalSolver::report_stagnant_links(const Network& net, const ThermalInputs& in,
                                          ThermalState& out) const {
  const Topology& t = net.topology();
  for (int i : stagnant_nodes_)
    for (int s = t.node_link_start[i]; s < t.node_link_start[i + 1]; ++s) {
      const int k = t.node_link[s];
      const LinkRecord& r = links_[k];
      if (r.role != LinkRecord::stagnant || r.from != i) continue;
      out.link_T_in[k] = out.node_T[i];
      const LinkKind kind = t.link_kind[k];
      if (kind == LinkKind::pipe || kind == LinkKind::pump || kind == LinkKind::valve ||
          in.link_flow[k] < 0)
        out.link_T_out[k] = r.loses_heat ? r.t_amb : out.node_T[i];
    }
}

// Mean temperatures of the pipes without heat loss, from their end nodes and flow
// (lossless_mean_temperature); the list of those pipes is kept until parameters change.
void ThermalSolver::lossless_means(const Network& net, const ThermalInputs& in, ThermalState& out) {
  const PipeData& pipes = net.pipes();
  if (!lossless_valid_) {
    lossless_.clear();
    for (int e = 0; e < net.pipe_count(); ++e)
      if (!(pipes.heat_loss_W_mK[e] > 0))
        lossless_.push_back({e, axial_conductance(pipes.diameter_m[e], pipes.length_m[e])});
    lossless_valid_ = true;
  }
  const int offset = net.topology().pipe_offset;
  for (const LosslessPipe& p : lossless_) {
    const int e = p.pipe;
    out.pipe_T_mean[e] =
        lossless_mean_temperature(out.node_T[pipes.from[e]], out.node_T[pipes.to[e]],
                                  in.link_flow[offset + e], in.pipe_cp[e], p.conductance);
  }
}

}  // namespace heatnet::solver
