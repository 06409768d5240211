// Profile model (heatnet-profiles/1): names, schedules, validation of the document on its own
// and its binding to a network (ids resolved and every value checked once, so the per-step
// apply() is only a few set_* calls). docs/time-series.md describes the format.
#include "heatnet/profiles.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <utility>

#include "heatnet/errors.hpp"
#include "heatnet/network.hpp"
#include "network/compiled.hpp"
#include "network/checks.hpp"
#include "network/elements/elements.hpp"

namespace heatnet {
namespace {

struct QuantityName {
  ProfileQuantity q;
  std::string_view name;
};
constexpr QuantityName kQuantityNames[] = {
    {ProfileQuantity::outdoor_temperature, "outdoor_temperature_C"},
    {ProfileQuantity::soil_temperature, "soil_temperature_C"},
    {ProfileQuantity::demand_factor, "demand_factor"},
    {ProfileQuantity::heat_demand, "heat_demand_kW"},
    {ProfileQuantity::consumer_return_temperature, "return_temperature_C"},
    {ProfileQuantity::supply_temperature, "supply_temperature_C"},
    {ProfileQuantity::pump_dp, "pump_dp_bar"},
};

std::string column_name(ProfileQuantity q, const std::string& target) {
  std::string n(to_string(q));
  if (!target.empty()) n += ":" + target;
  return n;
}

[[noreturn]] void fail(ErrorCode code, const ProfileOrigin& at, const std::string& column,
                       const std::string& value, const std::string& reason) {
  throw InputError(code, "profile column", column, "", value, reason, at.to_string());
}

// The origin of one cell of a series (CSV: the step's line and the header's column).
ProfileOrigin cell_origin(const Profiles& p, const ProfileSeries& s, std::size_t step) {
  ProfileOrigin o = s.origin;
  if (o.line > 0 && step < p.step_line.size()) o.line = p.step_line[step];
  if (!o.path.empty()) o.path += "[" + std::to_string(step) + "]";
  return o;
}

// Selector specificity for a consumer id: 3 exact, 2 + suffix length for "*suffix", 1 for "*",
// 0 no match. Larger wins.
long match_rank(const std::string& selector, const std::string& id) {
  if (selector == id) return 1L << 30;
  if (selector == "*") return 1;
  if (selector.size() > 1 && selector[0] == '*') {
    const std::string_view suffix = std::string_view(selector).substr(1);
    if (id.size() >= suffix.size() && id.compare(id.size() - suffix.size(), suffix.size(), suffix) == 0)
      return 2 + static_cast<long>(suffix.size());
  }
  return 0;
}


// What the binding checks once per driver (a series or a schedule, `key`) rather than once per
// consumer it drives: whether every value keeps a rule that is the same for every consumer,
// and the smallest and largest value.
class DriverChecks {
 public:
  enum Rule { factor_range, heat_demand, return_temperature, kRules };
  DriverChecks(std::size_t drivers, std::size_t steps)
      : steps_(steps), passes_(kRules * drivers, kUnknown), low_(drivers), high_(drivers), known_(drivers, 0) {}

  template <class Value, class Keeps>
  bool all_keep(std::size_t key, Rule rule, Value value, Keeps keeps) {
    signed char& p = passes_[kRules * key + rule];
    if (p == kUnknown) {
      p = 1;
      for (std::size_t k = 0; k < steps_ && p == 1; ++k)
        if (!keeps(value(k))) p = 0;
    }
    return p == 1;
  }
  template <class Value>
  std::pair<double, double> extremes(std::size_t key, Value value) {
    if (!known_[key]) {
      low_[key] = std::numeric_limits<double>::infinity();
      high_[key] = -low_[key];
      for (std::size_t k = 0; k < steps_; ++k) {
        low_[key] = std::min(low_[key], value(k));
        high_[key] = std::max(high_[key], value(k));
      }
      known_[key] = 1;
    }
    return {low_[key], high_[key]};
  }

