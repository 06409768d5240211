#include "cli/convert_command.hpp"

#include <iostream>

#include "cli/commands.hpp"
#include "cli/load_network.hpp"
#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/network.hpp"

namespace heatnet::cli {

std::unique_ptr<ConvertCommand> add_convert_command(CLI::App& app) {
  auto c = std::make_unique<ConvertCommand>();
  c->command = app.add_subcommand(
      "convert", "convert a network file (.json or EPANET .inp) to heatnet-network/1 JSON");
  c->command->add_option("network", c->input, "network file (.json, .inp)")->required();
  c->command->add_option("-o,--output", c->output, "output network file (.json)")->required();
  c->command->add_flag("--exact-si-flow-units", c->exact_si_flow_units,
                       "EPANET import: exact SI flow factors instead of EPANET's rounded ones");
  return c;
}

int ConvertCommand::run() const {
  io::EpanetImportOptions options;
  options.exact_si_flow_units = exact_si_flow_units;
  // load_network builds the network (never write a file that does not build) and locates errors
  const LoadedNetwork loaded =
      load_network(input, options, /*keep_definition=*/true, /*with_sha256=*/false);
  const NetworkDefinition& def = loaded.definition;
  const Network& net = loaded.network;
  io::write_network_json(def, output);
  std::cout << "converted " << input << " -> " << output << " (" << net.node_count()
            << " nodes, " << net.pipe_count() << " pipes, " << net.pump_count() << " pumps, "
            << net.valve_count() << " valves)\n";
  return kExitOk;
}

}  // namespace heatnet::cli
