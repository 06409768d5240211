// Finishing a time-series results file: summary attributes + /solver/step_status, the
// optional /consumers/step_arrival_delay, then the atomic rename onto the target (see
// profiles_results.hpp).
#include "io/profiles_results.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "heatnet/errors.hpp"
#include "heatnet/simulate.hpp"
#include "io/hdf5_handles.hpp"

namespace heatnet::io::detail {
namespace fs = std::filesystem;

void finish_time_series_file(const fs::path& staged, const fs::path& target,
                             const TimeSeriesAttributes& attributes,
                             const std::vector<std::int32_t>& step_status,
                             bool sync_to_disk) {
  {
    h5::Session session(target.string());
    h5::File file(h5::check_id(H5Fopen(staged.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "",
                               "cannot reopen the results file to add the summary"));
    h5::Group root = h5::open_group(file.id(), "/");
    for (const auto& [name, v] : attributes.numbers) h5::write_attribute(root.id(), name, v);
    for (const auto& [name, v] : attributes.integers) h5::write_attribute(root.id(), name, v);
    for (const auto& [name, v] : attributes.strings) h5::write_attribute(root.id(), name, v);
    h5::Group solver = h5::open_group(file.id(), "solver");
    {
      h5::Dataset d = h5::write_vector(solver.id(), "step_status", step_status);
      h5::write_attribute(d.id(), "units", "-");
      h5::write_attribute(d.id(), "description",
                          "SolveStatus per time step: 0 converged, 1 max_iterations, "
                          "2 outer_not_converged, 3 invalid_solution, 4 numerical_failure");
      d.close("/solver/step_status");
    }
    solver.close("/solver");
    root.close("/");
    file.close("/");
  }
  if (sync_to_disk) {
    const int fd = ::open(staged.c_str(), O_RDONLY);
    if (fd < 0 || ::fsync(fd) != 0) {
      if (fd >= 0) ::close(fd);
      throw IoError(ErrorCode::io_error, "results file", target.string(), "", "",
                    "cannot sync the finished file to disk");
    }
    ::close(fd);
  }
  std::error_code ec;
  replace_file(staged, target, ec);
  if (ec)
    throw IoError(ErrorCode::io_error, "results file", target.string(), "", "",
                  "cannot rename the finished file onto it: " + ec.message());
}

// /consumers/step_arrival_delay [1, C] in a committed (still hidden) results file.
void write_step_arrival(const fs::path& file_path, const StepArrival& a) {
  h5::Session session(file_path.string());
  h5::File file(h5::check_id(H5Fopen(file_path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "",
                             "cannot reopen the results file to add the step arrival"));
  h5::Group group = h5::exists(file.id(), "consumers") ? h5::open_group(file.id(), "consumers")
                                                       : h5::create_group(file.id(), "consumers");
  const hsize_t c = a.delay_s.size();
  h5::Space space = h5::simple_space({1, c});
  h5::Dataset d(h5::check_id(H5Dcreate2(group.id(), "step_arrival_delay", H5T_IEEE_F64LE,
                                        space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                             "/consumers/step_arrival_delay", "cannot create dataset"));
  if (c > 0)
    h5::check(H5Dwrite(d.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.delay_s.data()),
              "/consumers/step_arrival_delay", "cannot write dataset");
  h5::write_attribute(d.id(), "units", "s");
  h5::write_attribute(d.id(), "description",
                      "time from the supply-temperature step until the consumer's supply "
                      "temperature crosses the midpoint of its change (NaN: no crossing)");
  h5::write_attribute(d.id(), "step_time_s", a.step_time_s);
  h5::write_attribute(d.id(), "step_K", a.step_K);
  h5::write_attribute(d.id(), "source", a.source);
  h5::write_attribute(d.id(), "step_index", static_cast<std::int32_t>(a.step));
  d.close("/consumers/step_arrival_delay");
  group.close("/consumers");
  file.close("/");
}

}  // namespace heatnet::io::detail

namespace heatnet::io {

SimulationSummary read_simulation_summary(const std::filesystem::path& results) {
  h5::Session session(results.string());
  h5::File file = h5::open_file_read(results.string());
  h5::Group root = h5::open_group(file.id(), "/");
  if (!h5::has_attribute(root.id(), "steps_done"))
    throw IoError(ErrorCode::io_error, "results file", results.string(), "steps_done", "",
                  "no time-series summary (not written by heatnet simulate)");
  SimulationSummary s;
  auto num = [&](const char* n) { return h5::read_double_attribute(root.id(), n); };
  auto count = [&](const char* n) {
    const auto value = h5::read_int_attribute(root.id(), n);
    if (value < 0)
      throw IoError(ErrorCode::io_error, "results file", results.string(), n, std::to_string(value),
                    "a count cannot be negative (malformed file)");
    return static_cast<std::size_t>(value);
  };
  s.steps_planned = count("steps_planned");
  s.steps_done = count("steps_done");
  s.failed_steps = count("failed_steps");
  s.steps_with_failed_checks = count("steps_with_failed_checks");
  s.complete = h5::read_int_attribute(root.id(), "complete") != 0;
  s.heat_supplied_MWh = num("heat_supplied_MWh");
  s.heat_delivered_MWh = num("heat_delivered_MWh");
  s.heat_loss_MWh = num("heat_loss_MWh");
  s.heat_loss_percent = num("heat_loss_percent");
  s.pump_energy_MWh = num("pump_energy_MWh");
  s.hours_with_failed_checks = num("hours_with_failed_checks");
  s.hours = num("simulated_hours");
  s.peak_heat_delivered_W = num("peak_heat_delivered_W");
  const std::string reason = h5::read_string_attribute(root.id(), "stop_reason");
  s.stopped = reason == "stopped by request";
  s.stopped_on_failure = reason == "step failure";
  s.min_outdoor_temperature_C = std::nan("");
  return s;
}

}  // namespace heatnet::io
