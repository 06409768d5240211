// Small validation helpers shared by the network builder and parameter setters.
#pragma once
#include <cmath>
#include <string>

#include "heatnet/errors.hpp"
#include "heatnet/network.hpp"

namespace heatnet {
// Validity range of the water model (IAPWS-IF97 region 1 tables), degC.
inline constexpr double kWaterMinTemperatureC = 1.0;
inline constexpr double kWaterMaxTemperatureC = 180.0;
}  // namespace heatnet

namespace heatnet::detail {

inline void require(bool ok, const char* kind, const std::string& id, const char* field,
                    double value, const char* rule) {
  if (!ok) throw NetworkError(ErrorCode::invalid_value, kind, id, field, format_value(value), rule);
}

// Water temperatures must lie in the fluid model's range (1..180 degC for water).
// Whether require_temperature accepts t (its rules without the message).
// The fluid model's temperature range, both ends allowed, degC.
struct TemperatureRange {
  double lowest, highest;
};
inline TemperatureRange temperature_range(const FluidDefinition& fluid) {
  return fluid.is_water ? TemperatureRange{kWaterMinTemperatureC, kWaterMaxTemperatureC}
                        : TemperatureRange{-50, 400};
}
inline bool temperature_allowed(const FluidDefinition& fluid, double t) {
  const TemperatureRange range = temperature_range(fluid);
  return t >= range.lowest && t <= range.highest;  // false for NaN and +-inf too
}

inline void require_temperature(const FluidDefinition& fluid, double t, const char* kind,
                                const std::string& id, const char* field) {
  if (!std::isfinite(t))
    throw NetworkError(ErrorCode::invalid_value, kind, id, field, format_value(t), "must be finite");
  if (fluid.is_water && (t < kWaterMinTemperatureC || t > kWaterMaxTemperatureC))
    throw NetworkError(ErrorCode::out_of_range, kind, id, field, format_value(t),
                       "outside the water model's range 1..180 degC");
  if (!fluid.is_water && (t < -50 || t > 400))
    throw NetworkError(ErrorCode::out_of_range, kind, id, field, format_value(t),
                       "outside -50..400 degC");
}

}  // namespace heatnet::detail