 private:
  static constexpr signed char kUnknown = -1;
  std::size_t steps_;
  std::vector<signed char> passes_;
  std::vector<double> low_, high_;
  std::vector<char> known_;
};

}  // namespace

std::string_view to_string(ProfileQuantity q) {
  for (const auto& n : kQuantityNames)
    if (n.q == q) return n.name;
  return "unknown";
}
std::optional<ProfileQuantity> parse_profile_quantity(std::string_view s) {
  for (const auto& n : kQuantityNames)
    if (n.name == s) return n.q;
  return std::nullopt;
}
bool is_global(ProfileQuantity q) {
  return q == ProfileQuantity::outdoor_temperature || q == ProfileQuantity::soil_temperature;
}
bool targets_consumers(ProfileQuantity q) {
  return q == ProfileQuantity::demand_factor || q == ProfileQuantity::heat_demand ||
         q == ProfileQuantity::consumer_return_temperature;
}
bool can_be_scheduled(ProfileQuantity q) {
  return q == ProfileQuantity::supply_temperature ||
         q == ProfileQuantity::consumer_return_temperature;
}

double Schedule::value(double x) const {
  if (points.empty()) return std::nan("");
  if (x <= points.front()[0]) return points.front()[1];
  if (x >= points.back()[0]) return points.back()[1];
  const auto it = std::upper_bound(points.begin(), points.end(), x,
                                   [](double v, const std::array<double, 2>& p) { return v < p[0]; });
  const auto& b = *it;
  const auto& a = *(it - 1);
  return a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]);
}

std::string ProfileOrigin::to_string() const {
  std::string s = file;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
  } else if (!path.empty()) {
    s += (s.empty() ? "" : ": ") + path;
  }
  return s;
}

std::string ProfileSeries::name() const { return column_name(quantity, target); }
std::string ProfileSchedule::name() const { return column_name(quantity, target); }

const ProfileSeries* Profiles::find(ProfileQuantity q, std::string_view target) const {
  for (const auto& s : series)
    if (s.quantity == q && s.target == target) return &s;
  return nullptr;
}

void Profiles::validate() const {
  ProfileOrigin doc{source_name, 0, 0, ""};
  if (time_h.empty()) fail(ErrorCode::missing_field, doc, "time_h", "", "the profiles have no time steps");
  for (std::size_t i = 0; i < time_h.size(); ++i) {
    ProfileOrigin o{source_name, i < step_line.size() ? step_line[i] : 0, 1,
                    step_line.empty() ? "time_h[" + std::to_string(i) + "]" : ""};
    if (!is_valid_profile_time_h(time_h[i]))
      fail(ErrorCode::invalid_value, o, "time_h", format_value(time_h[i]), kProfileTimeRule);
    if (i > 0 && !(time_h[i] > time_h[i - 1]))
      fail(ErrorCode::invalid_value, o, "time_h", format_value(time_h[i]),
           "must be strictly increasing (previous step: " + format_value(time_h[i - 1]) + ")");
  }
  std::set<std::string> names;
  for (const auto& s : series) {
    const std::string n = s.name();
    if (!names.insert(n).second) fail(ErrorCode::duplicate_id, s.origin, n, "", "column given twice");
    if (is_global(s.quantity) != s.target.empty())
      fail(ErrorCode::invalid_value, s.origin, n, "",
           is_global(s.quantity) ? "a global quantity takes no ':<target>'"
                                 : "needs a target: '" + std::string(to_string(s.quantity)) + ":<id>'");
    if (s.values.size() != time_h.size())
      fail(ErrorCode::invalid_value, s.origin, n, std::to_string(s.values.size()) + " values",
           "expected one per time step (" + std::to_string(time_h.size()) + ")");
    for (std::size_t i = 0; i < s.values.size(); ++i)
      if (!std::isfinite(s.values[i]))
        fail(ErrorCode::invalid_value, cell_origin(*this, s, i), n, format_value(s.values[i]), "must be finite");
  }
  std::set<std::string> sched_names;
  for (const auto& s : schedules) {
    const std::string n = s.name();
    if (!can_be_scheduled(s.quantity))
      fail(ErrorCode::unsupported, s.origin, n, "",
           "only supply_temperature_C:<source> and return_temperature_C:<consumers> can be "
           "scheduled on the outdoor temperature");
    if (s.target.empty()) fail(ErrorCode::invalid_value, s.origin, n, "", "needs a ':<target>'");
    if (!sched_names.insert(n).second) fail(ErrorCode::duplicate_id, s.origin, n, "", "schedule given twice");
    if (names.count(n))
      fail(ErrorCode::conflicting_boundary, s.origin, n, "",
           "given both as a time series and as a schedule; keep one");
    const auto& pts = s.schedule.points;
    if (pts.empty()) fail(ErrorCode::invalid_value, s.origin, n, "", "a schedule needs at least one point");
    for (std::size_t i = 0; i < pts.size(); ++i) {
      if (!std::isfinite(pts[i][0]) || !std::isfinite(pts[i][1]))
        fail(ErrorCode::invalid_value, s.origin, n, "point " + std::to_string(i + 1), "must be finite");
      if (i > 0 && !(pts[i][0] > pts[i - 1][0]))
        fail(ErrorCode::invalid_value, s.origin, n, "point " + std::to_string(i + 1),
             "outdoor temperatures must be strictly increasing");
    }
    if (!find(ProfileQuantity::outdoor_temperature))
      fail(ErrorCode::missing_field, s.origin, n, "",
           "a schedule needs an outdoor_temperature_C series to follow");
  }
}

