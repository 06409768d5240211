// Dynamic temperatures (plug flow, solver/thermal/plug_flow.hpp; docs/time-series.md §6):
// a supply-temperature step through one long pipe against the analytic delayed, attenuated
// step; reverse and zero flow against their closed forms; the energy balance over a run
// (stored + lost + delivered = supplied); steady profiles reproduce the steady solution;
// the arrival-delay analysis.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <random>
#include <sstream>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/profiles.hpp"
#include "heatnet/simulate.hpp"
#include "heatnet/solve.hpp"
#include "network_builders.hpp"
#include "solver/thermal/plug_flow.hpp"
#include "network/compiled.hpp"

namespace fs = std::filesystem;
using namespace heatnet;
using namespace heatnet::testing;

namespace {

// Tolerances, declared once. The parcel model is exact for piecewise-constant flows, so the
// analytic comparisons are at round-off; the energy balance at 1e-9 relative (the brief).
constexpr double kExactK = 1e-9;          // K, analytic step / reverse / zero flow
constexpr double kEnergyRel = 1e-9;       // energy balance over a run
constexpr double kSteadyK = 2e-3;         // K, plug flow under constant profiles vs steady
                                          // (the outer loop's 1e-3 K tolerance)

const fs::path kSource = HEATNET_SOURCE_DIR;

// One plant, one long insulated-but-lossy supply pipe, a consumer at a fixed flow, a short
// lossless return pipe. Constant-property water, so h = cp T and the analytic law is exact.
struct LongPipe {
  double length = 2000, diameter = 0.1, u = 0.4, flow = 5.0, ambient = 8.0;
  double rho = 1000.0, cp = 4200.0;
  NetworkDefinition def() const {
    NetworkDefinition d = empty_network(constant_fluid(rho, 4e-7, cp));
    d.settings.ambient_temperature_C = ambient;
    add_node(d, "S");
    add_node(d, "C");
    add_node(d, "CR");
    add_node(d, "R");
    add_pipe(d, "SUP", "S", "C", length, diameter, 0.1, u);
    add_pipe(d, "RET", "CR", "R", 10, diameter, 0.1, 0.0);
    add_source_dp(d, "PLANT", "S", "R", 80.0, 2.0, 3.0);
    add_consumer_flow(d, "CONS", "C", "CR", flow, 40.0);
    return d;
  }
  double mass() const { return rho * 0.25 * std::numbers::pi * diameter * diameter * length; }
  double transit_s() const { return mass() / flow; }
  double attenuation() const { return std::exp(-u * length / (flow * cp)); }
};

Profiles step_profile(double dt_h, int steps, double t_step_h, double before, double after,
                      const std::string& source = "PLANT") {
  std::ostringstream csv;
  csv << "time_h,supply_temperature_C:" << source << "\n";
  for (int k = 0; k < steps; ++k) {
    const double t = k * dt_h;
    csv << t << "," << (t < t_step_h - 1e-9 ? before : after) << "\n";
  }
  return io::parse_profiles_csv(csv.str(), "step.csv");
}

int field_index(const Result& r, ElementGroup g, const std::string& id) {
  return index_of(r.ids(g), id);
}

}  // namespace

