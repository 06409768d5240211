// The fast path of the heatnet-network/1 reader: simdjson (on-demand) straight into the
// definition, driven by the schema table (heatnet/network_schema.hpp).
//
// It accepts only what it can read with certainty: a valid document whose every key, type and
// required field is right, strings without escapes or control characters. Anything else (any
// error, and the rare legal but unusual spellings) returns nullopt, and the caller runs the
// precise reader on the same text: that one gives the answer, or the error with its line,
// column, JSON path, element and "did you mean". So errors are the precise reader's by
// construction, and an accepted document reads exactly as the precise reader would read it
// (the network_json fuzz target checks both).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "heatnet/network.hpp"

namespace heatnet::io::json_detail {

// simdjson reads up to this many bytes past the end of the text.
inline constexpr std::size_t kReadAheadBytes = 64;

// `capacity` = readable bytes at `text.data()`; below text.size() + kReadAheadBytes the text is
// copied into a padded buffer first.
std::optional<NetworkDefinition> parse_network_json_fast(std::string_view text,
                                                         std::size_t capacity = 0);

// The precise reader (nlohmann, strict SAX): the reference the fast path must agree with.
NetworkDefinition parse_network_json_precise(std::string_view text);

// Fast path, else the precise reader: what parse_network_json does, with the capacity known.
NetworkDefinition parse_network_json_bytes(std::string_view text, std::size_t capacity);

}  // namespace heatnet::io::json_detail
