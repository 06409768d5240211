// Maps a model error from Network::build on an imported EPANET network back to the .inp file:
// file:line of the element, the EPANET field name and the value as the file writes it (in the
// file's units), the heatnet field and SI value kept in the reason:
//   "net.inp:7 (pipe 'P1'): length = -300; must be > 0 (imported as length_m = -91.44)"
// Used by the CLI right after importing an .inp file (and by the .inp fuzz target).
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"

namespace heatnet::io {

// Where each imported element came from: filled by parse_epanet_inp when asked for.
struct InpSourceMap {
  struct Origin {
    std::string epanet_kind;          // junction, reservoir, tank, pipe, pump, valve
    int line = 0;
    std::vector<std::string> tokens;  // the data line, split as the importer split it
  };
  std::string file;
  // (heatnet kind, id as an Error keeps it: shown_input(id, kErrorFieldChars)) -> origin
  std::map<std::pair<std::string, std::string>, Origin> origins;

  void add(std::string_view kind, const std::string& id, Origin origin);
  const Origin* find(const std::string& kind, const std::string& id) const;
};

// parse_epanet_inp that also records where every element came from.
NetworkDefinition parse_epanet_inp_with_origins(std::string_view text, const std::string& file_name,
                                                const EpanetImportOptions& options,
                                                InpSourceMap& origins);

// The error located in the .inp file (unchanged if it has a path already or names no element
// the map knows).
NetworkError with_inp_location(const NetworkError& error, const InpSourceMap& origins);

}  // namespace heatnet::io
