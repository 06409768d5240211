// The mean temperature at which a pipe's properties are evaluated
// (solver/thermal/pipe_mean_temperature.hpp): the length average of the exponential profile
// T(x) = T_amb + (T_in - T_amb) exp(-NTU x / L), checked against an independent quadrature of
// that profile, and as the thermal sweep reports it.
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <tuple>
#include <vector>

#include "solver/fluid/fluid_model.hpp"
#include "solver/thermal/pipe_mean_temperature.hpp"
#include "solver/thermal/thermal_solver.hpp"
#include "tests/network_builders.hpp"
#include "network/compiled.hpp"

using namespace heatnet;
using namespace heatnet::testing;

namespace {
// composite Simpson rule on [0, 1] of the profile, 20000 panels (error below 1e-11 relative
// for NTU <= 200: (NTU h)^4 / 180 of the decaying part)
double profile_average(double t_in, double t_amb, double ntu) {
  const int n = 20000;
  const double h = 1.0 / n;
  double sum = 0.0;
  for (int i = 0; i <= n; ++i) {
    const double w = (i == 0 || i == n) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0);
    sum += w * (t_amb + (t_in - t_amb) * std::exp(-ntu * i * h));
  }
  return sum * h / 3.0;
}
}  // namespace

TEST_CASE("pipe mean temperature is the length average of the exponential profile",
          "[thermal][mean]") {
  const double t_in = 90.0, t_amb = 8.0;
  for (double ntu : {1e-9, 1e-6, 1e-3, 0.05, 0.5, 3.0, 12.0, 30.0, 40.0, 200.0}) {
    INFO("NTU " << ntu);
    const double alpha = std::exp(-ntu);
    const double reference = profile_average(t_in, t_amb, ntu);
    CHECK(t_amb + (t_in - t_amb) * solver::pipe_mean_factor(ntu, alpha) ==
          Approx(reference).epsilon(1e-11));
    // from the temperatures alone: exact while the outlet is resolved from ambient, losing
    // digits as it rounds towards it
    const double t_out = t_amb + (t_in - t_amb) * alpha;
    if (ntu <= 12.0)
      CHECK(solver::pipe_mean_temperature(t_in, t_out, t_amb) == Approx(reference).epsilon(1e-11));
    else if (ntu <= 30.0)
      CHECK(solver::pipe_mean_temperature(t_in, t_out, t_amb) == Approx(reference).epsilon(1e-5));
  }
  // the logarithmic mean temperature difference: (60 - 20) / ln 3 = 36.4096... K above ambient
  CHECK(solver::pipe_mean_temperature(70.0, 30.0, 10.0) - 10.0 ==
        Approx(40.0 / std::log(3.0)).epsilon(1e-14));
  // no loss: the water's temperature; fully cooled: ambient; below ambient works alike
  CHECK(solver::pipe_mean_temperature(70.0, 70.0, 10.0) == 70.0);
  CHECK(solver::pipe_mean_temperature(70.0, 10.0, 10.0) == 10.0);
  CHECK(solver::pipe_mean_temperature(2.0, 6.0, 10.0) - 10.0 ==
        Approx(-4.0 / std::log(2.0)).epsilon(1e-14));
}

