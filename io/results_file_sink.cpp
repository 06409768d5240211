// io::ResultsFileSink: the time loop's results file (heatnet-results/1, docs/results-format.md,
// docs/time-series.md). Steps stream into a ResultsWriter whose target is a hidden staged name
// beside the output; finish() commits it there, adds the run summary as root attributes,
// /solver/step_status and the step arrival, then renames it onto the output. Until then the
// output name never holds a file, and a sink destroyed early removes what it staged.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/simulate.hpp"
#include "io/profiles_results.hpp"

namespace heatnet::io {
namespace {

detail::TimeSeriesAttributes summary_attributes(const SimulationResult& run,
                                                const SimulationOptions& options) {
  const SimulationSummary& sum = run.summary;
  detail::TimeSeriesAttributes a;
  a.numbers = {{"heat_supplied_MWh", sum.heat_supplied_MWh},
               {"heat_delivered_MWh", sum.heat_delivered_MWh},
               {"heat_loss_MWh", sum.heat_loss_MWh},
               {"heat_loss_percent", sum.heat_loss_percent},
               {"pump_energy_MWh", sum.pump_energy_MWh},
               {"hours_with_failed_checks", sum.hours_with_failed_checks},
               {"simulated_hours", sum.hours},
               {"peak_heat_delivered_W", sum.peak_heat_delivered_W}};
  a.integers = {{"steps_planned", static_cast<std::int32_t>(sum.steps_planned)},
                {"steps_done", static_cast<std::int32_t>(sum.steps_done)},
                {"failed_steps", static_cast<std::int32_t>(sum.failed_steps)},
                {"steps_with_failed_checks", static_cast<std::int32_t>(sum.steps_with_failed_checks)}};
  if (sum.thermal_model == ThermalModel::plug_flow) {
    a.numbers.push_back({"heat_stored_change_MWh", sum.heat_stored_change_MWh});
    a.numbers.push_back({"boundary_heat_MWh", sum.boundary_heat_MWh});
    a.numbers.push_back({"max_energy_balance_rel", sum.max_energy_balance_rel});
    a.integers.push_back({"max_parcels_per_pipe", options.max_parcels_per_pipe});
  }
  a.strings = {{"run_kind", "time_series"},
               {"thermal_model", std::string(to_string(sum.thermal_model))},
               {"on_step_failure", std::string(to_string(options.on_failure))},
               {"stop_reason", sum.complete ? "" : sum.stopped ? "stopped by request"
                                                  : sum.stopped_on_failure ? "step failure"
                                                                           : "unknown"}};
  return a;
}

}  // namespace

struct ResultsFileSink::Impl {
  std::filesystem::path target, staged;
  ResultsFileOptions options;
  std::optional<Result> layout;  // metadata for commit()
  std::optional<ResultsWriter> writer;

  ~Impl() {
    writer.reset();  // an uncommitted writer removes its own temporary
    if (staged.empty()) return;
    std::error_code ec;
    std::filesystem::remove(staged, ec);
  }
};

ResultsFileSink::ResultsFileSink(std::filesystem::path target, ResultsFileOptions options)
    : impl_(std::make_unique<Impl>()) {
  if (target.empty())
    throw Error(ErrorCode::invalid_value, "results file", "", "output", "''", "must be a file name");
  if (options.chunk_steps < 1)
    throw Error(ErrorCode::invalid_value, "results file", target.string(), "chunk_steps",
                std::to_string(options.chunk_steps), "must be >= 1");
  if (options.gzip_level < 0 || options.gzip_level > 9)
    throw Error(ErrorCode::invalid_value, "results file", target.string(), "gzip_level",
                std::to_string(options.gzip_level), "must be 0 (none) to 9");
  impl_->target = std::move(target);
  impl_->options = options;
}

ResultsFileSink::~ResultsFileSink() = default;

void ResultsFileSink::begin(const Result& layout, std::size_t steps_planned) {
  Impl& s = *impl_;
  if (s.writer)
    throw IoError(ErrorCode::io_error, "results file", s.target.string(), "", "",
                  "begin() called twice: one sink records one run");
  ResultsFileOptions fo = s.options;
  fo.chunk_steps = std::max<std::size_t>(1, std::min(fo.chunk_steps, steps_planned));
  fo.sync_to_disk = false;  // the staged file changes again in finish(), which syncs it
  s.staged = detail::hidden_temp_path(s.target, "sim");
  s.layout.emplace(layout);
  s.writer.emplace(s.staged, layout, fo);
}

void ResultsFileSink::write_step(double time_s, const Solution& solution, const SolveReport& report) {
  if (!impl_->writer)
    throw IoError(ErrorCode::io_error, "results file", impl_->target.string(), "", "",
                  "write_step() before begin()");
  impl_->writer->append(time_s, solution, report);
}

void ResultsFileSink::finish(const SimulationResult& run, const SimulationOptions& options) {
  Impl& s = *impl_;
  if (!s.writer)
    throw IoError(ErrorCode::io_error, "results file", s.target.string(), "", "",
                  "finish() before begin()");
  Result meta = *s.layout;
  meta.wall_time_s = run.summary.wall_time_s;
  // commit() renames the writer's own temporary onto the staged name; the summary goes in
  // before the final rename, so the target only ever holds a finished file.
  s.writer->commit(meta, run.summary.complete);
  if (run.step_arrival) detail::write_step_arrival(s.staged, *run.step_arrival);
  std::vector<std::int32_t> codes(run.step_status.size());
  for (std::size_t i = 0; i < codes.size(); ++i) codes[i] = static_cast<std::int32_t>(run.step_status[i]);
  detail::finish_time_series_file(s.staged, s.target, summary_attributes(run, options), codes,
                                  s.options.sync_to_disk);
  s.staged.clear();  // renamed: nothing to remove
}

}  // namespace heatnet::io
