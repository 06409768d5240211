// detail::ValueRules (network/elements/elements.hpp) tests a field's value against its rule
// as a closed interval (an open end moved to the next double); detail::check_member tests it
// with the schema's Range::contains and the fluid's temperature range, and makes the error.
// For every ruled number field of every element table, at its bounds, the doubles next to
// them, zero, +-1, +-inf and NaN, with water and with a constant-property fluid, both must
// accept the same values and refuse the others with the same error.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "network/elements/elements.hpp"

namespace {
using namespace heatnet;
using heatnet::detail::ValueRules;

// What a check does with a value: "" when accepted, else the error's message.
template <class Check>
std::string outcome(Check check) {
  try {
    check();
  } catch (const NetworkError& e) {
    return e.what();
  }
  return "";
}

std::vector<double> probe_values(const schema::Range& range) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  std::vector<double> values{0.0, 1.0, -1.0, inf, -inf, std::numeric_limits<double>::quiet_NaN(),
                             kWaterMinTemperatureC, kWaterMaxTemperatureC, -50.0, 400.0,
                             std::numeric_limits<double>::max(),
                             -std::numeric_limits<double>::max()};
  for (double bound : {range.lower, range.upper, kWaterMinTemperatureC, kWaterMaxTemperatureC,
                       -50.0, 400.0, 0.0})
    for (double v : {bound, std::nextafter(bound, inf), std::nextafter(bound, -inf)})
      values.push_back(v);
  return values;
}

// Sets field f of d to v where its member is a number (double, optional double or int).
template <class Def>
bool set_number(const schema::Field<Def>& f, Def& d, double v) {
  if (const auto* m = std::get_if<double Def::*>(&f.member)) return d.**m = v, true;
  if (const auto* o = std::get_if<std::optional<double> Def::*>(&f.member)) return d.**o = v, true;
  if (const auto* n = std::get_if<int Def::*>(&f.member)) {
    if (!(std::abs(v) < 1e9)) return false;  // not an int
    return d.**n = static_cast<int>(v), true;
  }
  return false;
}

template <class Def>
int compare_rules(schema::Fields<Def> fields) {
  FluidDefinition water;
  FluidDefinition oil{false, 850, 1e-5, 2000};
  int compared = 0;
  for (const auto& f : fields) {
    if (f.check == schema::Check::none || !schema::applies_to(f, {})) continue;
    const ValueRules<Def> one_rule(schema::Fields<Def>(&f, 1));
    for (const FluidDefinition& fluid : {water, oil})
      for (double v : probe_values(f.range)) {
        Def d;
        if (!set_number(f, d, v)) continue;
        INFO("field " << f.key << " value " << v << " water " << fluid.is_water);
        const std::string fast = outcome([&] { one_rule.check(d, fluid, "kind", "id"); });
        const std::string reference =
            outcome([&] { detail::check_member(f, d, fluid, "kind", "id"); });
        REQUIRE(fast == reference);
        ++compared;
      }
  }
  return compared;
}
}  // namespace

TEST_CASE("ValueRules accepts and refuses exactly as the schema's rules", "[value_rules]") {
  int compared = 0;
  compared += compare_rules(schema::node_fields());
  compared += compare_rules(schema::pipe_fields());
  compared += compare_rules(schema::pressure_node_fields());
  compared += compare_rules(schema::source_fields());
  compared += compare_rules(schema::consumer_fields());
  compared += compare_rules(schema::pump_fields());
  compared += compare_rules(schema::valve_fields());
  REQUIRE(compared > 500);  // the tables' ruled number fields were all reached
}

namespace {
// Every ruled number field of a default element set at random to values in and out of its
// rule: ValueRules must give check_values' outcome (its first broken rule in table order).
template <class Def>
void compare_first_error(schema::Fields<Def> fields, std::mt19937& random) {
  const ValueRules<Def> rules(fields);
  const FluidDefinition water;
  std::vector<const schema::Field<Def>*> ruled;
  for (const auto& f : fields)
    if (f.check != schema::Check::none && schema::applies_to(f, {})) ruled.push_back(&f);
  for (int trial = 0; trial < 300; ++trial) {
    Def d;
    d.id = "e";
    for (const auto* f : ruled) {
      const std::vector<double> values = probe_values(f->range);
      set_number(*f, d, values[random() % values.size()]);
    }
    const std::string fast = outcome([&] { rules.check(d, water, "kind", d.id); });
    const std::string reference =
        outcome([&] { detail::check_values(fields, d, water, "kind", d.id); });
    REQUIRE(fast == reference);
  }
}
}  // namespace

TEST_CASE("ValueRules reports the first broken rule in table order", "[value_rules]") {
  std::mt19937 random(16);
  compare_first_error(schema::node_fields(), random);
  compare_first_error(schema::pipe_fields(), random);
  compare_first_error(schema::consumer_fields(), random);
  compare_first_error(schema::valve_fields(), random);
}
