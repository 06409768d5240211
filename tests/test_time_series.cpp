// Time series (docs/time-series.md): profile parsing and its error locations, schedules,
// binding to a network, and heatnet::simulate against independent steady solves, interrupted
// runs, and the annual sums against the stored per-step datasets. Uses the Oral example.
#include <bit>
#include <cstdint>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
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
  // a driver shared by every consumer is checked once; a broken one still names its first bad cell
  CHECK_THROWS_WITH(bind_csv("time_h,return_temperature_C:*\n0,40\n1,40\n2,500\n3,600\n"), Catch::Contains("b.csv:4:"));
  CHECK_THROWS_WITH(bind_csv("time_h,heat_demand_kW:*\n0,5\n1,-1\n2,-2\n"), Catch::Contains("b.csv:3:"));
  CHECK_THROWS_WITH(bind_csv("time_h,demand_factor:*\n0,1\n1,2e3\n"), Catch::Contains("b.csv:3:"));
  CHECK_THROWS_WITH(bind_csv("#! schedule supply_temperature_C:CHP -31:130 8:70\ntime_h\n0\n"),
                    Catch::Contains("outdoor_temperature_C"));
}

TEST_CASE("a binding checks every value it will set, so a copy of its network takes them unchecked",
          "[time_series][profiles]") {
  const Network& net = oral();
  // the value apply() sets for a demand factor is the product with the design demand: a factor
  // inside its own range (< 1000) can take the product past heat_demand_kW's (< 1e8 kW)
  {
    Network big = net;
    const int i = big.consumer_index("C8-19-APT");
    big.set_consumer_heat_demand(i, 2e8);  // 2e5 kW
    CHECK_THROWS_WITH(ProfileBinding(io::parse_profiles_csv("time_h,demand_factor:C8-19-APT\n0,1\n1,600\n", "b.csv"), big),
                      Catch::Contains("b.csv:3:") && Catch::Contains("1e8 kW"));
  }
  // a network of another topology (built again from the same file) takes the checked setters, a
  // copy the stored values: both end with the same consumers, step after step
  const Profiles& profiles = oral_profiles();
  const ProfileBinding binding(profiles, net);
  Network copy = net;
  Network rebuilt = Network::build(io::read_network_json(kOralNetwork));
  REQUIRE_FALSE(rebuilt.same_topology(net));
  for (std::size_t k : {0, 1, 2, 3000, 6000, 8759}) {
    binding.apply(k, copy);
    binding.apply(k, rebuilt);
    const ConsumerData &a = copy.consumers(), &b = rebuilt.consumers();
    for (int i = 0; i < copy.consumer_count(); ++i) {
      CHECK(std::bit_cast<std::uint64_t>(a.heat_demand_W[i]) == std::bit_cast<std::uint64_t>(b.heat_demand_W[i]));
      CHECK(std::bit_cast<std::uint64_t>(a.fixed_mass_flow_kg_s[i]) == std::bit_cast<std::uint64_t>(b.fixed_mass_flow_kg_s[i]));
      CHECK(a.return_temperature_C[i] == b.return_temperature_C[i]);
    }
  }
  CHECK(copy.consumers().heat_demand_W != net.consumers().heat_demand_W);  // the steps moved them
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
  o.max_steps = 40;
  io::ResultsFileSink sink(file, {0, 8});  // 8-step chunks: the stop falls inside a chunk
  const std::size_t k = 13;
  const SimulationResult r = simulate(
      oral(), oral_profiles(), o, [&](const StepInfo& s) { return s.step + 1 < k; }, &sink);
  CHECK(r.summary.steps_done == k);
  CHECK(r.summary.stopped);
  CHECK_FALSE(r.summary.complete);
  CHECK(dir.entries() == std::vector<std::string>{"run.h5"});  // no temporary left behind
  const Result back = io::read_results(file);
  CHECK(back.steps() == k);
  CHECK_FALSE(back.complete());
  CHECK(back.dataset("pipes/mass_flow").steps == k);
  const SimulationSummary stored = io::read_simulation_summary(file);
  CHECK(stored.steps_done == k);
  CHECK_FALSE(stored.complete);
  CHECK(stored.stopped);
}

