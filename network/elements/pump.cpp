// Booster pumps: a head curve through points (quadratic or EPANET's rules) or a constant
// power, at a relative speed, possibly off.
#include "network/elements/elements.hpp"

namespace heatnet::detail {

void validate_pump(const PumpDefinition& d, const RuleContext& c) {
  check_values(schema::pump_fields(), d, c.fluid, "pump", d.id);
  if (d.power_kW && !d.points_m3_h_m.empty())
    throw NetworkError(ErrorCode::invalid_value, "pump", d.id, "points_m3_h_m", "",
                       "give either points_m3_h_m or power_kW, not both");
}

namespace {
PumpCurve pump_curve(const PumpDefinition& d) {
  if (d.power_kW) return constant_power_curve(*d.power_kW);
  if (d.curve_kind == PumpCurveKind::epanet) return fit_epanet_pump_curve(d.points_m3_h_m, "pump", d.id);
  PumpCurve curve = fit_pump_curve(d.points_m3_h_m, "pump", d.id);
  curve.shutoff_head_m = curve.a;
  return curve;
}
}  // namespace

void compile_pumps(const std::vector<PumpDefinition>& defs, const RuleContext& c,
                   const IdMap& nodes, PumpData& out) {
  for (const auto& d : defs) {
    const LinkEnds ends = link_ends(nodes, d.from, d.to, "pump", d.id);
    validate_pump(d, c);
    out.id.push_back(d.id);
    out.from.push_back(ends.from);
    out.to.push_back(ends.to);
    out.curve.push_back(pump_curve(d));
    out.speed.push_back(d.speed);
    out.closed.push_back(d.closed || d.speed == 0.0);
  }
}

}  // namespace heatnet::detail
