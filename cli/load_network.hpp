// Read + validate a network file, with model errors pointing into the JSON file.
#pragma once
#include <filesystem>
#include <memory>

#include "heatnet/errors.hpp"
#include "heatnet/network.hpp"
#include "heatnet/io.hpp"

namespace heatnet::cli {

struct LoadedNetwork {
  NetworkDefinition definition;
  Network network;
  std::shared_ptr<const io::InpSourceMap> inp_origins;  // .inp files: where elements came from
};

// io::read_network then Network::build. For .json files a NetworkError from build gets the
// JSON path of the element it names ("pipes[3].inner_diameter_m (pipe 'P4'): ..."); for .inp
// files the file:line, EPANET field and file value ("net.inp:7 (pipe 'P1'): length = -300; ...").
LoadedNetwork load_network(const std::filesystem::path& path,
                           const io::EpanetImportOptions& inp_options = {});

// Re-throws a NetworkError from a later stage (e.g. the solver's temperature checks) with the
// JSON path, when the network came from a .json file.
[[noreturn]] void rethrow_located(const NetworkError& error, const LoadedNetwork& loaded,
                                  const std::filesystem::path& path);

}  // namespace heatnet::cli
