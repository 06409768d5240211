// The last step of a time-series results file: the simulation summary as root attributes and
// the per-step solve status, added to the committed (still hidden) file before the final
// atomic rename onto the target; and the step-arrival dataset of a step-response run. Internal
// to io/ (used by io/results_file_sink.cpp, the time loop's results file).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "io/temp_files.hpp"  // hidden_temp_path, for the staged file

namespace heatnet {
struct StepArrival;
}

namespace heatnet::io::detail {

struct TimeSeriesAttributes {
  std::vector<std::pair<std::string, double>> numbers;
  std::vector<std::pair<std::string, std::int32_t>> integers;
  std::vector<std::pair<std::string, std::string>> strings;
};

// Opens `staged` (a committed heatnet-results/1 file under a hidden name), writes the root
// attributes and /solver/step_status [T] (int32 SolveStatus codes, 0 = converged), syncs it
// when `sync_to_disk` and renames it onto `target`. Throws IoError; on failure `staged` is left for the caller to remove.
void finish_time_series_file(const std::filesystem::path& staged,
                             const std::filesystem::path& target,
                             const TimeSeriesAttributes& attributes,
                             const std::vector<std::int32_t>& step_status,
                             bool sync_to_disk);

// Adds /consumers/step_arrival_delay [1, C] (s) with its step attributes to a committed (still
// hidden) results file. Throws IoError.
void write_step_arrival(const std::filesystem::path& file_path, const StepArrival& arrival);

}  // namespace heatnet::io::detail
