// heatnet convert NETWORK -o OUT.json: read any supported network file (.json, EPANET .inp),
// validate it and write canonical heatnet-network/1 JSON.
#pragma once
#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace heatnet::cli {

struct ConvertCommand {
  CLI::App* command = nullptr;
  std::string input, output;
  bool exact_si_flow_units = false;
  int run() const;
};

// Registers the subcommand on `app`; the returned object holds the parsed arguments.
std::unique_ptr<ConvertCommand> add_convert_command(CLI::App& app);

}  // namespace heatnet::cli
