#include "cli/python_commands.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"

#ifndef HEATNET_DEFAULT_PYTHON
#define HEATNET_DEFAULT_PYTHON "python3"
#endif

namespace heatnet::cli {
namespace {

namespace fs = std::filesystem;

// Runs heatnet.__main__.main(argv[1:]); a missing package (or a dependency of it) is reported
// as bad usage (exit 2), not as Python's exit 1, which heatnet reserves for "did not converge".
constexpr const char* kBootstrap =
    "import sys\n"
    "try:\n"
    "    from heatnet.__main__ import main\n"
    "except ImportError as e:\n"
    "    sys.stderr.write('error: heatnet command %r needs the Python package heatnet, which '\n"
    "                     'could not be imported by %s: %s\\n(build it with `make`, or install it '\n"
    "                     'and point HEATNET_PYTHON at that interpreter)\\n'\n"
    "                     % (sys.argv[1] if len(sys.argv) > 1 else '', sys.executable, e))\n"
    "    sys.exit(2)\n"
    "sys.exit(main(sys.argv[1:]))\n";

fs::path executable_dir() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : self.parent_path();
}

// PYTHONPATH with the build tree's package first, so that build/bin/heatnet runs the Python
// code built with it even when another heatnet is installed.
void export_pythonpath(const std::string& package_dir) {
  if (package_dir.empty()) return;
  std::string path = package_dir;
  if (const char* old = std::getenv("PYTHONPATH"); old && *old) path += std::string(":") + old;
  ::setenv("PYTHONPATH", path.c_str(), 1);
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

PythonEnvironment find_python_environment() {
  PythonEnvironment env;
  const char* chosen = std::getenv("HEATNET_PYTHON");
  env.interpreter = (chosen && *chosen) ? chosen : HEATNET_DEFAULT_PYTHON;
  const fs::path dir = executable_dir();
  if (!dir.empty()) {
    const fs::path build_tree = dir.parent_path() / "python";
    std::error_code ec;
    if (fs::exists(build_tree / "heatnet" / "__main__.py", ec))
      env.package_dir = build_tree.lexically_normal().string();
  }
  return env;
}

bool is_forwarded_command(int argc, char** argv, const std::vector<std::string>& builtins) {
  if (argc < 2 || argv[1][0] == '-' || argv[1][0] == '\0') return false;
  for (const auto& b : builtins)
    if (b == argv[1]) return false;
  return true;
}

int forward_to_python(int argc, char** argv) {
  const PythonEnvironment env = find_python_environment();
  export_pythonpath(env.package_dir);
  std::vector<char*> args;
  args.push_back(const_cast<char*>(env.interpreter.c_str()));
  args.push_back(const_cast<char*>("-c"));
  args.push_back(const_cast<char*>(kBootstrap));
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  std::cout.flush();
  ::execvp(args[0], args.data());
  const int err = errno;  // execvp returns only on failure
  std::cerr << "error: heatnet command '" << argv[1] << "' is implemented in Python, but the "
            << "interpreter '" << env.interpreter << "' could not be started: "
            << std::strerror(err) << "\n(set HEATNET_PYTHON to a Python 3 with the heatnet "
            << "package)\n";
  return kExitBadInput;
}

std::string python_commands_help() {
  const PythonEnvironment env = find_python_environment();
  export_pythonpath(env.package_dir);
  const std::string cmd = shell_quote(env.interpreter) +
                          " -c 'from heatnet.__main__ import print_commands; print_commands()' "
                          "2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(cmd.c_str(), "r"), ::pclose);
  std::string text;
  if (pipe) {
    std::array<char, 512> buffer{};
    while (std::fgets(buffer.data(), buffer.size(), pipe.get())) text += buffer.data();
  }
  const int status = pipe ? ::pclose(pipe.release()) : -1;
  if (status != 0 || text.empty())
    return "Python commands: unavailable (the heatnet package could not be imported by '" +
           env.interpreter + "'; build it with `make` or set HEATNET_PYTHON)\n";
  return "Python commands (run by " + env.interpreter + " -m heatnet):\n" + text;
}

}  // namespace heatnet::cli
