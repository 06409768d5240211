#include "solver/fluid/fluid_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "heatnet/errors.hpp"
#include "solver/fluid/water_table.hpp"

namespace heatnet::fluid {
namespace {
constexpr double kEnthalpyReferencePa = WaterTable::kReferencePressurePa;

// NaN or inf is never a state of the water: it would index the property tables with an
// undefined integer cast. Refused with an error instead of a wrong answer or a crash.
void require_finite(double value, const char* field) {
  if (!std::isfinite(value))
    throw Error(ErrorCode::out_of_range, "fluid", "", field, format_value(value),
                "not a finite value (an upstream input or state is non-finite)");
}
}  // namespace

namespace {
// h(T) = integral of cp from 0 degC, Simpson on a 0.1 K grid, stored with its slope cp so the
// cubic Hermite interpolant is C1 and accurate to ~1e-9 relative. Built once per process.
struct WaterEnthalpyTable {
  double t0 = WaterTable::kTableMinC, dt = 0.1;
  std::vector<double> value, slope;
  WaterEnthalpyTable() {
    const auto& w = WaterTable::instance();
    const int n = static_cast<int>(std::ceil((WaterTable::kTableMaxC - t0) / dt)) + 1;
    value.resize(n);
    slope.resize(n);
    auto cp = [&](double t) { return w.specific_heat(t, kEnthalpyReferencePa); };
    double h = cp(t0) * t0;  // below the table start cp is taken constant
    for (int i = 0; i < n; ++i) {
      const double t = t0 + i * dt;
      if (i > 0) {
        const double a = t - dt;
        h += dt / 6.0 * (cp(a) + 4.0 * cp(a + 0.5 * dt) + cp(t));
      }
      value[i] = h;
      slope[i] = cp(t);
    }
  }
};
const WaterEnthalpyTable& water_enthalpy_table() {
  static const WaterEnthalpyTable table;  // thread-safe initialisation
  return table;
}
}  // namespace

FluidModel::FluidModel(const FluidDefinition& d)
    : constant_(!d.is_water),
      rho_(d.density_kg_m3),
      mu_(d.density_kg_m3 * d.kinematic_viscosity_m2_s),
      cp_(d.specific_heat_J_kgK) {
  if (constant_) return;
  water_ = &WaterTable::instance();
  const auto& table = water_enthalpy_table();
  h_t0_ = table.t0;
  h_dt_ = table.dt;
  h_value_ = table.value.data();
  h_slope_ = table.slope.data();
  h_last_ = static_cast<int>(table.value.size()) - 1;
}

void FluidModel::refuse_non_finite(double value, const char* field) {
  require_finite(value, field);  // throws: value is not finite
  std::abort();                  // unreachable
}
double FluidModel::saturation_pressure(double t) const {
  return constant_ ? 0.0 : water_->saturation_pressure(clamp_temperature(t));
}

double FluidModel::temperature_from_enthalpy(double h) const {
  require_finite(h, "enthalpy_J_kg");
  if (constant_) return h / cp_;
  // Newton on h(T) - h = 0 with the tabulated slope cp (no property call per step); cp varies
  // by < 0.1 % per kelvin, so two or three steps reach round-off from the 4.19 kJ/kgK guess.
  const int last = h_last_;
  double t = h / 4190.0;
  for (int it = 0; it < 10; ++it) {
    const int i = std::clamp(static_cast<int>((t - h_t0_) / h_dt_ + 0.5), 0, last);
    const double dt = (enthalpy(t) - h) / h_slope_[i];
    t -= dt;
    if (std::abs(dt) < 1e-11 * (1.0 + std::abs(t))) break;
  }
  return t;
}

}  // namespace heatnet::fluid
