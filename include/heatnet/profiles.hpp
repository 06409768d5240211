// Time profiles for a simulation (format `heatnet-profiles/1`, docs/time-series.md).
//
// A Profiles object holds, per time step, values that change a built Network without touching
// its topology: consumer demands and return temperatures, source supply temperatures and pump
// set points, and the global outdoor and soil (pipe ambient) temperatures. It also holds
// piecewise-linear temperature schedules (a value as a function of the outdoor temperature),
// the way CIS and most European networks set their supply temperature.
//
//   heatnet::Profiles p = heatnet::io::read_profiles("annual_profiles.csv");
//   heatnet::ProfileBinding b(p, network);   // resolves ids, validates every value once
//   b.apply(step, network);                  // cheap: set_* calls, no allocation
//
// Column names (CSV header, JSON `series`/`schedules` keys) are `<quantity>` for global
// quantities and `<quantity>:<target>` otherwise. Consumer targets are selectors: an exact
// consumer id, `*<suffix>` (every consumer whose id ends with the suffix, e.g. `*-APT` for
// the apartment type code) or `*` (all); the most specific selector wins per consumer.
#pragma once
#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heatnet {

class Network;
struct Topology;

enum class ProfileQuantity {
  outdoor_temperature,         // "outdoor_temperature_C"   global, degC (drives schedules)
  soil_temperature,            // "soil_temperature_C"      global, degC: pipe ambient temperature
  demand_factor,               // "demand_factor"           consumer selector, - (x design demand)
  heat_demand,                 // "heat_demand_kW"          consumer selector, kW
  consumer_return_temperature, // "return_temperature_C"    consumer selector, degC
  supply_temperature,          // "supply_temperature_C"    source id, degC
  pump_dp,                     // "pump_dp_bar"             source id, bar (fixed_dp / dp_control)
};
std::string_view to_string(ProfileQuantity q);  // the column prefix, e.g. "pump_dp_bar"
std::optional<ProfileQuantity> parse_profile_quantity(std::string_view s);
bool is_global(ProfileQuantity q);          // outdoor / soil temperature: no target
bool targets_consumers(ProfileQuantity q);  // demand_factor, heat_demand, return temperature
bool can_be_scheduled(ProfileQuantity q);   // supply_temperature, consumer_return_temperature

// y(x) through points sorted by strictly increasing x, linear in between, constant beyond the
// first and last point (the usual "cut-off" of a temperature schedule).
struct Schedule {
  std::vector<std::array<double, 2>> points;  // [[outdoor_C, value], ...]
  double value(double x) const;
};

// Where a value came from, for error messages: "annual.csv:12:31" or
// "profiles.json: series.demand_factor:*-APT[11]".
struct ProfileOrigin {
  std::string file;
  int line = 0;    // 1-based; 0 when not line-based (JSON)
  int column = 0;  // 1-based character column of the field; 0 when unknown
  std::string path;  // JSON path when not line-based
  std::string to_string() const;
};

struct ProfileSeries {
  ProfileQuantity quantity = ProfileQuantity::outdoor_temperature;
  std::string target;           // "" for global quantities
  std::vector<double> values;   // one per step, in the unit of the column name
  ProfileOrigin origin;         // of the header / key; CSV cells: line from step_line
  std::string name() const;     // "demand_factor:*-APT"
};

struct ProfileSchedule {
  ProfileQuantity quantity = ProfileQuantity::supply_temperature;
  std::string target;
  Schedule schedule;
  ProfileOrigin origin;
  std::string name() const;
};

// Step times lie within +-kMaxProfileTimeH hours (about 1,100 years either side of 0: hours since
// 1970 fit): beyond it seconds and step lengths would overflow or lose their precision.
inline constexpr double kMaxProfileTimeH = 1e7;
// The one rule for a step time; every reader applies it where it reads the value.
inline bool is_valid_profile_time_h(double time_h) {
  return time_h >= -kMaxProfileTimeH && time_h <= kMaxProfileTimeH;  // false for NaN
}
inline constexpr const char* kProfileTimeRule = "must be finite and within +-1e7 h";

struct Profiles {
  std::vector<double> time_h;         // step times, hours, strictly increasing
  std::vector<ProfileSeries> series;
  std::vector<ProfileSchedule> schedules;
  // provenance for messages: file name and, for line-based files, the line of every step
  std::string source_name;
  std::vector<int> step_line;

  std::size_t steps() const { return time_h.size(); }
  const ProfileSeries* find(ProfileQuantity q, std::string_view target = {}) const;
  // Checks the document on its own (sizes, finite numbers, increasing time, schedules sorted,
  // duplicate columns). Throws InputError naming file:line:column and the column.
  void validate() const;
};

// Profiles resolved against one network: which series or schedule drives each consumer and
// source, every value validated once (range, finiteness, unknown ids, selectors that match
// nothing). apply() then only calls the Network's set_* methods.
class ProfileBinding {
 public:
  ProfileBinding(const Profiles& profiles, const Network& network);

  std::size_t steps() const { return steps_; }
  double time_s(std::size_t step) const { return time_h_[step] * 3600.0; }
  // Length of the interval a step stands for (to the next step; the last step repeats the
  // previous interval; a single step counts one hour), in hours.
  double duration_h(std::size_t step) const;
  // Outdoor temperature of a step (NaN when the profiles have none).
  double outdoor_temperature_C(std::size_t step) const;
  void apply(std::size_t step, Network& network) const;
  // Only the sources' values of a step (supply temperatures, pump set points).
  void apply_to_sources(std::size_t step, Network& network) const;

  // Consumers / sources no profile touches (for summaries: "12 consumers keep design demand").
  int unprofiled_consumers() const { return unprofiled_consumers_; }

 private:
  struct Driver {          // one value per step: a series, a schedule, or nothing
    int series = -1;       // index into series_
    int schedule = -1;     // index into schedules_
    double scale = 1.0;    // unit conversion to SI (kW -> W, bar -> Pa)
    bool active() const { return series >= 0 || schedule >= 0; }
  };
  double value(const Driver& d, std::size_t step) const;
  void check_values(const Profiles& profiles, const Network& network) const;

  std::size_t steps_ = 0;
  std::vector<double> time_h_;
  std::vector<std::vector<double>> series_;
  std::vector<Schedule> schedules_;
  int outdoor_ = -1, soil_ = -1;
  std::vector<Driver> demand_factor_, heat_demand_, return_T_;   // per consumer
  std::vector<double> design_demand_W_, design_flow_kg_s_;        // per consumer
  std::vector<Driver> supply_T_, pump_dp_;                        // per source
  int unprofiled_consumers_ = 0;
  std::shared_ptr<const Topology> topology_;  // of the bound network: its rules checked the values
};

namespace io {
// `heatnet-profiles/1` as CSV (header `time_h,...`, `#!` directive lines for schedules) or JSON;
// `read_profiles` picks by extension (.csv / .json). Parse errors are InputError with
// path "file:line:column" and the column name as element id.
Profiles parse_profiles_csv(std::string_view text, const std::string& source_name = "<csv>");
Profiles parse_profiles_json(std::string_view text, const std::string& source_name = "<json>",
                             const std::filesystem::path& base_dir = {});
Profiles read_profiles(const std::filesystem::path& path);
}  // namespace io

}  // namespace heatnet
