// Read + validate a network file, with model errors pointing into the JSON file.
#pragma once
#include <filesystem>
#include <string>

#include "heatnet/errors.hpp"
#include "heatnet/network.hpp"
#include "heatnet/io.hpp"

namespace heatnet::cli {

struct LoadedNetwork {
  NetworkDefinition definition;     // released after the build unless asked to keep it
  bool definition_released = false;
  Network network;
  io::EpanetImportOptions inp_options;  // .inp files: how it was imported (to locate errors)
  std::string input_sha256;  // of the bytes read, so results trace back to their input file
  double read_s = 0;         // wall time reading + parsing the file
  double build_s = 0;        // wall time of Network::build
};

// io::read_network_file then Network::build. For .json files a NetworkError from build gets the
// JSON path of the element it names ("pipes[3].inner_diameter_m (pipe 'P4'): ..."); for .inp
// files the file:line, EPANET field and file value ("net.inp:7 (pipe 'P1'): length = -300; ...").
// The definition is released once the network is built unless `keep_definition`; the file is
// hashed (input_sha256) unless `!with_sha256` (commands that write no results).
LoadedNetwork load_network(const std::filesystem::path& path,
                           const io::EpanetImportOptions& inp_options = {},
                           bool keep_definition = false, bool with_sha256 = true);

// .inp files: where each element came from is only worked out for an error (the file is read
// and imported again with a source map), so a run without errors does not pay for it.
// Re-throws a NetworkError from a later stage (e.g. the solver's temperature checks) with the
// JSON path, when the network came from a .json file.
[[noreturn]] void rethrow_located(const NetworkError& error, const LoadedNetwork& loaded,
                                  const std::filesystem::path& path);

}  // namespace heatnet::cli
