// The heatnet subcommands. Each returns the process exit code (0 ok, 1 solve did not converge);
// bad input propagates as heatnet::Error and main() turns it into exit code 2.
#pragma once
#include <optional>
#include <string>

namespace heatnet::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitNotConverged = 1;
inline constexpr int kExitBadInput = 2;

struct SolveArgs {
  std::string network;
  std::string output;
  std::optional<std::string> friction;
  std::optional<double> tolerance;
  std::optional<int> max_iterations;
  bool quiet = false;
  bool timings = false;  // print the wall time of read, build, solve and write
  bool sync = false;  // flush the results file to disk before renaming it onto the output
  int gzip = 0;
};

int run_solve(const SolveArgs& args);
int run_check(const std::string& network_path, bool timings = false);
int run_info(const std::string& results_path);

}  // namespace heatnet::cli
