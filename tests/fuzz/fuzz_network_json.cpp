// libFuzzer target: arbitrary bytes through the network JSON reader and Network::build.
// Findings: a crash or sanitizer report, any exception other than heatnet::Error, an
// unbounded message or one that is not valid UTF-8 (fuzz_checks.hpp), or an accepted network that
// does not survive a write/read round trip unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_checks.hpp"
#include "heatnet/io.hpp"
#include "heatnet/network.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
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
