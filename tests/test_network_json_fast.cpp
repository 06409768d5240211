// The fast network JSON reader (io/network_json_fast.cpp): it either reads a document exactly
// as the precise reader does, or declines it (nullopt) so the precise reader answers or words
// the error. Checked on every JSON file in the repository, and on the spellings it must decline.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "io/network_json_fast.hpp"
#include "io/text_file.hpp"

namespace fs = std::filesystem;
using namespace heatnet;
using io::json_detail::parse_network_json_fast;
using io::json_detail::parse_network_json_precise;

namespace {

// A small valid network with `extra` spliced into the first node object.
std::string network_with_node(const std::string& node_fields) {
  return R"({"format": "heatnet-network/1", "nodes": [{"id": "N1", "elevation_m": 3.5)" +
         node_fields + R"(}, {"id": "N2"}], "pipes": [{"id": "P1", "from": "N1", "to": "N2",
         "length_m": 100, "inner_diameter_m": 0.1, "roughness_mm": 0.1}]})";
}

}  // namespace

TEST_CASE("fast JSON reader: every repository JSON it accepts reads as the precise reader reads it",
          "[json][fast]") {
  int accepted = 0, declined = 0, networks = 0;
  for (const char* folder : {"tests/data", "examples", "validation/cases", "tests/fuzz/seeds"}) {
    const fs::path root = fs::path(HEATNET_SOURCE_DIR) / folder;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.path().extension() != ".json") continue;
      const std::string text = io::json_detail::read_file_bytes(entry.path());
      INFO(entry.path().string());
      const auto fast = parse_network_json_fast(text, text.capacity());
      std::optional<NetworkDefinition> precise;
      try {
        precise = parse_network_json_precise(text);
        ++networks;
      } catch (const Error&) {
      }
      if (fast) {
        ++accepted;
        REQUIRE(precise);
        CHECK(*fast == *precise);
      } else {
        ++declined;
      }
    }
  }
  // Every valid network in the repository takes the fast path (none is written unusually).
  CHECK(accepted == networks);
  CHECK(declined > 100);  // the bad-input corpus
}

TEST_CASE("fast JSON reader declines what only the precise reader may judge", "[json][fast]") {
  REQUIRE(parse_network_json_fast(network_with_node("")));
  const char* declined[] = {
      R"(, "elevation_m": 1)",               // duplicate key
      R"(, "elevaton_m": 1)",                // unknown key (did you mean)
      R"(, "x": "1")",                       // wrong type
      R"(, "x": 1e400)",                     // overflow
      R"(, "x": NaN)",                       // not JSON
      R"(, "demand_kg_s": 1,)",              // trailing comma
  };
  for (const char* extra : declined) {
    INFO(extra);
    CHECK_FALSE(parse_network_json_fast(network_with_node(extra)));
  }
  // Escapes and raw tabs in strings, a missing required key, bytes after the document.
  CHECK_FALSE(parse_network_json_fast(
      R"({"format": "heatnet-network/1", "nodes": [{"id": "N\u0031"}]})"));
  CHECK_FALSE(parse_network_json_fast("{\"format\": \"heatnet-network/1\", \"nodes\": [{\"id\": \"N\t1\"}]}"));
  CHECK_FALSE(parse_network_json_fast(R"({"format": "heatnet-network/1", "nodes": [{}]})"));
  CHECK_FALSE(parse_network_json_fast(R"({"format": "heatnet-network/1", "nodes": []} x)"));
  CHECK_FALSE(parse_network_json_fast(R"({"format": "heatnet-network/2", "nodes": []})"));
  CHECK_FALSE(parse_network_json_fast(R"({"nodes": []})"));
  // Declined documents still read (or fail) through parse_network_json as before.
  CHECK(io::parse_network_json(R"({"format": "heatnet-network/1", "nodes": [{"id": "N\u0031"}]})")
            .nodes[0]
            .id == "N1");
  CHECK_THROWS_AS(io::parse_network_json(network_with_node(R"(, "elevaton_m": 1)")), InputError);
}

TEST_CASE("fast JSON reader reads -0 as nlohmann does: the integer -0 is +0, -0.0 stays -0.0",
          "[json][fast]") {
  for (const char* x : {"-0", "-0.0", "-0e0", "0"}) {
    INFO(x);
    const std::string text = network_with_node(std::string(R"(, "x": )") + x);
    const auto fast = parse_network_json_fast(text);
    REQUIRE(fast);
    const auto precise = parse_network_json_precise(text);
    CHECK(std::signbit(*fast->nodes[0].x) == std::signbit(*precise.nodes[0].x));
  }
}
