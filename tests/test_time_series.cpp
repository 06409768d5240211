// Time series (docs/time-series.md): profile parsing and its error locations, schedules,
// binding to a network, and heatnet::simulate against independent steady solves, interrupted
// runs, and the annual sums against the stored per-step datasets. Uses the Oral example.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <string>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/profiles.hpp"
#include "heatnet/simulate.hpp"
#include "heatnet/solve.hpp"
#include "tests/temp_dir.hpp"
#include "network/compiled.hpp"

namespace fs = std::filesystem;
using namespace heatnet;

using heatnet::testing::TempDir;

namespace {

const fs::path kSource = HEATNET_SOURCE_DIR;
const fs::path kOralNetwork = kSource / "examples/oral/oral.json";
const fs::path kOralProfiles = kSource / "examples/oral/annual_profiles.csv";

// The InputError's path ("file:line:column") for a CSV text.
std::string csv_error(const std::string& text) {
  try {
    io::parse_profiles_csv(text, "p.csv");
  } catch (const InputError& e) {
    return e.path();
  }
  return "no error";
}

const Network& oral() {
  static const Network net = Network::build(io::read_network_json(kOralNetwork));
  return net;
}
const Profiles& oral_profiles() {
  static const Profiles p = io::read_profiles(kOralProfiles);
  return p;
}

// Tight tolerances so that warm-started and cold solves agree far below 1e-9.
SolverOptions tight() {
  SolverOptions o;
  o.tolerance_mass_flow_rel = 1e-13;
  o.tolerance_temperature_K = 1e-10;
  return o;
}


}  // namespace

TEST_CASE("profiles CSV: columns, directives, schedules", "[time_series][profiles]") {
  const Profiles p = io::parse_profiles_csv(
      "# comment\n"
      "#! schedule supply_temperature_C:CHP  -31:130  8:70\n"
      "time_h, outdoor_temperature_C ,demand_factor:*-APT\r\n"
      "\n"
      "0,-10,0.5\n"
      "1,-11.5,+0.6\n",
      "p.csv");
  REQUIRE(p.steps() == 2);
  CHECK(p.step_line == std::vector<int>{5, 6});
  REQUIRE(p.series.size() == 2);
  CHECK(p.series[1].name() == "demand_factor:*-APT");
  CHECK(p.series[1].values == std::vector<double>{0.5, 0.6});
  REQUIRE(p.schedules.size() == 1);
  const Schedule& s = p.schedules[0].schedule;
  CHECK(s.value(-40) == 130);  // clamped below
  CHECK(s.value(20) == 70);    // summer floor
  CHECK(s.value(-11.5) == Approx(100.0));
}

TEST_CASE("profiles CSV errors name file:line:column", "[time_series][profiles]") {
  CHECK(csv_error("time_h,outdoor_temperature_C\n0,1\n1,x2\n") == "p.csv:3:3");
  CHECK(csv_error("time_h,outdoor_temperature_C\n0,1\n1\n") == "p.csv:3:2");
  CHECK(csv_error("time_h,outdoor_temperature_C\n0,1,3\n") == "p.csv:2:5");
  CHECK(csv_error("time_h,outdoor_temp_C\n0,1\n") == "p.csv:1:8");
  CHECK(csv_error("hour,outdoor_temperature_C\n0,1\n") == "p.csv:1:1");
  CHECK(csv_error("time_h,outdoor_temperature_C\n0,1\n0,2\n") == "p.csv:3:1");  // not increasing
  CHECK(csv_error("#! schedule supply_temperature_C:CHP -31:130 8;70\ntime_h\n0\n") == "p.csv:1:46");
  CHECK(csv_error("time_h,outdoor_temperature_C,outdoor_temperature_C\n0,1,1\n") == "p.csv:1:30");
  CHECK(csv_error("time_h,outdoor_temperature_C\n0,\n") == "p.csv:2:3");
  try {
    io::parse_profiles_csv("time_h,demand_factor:*-APT\n0,1\n1,abc\n", "a.csv");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.element_id() == "demand_factor:*-APT");
    CHECK(std::string(e.what()).find("a.csv:3:3") == 0);
  }
}

