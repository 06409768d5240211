// Strict JSON text -> DOM for the network reader. On top of nlohmann's RFC 8259 parser
// (which already rejects NaN/Infinity literals, bad UTF-8 and trailing garbage) it rejects
// what a hand-edited network file must not silently contain: duplicate keys (the last one
// would win unnoticed), numbers that overflow a double (1e400), absurd nesting and objects
// with an absurd number of keys. Keys keep their document order so the first typo is reported.
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace heatnet::io::json_detail {

using Json = nlohmann::ordered_json;

inline constexpr std::size_t kMaxNesting = 64;   // the format needs 5 levels
inline constexpr std::size_t kMaxObjectKeys = 256;  // an element has at most a dozen keys

// Throws InputError(parse_error) with "line L, column C" (syntax) or the JSON path (duplicate
// key, nesting, key count) in its path.
Json parse_strict(std::string_view text);

// Path component for a key: ".name" for plain identifiers, ["..."] (escaped) otherwise.
std::string path_key(std::string_view key);

// Text safe to print, whole: shown_input() (heatnet/errors.hpp) without the length limit.
std::string printable(std::string_view text);

}  // namespace heatnet::io::json_detail
