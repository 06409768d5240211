// Solver output: one `Solution` per time step (SI arrays, one per result field), collected
// into a `Result` whose datasets are contiguous [time, element] arrays (row-major), so that
// Python can view them without copying and the HDF5 writer can stream them.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "heatnet/solve_report.hpp"
#include "heatnet/units.hpp"

namespace heatnet {

class Network;

// One failed design check. The checks table lists violations only.
struct CheckRecord {
  int time_index = 0;
  std::string element_kind;  // "node", "pipe", "consumer", "source"
  std::string element_id;
  std::string check;         // "boiling_margin", "max_pressure", "max_velocity", "consumer_dp",
                             // "source_closed", "source_reverse_flow"
  double value = 0;          // SI (Pa, m/s)
  double limit = 0;          // SI
};

// Summary figures of one step (what the CLI prints and the design study tabulates).
struct StepSummary {
  double heat_supplied_W = 0;    // sum over sources
  double heat_delivered_W = 0;   // sum over consumers
  double heat_loss_W = 0;        // sum over pipes
  double pump_power_W = 0;       // sources + booster pumps, hydraulic
  double min_pressure_Pa = 0, max_pressure_Pa = 0;   // gauge, over nodes
  std::string min_pressure_node, max_pressure_node;
  double max_velocity_m_s = 0;
  std::string max_velocity_pipe;
  double min_consumer_dp_margin_Pa = 0;  // min over consumers of dp_available - min_dp (inf if none)
  std::string critical_consumer;         // the consumer with the smallest dp_available
  double min_boiling_margin_Pa = 0;      // min over nodes of p_abs - p_sat(T)
  std::string min_boiling_margin_node;
  double max_mass_imbalance_kg_s = 0;
  double energy_balance_rel = 0;         // |supplied - delivered - losses - boundary| / supplied
  // Consumers that get less heat than they ask for (a substation limit, a cold supply)
  int under_supplied = 0;
  double heat_missing_W = 0;             // sum over them of demand - delivered
  std::string worst_supplied_consumer;   // the one with the smallest delivered / demand
  double worst_supply_ratio = 1.0;       // its delivered / demand
  int failed_checks = 0;
};

struct Solution {
  // values[f] holds the element values of kResultFields[f] (size = element count of its group)
  std::vector<std::vector<double>> values;
  std::vector<CheckRecord> checks;  // time_index left 0; Result::append sets it
  StepSummary summary;
  int iterations = 0;
  double max_temperature_change_K = 0;

  std::vector<double>& field(ElementGroup g, std::string_view name);
  const std::vector<double>& field(ElementGroup g, std::string_view name) const;
};

struct Dataset {
  std::string path;   // "pipes/mass_flow"
  std::string unit;
  std::size_t steps = 0, count = 0;
  std::vector<double> data;  // row-major [steps, count]
};

class Result {
 public:
  Result() = default;
  // Prepares empty datasets for the network's element counts and ids.
  explicit Result(const Network& network);

  void append(double time_s, Solution solution, const SolveReport& report);

  std::size_t steps() const { return time_.size(); }
  const std::vector<double>& time() const { return time_; }
  const std::vector<int>& iterations() const { return iterations_; }
  const std::vector<std::string>& ids(ElementGroup g) const {
    return ids_[static_cast<int>(g)];
  }
  const std::vector<Dataset>& datasets() const { return datasets_; }  // kResultFields order
  // "pipes/mass_flow" etc.; throws Error(unknown_reference) for an unknown path
  const Dataset& dataset(std::string_view path) const;
  const std::vector<CheckRecord>& checks() const { return checks_; }
  const std::vector<StepSummary>& summaries() const { return summaries_; }
  const SolveReport& report() const { return report_; }  // the last step's report
  bool converged() const { return all_converged_; }
  bool complete() const { return complete_; }
  void set_complete(bool c) { complete_ = c; }
  double max_temperature_change_K() const { return max_temperature_change_K_; }

  // For readers of stored results (io::read_results): rebuild from stored arrays.
  static Result from_stored(std::vector<double> time, std::vector<int> iterations,
                            std::vector<std::vector<std::string>> ids_per_group,
                            std::vector<Dataset> datasets, std::vector<CheckRecord> checks,
                            bool converged, bool complete);

  // metadata
  std::string network_name;
  std::string input_sha256;
  double wall_time_s = 0;

 private:
  std::vector<double> time_;
  std::vector<int> iterations_;
  std::vector<std::string> ids_[kElementGroupCount];
  std::vector<Dataset> datasets_;
  std::vector<CheckRecord> checks_;
  std::vector<StepSummary> summaries_;
  SolveReport report_;
  bool all_converged_ = true;
  bool complete_ = true;
  double max_temperature_change_K_ = 0;
};

}  // namespace heatnet