TEST_CASE("profiles JSON document", "[time_series][profiles]") {
  const Profiles p = io::parse_profiles_json(R"({
    "format": "heatnet-profiles/1",
    "time_h": [0, 1, 2],
    "series": {"outdoor_temperature_C": [-20, 0, 10], "pump_dp_bar:CHP": [8, 8, 7]},
    "schedules": {"return_temperature_C:*": [[-31, 70], [8, 42]]}})",
                                             "p.json");
  CHECK(p.steps() == 3);
  CHECK(p.find(ProfileQuantity::pump_dp, "CHP")->values[2] == 7);
  try {
    io::parse_profiles_json(R"({"format": "heatnet-profiles/1", "time_h": [0, 1],
                               "series": {"outdoor_temperature_C": [1, "x"]}})", "p.json");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.path() == "p.json: .series.outdoor_temperature_C[1]");
  }
}

TEST_CASE("binding profiles to a network resolves selectors and validates values",
          "[time_series][profiles]") {
  const Network& net = oral();
  auto bind_csv = [&](const std::string& text) { return ProfileBinding(io::parse_profiles_csv(text, "b.csv"), net); };
  // the most specific selector wins: exact id over *-APT over *
  {
    const ProfileBinding b = bind_csv("time_h,demand_factor:*,demand_factor:*-APT,demand_factor:C8-19-APT\n0,0.1,0.2,0.3\n");
    Network copy = net;
    b.apply(0, copy);
    const int exact = copy.consumer_index("C8-19-APT"), apt = copy.consumer_index("C1-01-APT");
    const int other = [&] {
      for (int i = 0; i < copy.consumer_count(); ++i)
        if (copy.consumers().id[i].find("-SCH") != std::string::npos) return i;
      return -1;
    }();
    CHECK(copy.consumers().heat_demand_W[exact] == Approx(0.3 * net.consumers().heat_demand_W[exact]));
    CHECK(copy.consumers().heat_demand_W[apt] == Approx(0.2 * net.consumers().heat_demand_W[apt]));
    CHECK(copy.consumers().heat_demand_W[other] == Approx(0.1 * net.consumers().heat_demand_W[other]));
    CHECK(b.unprofiled_consumers() == 0);
  }
  CHECK_THROWS_WITH(bind_csv("time_h,demand_factor:*-XYZ\n0,1\n"), Catch::Contains("b.csv:1:8") && Catch::Contains("matches no consumer"));
  CHECK_THROWS_WITH(bind_csv("time_h,supply_temperature_C:PLANT\n0,90\n"), Catch::Contains("no source"));
  CHECK_THROWS_WITH(bind_csv("time_h,demand_factor:*\n0,1\n1,-0.5\n"), Catch::Contains("b.csv:3:8"));
  CHECK_THROWS_WITH(bind_csv("time_h,supply_temperature_C:CHP\n0,90\n1,250\n"), Catch::Contains("b.csv:3:8"));
  CHECK_THROWS_WITH(bind_csv("#! schedule supply_temperature_C:CHP -31:130 8:70\ntime_h\n0\n"),
                    Catch::Contains("outdoor_temperature_C"));
}

TEST_CASE("a 48-step simulation equals 48 independent steady solves", "[time_series][simulate]") {
  const Network& net = oral();
  const Profiles& profiles = oral_profiles();
  SimulationOptions o;
  o.solver = tight();
  o.max_steps = 48;
  o.keep_result = true;
  const SimulationResult sim = simulate(net, profiles, o);
  REQUIRE(sim.summary.steps_done == 48);
  REQUIRE(sim.summary.failed_steps == 0);
  REQUIRE(sim.result);
  const ProfileBinding binding(profiles, net);
  double worst = 0;
  for (std::size_t k = 0; k < 48; ++k) {
    Network step = net;
    binding.apply(k, step);
    const Result cold = solve(step, tight());
    REQUIRE(cold.converged());
    for (std::size_t f = 0; f < cold.datasets().size(); ++f) {
      const Dataset& a = sim.result->datasets()[f];
      const Dataset& b = cold.datasets()[f];
      for (std::size_t e = 0; e < b.count; ++e) {
        const double x = a.data[k * a.count + e], y = b.data[e];
        const double err = std::abs(x - y) / std::max(1.0, std::abs(y));
        worst = std::max(worst, err);
        if (err > 1e-9) FAIL_CHECK(b.path << "[" << k << ", " << e << "]: " << x << " vs " << y);
      }
    }
  }
  CHECK(worst <= 1e-9);
}

