// Issue 21 (hardening), library level: non-finite and absurd values refused where they are read
// (profiles CSV/JSON, .inp times and TRIALS), FluidModel refusing NaN, bounded and escaped
// messages, .inp text encoding and error locations, the early pressure-reference refusal, the
// linear profiles header check and the clean-up of stale temporary files.
// CLI-level reproducers: tests/python/test_hardening.py (tests/data/robustness/README.md).
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/network.hpp"
#include "heatnet/profiles.hpp"
#include "io/temp_files.hpp"
#include "network/utf8.hpp"
#include "solver/fluid/fluid_model.hpp"
#include "network_builders.hpp"
#include "temp_dir.hpp"

using namespace heatnet;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// The campaign's small .inp network (one reservoir, one junction, one pipe) with extra lines.
std::string small_inp(const std::string& extra) {
  return "[JUNCTIONS]\nJ1 0 1\n[RESERVOIRS]\nR1 10\n[PIPES]\nP1 R1 J1 100 100 100\n" + extra +
         "[OPTIONS]\nUNITS LPS\n[END]\n";
}

template <class F>
InputError input_error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  }
  FAIL("no InputError");
  throw;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("FluidModel refuses NaN and infinite temperatures", "[hardening][fluid]") {
  for (const bool water : {true, false}) {
    FluidDefinition d;
    d.is_water = water;
    const fluid::FluidModel f(d);
    CHECK_THROWS_AS(f.enthalpy(kNaN), Error);
    CHECK_THROWS_AS(f.enthalpy(kInf), Error);
    CHECK_THROWS_AS(f.temperature_from_enthalpy(kNaN), Error);
    CHECK_THROWS_AS(f.temperature_from_enthalpy(-kInf), Error);
    CHECK(std::isfinite(f.enthalpy(70.0)));
  }
  const fluid::FluidModel water(FluidDefinition{});
  CHECK_THROWS_AS(water.clamp_temperature(kNaN), Error);
  CHECK_THROWS_AS(water.density(kNaN, 5e5), Error);
  try {
    water.enthalpy(kNaN);
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::out_of_range);
    CHECK(e.field() == "temperature_C");
    CHECK(e.value() == "NaN");
  }
}

TEST_CASE("profile times must be finite and within +-1e7 h in every reader", "[hardening][profiles]") {
  // simulate-plugflow-segv-time-1e305.csv: 1e305 h is finite, 3.6e308 s is not.
  const InputError csv = input_error_of([] { io::parse_profiles_csv("time_h\n1e305\n", "p.csv"); });
  CHECK(csv.path() == "p.csv:2:1");
  CHECK(csv.element_id() == "time_h");
  CHECK(csv.code() == ErrorCode::invalid_value);
  // profiles-infinite-time.csv
  const InputError big = input_error_of([] {
    io::parse_profiles_csv("time_h,outdoor_temperature_C\n-1e308,-16\n1e308,-17\n", "p.csv");
  });
  CHECK(big.path() == "p.csv:2:1");
  const InputError json = input_error_of([] {
    io::parse_profiles_json(R"({"format": "heatnet-profiles/1", "time_h": [0, 1e8]})", "p.json");
  });
  CHECK(json.path() == "p.json: .time_h[1]");
  // Profiles built in code are checked by validate().
  Profiles p;
  p.time_h = {0.0, 2e7};
  CHECK_THROWS_AS(p.validate(), InputError);
  p.time_h = {-1e7, 1e7};  // the bounds themselves are fine
  CHECK_NOTHROW(p.validate());
}

TEST_CASE("a 20,000-column profiles header is checked in linear time", "[hardening][profiles]") {
  std::string header = "time_h", row = "0";
  for (int i = 0; i < 20000; ++i) {
    header += ",demand_factor:C" + std::to_string(1000000 + i);
    row += ",1";
  }
  const auto t0 = std::chrono::steady_clock::now();
  const Profiles p = io::parse_profiles_csv(header + "\n" + row + "\n", "wide.csv");
  const double elapsed = seconds_since(t0);
  CHECK(p.series.size() == 20000);
  CHECK(elapsed < 2.0);  // 27 s before (every column compared with every earlier one)
  const InputError dup = input_error_of([] {
    io::parse_profiles_csv("time_h,demand_factor:A,demand_factor:B,demand_factor:A\n", "d.csv");
  });
  CHECK(dup.code() == ErrorCode::duplicate_id);
  CHECK(std::string(dup.what()).find("first at column 8") != std::string::npos);
}