TEST_CASE("a simulation that throws leaves no file under the target name", "[time_series][simulate]") {
  TempDir dir;
  SimulationOptions o;
  o.max_steps = 5;
  {
    io::ResultsFileSink sink(dir.path / "run.h5");
    CHECK_THROWS_AS(simulate(oral(), oral_profiles(), o,
                             [](const StepInfo& s) -> bool {
                               if (s.step == 2) throw std::runtime_error("boom");
                               return true;
                             }, &sink),
                    std::runtime_error);
  }  // the unfinished sink removes what it staged
  CHECK(dir.entries().empty());
}

TEST_CASE("annual sums equal the sums of the per-step datasets", "[time_series][simulate]") {
  TempDir dir;
  const fs::path file = dir.path / "sums.h5";
  SimulationOptions o;
  o.max_steps = 72;
  io::ResultsFileSink sink(file);
  const SimulationResult r = simulate(oral(), oral_profiles(), o, {}, &sink);
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
  const SimulationSummary stored = io::read_simulation_summary(file);
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

// A sink that records the calls simulate() makes, in order.
struct RecordingSink : StepSink {
  std::vector<std::string> calls;
  std::size_t planned = 0, finished_steps = 0;
  std::vector<double> times;
  void begin(const Result& layout, std::size_t steps_planned) override {
    calls.push_back("begin");
    planned = steps_planned;
    CHECK(layout.steps() == 0);
  }
  void write_step(double time_s, const Solution&, const SolveReport&) override {
    calls.push_back("step");
    times.push_back(time_s);
  }
  void finish(const SimulationResult& run, const SimulationOptions&) override {
    calls.push_back("finish");
    finished_steps = run.summary.steps_done;
  }
};

TEST_CASE("the time loop hands every step to its sink: begin, one call per step, finish",
          "[time_series][simulate]") {
  SimulationOptions o;
  o.max_steps = 6;
  RecordingSink sink;
  const SimulationResult r = simulate(oral(), oral_profiles(), o, {}, &sink);
  REQUIRE(r.summary.steps_done == 6);
  const std::vector<std::string> expected{"begin", "step", "step", "step", "step", "step", "step",
                                          "finish"};
  CHECK(sink.calls == expected);
  CHECK(sink.planned == 6);
  CHECK(sink.finished_steps == 6);
  const ProfileBinding binding(oral_profiles(), oral());
  for (std::size_t k = 0; k < sink.times.size(); ++k) CHECK(sink.times[k] == binding.time_s(k));
}

TEST_CASE("a results-file sink refuses options it cannot honour before touching the disk",
          "[time_series][hdf5]") {
  TempDir dir;
  CHECK_THROWS_WITH(io::ResultsFileSink(dir.path / "a.h5", {0, 0}), Catch::Contains("chunk_steps"));
  CHECK_THROWS_WITH(io::ResultsFileSink(dir.path / "a.h5", {10, 8}), Catch::Contains("gzip_level"));
  CHECK_THROWS_WITH(io::ResultsFileSink(""), Catch::Contains("must be a file name"));
  CHECK(dir.entries().empty());
}

namespace {
// Steps [first, first + count) of a profile document.
Profiles profile_window(const Profiles& p, std::size_t first, std::size_t count) {
  Profiles w = p;
  const auto slice = [&](auto& v) {
    if (v.size() != p.steps()) return;
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(first + count), v.end());
    v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(first));
  };
  slice(w.time_h);
  slice(w.step_line);
  for (ProfileSeries& s : w.series) slice(s.values);
  return w;
}
}  // namespace

