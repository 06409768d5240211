// Maps a model error from Network::build (element kind, id, field) back to the JSON path of the
// network file it came from, so value errors read like the reader's:
//   "pipes[0].inner_diameter_m (pipe 'P0'): value -0.1: must be > 0 (and < 100 m)"
// Used by the CLI (and the fuzz target) right after reading a .json network.
#pragma once
#include <string>

#include "heatnet/errors.hpp"
#include "heatnet/network.hpp"

namespace heatnet::io {

// JSON path of the element/field an error names in `definition`, or "" when it cannot tell.
std::string json_path_of(const NetworkError& error, const NetworkDefinition& definition);

// The same error with its path set (unchanged if it already has one or none is found).
NetworkError with_json_path(const NetworkError& error, const NetworkDefinition& definition);

}  // namespace heatnet::io