TEST_CASE("plug flow: a supply step arrives after L rho A / m, attenuated by exp(-U L / (m cp))",
          "[plug_flow]") {
  LongPipe lp;
  const Network net = Network::build(lp.def());
  const double dt_h = 0.05, t_step_h = 0.5;  // 180 s steps; transit ~ 3142 s (not a multiple)
  const int steps = 100;
  SimulationOptions o;
  o.thermal_model = ThermalModel::plug_flow;
  o.keep_result = true;
  const SimulationResult r = simulate(net, step_profile(dt_h, steps, t_step_h, 80, 100), o);
  REQUIRE(r.summary.failed_steps == 0);
  const Result& res = *r.result;
  const Dataset& ts = res.dataset("consumers/supply_temperature");
  const Dataset& out = res.dataset("pipes/outlet_temperature");
  const int sup = field_index(res, ElementGroup::pipes, "SUP");

  // analytic outlet temperature: old attenuated value until t_step + transit, new after;
  // each step reports the mean over its interval
  const double a = lp.attenuation(), ta = lp.ambient;
  const double old_T = ta + (80 - ta) * a, new_T = ta + (100 - ta) * a;
  const double arrival = t_step_h * 3600 + lp.transit_s();
  double worst = 0;
  for (int k = 0; k < steps; ++k) {
    const double t0 = k * dt_h * 3600, t1 = t0 + dt_h * 3600;
    const double f_new = std::clamp((t1 - arrival) / (t1 - t0), 0.0, 1.0);
    const double expected = (1 - f_new) * old_T + f_new * new_T;
    worst = std::max(worst, std::abs(ts.data[k] - expected));
    worst = std::max(worst, std::abs(out.data[k * out.count + sup] - expected));
  }
  INFO("max |plug flow - analytic| = " << worst << " K");
  CHECK(worst < kExactK);
  // the step is in the data (not a vacuous comparison)
  CHECK(ts.data.back() == Approx(new_T).margin(kExactK));
  CHECK(ts.data.front() == Approx(old_T).margin(kExactK));

  // the arrival analysis finds the transit time to within one step
  REQUIRE(r.step_arrival);
  CHECK(r.step_arrival->source == "PLANT");
  CHECK(r.step_arrival->step_K == Approx(20));
  CHECK(r.step_arrival->arrived == 1);
  CHECK(std::abs(r.step_arrival->delay_s[0] - lp.transit_s()) <= dt_h * 3600);

  // quasi-static: the same step arrives at once
  SimulationOptions q;
  const SimulationResult rq = simulate(net, step_profile(dt_h, 40, t_step_h, 80, 100), q);
  REQUIRE(rq.step_arrival);
  CHECK(std::abs(rq.step_arrival->delay_s[0]) < 1e-6);
}

TEST_CASE("plug flow: reverse flow returns the same water, zero flow only cools",
          "[plug_flow]") {
  // one pipe between two pressure nodes; the boundary temperature enters at the upstream end
  LongPipe lp;
  auto make = [&](double pa, double pb, double ta, double tb) {
    NetworkDefinition d = empty_network(constant_fluid(lp.rho, 4e-7, lp.cp));
    d.settings.ambient_temperature_C = lp.ambient;
    add_node(d, "A");
    add_node(d, "B");
    add_pipe(d, "P", "A", "B", lp.length, lp.diameter, 0.1, lp.u);
    add_pressure_T(d, "A", pa, ta);
    add_pressure_T(d, "B", pb, tb);
    return Network::build(d);
  };
  const Network fwd = make(1.05, 1.0, 90.0, 20.0), rev = make(1.0, 1.05, 90.0, 20.0);
  SolverOptions so;
  so.thermal = true;
  Solver solver(so);
  const Solution s_fwd = solver.solve(fwd);
  REQUIRE(solver.report().usable());
  const Solution s_rev = solver.solve(rev);
  REQUIRE(solver.report().usable());
  const double q = s_fwd.field(ElementGroup::pipes, "mass_flow")[0];
  REQUIRE(q > 0);
  REQUIRE(s_rev.field(ElementGroup::pipes, "mass_flow")[0] == Approx(-q).epsilon(1e-9));

  solver::PlugFlowModel model(fwd, s_fwd, 0.0, 100);
  const double m = lp.mass(), c = lp.u / (lp.rho * 0.25 * std::numbers::pi * lp.diameter * lp.diameter * lp.cp);
  const double dt = 0.25 * m / q;  // a quarter of the transit
  // forward step: 90 degC water enters at A
  Solution step1 = s_fwd;
  model.advance(fwd, step1, dt);
  // reverse step with the same |q|: the water that left A last comes back first; its
  // residence runs linearly from 0 to 2 dt: mean decay (1 - exp(-2 c dt)) / (2 c dt)
  Solution step2 = s_fwd;
  for (auto& v : step2.field(ElementGroup::pipes, "mass_flow")) v = -q;
  model.advance(rev, step2, dt);
  const double x = 2 * c * dt;
  const double expected = lp.ambient + (90 - lp.ambient) * (-std::expm1(-x) / x);
  const double got = step2.field(ElementGroup::pipes, "outlet_temperature")[0];
  INFO("reverse: " << got << " vs " << expected);
  CHECK(std::abs(got - expected) < kExactK);

  // zero flow: every parcel's excess temperature decays by exp(-c dt); nothing leaves
  const double e0 = model.stored_heat_J();
  Solution step3 = s_fwd;
  for (auto& v : step3.field(ElementGroup::pipes, "mass_flow")) v = 0.0;
  const solver::PlugFlowStep e = model.advance(fwd, step3, 3600.0);
  const double mean0 = e0 / (m * lp.cp), mean1 = model.stored_heat_J() / (m * lp.cp);
  CHECK(std::abs((mean1 - lp.ambient) - (mean0 - lp.ambient) * std::exp(-c * 3600.0)) < kExactK);
  CHECK(e.lost_J == Approx(e0 - model.stored_heat_J()).epsilon(1e-12));
  CHECK(e.lost_J > 0);
}

