// heatnet info RESULTS.h5: what a results file holds, with a few figures per step.
#include <algorithm>
#include <iostream>
#include <limits>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "heatnet/io.hpp"
#include "heatnet/version.hpp"

namespace heatnet::cli {
namespace {

constexpr std::size_t kStepsShownAtEachEnd = 10;

struct StepFigures {
  double min_pressure = std::numeric_limits<double>::quiet_NaN();
  double max_pressure = std::numeric_limits<double>::quiet_NaN();
  double consumer_heat = 0, pipe_loss = 0;
};

// Row `step` of a [steps, count] dataset.
std::pair<const double*, const double*> row(const Dataset& d, std::size_t step) {
  const double* first = d.data.data() + step * d.count;
  return {first, first + d.count};
}

StepFigures figures(const Result& r, std::size_t step) {
  StepFigures f;
  const Dataset& p = r.dataset("nodes/pressure");
  if (p.count > 0) {
    auto [b, e] = row(p, step);
    f.min_pressure = *std::min_element(b, e);
    f.max_pressure = *std::max_element(b, e);
  }
  auto [hb, he] = row(r.dataset("consumers/heat"), step);
  for (auto it = hb; it != he; ++it) f.consumer_heat += *it;
  auto [lb, le] = row(r.dataset("pipes/heat_loss"), step);
  for (auto it = lb; it != le; ++it) f.pipe_loss += *it;
  return f;
}

void print_step(const Result& r, std::size_t step) {
  const StepFigures f = figures(r, step);
  std::cout << "  " << step << "  t = " << fixed(r.time()[step], 0) << " s  iterations "
            << (step < r.iterations().size() ? r.iterations()[step] : 0) << "  pressure "
            << bar(f.min_pressure) << " .. " << bar(f.max_pressure) << "  consumer heat "
            << power(f.consumer_heat) << "  pipe losses " << power(f.pipe_loss) << "\n";
}

}  // namespace

int run_info(const std::string& results_path) {
  const Result r = io::read_results(results_path);  // checks the format attribute
  std::cout << "format:    " << kResultsFormat << "\n";
  std::cout << "network:   '" << r.network_name << "'\n";
  if (!r.input_sha256.empty()) std::cout << "input:     sha256 " << r.input_sha256 << "\n";
  std::cout << "steps:     " << r.steps() << (r.complete() ? "" : " (incomplete run)") << "\n";
  std::cout << "elements: ";
  for (int g = 0; g < kElementGroupCount; ++g) {
    const auto group = static_cast<ElementGroup>(g);
    std::cout << (g ? ", " : " ") << r.ids(group).size() << " " << to_string(group);
  }
  std::cout << "\n";
  std::cout << "converged: " << (r.converged() ? "yes" : "no") << "\n";
  std::cout << "failed design checks: " << r.checks().size() << "\n";
  const std::size_t n = r.steps();
  for (std::size_t s = 0; s < n; ++s) {
    if (n > 2 * kStepsShownAtEachEnd && s == kStepsShownAtEachEnd) {
      std::cout << "  ... " << n - 2 * kStepsShownAtEachEnd << " step(s) ...\n";
      s = n - kStepsShownAtEachEnd - 1;
      continue;
    }
    print_step(r, s);
  }
  return kExitOk;
}

}  // namespace heatnet::cli
