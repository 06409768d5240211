// The fluid as the solver sees it: water from the IAPWS-IF97 tables, or constant properties
// (validation against tools that use one). Temperatures in degC, pressures absolute Pa.
//
// Energy bookkeeping uses specific enthalpy h(T) (at the tables' reference pressure), so mixing
// and heat flows conserve energy exactly even though cp varies with temperature:
//   node mixing  h_mix = sum(m_i h_i) / sum(m_i);   heat = m (h_in - h_out).
// For a constant-property fluid h = cp T and this is the textbook m cp dT.
#pragma once
#include <vector>

#include "heatnet/network.hpp"

namespace heatnet::fluid {

inline constexpr double kAtmospherePa = 101325.0;

class FluidModel {
 public:
  explicit FluidModel(const FluidDefinition& definition);

  bool is_constant() const { return constant_; }
  double density(double t_C, double p_abs_Pa) const;
  double dynamic_viscosity(double t_C, double p_abs_Pa) const;
  double specific_heat(double t_C, double p_abs_Pa) const;
  double saturation_pressure(double t_C) const;  // Pa abs (water); 0 for a constant fluid

  // Both throw heatnet::Error (out_of_range) for a NaN or infinite argument.
  double enthalpy(double t_C) const;             // J/kg relative to 0 degC
  double temperature_from_enthalpy(double h_J_kg) const;

  // Property evaluation is only accurate inside the model's range; callers validate user
  // input against it, and internal states (stagnant water cooling towards a frozen ambient)
  // are evaluated at the nearest valid temperature. NaN and inf throw heatnet::Error.
  double clamp_temperature(double t_C) const;

 private:
  bool constant_;
  double rho_, mu_, cp_;
  // enthalpy table for water (shared, built once): uniform grid, cubic Hermite with slope cp
  double h_t0_ = 0, h_dt_ = 0;
  const double* h_value_ = nullptr;
  const double* h_slope_ = nullptr;
  int h_last_ = 0;
};

}  // namespace heatnet::fluid
