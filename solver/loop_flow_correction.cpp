// The coupling step's prediction on meshed networks: the consumers' flow changes solved with
// the exact linear response of the link flows (through the factorised Newton system) and of
// the temperatures (the linearised sweep), preconditioned by the tree-shaped prediction.
// Called from SolverEngine::coupling_newton_step (solver/coupling_step.cpp).
#include <algorithm>
#include <cmath>

#include "network/compiled.hpp"
#include "solver/engine.hpp"

namespace heatnet {
namespace {
// One defect correction per coupling step: it takes out all but ~0.03-0.25 of what the
// tree-shaped prediction misses (realistic 1e5 re-solve: 0.03-0.07). Each correction costs
// two pairs of triangular solves with the factor at hand, two linearised sweeps and one more
// tree-shaped prediction: on the Oral network (a coupling step as dear as its hydraulic step)
// a second and third correction cost more CPU than the outer iterations they saved, and
// counted hardly fewer of them (Oral 8,760 h outer iterations without the test below: 1 pass
// 32,157, 2: 32,039, 3: 32,146; realistic 1e5 re-solve: 3, 4, 4).
constexpr int kMaxLoopCorrections = 1;
// The correction only where the prediction moves a consumer's supply temperature by more
// than this many temperature tolerances: smaller changes leave an error far below the
// tolerance either way (Oral 8,760 h at 1e-3 K: factor 10 saves ~40 % of the corrections'
// cost; the realistic 1e5 re-solve at 1e-6 K keeps its 3 outer iterations; factor 100: 5).
constexpr double kCorrectAboveTolerances = 10.0;
// ... and above three tolerances in a cold start (switched on once it converges linearly,
// SolverEngine::cold_start_predicts_loops), whose last iteration the changes between three
// and ten tolerances decide (realistic 1e5 first solve: 7 outer iterations at 10, 6 at 1 or
// 3; realistic 1e6: 7 at each, with 4 corrections at 1 and 3 at 3, a correction costing ~0.2
// of an outer iteration). Warm starts keep 10: below it the Oral annual run's corrections
// cost more than they save (issue-17i).
constexpr double kColdCorrectAboveTolerances = 3.0;
// A defect of the consumers' heat balance this small, relative to the flow changes, is done.
constexpr double kLoopDefectDone = 1e-9;
// The correction must shrink the defect at least this much. Where it does not, the linearised
// loop is far from what the flows will do (a near-stagnant pipe's outlet temperature, whose
// response to its flow grows as 1/q, in the Oral ring in spring: corrections at 0.3-0.8 of the
// defect turned 8 outer iterations into 16-20), and the tree-shaped prediction stays.
constexpr double kMinDefectReduction = 0.25;
}  // namespace

// loop_dT_ (per node): the exact first-order temperature change the consumers' flow changes
// loop_dm_ bring, through the link flows they move (dp_control plants deliver what the links
// at their supply node carry away) and the sweep linearised at this iteration's flows.
bool SolverEngine::exact_temperature_response(const Network& net) {
  const Topology& t = net.topology();
  loop_dset_.assign(net.consumer_count(), 0.0);
  for (std::size_t j = 0; j < demand_consumer_.size(); ++j)
    loop_dset_[demand_consumer_[j]] = loop_dm_[j];
  if (!hydraulic_->set_flow_response(net, params_, state_, loop_dset_, loop_hyd_dq_)) return false;
  const auto& topo = hydraulic_->topo_link();
  loop_link_dq_.assign(t.link_count(), 0.0);
  for (std::size_t k = 0; k < topo.size(); ++k) loop_link_dq_[topo[k]] = loop_hyd_dq_[k];
  const SourceData& s = net.sources();
  const auto& hidx = hydraulic_->hydraulic_index();
  for (int i = 0; i < net.source_count(); ++i) {
    const int k = t.source_offset + i;
    if (hidx[k] >= 0 || s.pump_type[i] != SourcePumpType::dp_control) continue;
    const int node = s.supply_node[i];
    double out = 0.0;
    for (int a = t.node_link_start[node]; a < t.node_link_start[node + 1]; ++a) {
      const int l = t.node_link[a];
      if (hidx[l] < 0) continue;
      out += t.link_from[l] == node ? loop_link_dq_[l] : -loop_link_dq_[l];
    }
    loop_link_dq_[k] = out;
  }
  return thermal_->flow_response(net, temps_, thermal_in_, loop_link_dq_, loop_dT_);
}

// The tree-shaped prediction (tree_response: flow changes of a loop split in frozen shares)
// solves the consumers' linearised heat balances dm = r + g dT(dm) with an approximate
// dT(dm). Defect correction on it: the defect d = r + g dT_exact(dm) - dm of the last flow
// changes, solved again with the tree-shaped prediction (residual d, same slopes), corrects
// them; each pass takes out what the frozen split gets right of the error. Stops when the
// defect stops shrinking (the passes would go the wrong way: the last good one stays), is
// negligible, or after kMaxLoopCorrections. Leaves newton_T_ at the exact first-order
// temperatures of the flow changes kept. Pinned consumers have slope 0 and their change as
// residual, so they stay where they are.
bool SolverEngine::correct_for_loop_flows(const Network& net, double tol_T) {
  const std::size_t nd = demand_consumer_.size();
  if (nd == 0) return false;
  loop_dm_.resize(nd);
  double scale = 0.0, largest_dT = 0.0;
  for (std::size_t j = 0; j < nd; ++j) {
    const int node = consumer_node_[j];
    largest_dT = std::max(largest_dT, std::abs(newton_T_[node] - temps_.node_T[node]));
    loop_dm_[j] = consumer_residual_[j] + consumer_gain_[j] * (newton_T_[node] - temps_.node_T[node]);
    scale = std::max(scale, std::abs(loop_dm_[j]));
  }
  const double above = cold_start_ ? kColdCorrectAboveTolerances : kCorrectAboveTolerances;
  if (!(largest_dT > above * tol_T)) return false;
  if (!(scale > 0) || !exact_temperature_response(net)) return false;
  auto defect = [&]() {
    double worst = 0.0;
    loop_defect_.resize(nd);
    for (std::size_t j = 0; j < nd; ++j) {
      const int node = consumer_node_[j];
      loop_defect_[j] = consumer_residual_[j] + consumer_gain_[j] * loop_dT_[node] - loop_dm_[j];
      worst = std::max(worst, std::abs(loop_defect_[j]));
    }
    return worst;
  };
  double last = defect();
  bool corrected = false;
  for (int pass = 0; pass < kMaxLoopCorrections && last > kLoopDefectDone * scale; ++pass) {
    if (!thermal_->tree_response(temps_, consumer_node_, loop_defect_, consumer_gain_,
                                 loop_tree_T_, predict_through_mixing_))
      break;
    loop_kept_dm_ = loop_dm_;
    loop_kept_dT_ = loop_dT_;
    for (std::size_t j = 0; j < nd; ++j) {
      const int node = consumer_node_[j];
      loop_dm_[j] += loop_defect_[j] + consumer_gain_[j] * (loop_tree_T_[node] - temps_.node_T[node]);
    }
    if (cold_start_) {
      // A cold start's correction (SolverEngine::cold_start_predicts_loops) is not checked
      // with a second exact response: the pass's own temperature change is the tree-shaped
      // one, and the outer loop's next sweep measures the rest. That response costs about a
      // seventh of an outer iteration (realistic 1e5: 28 M Ir of ~200 M); without it that
      // first solve is 1,516 M Ir instead of 1,598 M, same 6 outer iterations, and the
      // robustness sweep settles the same 990 (27,805 outer iterations instead of 27,869,
      // correcting from 1 tol_T). Warm starts keep the check, which holds back corrections
      // on near-stagnant ring pipes (Oral in spring).
      for (std::size_t i = 0; i < loop_dT_.size(); ++i)
        loop_dT_[i] += loop_tree_T_[i] - temps_.node_T[i];
      corrected = true;
      break;
    }
    const bool exact = exact_temperature_response(net);
    const double now = exact ? defect() : last;
    if (!(now <= kMinDefectReduction * last)) {
      loop_dm_.swap(loop_kept_dm_);
      loop_dT_.swap(loop_kept_dT_);
      break;
    }
    corrected = true;
    last = now;
  }
  if (!corrected && last > kLoopDefectDone * scale) return false;
  for (std::size_t i = 0; i < newton_T_.size(); ++i) newton_T_[i] = temps_.node_T[i] + loop_dT_[i];
  return true;
}

}  // namespace heatnet
