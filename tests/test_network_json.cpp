// Network JSON reader/writer (io/network_json*.cpp): canonical round trips, strictness, and
// the exact wording of errors (a user must find the offending line from the message alone).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/network.hpp"

namespace fs = std::filesystem;
using namespace heatnet;

namespace {

// Elements built field by field (not aggregate-initialised): the definition structs grow.
NodeDefinition node(std::string id, double z, std::optional<double> x = {},
                    std::optional<double> y = {}, double demand = 0,
                    std::optional<double> injection = {}) {
  NodeDefinition d;
  d.id = std::move(id), d.elevation_m = z, d.x = x, d.y = y, d.demand_kg_s = demand;
  d.injection_temperature_C = injection;
  return d;
}
PipeDefinition pipe(std::string id, std::string from, std::string to) {
  PipeDefinition d;
  d.id = std::move(id), d.from = std::move(from), d.to = std::move(to);
  d.length_m = 420.0, d.inner_diameter_m = 0.514, d.roughness_mm = 0.5;
  return d;
}
SourceDefinition source(std::string id, std::string s, std::string r, double t,
                        std::optional<double> p, SourcePumpType type) {
  SourceDefinition d;
  d.id = std::move(id), d.supply_node = std::move(s), d.return_node = std::move(r);
  d.supply_temperature_C = t, d.return_pressure_bar = p, d.pump.type = type;
  return d;
}
ValveDefinition valve(std::string id, std::string from, std::string to, ValveType type) {
  ValveDefinition d;
  d.id = std::move(id), d.from = std::move(from), d.to = std::move(to), d.type = type;
  return d;
}

// A network using every element kind and every optional field.
NetworkDefinition full_network() {
  NetworkDefinition d;
  d.name = "every element";
  d.description = "unicode: \xC3\xA9t\xC3\xA9 \xE2\x80\x94 ok";
  d.settings.fluid.is_water = false;
  d.settings.fluid.density_kg_m3 = 998.2;
  d.settings.fluid.kinematic_viscosity_m2_s = 1.004e-6;
  d.settings.fluid.specific_heat_J_kgK = 4182.0;
  d.settings.friction = FrictionModel::hazen_williams;
  d.settings.ambient_temperature_C = 5.0;
  d.settings.temperature_C = 80.0;
  d.settings.gravity_m_s2 = 9.81;
  d.settings.tolerance_mass_flow_rel = 1e-10;
  d.settings.tolerance_temperature_K = 1e-5;
  d.settings.max_iterations = 77;
  d.nodes = {node("S0", 31.5, 0.0, 0.1), node("S1", 30.0, 1.0 / 3.0, 2e-300, 1.25, 70.0),
             node("R0", 31.5, {}, {}, -1.25, 65.5), node("R1", -0.0)};
  d.pipes = {pipe("P1", "S0", "S1"), pipe("P2", "R1", "R0")};
  d.pipes[0].minor_loss = 0.3, d.pipes[0].heat_loss_W_mK = 0.42;
  d.pipes[0].ambient_temperature_C = 5.0, d.pipes[0].hazen_williams_c = 130.0;
  d.pipes[1].hazen_williams_c = 120.0;
  PressureNodeDefinition pn;
  pn.node = "R0", pn.pressure_bar = 2.5, pn.temperature_C = 70.0;
  d.pressure_nodes = {pn};
  d.sources = {source("CHP", "S0", "R0", 130.0, 2.5, SourcePumpType::fixed_dp),
               source("HP", "S1", "R1", 90.0, 2.0, SourcePumpType::curve),
               source("DPC", "S0", "R0", 120.0, 2.5, SourcePumpType::dp_control),
               source("FF", "S1", "R1", 85.0, std::nullopt, SourcePumpType::fixed_flow)};
  d.sources[0].pump.dp_bar = 8.0;
  d.sources[1].pump.points_m3_h_m = {{0, 95}, {1500, 90}, {3000, 75}};
  d.sources[2].pump.consumer = "C1", d.sources[2].pump.dp_bar = 1.0;
  d.sources[3].pump.mass_flow_kg_s = 12.5;
  ConsumerDefinition c1, c2;
  c1.id = "C1", c1.supply_node = "S1", c1.return_node = "R1";
  c1.heat_demand_kW = 1200.0, c1.return_temperature_C = 70.0, c1.min_dp_bar = 1.0;
  c2.id = "C2", c2.supply_node = "S1", c2.return_node = "R1";
  c2.mass_flow_kg_s = 4.8, c2.return_temperature_C = 60.0;
  d.consumers = {c1, c2};
  PumpDefinition bp;
  bp.id = "BP1", bp.from = "S0", bp.to = "S1", bp.points_m3_h_m = {{0, 40}, {800, 35}, {1600, 20}};
  d.pumps = {bp};
  d.valves = {valve("V1", "S0", "S1", ValveType::check), valve("V2", "R0", "R1", ValveType::closed),
              valve("V3", "R0", "R1", ValveType::open)};
  d.valves[0].inner_diameter_m = 0.2, d.valves[0].minor_loss = 2.5;
  // the model's EPANET extensions (not in the spec yet) must survive a round trip too
  d.pipes[1].check_valve = true;
  d.pipes[1].closed = true;
  d.pressure_nodes[0].no_inflow = true;
  d.pressure_nodes[0].no_outflow = true;
  PumpDefinition power;
  power.id = "BP2", power.from = "R1", power.to = "R0";
  power.power_kW = 15.0, power.speed = 0.8, power.closed = true;
  d.pumps.push_back(power);
  d.pumps[0].curve_kind = PumpCurveKind::epanet;
  d.valves.push_back(valve("V4", "S0", "S1", ValveType::prv));
  d.valves.back().setting_bar = 3.5;
  d.valves.push_back(valve("V5", "S0", "S1", ValveType::fcv));
  d.valves.back().mass_flow_kg_s = 2.0;
  d.valves.push_back(valve("V6", "S0", "S1", ValveType::gpv));
  d.valves.back().curve_m3_h_m = {{0, 0}, {100, 2}};
  return d;
}

// The message of the InputError/NetworkError that parsing (and building) `text` throws.
std::string error_of(const std::string& text, ErrorCode* code = nullptr) {
  NetworkDefinition def;
  try {
    def = io::parse_network_json(text);
  } catch (const Error& e) {
    if (code) *code = e.code();
    return e.what();
  }
  try {
    Network::build(def);
  } catch (const NetworkError& e) {
    if (code) *code = e.code();
    return io::with_json_path(e, def).what();
  }
  FAIL("no error for: " << text);
  return {};
}

// A minimal valid network with `extra` spliced in as the last pipe (or replaced pieces).
std::string pipe_network(const std::string& pipe) {
  return R"({"format": "heatnet-network/1",
  "nodes": [{"id": "A"}, {"id": "B"}],
  "pipes": [{"id": "P1", "from": "A", "to": "B", "length_m": 10, "inner_diameter_m": 0.1,
             "roughness_mm": 0.1}, )" +
         pipe + R"(],
  "pressure_nodes": [{"node": "A", "pressure_bar": 2, "temperature_C": 60}]})";
}

