// The tables of heatnet-network/1 (include/heatnet/network_schema.hpp). Order = the spec's key
// order = the writer's order. Range texts are the messages a broken rule throws.
#include <array>

#include "heatnet/network_schema.hpp"

namespace heatnet::schema {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kBar = 1e5;  // bar -> Pa
constexpr double kKilo = 1e3;  // kW -> W

// Rules shared by several fields (the same physical quantity).
constexpr Range kFinite{-kInf, kInf, false, false, "must be finite"};
constexpr Range kGaugePressure{-1.01325, 1e4, false, false,
                               "must be above vacuum (-1.01325 bar gauge) and < 1e4"};
constexpr Range kAmbient{-100, 200, false, false, "must be within -100..200 degC"};
constexpr Range kMinorLoss{0, 1e9, true, false, "must be >= 0"};
constexpr Range kLinkDiameter{0, 100, false, false, "must be > 0 (and < 100 m)"};

template <class Def>
constexpr Field<Def> ranged(std::string_view key, double Def::*m, Presence p, Range r,
                            double to_si = 1.0, Setter setter = nullptr) {
  return {.key = key, .member = m, .presence = p, .to_si = to_si, .check = Check::range,
          .range = r, .setter = setter};
}
template <class Def>
constexpr Field<Def> ranged(std::string_view key, std::optional<double> Def::*m, Range r,
                            double to_si = 1.0, Setter setter = nullptr) {
  return {.key = key, .member = m, .presence = Presence::optional, .to_si = to_si,
          .check = Check::range, .range = r, .setter = setter};
}
template <class Def, class M>
constexpr Field<Def> temperature(std::string_view key, M Def::*m, Presence p,
                                 Setter setter = nullptr) {
  return {.key = key, .member = m, .presence = p, .check = Check::temperature, .setter = setter};
}
template <class Def>
constexpr Field<Def> text(std::string_view key, std::string Def::*m) {
  return {.key = key, .member = m};
}
template <class Def>
constexpr Field<Def> flag(std::string_view key, bool Def::*m) {
  return {.key = key, .member = m, .presence = Presence::omitted_at_default, .extension = true};
}
template <class Def>
constexpr Field<Def> extension(Field<Def> f) {
  f.extension = true;
  return f;
}

const Choice<SettingsDefinition> kFriction{
    [](const SettingsDefinition& s) { return to_string(s.friction); },
    [](SettingsDefinition& s, std::string_view v) {
      auto m = parse_friction_model(v);
      if (m) s.friction = *m;
      return m.has_value();
    },
    "colebrook, swamee_jain, hazen_williams, nikuradse, epanet_darcy_weisbach",
    "unknown friction model; expected one of colebrook, swamee_jain, hazen_williams, "
    "nikuradse, epanet_darcy_weisbach"};

const Choice<SourcePumpDefinition> kSourcePumpType{
    [](const SourcePumpDefinition& p) { return to_string(p.type); },
    [](SourcePumpDefinition& p, std::string_view v) {
      auto t = parse_source_pump_type(v);
      if (t) p.type = *t;
      return t.has_value();
    },
    "fixed_dp, curve, dp_control, fixed_flow",
    "unknown pump type; expected one of fixed_dp, curve, dp_control, fixed_flow"};

const Choice<PumpDefinition> kCurveKind{
    [](const PumpDefinition& p) { return to_string(p.curve_kind); },
    [](PumpDefinition& p, std::string_view v) {
      auto k = parse_pump_curve_kind(v);
      if (k) p.curve_kind = *k;
      return k.has_value();
    },
    "quadratic, epanet", "unknown curve kind; expected quadratic or epanet"};

const Choice<ValveDefinition> kValveType{
    [](const ValveDefinition& d) { return to_string(d.type); },
    [](ValveDefinition& d, std::string_view v) {
      auto t = parse_valve_type(v);
      if (t) d.type = *t;
      return t.has_value();
    },
    "check, closed, open, prv, psv, pbv, fcv, tcv, gpv",
    "unknown valve type; expected one of check, closed, open (or the EPANET control valves "
    "prv, psv, pbv, fcv, tcv, gpv)"};

using S = SettingsDefinition;
const std::array kSettings{
    Field<S>{.key = "fluid", .member = std::monostate{}, .presence = Presence::written},
    Field<S>{.key = "friction", .member = kFriction, .presence = Presence::written},
    ranged("ambient_temperature_C", &S::ambient_temperature_C, Presence::written, kAmbient),
    temperature("temperature_C", &S::temperature_C, Presence::written),
    ranged("gravity_m_s2", &S::gravity_m_s2, Presence::written,
           Range{0, 100, false, false, "must be within 0..100 m/s2"}),
    Field<S>{.key = "tolerance", .member = std::monostate{}, .presence = Presence::written},
    Field<S>{.key = "max_iterations", .member = &S::max_iterations, .presence = Presence::written,
             .check = Check::range, .range = {1, 100000, true, true, "must be within 1..100000"}},
    extension(ranged("closed_link_resistance_Pa_s_kg", &S::closed_link_resistance_Pa_s_kg,
                     Range{1e6, 1e20, true, true, "must be within 1e6..1e20 Pa per kg/s"})),
};

using F = FluidDefinition;
const std::array kFluid{
    ranged("density_kg_m3", &F::density_kg_m3, Presence::required,
           Range{0, kInf, false, true, "must be > 0"}),
    ranged("kinematic_viscosity_m2_s", &F::kinematic_viscosity_m2_s, Presence::required,
           Range{0, kInf, false, true, "must be > 0"}),
    ranged("specific_heat_J_kgK", &F::specific_heat_J_kgK, Presence::required,
           Range{0, kInf, false, true, "must be > 0"}),
};

const std::array kTolerance{
    ranged("mass_flow_rel", &S::tolerance_mass_flow_rel, Presence::written,
           Range{0, 1, false, false, "must be within 0..1"}),
    ranged("temperature_K", &S::tolerance_temperature_K, Presence::written,
           Range{0, 100, false, false, "must be within 0..100"}),
};

using N = NodeDefinition;
const std::array kNode{
    text("id", &N::id),
    ranged("elevation_m", &N::elevation_m, Presence::written,
           Range{-1e5, 1e5, false, false, "must be finite and within +-100 km"}, 1.0,
           &Network::set_node_elevation),
    ranged("x", &N::x, kFinite),
    ranged("y", &N::y, kFinite),
    ranged("demand_kg_s", &N::demand_kg_s, Presence::omitted_at_default,
           Range{-1e6, 1e6, false, false, "must be finite and within +-1e6 kg/s"}, 1.0,
           &Network::set_node_demand),
    temperature("injection_temperature_C", &N::injection_temperature_C, Presence::optional),
};

using P = PipeDefinition;
const std::array kPipe{
    text("id", &P::id),
    text("from", &P::from),
    text("to", &P::to),
    ranged("length_m", &P::length_m, Presence::required,
           Range{0, 1e7, false, false, "must be > 0 (and < 10000 km)"}, 1.0,
           &Network::set_pipe_length),
    ranged("inner_diameter_m", &P::inner_diameter_m, Presence::required, kLinkDiameter, 1.0,
           &Network::set_pipe_diameter),
    // and smaller than the diameter except under EPANET's law (network/elements/pipe.cpp)
    ranged("roughness_mm", &P::roughness_mm, Presence::required,
           Range{0, kInf, true, false, "must be >= 0 and smaller than the diameter"}, 1e-3,
           &Network::set_pipe_roughness),
    ranged("minor_loss", &P::minor_loss, Presence::omitted_at_default, kMinorLoss, 1.0,
           &Network::set_pipe_minor_loss),
    ranged("heat_loss_W_mK", &P::heat_loss_W_mK, Presence::omitted_at_default,
           Range{0, 1e6, true, false, "must be >= 0"}, 1.0, &Network::set_pipe_heat_loss),
    ranged("ambient_temperature_C", &P::ambient_temperature_C, kAmbient),
    // required when settings.friction is hazen_williams (network/elements/pipe.cpp)
    ranged("hazen_williams_c", &P::hazen_williams_c, Range{0, 1e4, false, false, "must be > 0"}),
    flag("check_valve", &P::check_valve),
    flag("closed", &P::closed),
};

using PN = PressureNodeDefinition;
const std::array kPressureNode{
    text("node", &PN::node),
    ranged("pressure_bar", &PN::pressure_bar, Presence::required, kGaugePressure, kBar),
    temperature("temperature_C", &PN::temperature_C, Presence::required),
    flag("no_inflow", &PN::no_inflow),
    flag("no_outflow", &PN::no_outflow),
};

using Src = SourceDefinition;
const std::array kSource{
    text("id", &Src::id),
    text("supply_node", &Src::supply_node),
    text("return_node", &Src::return_node),
    temperature("supply_temperature_C", &Src::supply_temperature_C, Presence::required,
                &Network::set_source_supply_temperature),
    // required for dp_control, refused for fixed_flow (network/elements/source.cpp)
    ranged("return_pressure_bar", &Src::return_pressure_bar, kGaugePressure, kBar,
           &Network::set_source_return_pressure),
    Field<Src>{.key = "pump", .member = std::monostate{}},
};

using SP = SourcePumpDefinition;
const std::array kSourcePump{
    Field<SP>{.key = "type", .member = kSourcePumpType},
    Field<SP>{.key = "consumer", .member = &SP::consumer, .only_for = "dp_control"},
    // > 0 for dp_control (network/elements/source.cpp)
    Field<SP>{.key = "dp_bar", .member = &SP::dp_bar, .to_si = kBar, .check = Check::range,
              .range = {0, 1e4, true, false, "must be >= 0"}, .only_for = "fixed_dp dp_control",
              .setter = &Network::set_source_pump_dp},
    Field<SP>{.key = "points_m3_h_m", .member = &SP::points_m3_h_m, .only_for = "curve"},
    Field<SP>{.key = "mass_flow_kg_s", .member = &SP::mass_flow_kg_s, .check = Check::range,
              .range = {0, 1e6, false, false, "must be > 0"}, .only_for = "fixed_flow"},
};

using C = ConsumerDefinition;
const std::array kConsumer{
    text("id", &C::id),
    text("supply_node", &C::supply_node),
    text("return_node", &C::return_node),
    // exactly one of heat_demand_kW / mass_flow_kg_s (network/elements/consumer.cpp)
    ranged("heat_demand_kW", &C::heat_demand_kW,
           Range{0, 1e8, true, false, "must be >= 0 (and < 1e8 kW)"}, kKilo,
           &Network::set_consumer_heat_demand),
    ranged("mass_flow_kg_s", &C::mass_flow_kg_s,
           Range{0, 1e6, true, false, "must be >= 0 (and < 1e6 kg/s)"}, 1.0,
           &Network::set_consumer_mass_flow),
    temperature("return_temperature_C", &C::return_temperature_C, Presence::required,
                &Network::set_consumer_return_temperature),
    ranged("min_dp_bar", &C::min_dp_bar, Range{0, 1e4, true, false, "must be >= 0"}, kBar,
           &Network::set_consumer_min_dp),
    // substation limits: heat-demand consumers only (network/elements/consumer.cpp)
    ranged("max_mass_flow_kg_s", &C::max_mass_flow_kg_s,
           Range{0, 1e6, false, false, "must be > 0 (and < 1e6 kg/s)"}),
    ranged("kvs_m3_h", &C::kvs_m3_h, Range{0, 1e8, false, false, "must be > 0 (and < 1e8 m3/h)"}),
};

using Pu = PumpDefinition;
const std::array kPump{
    text("id", &Pu::id),
    text("from", &Pu::from),
    text("to", &Pu::to),
    Field<Pu>{.key = "points_m3_h_m", .member = &Pu::points_m3_h_m, .unless = "power_kW"},
    extension(Field<Pu>{.key = "curve_kind", .member = kCurveKind,
                        .presence = Presence::omitted_at_default}),
    extension(ranged("power_kW", &Pu::power_kW, Range{0, 1e7, false, false, "must be > 0"})),
    extension(ranged("speed", &Pu::speed, Presence::omitted_at_default,
                     Range{0, 100, true, false, "must be >= 0 (relative speed)"})),
    flag("closed", &Pu::closed),
};

using V = ValveDefinition;
const std::array kValve{
    text("id", &V::id),
    text("from", &V::from),
    text("to", &V::to),
    Field<V>{.key = "type", .member = kValveType},
    ranged("inner_diameter_m", &V::inner_diameter_m,
           Range{0, 100, false, false, "must be > 0"}),
    ranged("minor_loss", &V::minor_loss, Presence::omitted_at_default, kMinorLoss),
    // setting_bar: prv/psv/pbv only; mass_flow_kg_s: fcv only; curve: gpv only (valve.cpp)
    extension(ranged("setting_bar", &V::setting_bar,
                     Range{-1.01325, 1e4, false, false, "must be finite, above vacuum and < 1e4"},
                     kBar)),
    extension(ranged("mass_flow_kg_s", &V::mass_flow_kg_s,
                     Range{0, 1e6, true, false, "must be >= 0"})),
    extension(Field<V>{.key = "curve_m3_h_m", .member = &V::curve_m3_h_m,
                       .presence = Presence::optional}),
    flag("closed", &V::closed),
};

constexpr std::array kLists{
    ElementList{"nodes", "node", "id", true},
    ElementList{"pipes", "pipe", "id"},
    ElementList{"pressure_nodes", "pressure_node", "node"},
    ElementList{"sources", "source", "id"},
    ElementList{"consumers", "consumer", "id"},
    ElementList{"pumps", "pump", "id"},
    ElementList{"valves", "valve", "id"},
};

constexpr std::array<std::string_view, 11> kTop{
    "format", "name", "description", "settings", "nodes", "pipes",
    "pressure_nodes", "sources", "consumers", "pumps", "valves"};

}  // namespace