// The outer loop's convergence test at the time series' default tolerances (1e-3 K, flows
// 1e-9; it may stop on a contraction estimate, SolverEngine::converged_by_estimate) against
// the same steps solved at tight tolerances (warm-started along the same path: some hours,
// e.g. 4773, have more than one steady state, and a cold solve may find another one): node
// temperatures within the temperature tolerance, each consumer's flow within the flow that tolerance amounts to in its heat
// balance (m (T_s - T_r) / tol_T), pipe flows within the sum of those. Windows of the Oral
// year where the coupled iteration converges slowly (spring, ring flows) and a winter one.
TEST_CASE("time-series steps at default tolerances are within them of tight solves",
          "[time_series][simulate][convergence]") {
  const Network& net = oral();
  const double tol_T = SimulationOptions{}.default_temperature_tolerance_K;
  struct Window { std::size_t first, count; };
  for (const Window w : {Window{100, 8}, Window{2890, 14}, Window{3000, 48}, Window{4766, 10},
                         Window{6470, 10}}) {
    const Profiles profiles = profile_window(oral_profiles(), w.first, w.count);
    SimulationOptions o;
    o.keep_result = true;
    const SimulationResult sim = simulate(net, profiles, o);
    REQUIRE(sim.summary.failed_steps == 0);
    o.solver = tight();
    const SimulationResult tight_sim = simulate(net, profiles, o);
    REQUIRE(tight_sim.summary.failed_steps == 0);
    double worst_T = 0, worst_flow = 0, worst_pipe = 0;  // as fractions of their bounds
    for (std::size_t k = 0; k < w.count; ++k) {
      const Result& got = *sim.result;
      const Result& ref = *tight_sim.result;
      const auto at = [&](const Result& r, const char* path, std::size_t e) {
        const Dataset& d = r.dataset(path);
        return d.data[k * d.count + e];
      };
      for (std::size_t e = 0; e < ref.dataset("nodes/temperature").count; ++e)
        worst_T = std::max(worst_T, std::abs(at(got, "nodes/temperature", e) -
                                             at(ref, "nodes/temperature", e)) / tol_T);
      double pipe_bound = 0;
      for (std::size_t i = 0; i < ref.dataset("consumers/mass_flow").count; ++i) {
        const double m = at(ref, "consumers/mass_flow", i);
        const double dT = at(ref, "consumers/supply_temperature", i) -
                          at(ref, "consumers/return_temperature", i);
        REQUIRE(dT > 0);
        const double bound = m * tol_T / dT;
        pipe_bound += bound;
        worst_flow = std::max(worst_flow, std::abs(at(got, "consumers/mass_flow", i) - m) / bound);
      }
      for (std::size_t e = 0; e < ref.dataset("pipes/mass_flow").count; ++e)
        worst_pipe = std::max(worst_pipe, std::abs(at(got, "pipes/mass_flow", e) -
                                                   at(ref, "pipes/mass_flow", e)) / pipe_bound);
    }
    INFO("hours " << w.first << ".." << w.first + w.count - 1 << ": node T " << worst_T
                  << ", consumer flow " << worst_flow << ", pipe flow " << worst_pipe
                  << " of their bounds");
    CHECK(worst_T <= 1.0);
    CHECK(worst_flow <= 1.0);
    CHECK(worst_pipe <= 1.0);
  }
}

// The time series' own flow tolerance (SimulationOptions::default_flow_tolerance_rel) is what
// a step stops at unless the solver options name one; an explicit tolerance wins, and a
// default that is not a positive number is an error naming it.
TEST_CASE("time-series steps stop at the simulation's flow tolerance unless told otherwise",
          "[time_series][simulate][convergence]") {
  const Profiles profiles = profile_window(oral_profiles(), 4000, 24);
  const auto iterations = [&](const SimulationOptions& o) {
    const SimulationResult sim = simulate(oral(), profiles, o);
    REQUIRE(sim.summary.failed_steps == 0);
    return sim.summary.total_iterations;
  };
  SimulationOptions o;
  const int by_default = iterations(o);
  o.solver.tolerance_mass_flow_rel = SimulationOptions{}.default_flow_tolerance_rel;
  CHECK(iterations(o) == by_default);
  o.solver.tolerance_mass_flow_rel = 1e-9;  // the network's steady tolerance: more steps
  CHECK(iterations(o) > by_default);
  for (double bad : {0.0, -1e-6, std::numeric_limits<double>::quiet_NaN()}) {
    SimulationOptions b;
    b.default_flow_tolerance_rel = bad;
    CHECK_THROWS_WITH(simulate(oral(), profiles, b), Catch::Contains("default_flow_tolerance_rel") &&
                                                         Catch::Contains("must be > 0"));
  }
}