const char* kGoodPipe =
    R"({"id": "P2", "from": "B", "to": "A", "length_m": 5, "inner_diameter_m": 0.1, "roughness_mm": 0.1})";

}  // namespace

TEST_CASE("JSON round trip of a network using every element and optional field", "[json]") {
  const NetworkDefinition d = full_network();
  const std::string text = io::network_to_json(d);
  const NetworkDefinition back = io::parse_network_json(text);
  CHECK(back == d);
  CHECK(io::network_to_json(back) == text);  // canonical: writing is idempotent
  // compact and indented forms read back the same
  CHECK(io::parse_network_json(io::network_to_json(d, -1)) == d);
  CHECK(io::parse_network_json(io::network_to_json(d, 4)) == d);
}

TEST_CASE("canonical key order follows the spec", "[json]") {
  const std::string text = io::network_to_json(full_network(), -1);
  auto pos = [&](const char* key) { return text.find(std::string("\"") + key + "\":"); };
  CHECK(pos("format") < pos("name"));
  CHECK(pos("name") < pos("description"));
  CHECK(pos("description") < pos("settings"));
  CHECK(pos("settings") < pos("nodes"));
  CHECK(pos("nodes") < pos("pipes"));
  CHECK(pos("pipes") < pos("pressure_nodes"));
  CHECK(pos("pressure_nodes") < pos("sources"));
  CHECK(pos("sources") < pos("consumers"));
  CHECK(pos("consumers") < pos("pumps"));
  CHECK(pos("pumps") < pos("valves"));
  CHECK(text.find("{\"id\":\"P1\",\"from\":\"S0\",\"to\":\"S1\",\"length_m\":420.0,") !=
        std::string::npos);
  // numbers in shortest round-trip form
  CHECK(text.find("\"x\":0.3333333333333333") != std::string::npos);
  CHECK(text.find("\"kinematic_viscosity_m2_s\":1.004e-06") != std::string::npos);
}

