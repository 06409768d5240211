// libFuzzer target: arbitrary bytes through the network JSON reader and Network::build.
// Findings: a crash or sanitizer report, any exception other than heatnet::Error, an error
// message that is not valid UTF-8 (Python could not show it), or an accepted network that
// does not survive a write/read round trip unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/network.hpp"
#include "io/json_locate.hpp"

namespace {

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                  : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

void check_message(const heatnet::Error& e) {
  if (!valid_utf8(e.what())) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  heatnet::NetworkDefinition def;
  try {
    def = heatnet::io::parse_network_json(text);
  } catch (const heatnet::Error& e) {
    check_message(e);
    return 0;
  }
  // Whatever the reader accepts, the writer must reproduce exactly.
  if (heatnet::io::parse_network_json(heatnet::io::network_to_json(def)) != def) __builtin_trap();
  try {
    const heatnet::Network net = heatnet::Network::build(def);
    (void)net.component_count();
  } catch (const heatnet::NetworkError& e) {
    check_message(e);
    check_message(heatnet::io::with_json_path(e, def));
  }
  return 0;
}