TEST_CASE("the sweep reports each pipe's mean temperature, continuous as the flow turns",
          "[thermal][mean]") {
  constexpr double kCp = 4182.0;
  auto d = empty_network(constant_fluid(977.8, 3.7e-7, kCp));
  d.settings.ambient_temperature_C = 8.0;
  for (const char* id : {"A", "B", "C"}) add_node(d, id);
  add_pressure(d, "A", 3.0);  // a pressure reference (the flows below are given, not solved)
  add_pipe(d, "AB", "A", "B", 500.0, 0.1, 0.05, 0.4);
  add_pipe(d, "BC", "B", "C", 200.0, 0.1, 0.05, 0.0);  // no loss
  const Network net = Network::build(d);
  const Topology& t = net.topology();
  const fluid::FluidModel fluid(net.settings().fluid);
  const int ab = t.pipe_offset + net.pipe_index("AB"), bc = t.pipe_offset + net.pipe_index("BC");
  // water enters at A at 90 degC or at C at 70 degC, depending on the direction
  auto mean_AB = [&](double q) {
    solver::ThermalInputs in;
    in.link_flow.assign(t.link_count(), 0.0);
    in.link_flow[ab] = q;
    in.link_flow[bc] = q;
    in.pipe_cp.assign(net.pipe_count(), kCp);
    const int entry = net.node_index(q > 0 ? "A" : "C");
    const double t_entry = q > 0 ? 90.0 : 70.0;
    in.boundary_inflows.push_back({entry, std::abs(q), std::abs(q) * fluid.enthalpy(t_entry), false});
    in.prepared = true;
    solver::ThermalSolver thermal(net);
    solver::ThermalState state;
    thermal.solve(net, fluid, in, state);
    CHECK(state.pipe_T_mean[net.pipe_index("BC")] == Approx(state.link_T_in[bc]).epsilon(1e-14));
    return std::pair{state.pipe_T_mean[net.pipe_index("AB")], state.link_T_in[ab]};
  };
  const double ul = 0.4 * 500.0;
  for (double q : {2.0, 0.05, -0.05, -2.0}) {
    INFO("q " << q);
    const auto [mean, t_in] = mean_AB(q);
    CHECK(mean == Approx(profile_average(t_in, 8.0, ul / (std::abs(q) * kCp))).epsilon(1e-11));
  }
  // nearly stagnant from either side: close to ambient, not half-way to the inlet (the
  // arithmetic mean of inlet and outlet would jump from (90+8)/2 to (70+8)/2 as the flow turns)
  for (double q : {1e-4, -1e-4}) {
    INFO("q " << q);
    CHECK(std::abs(mean_AB(q).first - 8.0) < 0.2);
  }
}

// ---- Near-stagnant pipes without heat loss and nodes without inflow (pipe_mean_temperature.hpp:
// advection-conduction of a lossless pipe, the conduction balance of a stagnant node)

namespace {
// Length average of the exact advection-conduction profile between T = 0 at x = 0 and T = 1 at
// x = L, (exp(Pe x/L) - 1) / (exp(Pe) - 1), by composite Simpson on 40000 panels (written
// without overflow on either side; error below 1e-12 for |Pe| <= 300).
double conduction_profile_average(double pe) {
  const int n = 40000;
  const double h = 1.0 / n;
  auto profile = [pe](double x) {
    if (pe == 0.0) return x;
    if (pe > 0) return (std::exp(pe * (x - 1.0)) - std::exp(-pe)) / -std::expm1(-pe);
    return std::expm1(pe * x) / std::expm1(pe);
  };
  double sum = 0.0;
  for (int i = 0; i <= n; ++i) {
    const double w = (i == 0 || i == n) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0);
    sum += w * profile(i * h);
  }
  return sum * h / 3.0;
}

// Heat flowing from the node end (x = 0, T0) into a stagnant pipe of conductance lambda A with
// lateral loss U (W/mK) towards ambient, far end at TL: the fin equation lambda A T'' = U (T - Ta)
// by second-order finite differences on n intervals (Thomas algorithm), the flux from a
// second-order one-sided difference at x = 0.
double fin_flux_fd(double k_area, double u, double length, double t0, double tl, double ta) {
  const int n = 20000;
  const double h = length / n, beta = u * h * h / k_area;
  // interior i = 1..n-1: T[i-1] - (2 + beta) T[i] + T[i+1] = -beta Ta
  std::vector<double> c(n, 0.0), d(n, 0.0), t(n + 1, 0.0);
  t[0] = t0;
  t[n] = tl;
  const double diag = -(2.0 + beta);
  for (int i = 1; i < n; ++i) {
    double rhs = -beta * ta - (i == 1 ? t0 : 0.0) - (i == n - 1 ? tl : 0.0);
    const double denom = diag - (i > 1 ? c[i - 1] : 0.0);
    c[i] = 1.0 / denom;
    d[i] = (rhs - (i > 1 ? d[i - 1] : 0.0)) / denom;
  }
  for (int i = n - 1; i >= 1; --i) t[i] = d[i] - (i < n - 1 ? c[i] * t[i + 1] : 0.0);
  return -k_area * (-3.0 * t[0] + 4.0 * t[1] - t[2]) / (2.0 * h);
}
}  // namespace

