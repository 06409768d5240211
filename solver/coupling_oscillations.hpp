// What keeps a coupled thermal-hydraulic solve moving: the pipes whose flow turns and the pipes
// whose property temperature swings back and forth between outer iterations.
//
// A pipe near zero flow on a slope is driven by the weight of its own water column,
// rho(T_mean) g dz, and T_mean follows how far the pipe cools, i.e. its flow (thermosiphon):
// plain iteration of that loop swings with a gain near -1. Such pipes are handed to the
// outer loop's Anderson mixing (swinging_pipes), and a solve that does not settle names the
// pipe that turned most often, or still swings most (diagnosis). docs/models.md, "Coupling".
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "heatnet/network.hpp"

namespace heatnet::solver {

class CouplingOscillations {
 public:
  void reset();  // at the start of each solve
  // After each outer iteration's hydraulic step: flows per hydraulic link. A flow within
  // zero_share of the largest (the solve's relative flow tolerance) is zero to the solve, and
  // a pipe that never carried more turns nothing, however often its sign flips with what the
  // tolerance leaves (a dead branch): such a pipe was named as the cause of an undersized
  // network's unsettled coupling (robustness seed 1154). A pipe that stops and starts (its flow
  // between a real one and zero) still counts each turn through zero.
  void track_flows(std::span<const double> q, double zero_share);
  // After each sweep: the property temperature each pipe was given and the one the sweep
  // produced. A swing is a change of sign of (swept - used) by more than kMinSwingK and at
  // least kMinSwingRatio of the previous one; twice running makes a pipe swinging. Returns true
  // when pipes joined swinging_pipes().
  bool track_pipes(std::span<const double> used_T, std::span<const double> swept_T);
  const std::vector<int>& swinging_pipes() const { return swinging_; }
  // "; pipe '...' ..." for a solve that did not settle, empty if no pipe stands out.
  // topo_link: topology link of each hydraulic link; q: flows per hydraulic link.
  std::string diagnosis(const Network& network, std::span<const int> topo_link,
                        std::span<const int> hydraulic_index, std::span<const double> q) const;

  static constexpr double kMinSwingK = 1e-3;
  static constexpr double kMinSwingRatio = 0.5;

 private:
  // per hydraulic link
  std::vector<signed char> flow_sign_;
  std::vector<std::uint16_t> reversals_;
  std::vector<unsigned char> has_flowed_;  // beyond zero_share of the largest flow
  // per pipe
  std::vector<signed char> swing_sign_;
  std::vector<float> swing_size_;
  std::vector<unsigned char> swings_, is_swinging_;
  std::vector<int> swinging_;
};

}  // namespace heatnet::solver