TEST_CASE("defaults: a minimal file gives the documented defaults", "[json]") {
  const auto d = io::parse_network_json(R"({"format": "heatnet-network/1", "nodes": []})");
  CHECK(d.name.empty());
  CHECK(d.description.empty());
  CHECK(d.settings == SettingsDefinition{});
  CHECK(d.nodes.empty());
  CHECK(d.pipes.empty());
  // max_iterations written as 100.0 is still an integer
  const auto e = io::parse_network_json(
      R"({"format": "heatnet-network/1", "settings": {"max_iterations": 100.0}, "nodes": []})");
  CHECK(e.settings.max_iterations == 100);
}

TEST_CASE("round trip of the pandapipes reference networks", "[json][reference]") {
  const fs::path root = fs::path(HEATNET_SOURCE_DIR) / "validation" / "reference" / "pandapipes";
  INFO("reference folder " << root.string());
  REQUIRE(fs::is_directory(root));
  int count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().filename() != "network.json") continue;
    INFO(entry.path().string());
    const NetworkDefinition d = io::read_network_json(entry.path());
    const NetworkDefinition back = io::parse_network_json(io::network_to_json(d));
    CHECK(back == d);
    CHECK_NOTHROW(Network::build(d));
    ++count;
  }
  CHECK(count == 68);  // the four pandapipes families: 24 STANET + 16 + 20 + 8 OpenModelica networks
}

TEST_CASE("write_network_json is atomic and reads back identical", "[json]") {
  const fs::path dir = fs::temp_directory_path() / "heatnet_test_network_json";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path file = dir / "net.json";
  io::write_network_json(full_network(), file);
  CHECK(io::read_network(file) == full_network());
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir)) (void)e, ++entries;
  CHECK(entries == 1);  // no temporary file left behind
  // a folder that does not exist: IoError naming the file, nothing written
  CHECK_THROWS_AS(io::write_network_json(full_network(), dir / "missing" / "x.json"), IoError);
  fs::remove_all(dir);
}

TEST_CASE("read_network dispatches on the extension", "[json]") {
  // .inp goes to the EPANET importer (here: a file that does not exist)
  CHECK_THROWS_WITH(io::read_network("/nonexistent/net.inp"),
                    Catch::Contains("net.inp") && !Catch::Contains("unknown network file extension"));
  CHECK_THROWS_WITH(io::read_network("net.yaml"), Catch::Contains("unknown network file extension '.yaml'"));
  try {
    io::read_network("/nonexistent/net.json");
    FAIL("no error");
  } catch (const IoError& e) {
    CHECK(e.code() == ErrorCode::io_error);
    CHECK_THAT(e.what(), Catch::Contains("/nonexistent/net.json") && Catch::Contains("cannot open"));
  }
}

TEST_CASE("writer refuses non-finite numbers, naming the field", "[json]") {
  NetworkDefinition d = full_network();
  d.pipes[1].length_m = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(io::network_to_json(d),
                    Catch::Contains("pipes[1].length_m (pipe 'P2')") &&
                        Catch::Contains("cannot write a non-finite number"));
}

