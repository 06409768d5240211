// Settings: the schema's value rules of settings, settings.fluid and settings.tolerance.
#include "network/elements/elements.hpp"

namespace heatnet::detail {

void validate_settings(const SettingsDefinition& s) {
  if (!s.fluid.is_water)
    check_values(schema::fluid_fields(), s.fluid, s.fluid, "settings", "", "fluid.");
  check_values(schema::settings_fields(), s, s.fluid, "settings", "");
  check_values(schema::tolerance_fields(), s, s.fluid, "settings", "", "tolerance.");
}

}  // namespace heatnet::detail