// ---------------------------------------------------------------------------------------------

ProfileBinding::ProfileBinding(const Profiles& p, const Network& net) {
  p.validate();
  topology_ = net.shared_topology();
  steps_ = p.steps();
  time_h_ = p.time_h;
  const ConsumerData& cd = net.consumers();
  const SourceData& sd = net.sources();
  const int nc = net.consumer_count(), ns = net.source_count();
  demand_factor_.assign(nc, {});
  heat_demand_.assign(nc, {});
  return_T_.assign(nc, {});
  supply_T_.assign(ns, {});
  pump_dp_.assign(ns, {});
  design_demand_W_ = cd.heat_demand_W;
  design_flow_kg_s_ = cd.fixed_mass_flow_kg_s;
  std::vector<long> rank_factor(nc, 0), rank_demand(nc, 0), rank_return(nc, 0);

  // Binds one driver (series or schedule) to its target(s).
  auto bind = [&](ProfileQuantity q, const std::string& target, const ProfileOrigin& origin,
                  const std::string& name, Driver d) {
    if (is_global(q)) return;
    if (targets_consumers(q)) {
      std::vector<Driver>* drivers = q == ProfileQuantity::demand_factor ? &demand_factor_
                                     : q == ProfileQuantity::heat_demand ? &heat_demand_
                                                                          : &return_T_;
      std::vector<long>& rank = q == ProfileQuantity::demand_factor ? rank_factor
                                : q == ProfileQuantity::heat_demand ? rank_demand
                                                                     : rank_return;
      bool any = false;
      for (int i = 0; i < nc; ++i) {
        const long r = match_rank(target, cd.id[i]);
        if (r == 0) continue;
        any = true;
        if (r > rank[i]) {
          rank[i] = r;
          (*drivers)[i] = d;
        }
      }
      if (!any)
        fail(ErrorCode::unknown_reference, origin, name, quoted_input(target),
             "matches no consumer (use a consumer id, '*<suffix>' such as '*-APT', or '*')");
      return;
    }
    const int s = net.source_index(target);
    if (s < 0) fail(ErrorCode::unknown_reference, origin, name, quoted_input(target), "no source with this id");
    if (q == ProfileQuantity::pump_dp && sd.pump_type[s] != SourcePumpType::fixed_dp &&
        sd.pump_type[s] != SourcePumpType::dp_control)
      fail(ErrorCode::unsupported, origin, name, std::string(to_string(sd.pump_type[s])),
           "pump_dp_bar needs a fixed_dp or dp_control source pump");
    (q == ProfileQuantity::supply_temperature ? supply_T_ : pump_dp_)[s] = d;
  };

  for (const auto& s : p.series) {
    if (s.quantity == ProfileQuantity::outdoor_temperature) outdoor_ = static_cast<int>(series_.size());
    if (s.quantity == ProfileQuantity::soil_temperature) soil_ = static_cast<int>(series_.size());
    Driver d;
    d.series = static_cast<int>(series_.size());
    d.scale = s.quantity == ProfileQuantity::heat_demand ? 1e3 : s.quantity == ProfileQuantity::pump_dp ? 1e5 : 1.0;
    series_.push_back(s.values);
    bind(s.quantity, s.target, s.origin, s.name(), d);
  }
  for (const auto& s : p.schedules) {
    Driver d;
    d.schedule = static_cast<int>(schedules_.size());
    schedules_.push_back(s.schedule);
    bind(s.quantity, s.target, s.origin, s.name(), d);
  }

  // Every consumer: one demand driver at most; count those left at design demand.
  for (int i = 0; i < nc; ++i) {
    if (demand_factor_[i].active() && heat_demand_[i].active())
      throw InputError(ErrorCode::conflicting_boundary, "consumer", cd.id[i], "demand", "",
                       "driven by both a demand_factor and a heat_demand_kW column; keep one",
                       p.source_name);
    if (!demand_factor_[i].active() && !heat_demand_[i].active()) ++unprofiled_consumers_;
  }

  check_values(p, net);
}

