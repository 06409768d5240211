// libFuzzer target: arbitrary bytes through the profiles readers (CSV, and JSON when the input
// starts with '{') and their binding to a small district-heating network. Findings: a crash or
// sanitizer report, any exception other than heatnet::Error, an unbounded or non-UTF-8 message,
// or a binding that accepts a step time or value that is not finite.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_checks.hpp"
#include "heatnet/io.hpp"
#include "heatnet/network.hpp"
#include "heatnet/profiles.hpp"

namespace {

// tests/data/small_dh.json's shape: one source (fixed_dp), two consumers, supply and return.
constexpr std::string_view kNetwork = R"({"format": "heatnet-network/1", "name": "fuzz",
 "nodes": [{"id": "S0"}, {"id": "S1"}, {"id": "R0"}, {"id": "R1"}],
 "pipes": [{"id": "P1", "from": "S0", "to": "S1", "length_m": 100, "inner_diameter_m": 0.1, "roughness_mm": 0.1},
           {"id": "P2", "from": "R1", "to": "R0", "length_m": 100, "inner_diameter_m": 0.1, "roughness_mm": 0.1}],
 "sources": [{"id": "CHP", "supply_node": "S0", "return_node": "R0", "supply_temperature_C": 90,
              "return_pressure_bar": 2, "pump": {"type": "fixed_dp", "dp_bar": 3}}],
 "consumers": [{"id": "C1-APT", "supply_node": "S1", "return_node": "R1", "heat_demand_kW": 100,
                "return_temperature_C": 60},
               {"id": "C2-SCH", "supply_node": "S1", "return_node": "R1", "heat_demand_kW": 50,
                "return_temperature_C": 55}]})";

const heatnet::Network& network() {
  static const heatnet::Network net = heatnet::Network::build(heatnet::io::parse_network_json(kNetwork));
  return net;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace heatnet;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // A JSON "csv" key names a file to read: no file access from a fuzzer.
  const bool json = !text.empty() && text.front() == '{';
  if (json && text.find("\"csv\"") != std::string_view::npos) return 0;
  try {
    const Profiles p = json ? io::parse_profiles_json(text, "fuzz.json") : io::parse_profiles_csv(text, "fuzz.csv");
    const ProfileBinding binding(p, network());
    for (std::size_t k = 0; k < binding.steps(); ++k)
      if (!std::isfinite(binding.time_s(k)) || !std::isfinite(binding.duration_h(k))) __builtin_trap();
  } catch (const Error& e) {
    fuzz::check_message(e);
  }
  return 0;
}
