// heatnet command line: solve / check / info / convert / simulate, and the commands implemented
// in Python (cli/python_commands.hpp). Exit codes: 0 ok, 1 solve did not converge,
// 2 bad input or usage. Every failure prints "error: <message>" on stderr; nothing escapes.
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/convert_command.hpp"
#include "cli/heap_policy.hpp"
#include "cli/huge_pages.hpp"
#include "cli/python_commands.hpp"
#include "cli/simulate_command.hpp"
#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/version.hpp"

namespace {

using namespace heatnet::cli;

int run(int argc, char** argv) {
  CLI::App app{"heatnet: district-heating network solver", "heatnet"};
  app.set_version_flag("--version", std::string("heatnet ") + heatnet::kVersion);
  app.require_subcommand(1);

  SolveArgs solve;
  auto* solve_cmd = app.add_subcommand("solve", "solve a network and write HDF5 results");
  solve_cmd->add_option("network", solve.network, "network file (.json)")->required();
  solve_cmd->add_option("-o,--output", solve.output, "results file (.h5)")->required();
  solve_cmd->add_option("--friction", solve.friction,
                        "override the friction model (colebrook, swamee_jain, hazen_williams, "
                        "nikuradse, epanet_darcy_weisbach)");
  solve_cmd->add_option("--tolerance", solve.tolerance, "relative mass-flow tolerance");
  solve_cmd->add_option("--max-iterations", solve.max_iterations, "Newton iterations per solve")
      ->check(CLI::PositiveNumber);
  solve_cmd->add_flag("-q,--quiet", solve.quiet, "print nothing on success");
  solve_cmd->add_flag("--timings", solve.timings, "print the wall time of read, build, solve, write");
  solve_cmd->add_flag("--sync", solve.sync,
                      "flush the results file to disk before it takes the output name (a power "
                      "cut right after the run then cannot leave an empty file; costs a disk "
                      "flush)");
  // The default since the flush became opt-in; still accepted so existing scripts keep working.
  solve_cmd->add_flag("--no-sync")->description("do not flush the results file to disk (the default)");
  solve_cmd->add_option("--gzip", solve.gzip, "HDF5 gzip level (0 = none)")
      ->check(CLI::Range(0, 9));

  std::string check_path;
  auto* check_cmd = app.add_subcommand("check", "validate a network without solving");
  check_cmd->add_option("network", check_path, "network file (.json)")->required();
  bool check_timings = false;
  check_cmd->add_flag("--timings", check_timings, "print the wall time of read and build");

  std::string info_path;
  auto* info_cmd = app.add_subcommand("info", "describe a results file");
  info_cmd->add_option("results", info_path, "results file (.h5)")->required();

  SimulateArgs simulate;
  auto* simulate_cmd = add_simulate_command(app, simulate);

  auto convert = add_convert_command(app);

  // Commands implemented in Python (python/heatnet/__main__.py) run in place of this process.
  std::vector<std::string> builtins;
  for (const CLI::App* sub : app.get_subcommands({})) builtins.push_back(sub->get_name());
  if (is_forwarded_command(argc, argv, builtins)) return forward_to_python(argc, argv);
  if (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h"))
    app.footer(python_commands_help());

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "error: " << e.what() << "\n(run 'heatnet --help' for usage)\n";
    return kExitBadInput;
  }
  // mid-sized networks: once more with huge pages (cli/huge_pages.hpp), before anything is read
  if (*solve_cmd) reexec_with_huge_pages(solve.network, argv);
  if (*check_cmd) reexec_with_huge_pages(check_path, argv);
  if (*simulate_cmd) reexec_with_huge_pages(simulate.network, argv);
  if (*solve_cmd) return run_solve(solve);
  if (*check_cmd) return run_check(check_path, check_timings);
  if (*info_cmd) return run_info(info_path);
  if (*convert->command) return convert->run();
  if (*simulate_cmd) return run_simulate(simulate);
  return kExitBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  heatnet::cli::keep_large_blocks_in_heap();
  heatnet::io::skip_hdf5_teardown_at_exit();  // every command closes its files before it returns
  try {
    return run(argc, argv);
  } catch (const heatnet::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "error: unknown failure\n";
  }
  return kExitBadInput;
}
