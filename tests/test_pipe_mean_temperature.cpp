// The mean temperature at which a pipe's properties are evaluated
// (solver/thermal/pipe_mean_temperature.hpp): the length average of the exponential profile
// T(x) = T_amb + (T_in - T_amb) exp(-NTU x / L), checked against an independent quadrature of
// that profile, and as the thermal sweep reports it.
#include <catch2/catch.hpp>
#include <cmath>

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
