// The fluid as the solver sees it: water from the IAPWS-IF97 tables, or constant properties
// (validation against tools that use one). Temperatures in degC, pressures absolute Pa.
//
// Energy bookkeeping uses specific enthalpy h(T) (at the tables' reference pressure), so mixing
// and heat flows conserve energy exactly even though cp varies with temperature:
//   node mixing  h_mix = sum(m_i h_i) / sum(m_i);   heat = m (h_in - h_out).
// For a constant-property fluid h = cp T and this is the textbook m cp dT.
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

#include "heatnet/network.hpp"
#include "solver/fluid/water_table.hpp"

namespace heatnet::fluid {

inline constexpr double kAtmospherePa = 101325.0;
// Absolute pressure (1 bar gauge) at which the coupled solve evaluates the water's cp and the
// substations' density: they hardly depend on pressure, and one value keeps the outer loop,
// its fallback and the plug-flow start consistent with each other.
inline constexpr double kPropertyPressurePa = kAtmospherePa + 1e5;

class FluidModel {
 public:
  explicit FluidModel(const FluidDefinition& definition);

  bool is_constant() const { return constant_; }
  // inline: the solver evaluates them per pipe and outer iteration
  double density(double t_C, double p_abs_Pa) const {
    return constant_ ? rho_ : water_->density(clamp_temperature(t_C), p_abs_Pa);
  }
  double dynamic_viscosity(double t_C, double p_abs_Pa) const {
    return constant_ ? mu_ : water_->dynamic_viscosity(clamp_temperature(t_C), p_abs_Pa);
  }
  double specific_heat(double t_C, double p_abs_Pa) const {
    return constant_ ? cp_ : water_->specific_heat(clamp_temperature(t_C), p_abs_Pa);
  }
  // density and viscosity at p_abs_Pa and cp at p_cp_Pa in one table look-up: the values of
  // the three functions above, bit for bit (the solver's per-pipe properties).
  WaterTable::Properties properties(double t_C, double p_abs_Pa, double p_cp_Pa) const {
    return constant_ ? WaterTable::Properties{rho_, mu_, cp_}
                     : water_->properties(clamp_temperature(t_C), p_abs_Pa, p_cp_Pa);
  }
  double saturation_pressure(double t_C) const;  // Pa abs (water); 0 for a constant fluid

  // Both throw heatnet::Error (out_of_range) for a NaN or infinite argument.
  // J/kg relative to 0 degC (inline: the sweeps and the flow rule evaluate it per node and
  // consumer)
  double enthalpy(double t_C) const {
    if (!std::isfinite(t_C)) [[unlikely]] refuse_non_finite(t_C, "temperature_C");
    return constant_ ? cp_ * t_C : water_enthalpy(t_C);
  }
  double temperature_from_enthalpy(double h_J_kg) const;

  // Property evaluation is only accurate inside the model's range; callers validate user
  // input against it, and internal states (stagnant water cooling towards a frozen ambient)
  // are evaluated at the nearest valid temperature. NaN and inf throw heatnet::Error.
  double clamp_temperature(double t_C) const {
    if (constant_) return t_C;
    if (!std::isfinite(t_C)) [[unlikely]] refuse_non_finite(t_C, "temperature_C");
    return std::clamp(t_C, WaterTable::kTableMinC, WaterTable::kTableMaxC);
  }

 private:
  [[noreturn]] static void refuse_non_finite(double value, const char* field);
  // The water table's h(T): cubic Hermite between grid points (slope cp), outside the table
  // the linear extension with the end slope (only for stagnant or odd states).
  double water_enthalpy(double t) const {
    const int last = h_last_;
    double x = (t - h_t0_) / h_dt_;
    if (!(x > 0)) return h_value_[0] + (t - h_t0_) * h_slope_[0];
    if (x >= last) return h_value_[last] + (t - (h_t0_ + last * h_dt_)) * h_slope_[last];
    const int i = static_cast<int>(x);
    const double s = x - i;
    const double h0 = h_value_[i], h1 = h_value_[i + 1];
    const double m0 = h_slope_[i] * h_dt_, m1 = h_slope_[i + 1] * h_dt_;
    const double s2 = s * s, s3 = s2 * s;
    return (2 * s3 - 3 * s2 + 1) * h0 + (s3 - 2 * s2 + s) * m0 + (-2 * s3 + 3 * s2) * h1 +
           (s3 - s2) * m1;
  }
  const WaterTable* water_ = nullptr;  // the shared tables (water only)
  bool constant_;
  double rho_, mu_, cp_;
  // enthalpy table for water (shared, built once): uniform grid, cubic Hermite with slope cp
  double h_t0_ = 0, h_dt_ = 0;
  const double* h_value_ = nullptr;
  const double* h_slope_ = nullptr;
  int h_last_ = 0;
};

}  // namespace heatnet::fluid
