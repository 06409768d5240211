// The loop start of a cold hydraulic solve on a mostly tree-shaped network: the loop flows
// that balance each fundamental cycle's pressure losses, before the first Newton step.
//
// The forest start (initialise) gives every tree link its final flow for the set flows, but
// leaves the loops' closing links at a nominal 0.3 m/s. A district-heating main closed into a
// ring can carry far more than that (realistic 1e5 benchmark network: ~800 kg/s), and Newton
// on the whole network, starting from the nominal loop flow, spends its first iterations
// finding it (steps of 17 %, 7 %, 1.5 % of the largest flow) while every sweep in between sees
// wrong flows. Here the loop method (Cross 1936; Epp & Fowler, J. Hydraul. Div. 96(1), 1970:
// Newton on the loop flows) solves, for the chords' flow changes x, the loop equations
//     F_c(x) = sum over cycle c of s_l dp_l(q_l + sum_d s_ld x_d) = 0,
//     J_cd   = sum over links on both cycles of s_lc s_ld g_l     (g = d dp / dq > 0),
// dense (a few loops), with a backtracking line search on |F|^2. The static heads cancel
// around a cycle at one density; the start neglects the water columns' density differences
// and the loops' pumps and valves (a chord whose cycle has one keeps the nominal start), which
// Newton then settles. Every tree link moves with its cycles, so the flows stay balanced.
#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/Dense>

#include "network/compiled.hpp"
#include "solver/newton/hydraulic_solver.hpp"

namespace heatnet::solver {
namespace {
// Dense Newton on more loops than this would cost more than the iterations it saves.
constexpr std::size_t kMaxStartLoops = 64;
constexpr int kMaxStartIterations = 30;
constexpr int kMaxStartHalvings = 30;
// A start needs no more: Newton takes the last relative 1e-6 of the loop flows in one step.
constexpr double kStartFlowTolerance = 1e-6;

struct LoopLink {
  int link, cycle, sign;
};
}  // namespace

bool HydraulicSolver::balance_loops(const Network& net, FrictionModel friction,
                                    const HydraulicParameters& params, HydraulicState& st) {
  const auto cycles = forest_.fundamental_cycles(from_, to_, kMaxStartLoops);
  std::vector<LoopLink> links;  // each cycle's links, grouped by link below
  int usable = 0;
  bool all = !cycles.empty();
  for (const auto& cycle : cycles) {
    const bool pipes_only = std::ranges::all_of(cycle, [&](const SpanningForest::CycleLink& l) {
      return kind_[l.link] == LinkKind::pipe && !net.pipes().check_valve[element_[l.link]];
    });
    if (!pipes_only) {
      all = false;
      continue;
    }
    for (const auto& l : cycle) links.push_back({l.link, usable, l.sign});
    ++usable;
  }
  if (usable == 0) return false;
  std::ranges::sort(links, {}, &LoopLink::link);
  double flow_scale = 1e-9;
  for (double q : st.q) flow_scale = std::max(flow_scale, std::abs(q));
  std::vector<double> start_q(links.size());
  for (std::size_t i = 0; i < links.size(); ++i) start_q[i] = st.q[links[i].link];

  Eigen::VectorXd f(usable), x(usable);
  Eigen::MatrixXd jacobian(usable, usable);
  // |F|^2 at the current flows, F and J into f and jacobian: the laws are evaluated once per
  // point, so an accepted trial point already holds the next iteration's system
  auto evaluate = [&]() {
    f.setZero();
    jacobian.setZero();
    for (std::size_t i = 0; i < links.size();) {
      std::size_t end = i;
      while (end < links.size() && links[end].link == links[i].link) ++end;
      const int k = links[i].link;
      const physics::LinkLaw law = link_law(net, friction, params, st, k, st.q[k]);
      for (std::size_t a = i; a < end; ++a) {
        f[links[a].cycle] += links[a].sign * law.dp;
        for (std::size_t b = i; b < end; ++b)
          jacobian(links[a].cycle, links[b].cycle) += links[a].sign * links[b].sign * law.g;
      }
      i = end;
    }
    return f.squaredNorm();
  };
  // moves each cycle's links by t x (a shared link by the sum of its cycles')
  auto shift = [&](double t) {
    for (const LoopLink& l : links) st.q[l.link] += t * l.sign * x[l.cycle];
  };
  auto restore = [&]() {
    for (std::size_t i = 0; i < links.size(); ++i) st.q[links[i].link] = start_q[i];
  };

  double merit = evaluate();
  for (int it = 0; it < kMaxStartIterations; ++it) {
    if (!std::isfinite(merit)) break;
    x = jacobian.ldlt().solve(-f);
    if (!x.allFinite()) break;
    double t = 1.0;
    shift(t);
    double trial = evaluate();
    for (int h = 0; h < kMaxStartHalvings && !(trial < merit); ++h) {
      shift(-0.5 * t);
      t *= 0.5;
      trial = evaluate();
    }
    if (!(trial < merit)) break;  // restored below
    merit = trial;
    if (t * x.cwiseAbs().maxCoeff() <= kStartFlowTolerance * flow_scale) return all;
  }
  restore();  // not settled: the forest start, as without the loop start
  return false;
}

}  // namespace heatnet::solver
