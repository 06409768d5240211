#include "cli/summary.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "cli/format.hpp"
#include "heatnet/errors.hpp"

namespace heatnet::cli {
namespace {

constexpr std::size_t kChecksShown = 5;

// Checks store SI values: pressures in Pa, velocities in m/s.
std::string check_value(const std::string& check, double v) {
  if (check == "max_velocity") return fixed(v, 2) + " m/s";
  if (check == "under_supplied") return power(v);
  return bar(v);
}

std::string quoted(const std::string& id) { return id.empty() ? "?" : quoted_input(id); }

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
  const bool has_heat = !result.ids(ElementGroup::sources).empty() ||
                        !result.ids(ElementGroup::consumers).empty();
  if (has_heat) {
    out << "heat:      supplied " << power(supplied) << ", delivered " << power(s.heat_delivered_W);
    if (auto p = percent_of(s.heat_delivered_W, supplied); !p.empty()) out << " (" << p << ")";
    out << ", pipe losses " << power(s.heat_loss_W);
    if (auto p = percent_of(s.heat_loss_W, supplied); !p.empty()) out << " (" << p << ")";
    out << "\n";
  } else {
    out << "heat:      no sources or consumers (hydraulic network), pipe losses "
        << power(s.heat_loss_W) << "\n";
  }
  if (!result.ids(ElementGroup::sources).empty() || !result.ids(ElementGroup::pumps).empty())
    out << "pumps:     " << power(s.pump_power_W) << " hydraulic\n";
  out << "pressure:  min " << bar(s.min_pressure_Pa) << " g at " << quoted(s.min_pressure_node)
      << ", max " << bar(s.max_pressure_Pa) << " g at " << quoted(s.max_pressure_node) << "\n";
  if (!report.boundary_flows.empty())
    out << "boundary flows: " << describe_boundary_flows(report.boundary_flows) << "\n";
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
  if (s.under_supplied > 0)
    out << "under-supply: " << s.under_supplied
        << (s.under_supplied == 1 ? " consumer gets" : " consumers get") << " less than asked, "
        << power(s.heat_missing_W) << " missing; worst " << quoted(s.worst_supplied_consumer)
        << ": " << fixed(100.0 * s.worst_supply_ratio, 0) << " % of its demand\n";
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
  // Keep the preamble (backend, timings, column header) and the last iterations: the end of
  // the history shows how it failed. Line 0 is brief(), printed by the caller already.
  std::size_t header_end = 1;
  for (std::size_t i = 1; i < lines.size(); ++i)
    if (lines[i].rfind("outer", 0) == 0) header_end = i + 1;
  for (std::size_t i = 1; i < header_end; ++i) out << lines[i] << "\n";
  const std::size_t rows = lines.size() - std::min(header_end, lines.size());
  const std::size_t shown = std::min<std::size_t>(rows, static_cast<std::size_t>(max_lines));
  if (shown < rows) out << "... (" << rows - shown << " earlier iteration(s) omitted)\n";
  for (std::size_t i = lines.size() - shown; i < lines.size(); ++i) out << lines[i] << "\n";
}

void print_timings(std::ostream& out,
                   const std::vector<std::pair<std::string_view, double>>& phases_s) {
  out << "timings:";
  const char* separator = " ";
  for (const auto& [phase, seconds] : phases_s) {
    out << separator << phase << " " << fixed(seconds * 1e3, 3) << " ms";
    separator = ", ";
  }
  out << "\n";
}

}  // namespace heatnet::cli