TEST_CASE("a lossless pipe's mean is the average of its advection-conduction profile",
          "[thermal][mean][stagnant]") {
  for (double pe : {-300.0, -40.0, -3.0, -0.5, -0.11, -0.09, -1e-4, 0.0, 1e-6, 0.009, 0.099,
                    0.101, 0.7, 2.0, 15.0, 120.0, 300.0}) {
    INFO("Pe " << pe);
    CHECK(solver::conduction_share(pe) == Approx(conduction_profile_average(pe)).epsilon(1e-10));
    CHECK(solver::conduction_share(-pe) ==
          Approx(1.0 - solver::conduction_share(pe)).epsilon(1e-14).margin(1e-15));
  }
  CHECK(solver::conduction_share(0.0) == 0.5);  // at rest: the mean of its two ends
  // continuous where the series takes over (slope about -1/12)
  CHECK(std::abs(solver::conduction_share(0.1 - 1e-12) - solver::conduction_share(0.1)) < 1e-13);
  // flowing: upwind to 1/Pe (1e-8 kg/s carries Pe ~ 1 in DN100 over 100 m)
  CHECK(solver::conduction_share(1e9) == 1e-9);
  CHECK(solver::conduction_share(-1e9) == 1.0 - 1e-9);
  CHECK(solver::conduction_share(1e300) == 1e-300);
  // the law used: exact up to |Pe| = 20, plug flow (upwind) exactly from 40, smooth between
  for (double pe : {-20.0, -7.0, 0.0, 0.05, 3.0, 20.0})
    CHECK(solver::lossless_share(pe) == solver::conduction_share(pe));
  for (double pe : {40.0, 41.0, 1e3, 1e9}) {
    CHECK(solver::lossless_share(pe) == 0.0);
    CHECK(solver::lossless_share(-pe) == 1.0);
  }
  double last = solver::lossless_share(19.0);
  for (double pe = 19.0; pe <= 41.0; pe += 0.01) {  // monotone, no step (slope < 1e-2 per unit)
    const double v = solver::lossless_share(pe);
    CHECK(v <= last);
    CHECK(last - v < 1e-4);
    CHECK(solver::lossless_share(-pe) == Approx(1.0 - v).epsilon(1e-14));
    last = v;
  }
  // Pe = m cp L / (lambda A): DN100, 100 m, cp 4186, water's 0.6 W/mK
  const double g = solver::axial_conductance(0.1, 100.0);
  CHECK(g == Approx(0.6 * std::numbers::pi * 0.0025 / 100.0).epsilon(1e-15));
  CHECK(solver::lossless_mean_temperature(90.0, 40.0, 0.0, 4186.0, g) == 65.0);
  CHECK(solver::lossless_mean_temperature(90.0, 90.0, 1e-9, 4186.0, g) == 90.0);
  CHECK(solver::lossless_mean_temperature(90.0, 40.0, 1e-3, 4186.0, g) == 90.0);  // Pe 8.9e4
  CHECK(solver::lossless_mean_temperature(90.0, 40.0, -1e-3, 4186.0, g) == 40.0);
}

TEST_CASE("a stagnant pipe conducts like a fin between its node, its far end and the ground",
          "[thermal][stagnant]") {
  const double t0 = 85.0, tl = 40.0, ta = 8.0;
  for (auto [d, l, u] : {std::tuple{0.1, 100.0, 0.0}, std::tuple{0.1, 1.0, 1e-3},
                         std::tuple{0.1, 10.0, 1e-3}, std::tuple{0.3, 2.0, 0.02}}) {
    INFO("DN " << d << " L " << l << " U " << u);
    const double k_area = solver::axial_conductance(d, 1.0);
    const solver::StagnantPipeWeight w = solver::stagnant_pipe_weight(d, l, u);
    const double q = w.a * (t0 - ta) - w.b * (tl - ta);
    CHECK(q == Approx(fin_flux_fd(k_area, u, l, t0, tl, ta)).epsilon(1e-6));
  }
  // a pipe that loses heat: the far end does not reach the node (conduction length 3.6 cm)
  const solver::StagnantPipeWeight lossy = solver::stagnant_pipe_weight(0.1, 100.0, 1.0);
  CHECK(lossy.b == 0.0);
  CHECK(lossy.a == Approx(std::sqrt(solver::axial_conductance(0.1, 1.0) * 1.0)).epsilon(1e-14));
}

