// Subcommands implemented in the Python package `heatnet` (GIS import/export, sizing, reports,
// studies): `heatnet NAME ARGS...` runs `python3 -m heatnet NAME ARGS...` in place of this
// process, so stdin/stdout/stderr, signals and the exit code are the Python command's own.
// The registry of those commands lives in python/heatnet/__main__.py only; this side forwards
// every first argument that is not a built-in subcommand and asks Python for the list only to
// print `heatnet --help`. docs/python-commands.md describes the mechanism.
#pragma once
#include <string>
#include <vector>

namespace heatnet::cli {

// Where the Python side is looked for: the interpreter is $HEATNET_PYTHON, else the one the
// build was configured with (HEATNET_DEFAULT_PYTHON), else `python3` on PATH. The package is
// the build tree's (<dir of this executable>/../python, prepended to PYTHONPATH) when it
// exists, else whatever the interpreter imports (an installed `heatnet`).
struct PythonEnvironment {
  std::string interpreter;
  std::string package_dir;  // empty: the interpreter's own sys.path
};
PythonEnvironment find_python_environment();

// True when argv[1] names no built-in subcommand and is no option: the CLI forwards it.
bool is_forwarded_command(int argc, char** argv, const std::vector<std::string>& builtins);

// Replaces this process with the Python command; returns only on failure (exit code 2 after an
// "error:" line naming the interpreter and the reason).
int forward_to_python(int argc, char** argv);

// "  name  summary" lines of the Python commands for `heatnet --help`, or a line saying why
// they are unavailable.
std::string python_commands_help();

}  // namespace heatnet::cli