std::string_view to_string(Type t) {
  switch (t) {
    case Type::string: return "string";
    case Type::number: return "number";
    case Type::optional_number: return "optional_number";
    case Type::integer: return "integer";
    case Type::flag: return "flag";
    case Type::curve: return "curve";
    case Type::choice: return "choice";
    case Type::object: return "object";
  }
  return "?";
}

std::string_view to_string(Presence p) {
  switch (p) {
    case Presence::required: return "required";
    case Presence::written: return "written";
    case Presence::omitted_at_default: return "omitted_at_default";
    case Presence::optional: return "optional";
  }
  return "?";
}

Fields<SettingsDefinition> settings_fields() { return kSettings; }
Fields<FluidDefinition> fluid_fields() { return kFluid; }
Fields<SettingsDefinition> tolerance_fields() { return kTolerance; }
Fields<NodeDefinition> node_fields() { return kNode; }
Fields<PipeDefinition> pipe_fields() { return kPipe; }
Fields<PressureNodeDefinition> pressure_node_fields() { return kPressureNode; }
Fields<SourceDefinition> source_fields() { return kSource; }
Fields<SourcePumpDefinition> source_pump_fields() { return kSourcePump; }
Fields<ConsumerDefinition> consumer_fields() { return kConsumer; }
Fields<PumpDefinition> pump_fields() { return kPump; }
Fields<ValveDefinition> valve_fields() { return kValve; }
std::span<const ElementList> element_lists() { return kLists; }
std::span<const std::string_view> top_level_keys() { return kTop; }

}  // namespace heatnet::schema
