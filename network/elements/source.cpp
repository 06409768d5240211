// Sources (plants): supply temperature, an optional held return pressure, and a pump of one of
// four types.
#include "network/elements/elements.hpp"

namespace heatnet::detail {

void validate_source(const SourceDefinition& d, const RuleContext& c) {
  const char* k = "source";
  const auto& p = d.pump;
  // A source without return_pressure_bar floats (fixed_flow always does): its pump is a
  // link from return to supply node and the network sets both pressures. A dp_control pump
  // holds its supply pressure relative to a held return pressure, so it cannot float.
  if (p.type == SourcePumpType::dp_control && !d.return_pressure_bar)
    throw NetworkError(ErrorCode::missing_field, k, d.id, "return_pressure_bar", "",
                       "required for a dp_control pump (it holds the supply pressure at the "
                       "return pressure plus its dp); a floating plant uses a fixed_dp, curve "
                       "or fixed_flow pump");
  if (p.type == SourcePumpType::fixed_flow && d.return_pressure_bar)
    throw NetworkError(ErrorCode::invalid_value, k, d.id, "return_pressure_bar",
                       format_value(*d.return_pressure_bar),
                       "a fixed_flow source does not hold pressure; omit return_pressure_bar");
  check_values(schema::source_fields(), d, c.fluid, k, d.id);
  // A dp_control pump's set point must be positive: it is the head it holds.
  if (p.type == SourcePumpType::dp_control)
    require(p.dp_bar > 0 && p.dp_bar < 1e4, k, d.id, "pump.dp_bar", p.dp_bar, "must be > 0");
  check_values(schema::source_pump_fields(), p, c.fluid, k, d.id, "pump.", to_string(p.type));
}

SourceDefinition source_definition(const SourceData& s, int i) {
  SourceDefinition d;
  d.id = s.id[i];
  d.supply_temperature_C = s.supply_temperature_C[i];
  if (!std::isnan(s.return_pressure_Pa[i])) d.return_pressure_bar = s.return_pressure_Pa[i] / kBarToPa;
  d.pump.type = s.pump_type[i];
  d.pump.dp_bar = s.pump_dp_Pa[i] / kBarToPa;
  d.pump.mass_flow_kg_s = s.pump_mass_flow_kg_s[i];
  return d;  // a curve pump's points are compiled into pump_curve (not re-validated here)
}

namespace {
// The pump's compiled form: its curve (curve pumps), its consumer (dp_control) and the nodes
// whose pressure it holds.
PumpCurve compile_source_pump(const SourceDefinition& d, int supply_node, const IdMap& consumers,
                              PressureHolders& holders, int& pump_consumer) {
  const char* k = "source";
  const auto& p = d.pump;
  pump_consumer = -1;
  switch (p.type) {
    case SourcePumpType::fixed_dp:
      if (d.return_pressure_bar)
        holders.hold(supply_node, "source '" + d.id + "' (fixed_dp pump)", k, d.id, "supply_node");
      return {};
    case SourcePumpType::dp_control: {
      auto it = consumers.find(p.consumer);
      if (it == consumers.end())
        throw NetworkError(ErrorCode::unknown_reference, k, d.id, "pump.consumer",
                           quoted_input(p.consumer), "no consumer with this id");
      pump_consumer = it->second;
      holders.hold(supply_node, "source '" + d.id + "' (dp_control pump)", k, d.id, "supply_node");
      return {};
    }
    case SourcePumpType::curve: {
      PumpCurve curve = fit_pump_curve(p.points_m3_h_m, "source", d.id);
      curve.shutoff_head_m = curve.a;
      return curve;
    }
    case SourcePumpType::fixed_flow: return {};
  }
  return {};
}
}  // namespace

void compile_sources(const std::vector<SourceDefinition>& defs, const RuleContext& c,
                     const IdMap& nodes, const IdMap& consumers, PressureHolders& holders,
                     SourceData& out) {
  for (const auto& d : defs) {
    const LinkEnds ends = link_ends(nodes, d.supply_node, d.return_node, "source", d.id,
                                    "supply_node", "return_node");
    validate_source(d, c);
    if (d.return_pressure_bar)
      holders.hold(ends.to, "source '" + d.id + "'", "source", d.id, "return_node");
    int pump_consumer = -1;
    PumpCurve curve = compile_source_pump(d, ends.from, consumers, holders, pump_consumer);
    out.id.push_back(d.id);
    out.supply_node.push_back(ends.from);
    out.return_node.push_back(ends.to);
    out.supply_temperature_C.push_back(d.supply_temperature_C);
    out.return_pressure_Pa.push_back(d.return_pressure_bar ? *d.return_pressure_bar * kBarToPa
                                                           : kNaN);
    out.pump_type.push_back(d.pump.type);
    out.pump_dp_Pa.push_back(d.pump.dp_bar * kBarToPa);
    out.pump_curve.push_back(std::move(curve));
    out.pump_consumer.push_back(pump_consumer);
    out.pump_mass_flow_kg_s.push_back(d.pump.mass_flow_kg_s);
  }
}

}  // namespace heatnet::detail
