// libFuzzer target: arbitrary bytes through the network JSON reader and Network::build.
// Findings: a crash or sanitizer report, any exception other than heatnet::Error, an
// unbounded message or one that is not valid UTF-8 (fuzz_checks.hpp), an accepted network that
// does not survive a write/read round trip unchanged, or a document the fast reader accepts
// that the precise reader rejects or reads differently (the fast path's contract).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_checks.hpp"
#include "heatnet/io.hpp"
#include "heatnet/network.hpp"
#include "io/network_json_fast.hpp"  // white-box: the fast path against the precise reader

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto fast = heatnet::io::json_detail::parse_network_json_fast(text)) {
    try {
      if (heatnet::io::json_detail::parse_network_json_precise(text) != *fast) __builtin_trap();
    } catch (const heatnet::Error&) {
      __builtin_trap();
    }
  }
  heatnet::NetworkDefinition def;
  try {
    def = heatnet::io::parse_network_json(text);
  } catch (const heatnet::Error& e) {
    heatnet::fuzz::check_message(e);
    return 0;
  }
  // Whatever the reader accepts, the writer must reproduce exactly.
  if (heatnet::io::parse_network_json(heatnet::io::network_to_json(def)) != def) __builtin_trap();
  try {
    const heatnet::Network net = heatnet::Network::build(def);
    (void)net.component_count();
  } catch (const heatnet::NetworkError& e) {
    heatnet::fuzz::check_message(e);
    heatnet::fuzz::check_message(heatnet::io::with_json_path(e, def));
  }
  return 0;
}