// Every value a profile will set, checked once against the bound network's rules and named by
// its cell, so that apply() cannot throw half-way.
void ProfileBinding::check_values(const Profiles& p, const Network& net) const {
  const ConsumerData& cd = net.consumers();
  const SourceData& sd = net.sources();
  const int nc = net.consumer_count(), ns = net.source_count();
  auto series_of = [&](const Driver& d) -> const ProfileSeries* {
    return d.series >= 0 ? &p.series[d.series] : nullptr;
  };
  auto check_all = [&](const Driver& d, auto&& check) {
    if (!d.active()) return;
    for (std::size_t k = 0; k < steps_; ++k) {
      const double v = value(d, k);
      try {
        check(v);
      } catch (const Error& e) {
        // the cell's name and origin only for the message (every consumer's every step
        // passes here: an annual run spent as long on them as on 300 steps' solves)
        const ProfileSeries* s = series_of(d);
        const ProfileOrigin o = s ? cell_origin(p, *s, k) : p.schedules[d.schedule].origin;
        const std::string name = s ? s->name() : p.schedules[d.schedule].name();
        throw InputError(e.code(), "profile column", name, "", format_value(v / d.scale),
                         e.reason() + (s ? "" : " (schedule at outdoor " +
                                                    format_value(outdoor_temperature_C(k)) + " degC, step " +
                                                    std::to_string(k) + ")"),
                         o.to_string());
      }
    }
  };
  const FluidDefinition& fluid = net.settings().fluid;
  // the network's own rules of the fields a profile drives (heatnet/network_schema.hpp), each
  // looked up once: every consumer's every step is checked here
  auto consumer_field = [](std::string_view key) -> const schema::Field<ConsumerDefinition>& {
    return *schema::find(schema::consumer_fields(), key);
  };
  const auto& heat_demand_rule = consumer_field("heat_demand_kW");
  const auto& mass_flow_rule = consumer_field("mass_flow_kg_s");
  const auto& return_temperature_rule = consumer_field("return_temperature_C");
  auto factor_ok = [](double v) { return v >= 0 && v < 1e3; };
  // Most drivers serve many consumers (a `*` column, a schedule): whether a driver's values all
  // keep a rule is found once per driver, and only a consumer whose driver breaks one runs the
  // cell-by-cell check, which throws at the first failing cell exactly as it always did.
  DriverChecks once(series_.size() + schedules_.size(), steps_);
  auto key = [&](const Driver& d) -> std::size_t {
    return d.series >= 0 ? d.series : series_.size() + d.schedule;
  };
  auto all_keep = [&](const Driver& d, DriverChecks::Rule rule, auto&& keeps) {
    return !d.active() ||
           once.all_keep(key(d), rule, [&](std::size_t k) { return value(d, k); }, keeps);
  };
  for (int i = 0; i < nc; ++i) {
    const std::string& id = cd.id[i];
    const Driver& factor = demand_factor_[i];
    // the value apply() sets: the factor times the design demand (or design flow); the rule is
    // a range, so with the factor's smallest and largest values every product keeps it
    const bool by_demand = !std::isnan(design_demand_W_[i]);
    const auto& set_rule = by_demand ? heat_demand_rule : mass_flow_rule;
    auto set_value = [&](double f) {  // as the setter checks it (heat demand in kW)
      return by_demand ? f * design_demand_W_[i] * 1e-3 : f * design_flow_kg_s_[i];
    };
    auto products_keep = [&] {
      const auto [low, high] = once.extremes(key(factor), [&](std::size_t k) { return value(factor, k); });
      return detail::keeps_rule(set_rule, set_value(low), fluid) &&
             detail::keeps_rule(set_rule, set_value(high), fluid);
    };
    if (!all_keep(factor, DriverChecks::factor_range, factor_ok) || (factor.active() && !products_keep()))
      check_all(factor, [&](double v) {
        detail::require(factor_ok(v), "consumer", id, "demand_factor", v, "must be >= 0 (and < 1000)");
        detail::check_value(set_rule, set_value(v), fluid, "consumer", id);
      });
    if (!all_keep(heat_demand_[i], DriverChecks::heat_demand,
                  [&](double v) { return detail::keeps_rule(heat_demand_rule, v * 1e-3, fluid); }))
      check_all(heat_demand_[i], [&](double v) {
        detail::check_value(heat_demand_rule, v * 1e-3, fluid, "consumer", id);
      });
    if (!all_keep(return_T_[i], DriverChecks::return_temperature,
                  [&](double v) { return detail::keeps_rule(return_temperature_rule, v, fluid); }))
      check_all(return_T_[i], [&](double v) {
        detail::check_value(return_temperature_rule, v, fluid, "consumer", id);
      });
  }
  for (int s = 0; s < ns; ++s) {
    check_all(supply_T_[s], [&](double v) {
      detail::check_field(schema::source_fields(), "supply_temperature_C", v, fluid, "source",
                          sd.id[s]);
    });
    check_all(pump_dp_[s], [&](double v) {  // the source's own rules with this set point
      SourceDefinition d = detail::source_definition(sd, s);
      d.pump.dp_bar = v * 1e-5;
      detail::validate_source(d, {fluid, net.settings().friction});
    });
  }
  if (soil_ >= 0)
    for (std::size_t k = 0; k < steps_; ++k) {
      const double v = series_[soil_][k];
      const auto* ambient = schema::find(schema::settings_fields(), "ambient_temperature_C");
      if (!ambient->range.contains(v))
        fail(ErrorCode::invalid_value, cell_origin(p, p.series[soil_], k), "soil_temperature_C",
             format_value(v), ambient->range.rule);
    }
}