TEST_CASE(".inp times and TRIALS out of range are refused with file:line", "[hardening][epanet]") {
  // inp-negative-pattern-start.inp, inp-pattern-start-inf.inp, inp-trials-1e300.inp
  const char* patterns = "[PATTERNS]\nP 1 2\n";
  const InputError negative = input_error_of([&] {
    io::parse_epanet_inp(small_inp(patterns + std::string("[TIMES]\nPATTERN START -1:00\n")), "n.inp",
                         {});
  });
  CHECK(negative.path() == "n.inp:10");
  CHECK(negative.element_id() == "PATTERN START");
  const InputError inf = input_error_of([&] {
    io::parse_epanet_inp(small_inp(patterns + std::string("[TIMES]\nPATTERN START inf:00\n")), "n.inp",
                         {});
  });
  CHECK(inf.path() == "n.inp:10");
  const InputError huge = input_error_of([&] {
    io::parse_epanet_inp(small_inp(patterns + std::string("[TIMES]\nPATTERN START 1e300\n")), "n.inp",
                         {});
  });
  CHECK(huge.code() == ErrorCode::invalid_value);
  const InputError trials = input_error_of([] {
    io::parse_epanet_inp("[JUNCTIONS]\nJ1 0 1\n[OPTIONS]\nTRIALS 1e300\n", "t.inp", {});
  });
  CHECK(trials.path() == "t.inp:4");
  CHECK(trials.element_id() == "TRIALS");
  CHECK_THROWS_AS(io::parse_epanet_inp("[JUNCTIONS]\nJ1 0 1\n[OPTIONS]\nTRIALS -5\n", "t.inp", {}),
                  InputError);
  CHECK_THROWS_AS(io::parse_epanet_inp("[JUNCTIONS]\nJ1 0 1\n[TIMES]\nPATTERN TIMESTEP 0.0001 SEC\n",
                                       "t.inp", {}),
                  InputError);
}

TEST_CASE("a large PATTERN START picks the multiplier of its period", "[hardening][epanet]") {
  // 277,777 h = 1e9 s: period 277777 of a 3-step hourly pattern -> index 1 (multiplier 2).
  const auto demand = [](const std::string& times) {
    return io::parse_epanet_inp(
               "[JUNCTIONS]\nJ1 0 1 P\n[RESERVOIRS]\nR1 10\n[PIPES]\nP1 R1 J1 100 100 100\n"
               "[PATTERNS]\nP 1 2 3\n" + times + "[OPTIONS]\nUNITS LPS\n[END]\n", "n.inp", {})
        .nodes[0].demand_kg_s;
  };
  CHECK(demand("[TIMES]\nPATTERN START 277777\n") == Approx(2.0 * demand("")));
}

TEST_CASE(".inp text: UTF-8 kept, otherwise Windows-1252 decoded; control bytes refused",
          "[hardening][epanet]") {
  const NetworkDefinition latin1 = io::parse_epanet_inp(
      "[TITLE]\nR\xE9seau \x80\n[JUNCTIONS]\nJ\xE9 0 1\n[RESERVOIRS]\nR1 10\n[PIPES]\nP1 R1 J\xE9 1 1 1\n",
      "l.inp", {});
  CHECK(latin1.nodes[0].id == "J\xC3\xA9");
  CHECK(latin1.description.find("R\xC3\xA9seau \xE2\x82\xAC") == 0);  // the euro sign is 0x80
  CHECK(latin1.description.find("Windows-1252") != std::string::npos);
  const NetworkDefinition utf8 = io::parse_epanet_inp(
      "\xEF\xBB\xBF[JUNCTIONS]\nJ\xC3\xA9 0 1\n[RESERVOIRS]\nR1 10\n[PIPES]\nP1 R1 J\xC3\xA9 1 1 1\n",
      "u.inp", {});
  CHECK(utf8.nodes[0].id == "J\xC3\xA9");
  CHECK(utf8.description.find("Windows-1252") == std::string::npos);
  for (const auto& d : {latin1, utf8})
    for (const auto& n : d.nodes) CHECK(detail::is_valid_utf8(n.id));
  const InputError nul = input_error_of([] {
    io::parse_epanet_inp(std::string("[JUNCTIONS]\nJ1 0 1\nJ\0 0 1\n", 24), "z.inp", {});
  });
  CHECK(nul.path() == "z.inp:3");
  CHECK(nul.value() == "'\\x00'");
}

