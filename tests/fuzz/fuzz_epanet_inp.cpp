// libFuzzer target: arbitrary bytes through the EPANET .inp importer, Network::build and the
// JSON writer. Findings: a crash or sanitizer report, any exception other than heatnet::Error,
// an unbounded or non-UTF-8 message (fuzz_checks.hpp), an imported definition the JSON writer
// and reader do not round-trip, or a build error the .inp locator makes unreadable.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_checks.hpp"
#include "heatnet/io.hpp"
#include "heatnet/network.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace heatnet;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  io::InpSourceMap origins;
  NetworkDefinition def;
  try {
    def = io::parse_epanet_inp_with_origins(text, "fuzz.inp", {}, origins);
  } catch (const Error& e) {
    fuzz::check_message(e);
    return 0;
  }
  // Whatever the importer accepts is valid UTF-8 the writer reproduces exactly.
  if (io::parse_network_json(io::network_to_json(def)) != def) __builtin_trap();
  try {
    const Network net = Network::build(def);
    (void)net.component_count();
  } catch (const NetworkError& e) {
    fuzz::check_message(e);
    fuzz::check_message(io::with_inp_location(e, origins));
  }
  return 0;
}