TEST_CASE("an interrupted simulation leaves a valid file with the steps done, complete = 0",
          "[time_series][simulate]") {
  TempDir dir;
  const fs::path file = dir.path / "run.h5";
  SimulationOptions o;
  o.output = file;
  o.max_steps = 40;
  o.file.chunk_steps = 8;  // the stop falls inside a chunk
  const std::size_t k = 13;
  const SimulationResult r =
      simulate(oral(), oral_profiles(), o, [&](const StepInfo& s) { return s.step + 1 < k; });
  CHECK(r.summary.steps_done == k);
  CHECK(r.summary.stopped);
  CHECK_FALSE(r.summary.complete);
  CHECK(dir.entries() == std::vector<std::string>{"run.h5"});  // no temporary left behind
  const Result back = io::read_results(file);
  CHECK(back.steps() == k);
  CHECK_FALSE(back.complete());
  CHECK(back.dataset("pipes/mass_flow").steps == k);
  const SimulationSummary stored = read_simulation_summary(file);
  CHECK(stored.steps_done == k);
  CHECK_FALSE(stored.complete);
  CHECK(stored.stopped);
}

TEST_CASE("a simulation that throws leaves no file under the target name", "[time_series][simulate]") {
  TempDir dir;
  SimulationOptions o;
  o.output = dir.path / "run.h5";
  o.max_steps = 5;
  CHECK_THROWS_AS(simulate(oral(), oral_profiles(), o,
                           [](const StepInfo& s) -> bool {
                             if (s.step == 2) throw std::runtime_error("boom");
                             return true;
                           }),
                  std::runtime_error);
  CHECK(dir.entries().empty());
}

TEST_CASE("annual sums equal the sums of the per-step datasets", "[time_series][simulate]") {
  TempDir dir;
  const fs::path file = dir.path / "sums.h5";
  SimulationOptions o;
  o.output = file;
  o.max_steps = 72;
  const SimulationResult r = simulate(oral(), oral_profiles(), o);
  REQUIRE(r.summary.complete);
  REQUIRE(r.summary.failed_steps == 0);
  const Result back = io::read_results(file);
  REQUIRE(back.steps() == 72);
  auto sum_MWh = [&](const char* path) {
    const Dataset& d = back.dataset(path);
    double s = 0;
    for (std::size_t t = 0; t < d.steps; ++t) {
      const double dt_h = t + 1 < back.steps() ? (back.time()[t + 1] - back.time()[t]) / 3600
                                               : (back.time()[t] - back.time()[t - 1]) / 3600;
      for (std::size_t e = 0; e < d.count; ++e) s += d.data[t * d.count + e] * dt_h * 1e-6;
    }
    return s;
  };
  const double delivered = sum_MWh("consumers/heat"), lost = sum_MWh("pipes/heat_loss"),
               supplied = sum_MWh("sources/heat"),
               pumps = sum_MWh("sources/pump_power") + sum_MWh("pumps/power");
  CHECK(r.summary.heat_delivered_MWh == Approx(delivered).epsilon(1e-12));
  CHECK(r.summary.heat_loss_MWh == Approx(lost).epsilon(1e-12));
  CHECK(r.summary.heat_supplied_MWh == Approx(supplied).epsilon(1e-12));
  CHECK(r.summary.pump_energy_MWh == Approx(pumps).epsilon(1e-9));
  const SimulationSummary stored = read_simulation_summary(file);
  CHECK(stored.complete);
  CHECK(stored.heat_delivered_MWh == Approx(delivered).epsilon(1e-12));
  CHECK(stored.heat_loss_MWh == Approx(lost).epsilon(1e-12));
  CHECK(stored.heat_loss_percent == Approx(100 * lost / supplied).epsilon(1e-12));
  CHECK(stored.pump_energy_MWh == Approx(pumps).epsilon(1e-9));
  // hours with failed checks: steps with a row in /checks, times their duration (1 h here)
  std::vector<bool> failed(back.steps(), false);
  for (const auto& c : back.checks()) failed[c.time_index] = true;
  CHECK(stored.hours_with_failed_checks ==
        Approx(static_cast<double>(std::count(failed.begin(), failed.end(), true))));
}