TEST_CASE("error texts: syntax errors give line and column", "[json][errors]") {
  ErrorCode code{};
  CHECK_THAT(error_of("{\n  \"format\": NaN\n}", &code),
             Catch::Contains("line 2, column 13") && Catch::Contains("invalid literal"));
  CHECK(code == ErrorCode::parse_error);
  CHECK_THAT(error_of("{\"format\": -Infinity}"), Catch::Contains("line 1, column"));
  CHECK_THAT(error_of("{\n\"x\": 1e400}", &code),
             Catch::Contains("line 2, column") && Catch::Contains("number overflow") &&
                 Catch::Contains("1e400"));
  CHECK(code == ErrorCode::parse_error);
  CHECK_THAT(error_of(""), Catch::Contains("empty"));
  CHECK_THAT(error_of("  \n "), Catch::Contains("empty"));
  CHECK_THAT(error_of("{\"format\": \"heatnet-network/1\", \"nodes\": ["),
             Catch::Contains("unexpected end of input"));
  // bytes that are not UTF-8 are reported escaped, so the message itself stays valid UTF-8
  const std::string bad = error_of("{\"name\": \"caf\xE9\"}", &code);
  CHECK(code == ErrorCode::parse_error);
  CHECK_THAT(bad, Catch::Contains("UTF-8") && Catch::Contains("\\xE9"));
  CHECK_THAT(error_of("{\"a\": 1} trailing"), Catch::Contains("line 1, column"));
  CHECK_THAT(error_of(std::string(200, '[') + std::string(200, ']')),
             Catch::Contains("nesting deeper than 64"));
  CHECK_THAT(error_of(R"({"format": "heatnet-network/1", "nodes": [{"id": "A", "id": "B"}]})", &code),
             Catch::Contains("nodes[0].id: duplicate key"));
  CHECK(code == ErrorCode::parse_error);
}

TEST_CASE("error texts: top level and format", "[json][errors]") {
  ErrorCode code{};
  CHECK_THAT(error_of("[1, 2]", &code),
             Catch::Contains("expected a JSON object at the top level, got an array"));
  CHECK(code == ErrorCode::wrong_type);
  CHECK_THAT(error_of(R"({"nodes": []})", &code), Catch::Contains("format: missing required key"));
  CHECK(code == ErrorCode::missing_field);
  CHECK_THAT(error_of(R"({"format": "heatnet-network/2", "nodes": []})", &code),
             Catch::Contains("format: value 'heatnet-network/2': unsupported format; expected "
                             "'heatnet-network/1'"));
  CHECK_THAT(error_of(R"({"format": "heatnet-network/1"})", &code),
             Catch::Contains("nodes: missing required key"));
  CHECK(code == ErrorCode::missing_field);
  CHECK_THAT(error_of(R"({"format": "heatnet-network/1", "nodes": {}})", &code),
             Catch::Contains("nodes: expected an array, got an object"));
  CHECK(code == ErrorCode::wrong_type);
  CHECK_THAT(error_of(R"({"format": "heatnet-network/1", "nodes": [], "pipez": []})", &code),
             Catch::Contains("pipez: unknown key (did you mean 'pipes'?)"));
  CHECK(code == ErrorCode::unknown_field);
}