TEST_CASE("plug flow: energy balance of a run (stored + lost + delivered = supplied)",
          "[plug_flow][energy]") {
  // The Oral network (IAPWS water, heat-demand consumers, meshed): 36 steps of the annual
  // profiles with a 25 K supply step at hour 6 and the soil temperature changing; a small
  // parcel cap so that merging happens.
  const Network net = Network::build(io::read_network_json(kSource / "examples/oral/oral.json"));
  Profiles p = io::read_profiles(kSource / "examples/oral/annual_profiles.csv");
  const std::size_t steps = 36;
  p.time_h.resize(steps);
  for (auto& s : p.series) s.values.resize(steps);
  if (!p.step_line.empty()) p.step_line.resize(steps);
  p.schedules.erase(std::remove_if(p.schedules.begin(), p.schedules.end(),
                                   [](const ProfileSchedule& s) {
                                     return s.quantity == ProfileQuantity::supply_temperature;
                                   }),
                    p.schedules.end());
  ProfileSeries supply;
  supply.quantity = ProfileQuantity::supply_temperature;
  supply.target = net.sources().id[0];
  for (std::size_t k = 0; k < steps; ++k) supply.values.push_back(k < 6 ? 95.0 : 120.0);
  p.series.push_back(supply);
  ProfileSeries soil;
  soil.quantity = ProfileQuantity::soil_temperature;
  for (std::size_t k = 0; k < steps; ++k) soil.values.push_back(5.0 + 0.1 * static_cast<double>(k));
  std::erase_if(p.series, [](const ProfileSeries& s) { return s.quantity == ProfileQuantity::soil_temperature; });
  p.series.push_back(soil);

  SimulationOptions o;
  o.thermal_model = ThermalModel::plug_flow;
  o.max_parcels_per_pipe = 6;
  o.keep_result = true;
  const SimulationResult r = simulate(net, p, o);
  REQUIRE(r.summary.failed_steps == 0);
  const SimulationSummary& s = r.summary;
  const double in = s.heat_supplied_MWh + s.boundary_heat_MWh;
  const double out = s.heat_delivered_MWh + s.heat_loss_MWh + s.heat_stored_change_MWh;
  INFO("supplied " << s.heat_supplied_MWh << " boundary " << s.boundary_heat_MWh << " delivered "
                   << s.heat_delivered_MWh << " lost " << s.heat_loss_MWh << " stored "
                   << s.heat_stored_change_MWh << " MWh; rel " << std::abs(in - out) / in);
  CHECK(std::abs(in - out) <= kEnergyRel * in);
  CHECK(s.max_energy_balance_rel < kEnergyRel);
  CHECK(s.heat_stored_change_MWh > 0);  // the network warmed up after the step
  // losses are positive in every step and pipe that carries water warmer than the ground
  const Dataset& loss = r.result->dataset("pipes/heat_loss");
  CHECK(*std::min_element(loss.data.begin(), loss.data.end()) > -1e-6);
  // every step's summary balance, too
  for (const StepSummary& st : r.result->summaries()) CHECK(st.energy_balance_rel < kEnergyRel);

  // the 25 K step arrives at the consumers after the transport delays
  REQUIRE(r.step_arrival);
  CHECK(r.step_arrival->arrived > 0);
  CHECK(r.step_arrival->min_s >= 0);
  CHECK(r.step_arrival->max_s > r.step_arrival->min_s);
}