TEST_CASE("errors building an imported .inp network name file:line, EPANET field and file value",
          "[hardening][epanet]") {
  io::InpSourceMap origins;
  const NetworkDefinition def = io::parse_epanet_inp_with_origins(
      "[JUNCTIONS]\nJ1 0 1\n[RESERVOIRS]\nR1 10\n[PIPES]\nP1 R1 J1 -300 12 100\n", "ft.inp", {},
      origins);
  try {
    (void)Network::build(def);
    FAIL("built a pipe of negative length");
  } catch (const NetworkError& e) {
    CHECK(e.value() == "-91.44");  // SI, as the model sees it
    const NetworkError located = io::with_inp_location(e, origins);
    CHECK(located.path() == "ft.inp:6");
    CHECK(located.element_kind() == "pipe");
    CHECK(located.field() == "length");
    CHECK(located.value() == "-300");
    const std::string what = located.what();
    CHECK(what.find("ft.inp:6 (pipe 'P1'): length = -300; ") == 0);
    CHECK(what.find("imported as length_m = -91.44") != std::string::npos);
  }
}

TEST_CASE("messages quote at most ~80 characters of input, escaped", "[hardening][errors]") {
  const std::string token(100000, 'X');
  const std::string shown = shown_input(token);
  CHECK(shown.size() == kShownInputChars);
  CHECK(shown.substr(shown.size() - 3) == "...");
  CHECK(shown_input(shown) == shown);  // idempotent
  CHECK(shown_input("a\x01\xFF") == "a\\x01\\xFF");
  CHECK(shown_input("J\xC3\xA9") == "J\xC3\xA9");  // UTF-8 kept
  CHECK(shown_input("\xED\xA0\x80") == "\\xED\\xA0\\x80");  // a surrogate is not UTF-8
  const NetworkError e(ErrorCode::duplicate_id, "node", std::string(10'000'000, 'N'), "id",
                       quoted_input(token), "duplicate node id");
  CHECK(std::string(e.what()).size() < 300);
  CHECK(detail::is_valid_utf8(NetworkError(ErrorCode::invalid_value, "node", "\xFF\xFE", "", "",
                                           "x").what()));
  // The JSON reader's parse errors quote the token they last read (fuzz finding: 250 newlines
  // before a stray byte made a 2,093-byte message).
  const InputError json = input_error_of([] {
    io::parse_network_json(std::string(250, '\n') + " \xA1\xDE: 0.1");
  });
  CHECK(std::string(json.what()).size() < 400);
  CHECK(detail::is_valid_utf8(json.what()));
  // ... also where the message goes on after the token ("; expected string literal")
  const InputError key = input_error_of([] {
    io::parse_network_json("{\"nodes\": [{\"x\": 10.0" + std::string(250, '\n') + "}, {d");
  });
  CHECK(std::string(key.what()).size() < 400);
  CHECK(std::string(key.what()).find("expected") != std::string::npos);
  // ... and where the token itself contains "'; expected" (third finding, a 30-minute run)
  std::string crafted = "{\n \"f";
  for (int i = 0; i < 200; ++i) crafted += "gggg'; expected'gggg\xF3\x88\x88\x88";
  crafted += "\n";
  const InputError tricky = input_error_of([&] { io::parse_network_json(crafted); });
  CHECK(std::string(tricky.what()).size() < 600);
  CHECK(detail::is_valid_utf8(tricky.what()));
  // The CSV reader quotes with the same helper (it cut at 40 before).
  const InputError csv = input_error_of([&] { io::parse_profiles_csv("time_h\n" + token + "\n", "c.csv"); });
  CHECK(csv.value() == quoted_input(token));
}

TEST_CASE("nodes that nothing touches are refused before per-node work", "[hardening][build]") {
  NetworkDefinition def;
  def.nodes.resize(2'000'000);
  for (std::size_t i = 0; i < def.nodes.size(); ++i) def.nodes[i].id = "N" + std::to_string(i);
  def.nodes[5].elevation_m = kNaN;  // per-node checks come later: the cheap refusal wins
  const auto t0 = std::chrono::steady_clock::now();
  try {
    (void)Network::build(def);
    FAIL("built a network without pressure reference");
  } catch (const NetworkError& e) {
    CHECK(e.code() == ErrorCode::no_pressure_reference);
    CHECK(e.element_id() == "N0");
  }
  CHECK(seconds_since(t0) < 2.0);
}