TEST_CASE("near zero flow a lossless pipe's mean and a dead end's temperature are continuous",
          "[thermal][mean][stagnant]") {
  constexpr double kCp = 4182.0;
  auto d = empty_network(constant_fluid(977.8, 3.7e-7, kCp));
  d.settings.ambient_temperature_C = 8.0;
  for (const char* id : {"A", "B", "C", "D", "E", "F"}) add_node(d, id);
  add_pressure(d, "A", 3.0);
  add_pipe(d, "AB", "A", "B", 50.0, 0.1, 0.05, 0.0);
  add_pipe(d, "DC", "D", "C", 50.0, 0.1, 0.05, 0.0);
  add_pipe(d, "BC", "B", "C", 200.0, 0.1, 0.05, 0.0);  // between 90 and 40 degC water
  add_pipe(d, "CE", "C", "E", 30.0, 0.05, 0.05, 0.0);  // dead end without loss
  add_pipe(d, "CF", "C", "F", 30.0, 0.05, 0.05, 0.5);  // dead end losing heat
  const Network net = Network::build(d);
  const Topology& t = net.topology();
  const fluid::FluidModel fluid(net.settings().fluid);
  auto link = [&](const char* id) { return t.pipe_offset + net.pipe_index(id); };
  auto sweep = [&](double q_bc) {
    solver::ThermalInputs in;
    in.link_flow.assign(t.link_count(), 0.0);
    in.link_flow[link("AB")] = 1.0;  // 90 degC water enters at A, 40 degC at D
    in.link_flow[link("DC")] = 1.0;
    in.link_flow[link("BC")] = q_bc;
    in.pipe_cp.assign(net.pipe_count(), kCp);
    in.boundary_inflows.push_back({net.node_index("A"), 1.0, fluid.enthalpy(90.0), false});
    in.boundary_inflows.push_back({net.node_index("D"), 1.0, fluid.enthalpy(40.0), false});
    in.prepared = true;
    solver::ThermalSolver thermal(net);
    solver::ThermalState state;
    thermal.solve(net, fluid, in, state);
    return state;
  };
  // Pe of BC per kg/s, computed here: m cp L / (lambda A)
  const double pe_per_kg_s = kCp * 200.0 / (0.6 * std::numbers::pi * 0.25 * 0.01);
  const int bc = net.pipe_index("BC");
  // stagnant (|q| below 1e-11 of the largest flow, and exactly 0), and slowly flowing either way
  for (double q : {-1e-7, -1e-9, -1e-12, 0.0, 1e-12, 1e-9, 1e-7}) {
    INFO("q " << q);
    const solver::ThermalState s = sweep(q);
    const double tb = s.node_T[net.node_index("B")], tc = s.node_T[net.node_index("C")];
    CHECK(s.pipe_T_mean[bc] ==
          Approx(tb + (tc - tb) * conduction_profile_average(q * pe_per_kg_s)).epsilon(1e-10));
    // before: 90 (B, its 'from' end) when stagnant or flowing forward, 40 (C) backward
    CHECK(std::abs(s.pipe_T_mean[bc] - 65.0) < (std::abs(q) < 1e-8 ? 2.0 : 25.0));
    // the dead end without loss holds C's water (before: ambient), the lossy one ambient
    CHECK(s.node_T[net.node_index("E")] == Approx(tc).epsilon(1e-12));
    CHECK(s.pipe_T_mean[net.pipe_index("CE")] == Approx(tc).epsilon(1e-12));
    CHECK(s.node_T[net.node_index("F")] == Approx(8.0).epsilon(1e-12));
  }
  // a design flow: its upstream node's temperature (plug flow), exactly
  const solver::ThermalState s = sweep(0.5);
  CHECK(s.pipe_T_mean[bc] == s.node_T[net.node_index("B")]);
  const solver::ThermalState r = sweep(-0.5);
  CHECK(r.pipe_T_mean[bc] == r.node_T[net.node_index("C")]);
}