TEST_CASE("plug flow under constant profiles reproduces the steady solution", "[plug_flow]") {
  const Network net = Network::build(io::read_network_json(kSource / "examples/oral/oral.json"));
  const Profiles p = io::parse_profiles_csv("time_h,demand_factor:*\n0,0.7\n1,0.7\n2,0.7\n3,0.7\n", "c.csv");
  SimulationOptions o;
  o.keep_result = true;
  const SimulationResult qs = simulate(net, p, o);
  o.thermal_model = ThermalModel::plug_flow;
  const SimulationResult pf = simulate(net, p, o);
  REQUIRE(qs.summary.failed_steps == 0);
  REQUIRE(pf.summary.failed_steps == 0);
  for (const char* f : {"nodes/temperature", "consumers/supply_temperature", "pipes/outlet_temperature"}) {
    const auto& a = qs.result->dataset(f).data;
    const auto& b = pf.result->dataset(f).data;
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
    INFO(f << ": max |plug flow - steady| = " << worst << " K");
    CHECK(worst < kSteadyK);
  }
  CHECK(pf.summary.heat_stored_change_MWh == Approx(0).margin(1e-3));
  CHECK(!pf.step_arrival);  // no supply step
}

TEST_CASE("the results file carries the arrival delays and the thermal model", "[plug_flow][hdf5]") {
  LongPipe lp;
  const Network net = Network::build(lp.def());
  std::random_device rd;
  const fs::path dir = fs::temp_directory_path() / ("heatnet_pf_" + std::to_string(rd()));
  fs::create_directories(dir);
  SimulationOptions o;
  o.thermal_model = ThermalModel::plug_flow;
  o.output = dir / "step.h5";
  const SimulationResult r = simulate(net, step_profile(0.1, 30, 0.5, 80, 100), o);
  REQUIRE(r.step_arrival);
  const Result stored = io::read_results(*o.output);
  CHECK(stored.steps() == 30);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

TEST_CASE("find_step_arrival: midpoint crossing between interval centres", "[plug_flow]") {
  // one consumer whose supply temperature responds two steps after a 10 K jump
  const std::vector<double> time{0, 60, 120, 180, 240, 300}, dur(6, 60.0);
  const std::vector<double> src{70, 80, 80, 80, 80, 80};
  const std::vector<double> con{60, 60, 60, 70, 70, 70};
  const auto a = find_step_arrival(time, dur, src, {"S"}, con, 1, 5.0);
  REQUIRE(a);
  CHECK(a->step == 1);
  CHECK(a->delay_s[0] == Approx(120));  // centres 150 and 210: midpoint at 180, step at 60
  CHECK(!find_step_arrival(time, dur, src, {"S"}, con, 1, 20.0));
  CHECK_THROWS_AS(find_step_arrival(time, dur, src, {"S"}, con, 2, 5.0), Error);
}

TEST_CASE("thermal model names round-trip; options are validated", "[plug_flow]") {
  for (ThermalModel m : {ThermalModel::quasi_static, ThermalModel::plug_flow})
    CHECK(parse_thermal_model(to_string(m)) == m);
  CHECK(!parse_thermal_model("dynamic"));
  SimulationOptions o;
  o.max_parcels_per_pipe = 1;
  CHECK_THROWS_AS(o.validate(), Error);
}