TEST_CASE("stale temporary files of dead processes are removed, others kept", "[hardening][io]") {
  CHECK(io::detail::temp_file_owner(".out.h5.sim-123-0badcafe", "out.h5") == 123);
  CHECK(io::detail::temp_file_owner("..out.h5.sim-123-0badcafe.tmp-123-12345678", "out.h5") == 123);
  CHECK(io::detail::temp_file_owner(".out.h5.tmp-77-1234567", "out.h5") == -1);   // 7 digits
  CHECK(io::detail::temp_file_owner(".out.h5.tmp-77-12345678x", "out.h5") == -1);
  CHECK(io::detail::temp_file_owner(".out.h5x.tmp-77-12345678", "out.h5") == -1);
  CHECK(io::detail::temp_file_owner("out.h5", "out.h5") == -1);
  // the temporary of another output whose name starts like one of ours
  CHECK(io::detail::temp_file_owner(".out.h5.sim-123-0badcafe.h5.tmp-9-12345678", "out.h5") == -1);

  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);  // reaped: its pid names no process now
  heatnet::testing::TempDir dir;
  const auto file = [&](const std::string& name) {
    std::ofstream(dir.path / name) << "x";
    return name;
  };
  const std::string dead = file(".out.h5.sim-" + std::to_string(child) + "-0badcafe");
  const std::string nested = file("..out.h5.sim-" + std::to_string(child) + "-0badcafe.tmp-" +
                                  std::to_string(child) + "-12345678");
  const std::string live = file(".out.h5.tmp-" + std::to_string(::getpid()) + "-0badcafe");
  const std::string other = file(".other.h5.sim-" + std::to_string(child) + "-0badcafe");
  CHECK(io::detail::remove_stale_temp_files(dir.path / "out.h5") == 2);
  auto names = dir.entries();
  std::sort(names.begin(), names.end());
  std::vector<std::string> expected{live, other};
  std::sort(expected.begin(), expected.end());
  CHECK(names == expected);
  // A new temporary name sweeps first and carries this process's pid.
  const auto path = io::detail::hidden_temp_path(dir.path / "other.h5", "tmp");
  CHECK(io::detail::temp_file_owner(path.filename().string(), "other.h5") == ::getpid());
  CHECK(dir.entries().size() == 1);
}

TEST_CASE("replace_file puts the new file under the name and leaves no other file",
          "[hardening][io]") {
  heatnet::testing::TempDir dir;
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.path / name) << text;
  };
  const auto read = [&](const std::string& name) {
    std::ifstream in(dir.path / name);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  std::error_code ec;
  write(".new", "first");  // no file under the name yet
  io::detail::replace_file(dir.path / ".new", dir.path / "out.h5", ec);
  CHECK(!ec);
  write(".new", "second");  // an existing file is replaced (swapped out and removed)
  io::detail::replace_file(dir.path / ".new", dir.path / "out.h5", ec);
  CHECK(!ec);
  CHECK(read("out.h5") == "second");
  CHECK(dir.entries() == std::vector<std::string>{"out.h5"});

  std::filesystem::create_directory(dir.path / "folder");  // never swapped with a directory
  write("folder/keep", "x");
  write(".new", "third");
  io::detail::replace_file(dir.path / ".new", dir.path / "folder", ec);
  CHECK(ec);
  CHECK(std::filesystem::is_regular_file(dir.path / "folder/keep"));
  CHECK(read(".new") == "third");
}

TEST_CASE("a profile's pump_dp_bar has the network's upper bound", "[hardening][profiles]") {
  const Network net =
      Network::build(io::read_network_json(std::filesystem::path(HEATNET_SOURCE_DIR) / "examples/oral/oral.json"));
  const auto bind = [&](const std::string& dp) {
    return ProfileBinding(io::parse_profiles_csv("time_h,pump_dp_bar:CHP\n0," + dp + "\n", "dp.csv"), net);
  };
  CHECK_NOTHROW(bind("1.5"));
  CHECK_THROWS_AS(bind("1e300"), NetworkError);  // 1e305 Pa passed before
}

TEST_CASE("errors about long ids are still located (JSON path, .inp line)", "[hardening][errors]") {
  using namespace heatnet::testing;
  const std::string long_id(200, 'P');
  NetworkDefinition def = empty_network();
  add_node(def, "A");
  add_node(def, "B");
  add_pressure(def, "A", 1.0);
  add_pipe(def, "short", "A", "B", 10, 0.1, 0.1);
  add_pipe(def, long_id, "A", "B", 10, -0.1, 0.1);
  try {
    (void)Network::build(def);
    FAIL("built a pipe of negative diameter");
  } catch (const NetworkError& e) {
    CHECK(e.element_id().size() < long_id.size());  // cut in the error
    CHECK(io::json_path_of(e, def) == "pipes[1].inner_diameter_m");
  }
  io::InpSourceMap origins;
  const NetworkDefinition inp = io::parse_epanet_inp_with_origins(
      "[JUNCTIONS]\nJ1 0 1\n[RESERVOIRS]\nR1 10\n[PIPES]\n" + long_id + " R1 J1 100 -12 100\n", "l.inp",
      {}, origins);
  try {
    (void)Network::build(inp);
    FAIL("built a pipe of negative diameter");
  } catch (const NetworkError& e) {
    CHECK(io::with_inp_location(e, origins).path() == "l.inp:6");
  }
}
