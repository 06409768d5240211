// heatnet simulate NETWORK --profiles FILE -o RESULTS.h5: the time-series subcommand
// (docs/time-series.md). Registered from main.cpp with add_simulate_command().
#pragma once
#include <CLI/CLI.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace heatnet::cli {

struct SimulateArgs {
  std::string network;
  std::string profiles;
  std::string output;
  std::size_t steps = 0;                // 0: all profile steps
  std::string on_failure = "continue";  // continue | stop
  int max_consecutive_failures = 24;
  std::optional<double> tolerance;
  std::optional<double> temperature_tolerance;
  std::optional<int> max_iterations;
  int gzip = 0;
  std::size_t chunk_steps = 256;
  bool sync = false;  // flush the results file to disk before renaming it onto the output
  bool quiet = false;
  std::string thermal_model = "quasi_static";  // quasi_static | plug_flow
  int max_parcels = 200;                       // plug_flow: parcels per pipe before merging
};

// Adds the subcommand and its options, bound to `args`.
CLI::App* add_simulate_command(CLI::App& app, SimulateArgs& args);

// Exit codes: 0 every step converged; 1 some step failed (recorded in the file); 2 bad input;
// 130 interrupted by Ctrl-C (the file holds the steps done, complete = 0).
int run_simulate(const SimulateArgs& args);

}  // namespace heatnet::cli