TEST_CASE("error texts: element fields name path and id", "[json][errors]") {
  ErrorCode code{};
  CHECK(error_of(pipe_network(R"({"id": "P17", "from": "B", "to": "A", "lenght_m": 5,
                                  "inner_diameter_m": 0.1, "roughness_mm": 0.1})"),
                 &code) == "pipes[1].lenght_m (pipe 'P17'): unknown key (did you mean 'length_m'?)");
  CHECK(code == ErrorCode::unknown_field);
  CHECK(error_of(pipe_network(R"({"id": "P4", "from": "B", "to": "A", "length_m": 5,
                                  "inner_diameter_m": "0.1", "roughness_mm": 0.1})"),
                 &code) == "pipes[1].inner_diameter_m (pipe 'P4'): expected a number, got a string");
  CHECK(code == ErrorCode::wrong_type);
  CHECK(error_of(pipe_network(R"({"id": "P4", "from": "B", "to": "A", "length_m": 5,
                                  "roughness_mm": 0.1})"),
                 &code) == "pipes[1].inner_diameter_m (pipe 'P4'): missing required key");
  CHECK(code == ErrorCode::missing_field);
  CHECK_THAT(error_of(pipe_network(R"({"id": "P4", "from": "B", "to": "A", "length_m": 5,
                                  "inner_diameter_m": 0.1, "roughness_mm": 0.1, "colour": 1})")),
             Catch::Contains("pipes[1].colour (pipe 'P4'): unknown key; pipe keys are: id, from"));
  CHECK_THAT(error_of(pipe_network(R"({"id": 4, "from": "B", "to": "A"})")),
             Catch::Contains("pipes[1].id (pipe): expected a string, got a number"));
  CHECK_THAT(error_of(pipe_network("17")), Catch::Contains("pipes[1] (pipe): expected an object, got a number"));
  // value rules come from Network::build, mapped back to the JSON path
  CHECK(error_of(pipe_network(R"({"id": "P2", "from": "B", "to": "A", "length_m": 5,
                                  "inner_diameter_m": -0.1, "roughness_mm": 0.1})"),
                 &code) == "pipes[1].inner_diameter_m (pipe 'P2'): value -0.1: must be > 0 (and < 100 m)");
  CHECK(code == ErrorCode::invalid_value);
  CHECK_THAT(error_of(pipe_network(R"({"id": "P1", "from": "B", "to": "A", "length_m": 5,
                                       "inner_diameter_m": 0.1, "roughness_mm": 0.1})"), &code),
             Catch::Contains("pipes[1].id (pipe 'P1')") && Catch::Contains("duplicate id"));
  CHECK(code == ErrorCode::duplicate_id);
  CHECK_THAT(error_of(pipe_network(R"({"id": "P2", "from": "B", "to": "Z", "length_m": 5,
                                       "inner_diameter_m": 0.1, "roughness_mm": 0.1})"), &code),
             Catch::Contains("pipes[1].to (pipe 'P2'): value 'Z': no node with this id"));
  CHECK(code == ErrorCode::unknown_reference);
  CHECK_NOTHROW(Network::build(io::parse_network_json(pipe_network(kGoodPipe))));
}

TEST_CASE("error texts: settings, fluid, integers", "[json][errors]") {
  auto with_settings = [](const std::string& settings) {
    return R"({"format": "heatnet-network/1", "settings": )" + settings +
           R"(, "nodes": [{"id": "A"}], "pressure_nodes": [{"node": "A", "pressure_bar": 1, "temperature_C": 50}]})";
  };
  ErrorCode code{};
  CHECK(error_of(with_settings(R"({"max_iterations": 1.5})"), &code) ==
        "settings.max_iterations (settings): expected an integer, got 1.5");
  CHECK(code == ErrorCode::wrong_type);
  CHECK_THAT(error_of(with_settings(R"({"friction": "colebrok"})"), &code),
             Catch::Contains("settings.friction (settings): value 'colebrok': unknown friction model"));
  CHECK(code == ErrorCode::invalid_value);
  CHECK_THAT(error_of(with_settings(R"({"fluid": "oil"})")),
             Catch::Contains("settings.fluid (settings): value 'oil': expected \"water\""));
  CHECK_THAT(error_of(with_settings(R"({"fluid": {"density_kg_m3": 998, "kinematic_viscosity_m2_s": 1e-6}})")),
             Catch::Contains("settings.fluid.specific_heat_J_kgK (settings): missing required key"));
  CHECK_THAT(error_of(with_settings(R"({"fluid": {"density": 998}})")),
             Catch::Contains("settings.fluid.density (settings): unknown key (did you mean 'density_kg_m3'?)"));
  CHECK_THAT(error_of(with_settings(R"({"tolerance": {"mass_flow": 1e-6}})")),
             Catch::Contains("settings.tolerance.mass_flow (settings): unknown key (did you mean 'mass_flow_rel'?)"));
  CHECK_THAT(error_of(with_settings(R"({"tolerance": {"mass_flow_rel": 0}})")),
             Catch::Contains("settings.tolerance.mass_flow_rel (settings): value 0: must be within 0..1"));
  CHECK_THAT(error_of(with_settings(R"({"temperature_C": 250})"), &code),
             Catch::Contains("settings.temperature_C (settings): value 250: outside the water model's range"));
  CHECK(code == ErrorCode::out_of_range);
}

