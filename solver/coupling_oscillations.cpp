#include "solver/coupling_oscillations.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include "network/compiled.hpp"

namespace heatnet::solver {

void CouplingOscillations::reset() {
  flow_sign_.clear();
  reversals_.clear();
  has_flowed_.clear();
  swing_sign_.clear();
  swinging_.clear();
}

void CouplingOscillations::track_flows(std::span<const double> q, double zero_share) {
  const std::size_t m = q.size();
  if (flow_sign_.size() != m) {
    flow_sign_.assign(m, 0);
    reversals_.assign(m, 0);
    has_flowed_.assign(m, 0);
  }
  double largest = 0.0;
  for (double f : q) largest = std::max(largest, std::abs(f));
  const double zero = zero_share * largest;
  for (std::size_t k = 0; k < m; ++k) {
    const signed char sign = q[k] > 0 ? 1 : (q[k] < 0 ? -1 : 0);
    if (sign != 0 && flow_sign_[k] == -sign && reversals_[k] < 0xFFFF) ++reversals_[k];
    if (sign != 0) flow_sign_[k] = sign;
    if (std::abs(q[k]) > zero) has_flowed_[k] = 1;
  }
}

bool CouplingOscillations::track_pipes(std::span<const double> used_T,
                                       std::span<const double> swept_T) {
  const std::size_t np = used_T.size();
  if (swing_sign_.size() != np) {
    swing_sign_.assign(np, 0);
    swing_size_.assign(np, 0.0f);
    swings_.assign(np, 0);
    is_swinging_.assign(np, 0);
  }
  bool added = false;
  for (std::size_t e = 0; e < np; ++e) {
    const double change = swept_T[e] - used_T[e];
    if (std::abs(change) <= kMinSwingK) continue;
    const signed char sign = change > 0 ? 1 : -1;
    // a swing back that is at least half the last one: a slowly damped (or growing) mode;
    // modes that decay faster are left alone (converging networks show none)
    const bool swing =
        sign == -swing_sign_[e] && std::abs(change) >= kMinSwingRatio * swing_size_[e];
    swings_[e] = swing ? swings_[e] + 1 : 0;
    swing_sign_[e] = sign;
    swing_size_[e] = static_cast<float>(std::abs(change));
    if (swings_[e] >= 2 && !is_swinging_[e]) {
      is_swinging_[e] = 1;
      swinging_.push_back(static_cast<int>(e));
      added = true;
    }
  }
  return added;
}

// The pipe that turned most often (a pipe near zero flow that turns changes which water
// reaches the nodes around it), or, if none turned, the swinging pipe with the largest swing.
std::string CouplingOscillations::diagnosis(const Network& net, std::span<const int> topo_link,
                                            std::span<const int> hydraulic_index,
                                            std::span<const double> q) const {
  constexpr int kMinReversals = 3;
  const PipeData& pd = net.pipes();
  const Topology& t = net.topology();
  int worst = -1;  // hydraulic link
  for (std::size_t k = 0; k < reversals_.size(); ++k) {
    if (t.link_kind[topo_link[k]] != LinkKind::pipe || !has_flowed_[k]) continue;
    if (reversals_[k] >= kMinReversals && (worst < 0 || reversals_[k] > reversals_[worst]))
      worst = static_cast<int>(k);
  }
  char buf[200];
  int e = -1;
  if (worst >= 0) {
    e = t.link_element[topo_link[worst]];
    std::snprintf(buf, sizeof buf, " reversed its flow %d times (last %.3g kg/s)",
                  static_cast<int>(reversals_[worst]), q[worst]);
  } else {
    for (int p : swinging_)  // the ones still swinging
      if (swings_[p] >= 2 && (e < 0 || swing_size_[p] > swing_size_[e])) e = p;
    if (e < 0) return "";
    const int k = hydraulic_index[t.pipe_offset + e];
    std::snprintf(buf, sizeof buf,
                  " still swings by %.3g K in mean temperature between iterations (%.3g kg/s)",
                  static_cast<double>(swing_size_[e]), k >= 0 ? q[k] : 0.0);
  }
  std::string text = "; pipe '" + pd.id[e] + "'" + buf;
  const NodeData& nd = net.nodes();
  const double z_from = nd.elevation_m[pd.from[e]], z_to = nd.elevation_m[pd.to[e]];
  if (z_from != z_to) {
    std::snprintf(buf, sizeof buf, " between '%s' at %.2f m and '%s' at %.2f m",
                  nd.id[pd.from[e]].c_str(), z_from, nd.id[pd.to[e]].c_str(), z_to);
    text += std::string(buf) +
            ": the weight of its water column follows how far it cools, which follows its flow "
            "(thermosiphon); there may be no steady state";
  }
  return text;
}

}  // namespace heatnet::solver
