// heatnet solve NETWORK -o RESULTS.h5: read, build, solve, and write results only on success.
#include <chrono>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/load_network.hpp"
#include "cli/summary.hpp"
#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/solve.hpp"

namespace heatnet::cli {
namespace {

SolverOptions options_from(const SolveArgs& args) {
  SolverOptions options;
  if (args.friction) {
    auto model = parse_friction_model(*args.friction);
    if (!model)
      throw InputError(ErrorCode::invalid_value, "option", "--friction", "friction",
                       quoted_input(*args.friction),
                       "unknown friction model; expected one of colebrook, swamee_jain, "
                       "hazen_williams, nikuradse, epanet_darcy_weisbach");
    options.friction = *model;
  }
  options.tolerance_mass_flow_rel = args.tolerance;
  options.max_iterations = args.max_iterations;
  options.validate();
  return options;
}

}  // namespace

int run_solve(const SolveArgs& args) {
  const SolverOptions options = options_from(args);  // usage errors before any file work
  const LoadedNetwork loaded = load_network(args.network);

  const auto start = std::chrono::steady_clock::now();
  Result result;
  try {
    result = solve(loaded.network, options);
  } catch (const InputError&) {
    throw;
  } catch (const NetworkError& e) {
    rethrow_located(e, loaded, args.network);
  }
  if (result.wall_time_s <= 0)
    result.wall_time_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (!result.converged()) {
    // Nothing is written: a results file must always be a usable answer.
    std::cerr << "error: the solve did not converge: " << result.report().brief() << "\n";
    print_failure_report(std::cerr, result.report());
    std::cerr << "no results written\n";
    return kExitNotConverged;
  }
  const auto solved = std::chrono::steady_clock::now();
  result.input_sha256 = loaded.input_sha256;
  io::ResultsFileOptions file_options;
  file_options.gzip_level = args.gzip;
  file_options.sync_to_disk = args.sync;
  io::write_results(result, args.output, file_options);
  const auto written = std::chrono::steady_clock::now();
  if (!args.quiet) {
    print_solve_summary(std::cout, result);
    std::cout << "results:   " << args.output << "\n";
  }
  if (args.timings)
    print_timings(std::cout, {{"read", loaded.read_s},
                              {"build", loaded.build_s},
                              {"solve", std::chrono::duration<double>(solved - start).count()},
                              {"write", std::chrono::duration<double>(written - solved).count()}});
  return kExitOk;
}

}  // namespace heatnet::cli
