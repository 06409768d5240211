// Small helpers shared by the benchmark executables: wall clock, memory, medians, report JSON.
#pragma once
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "heatnet/solve_report.hpp"

namespace heatnet::bench {

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

inline double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Peak resident set of the process so far (getrusage), MB.
inline double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

// A line "VmHWM:  1234 kB" / "VmRSS:" of /proc/self/status, MB (0 if unavailable).
inline double proc_status_mb(const std::string& key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(key + ":", 0) == 0) return std::stod(line.substr(key.size() + 1)) / 1024.0;
  return 0.0;
}
inline double current_rss_mb() { return proc_status_mb("VmRSS"); }
// Resets VmHWM (Linux >= 4.0) so a later phase's own peak can be read; false if not possible.
inline bool reset_peak_rss() {
  std::ofstream f("/proc/self/clear_refs");
  if (!f) return false;
  f << "5";
  return static_cast<bool>(f);
}

inline nlohmann::json timings_json(const SolveReport& r) {
  return {{"total_s", r.timings.total_s},         {"analyse_s", r.timings.analyse_s},
          {"assemble_s", r.timings.assemble_s},   {"factorise_s", r.timings.factorise_s},
          {"linear_solve_s", r.timings.linear_solve_s}, {"thermal_s", r.timings.thermal_s}};
}

}  // namespace heatnet::bench
