#include "cli/summary.hpp"

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "cli/format.hpp"

namespace heatnet::cli {
namespace {

constexpr std::size_t kChecksShown = 5;

// Checks store SI values: pressures in Pa, velocities in m/s.
std::string check_value(const std::string& check, double v) {
  return check == "max_velocity" ? fixed(v, 2) + " m/s" : bar(v);
}

std::string quoted(const std::string& id) { return id.empty() ? "?" : "'" + id + "'"; }

}  // namespace

void print_solve_summary(std::ostream& out, const Result& result) {
  const SolveReport& report = result.report();
  out << "converged: " << report.iterations << " Newton iteration(s), " << report.outer_iterations
      << " outer iteration(s)";
  if (!report.backend.empty()) out << ", " << report.backend;
  out << "\n";
  if (result.summaries().empty()) return;
  const StepSummary& s = result.summaries().back();
  const double supplied = s.heat_supplied_W;
  out << "heat:      supplied " << power(supplied) << ", delivered " << power(s.heat_delivered_W);
  if (auto p = percent_of(s.heat_delivered_W, supplied); !p.empty()) out << " (" << p << ")";
  out << ", pipe losses " << power(s.heat_loss_W);
  if (auto p = percent_of(s.heat_loss_W, supplied); !p.empty()) out << " (" << p << ")";
  out << "\n";
  out << "pumps:     " << power(s.pump_power_W) << " hydraulic\n";
  out << "pressure:  min " << bar(s.min_pressure_Pa) << " g at " << quoted(s.min_pressure_node)
      << ", max " << bar(s.max_pressure_Pa) << " g at " << quoted(s.max_pressure_node) << "\n";
  if (!s.max_velocity_pipe.empty())
    out << "velocity:  max " << fixed(s.max_velocity_m_s, 2) << " m/s in "
        << quoted(s.max_velocity_pipe) << "\n";
  if (!s.critical_consumer.empty()) {
    out << "critical consumer: " << quoted(s.critical_consumer);
    if (std::isfinite(s.min_consumer_dp_margin_Pa))
      out << ", dp margin " << bar(s.min_consumer_dp_margin_Pa);
    else
      out << " (no consumer sets min_dp_bar)";
    out << "\n";
  }
  const auto& checks = result.checks();
  if (checks.empty()) {
    out << "design checks: all passed\n";
  } else {
    out << "design checks: " << checks.size() << " failed\n";
    for (std::size_t i = 0; i < checks.size() && i < kChecksShown; ++i) {
      const CheckRecord& c = checks[i];
      out << "  " << c.element_kind << " " << quoted(c.element_id) << " " << c.check << ": "
          << check_value(c.check, c.value) << " (limit " << check_value(c.check, c.limit) << ")\n";
    }
    if (checks.size() > kChecksShown) out << "  ... and " << checks.size() - kChecksShown << " more\n";
  }
  out << "wall time: " << seconds(result.wall_time_s) << "\n";
}

void print_failure_report(std::ostream& out, const SolveReport& report, int max_lines) {
  std::istringstream full(report.full());
  std::vector<std::string> lines;
  for (std::string line; std::getline(full, line);) lines.push_back(line);
  const std::size_t first =
      lines.size() > static_cast<std::size_t>(max_lines) ? lines.size() - max_lines : 0;
  if (first > 0) out << "... (" << first << " earlier line(s) of the report omitted)\n";
  for (std::size_t i = first; i < lines.size(); ++i) out << lines[i] << "\n";
}

}  // namespace heatnet::cli