TEST_CASE("error texts: source pumps and consumers", "[json][errors]") {
  auto with_source = [](const std::string& pump, const std::string& consumer_extra = "") {
    return R"({"format": "heatnet-network/1", "nodes": [{"id": "S"}, {"id": "R"}],
      "pipes": [{"id": "P", "from": "S", "to": "R", "length_m": 10, "inner_diameter_m": 0.1, "roughness_mm": 0.1}],
      "sources": [{"id": "CHP", "supply_node": "S", "return_node": "R", "supply_temperature_C": 90,
                   "return_pressure_bar": 2, "pump": )" +
           pump + R"(}],
      "consumers": [{"id": "C1", "supply_node": "S", "return_node": "R", "return_temperature_C": 60)" +
           consumer_extra + "}]}";
  };
  const std::string demand = R"(, "heat_demand_kW": 100)";
  ErrorCode code{};
  CHECK_NOTHROW(Network::build(io::parse_network_json(with_source(R"({"type": "fixed_dp", "dp_bar": 2})", demand))));
  CHECK_THAT(error_of(with_source(R"({"type": "fixed_dp", "dp": 2})", demand), &code),
             Catch::Contains("sources[0].pump.dp (source 'CHP'): unknown key (did you mean 'dp_bar'?)"));
  CHECK(code == ErrorCode::unknown_field);
  CHECK_THAT(error_of(with_source(R"({"type": "curve", "dp_bar": 2})", demand)),
             Catch::Contains("sources[0].pump.dp_bar (source 'CHP'): unknown key; a curve pump's keys "
                             "are: type, points_m3_h_m"));
  CHECK_THAT(error_of(with_source(R"({"type": "turbo"})", demand)),
             Catch::Contains("sources[0].pump.type (source 'CHP'): value 'turbo': unknown pump type"));
  CHECK_THAT(error_of(with_source(R"({"dp_bar": 2})", demand)),
             Catch::Contains("sources[0].pump.type (source 'CHP'): missing required key"));
  CHECK_THAT(error_of(with_source(R"({"type": "curve", "points_m3_h_m": [[0, 10], [5]]})", demand)),
             Catch::Contains("sources[0].pump.points_m3_h_m[1] (source 'CHP'): expected an array of "
                             "[flow_m3_h, head_m] pairs; this point is an array of 1 value(s)"));
  CHECK_THAT(error_of(with_source(R"({"type": "curve", "points_m3_h_m": [[0, 10], [5, 20]]})", demand)),
             Catch::Contains("sources[0].pump.points_m3_h_m (source 'CHP')") &&
                 Catch::Contains("must fall with flow"));
  CHECK_THAT(error_of(with_source(R"({"type": "dp_control", "consumer": "C9", "dp_bar": 1})", demand), &code),
             Catch::Contains("sources[0].pump.consumer (source 'CHP'): value 'C9': no consumer with this id"));
  CHECK(code == ErrorCode::unknown_reference);
  CHECK_THAT(error_of(with_source(R"({"type": "fixed_dp", "dp_bar": 2})",
                                  R"(, "heat_demand_kW": 100, "mass_flow_kg_s": 1)")),
             Catch::Contains("consumers[0].heat_demand_kW (consumer 'C1')") &&
                 Catch::Contains("exactly one of heat_demand_kW or mass_flow_kg_s"));
}

TEST_CASE("read_network_file: the definition, and the SHA-256 of the bytes unless not asked for",
          "[io]") {
  const std::filesystem::path path =
      std::filesystem::path(HEATNET_SOURCE_DIR) / "tests/data/small_dh.json";
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const io::NetworkFile hashed = io::read_network_file(path);
  CHECK(hashed.sha256 == io::sha256_hex(bytes));
  CHECK(hashed.definition == io::read_network_json(path));
  const io::NetworkFile unhashed = io::read_network_file(path, {}, /*with_sha256=*/false);
  CHECK(unhashed.sha256.empty());
  CHECK(unhashed.definition == hashed.definition);
}

TEST_CASE("sha256_hex matches the FIPS 180-2 test vectors", "[io]") {
  CHECK(io::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(io::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