double ProfileBinding::outdoor_temperature_C(std::size_t step) const {
  return outdoor_ >= 0 ? series_[outdoor_][step] : std::nan("");
}

double ProfileBinding::duration_h(std::size_t step) const {
  if (steps_ < 2) return 1.0;
  if (step + 1 < steps_) return time_h_[step + 1] - time_h_[step];
  return time_h_[steps_ - 1] - time_h_[steps_ - 2];
}

double ProfileBinding::value(const Driver& d, std::size_t step) const {
  if (d.series >= 0) return series_[d.series][step] * d.scale;
  return schedules_[d.schedule].value(outdoor_temperature_C(step)) * d.scale;
}

// A consumer's value is set only where it differs from the one it holds. Every value was
// checked against the bound network's rules when binding; a network that shares its topology (a
// copy changed only through set_*: same limits, same fluid) has the same rules, so its values are
// stored without the whole consumer's re-check (~2,400 instructions a call, 7 % of an annual Oral
// run). Any other network gets the checked setters.
void ProfileBinding::apply(std::size_t step, Network& net) const {
  if (soil_ >= 0) net.set_ambient_temperature(series_[soil_][step]);
  const bool prechecked = net.shared_topology() == topology_;
  const int nc = net.consumer_count();
  const ConsumerData& c = net.consumers();
  auto set_heat_demand = [&](int i, double w) {
    if (c.heat_demand_W[i] == w && std::isnan(c.fixed_mass_flow_kg_s[i])) return;
    prechecked ? net.store_consumer_heat_demand(i, w) : net.set_consumer_heat_demand(i, w);
  };
  auto set_mass_flow = [&](int i, double m) {
    if (c.fixed_mass_flow_kg_s[i] == m) return;
    prechecked ? net.store_consumer_mass_flow(i, m) : net.set_consumer_mass_flow(i, m);
  };
  auto set_return_temperature = [&](int i, double t) {
    if (c.return_temperature_C[i] == t) return;
    prechecked ? net.store_consumer_return_temperature(i, t) : net.set_consumer_return_temperature(i, t);
  };
  // Most consumers share their drivers (a `*` column, a schedule): each series' and schedule's
  // value of the step is looked up once, and a consumer's value is it times the driver's scale
  // (value()'s arithmetic).
  const double outdoor = outdoor_temperature_C(step);
  std::vector<double> raw(series_.size() + schedules_.size());
  for (std::size_t s = 0; s < series_.size(); ++s) raw[s] = series_[s][step];
  for (std::size_t s = 0; s < schedules_.size(); ++s)
    raw[series_.size() + s] = schedules_[s].value(outdoor);
  auto value_of = [&](const Driver& d) {
    return raw[d.series >= 0 ? static_cast<std::size_t>(d.series) : series_.size() + d.schedule] *
           d.scale;
  };
  for (int i = 0; i < nc; ++i) {
    if (heat_demand_[i].active()) {
      set_heat_demand(i, value_of(heat_demand_[i]));
    } else if (demand_factor_[i].active()) {
      const double f = value_of(demand_factor_[i]);
      if (!std::isnan(design_demand_W_[i]))
        set_heat_demand(i, f * design_demand_W_[i]);
      else
        set_mass_flow(i, f * design_flow_kg_s_[i]);
    }
    if (return_T_[i].active()) set_return_temperature(i, value_of(return_T_[i]));
  }
  apply_to_sources(step, net);
}

void ProfileBinding::apply_to_sources(std::size_t step, Network& net) const {
  for (int s = 0; s < net.source_count(); ++s) {
    if (supply_T_[s].active()) net.set_source_supply_temperature(s, value(supply_T_[s], step));
    if (pump_dp_[s].active()) net.set_source_pump_dp(s, value(pump_dp_[s], step));
  }
}

}  // namespace heatnet
