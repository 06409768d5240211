// JSON reader of heatnet-profiles/1 and the by-extension read_profiles (docs/time-series.md):
//
//   {"format": "heatnet-profiles/1",
//    "csv": "annual.csv",                       // optional: series (and time_h) from a CSV
//    "time_h": [0, 1, 2],                       // unless "csv" gives them
//    "series": {"outdoor_temperature_C": [-20, -21, -19], "demand_factor:*-APT": [...]},
//    "schedules": {"supply_temperature_C:CHP": [[-31, 130], [8, 70]]}}
#include <cctype>
#include <string>
#include <unordered_set>

#include "heatnet/errors.hpp"
#include "heatnet/profiles.hpp"
#include "io/json_strict_parse.hpp"
#include "io/text_file.hpp"

namespace heatnet::io {
namespace {
using json_detail::Json;
constexpr std::string_view kFormat = "heatnet-profiles/1";

[[noreturn]] void fail(const std::string& file, const std::string& path, const std::string& column,
                       const std::string& value, const std::string& reason,
                       ErrorCode code = ErrorCode::invalid_value) {
  throw InputError(code, column.empty() ? "" : "profile column", column, "", value, reason,
                   ProfileOrigin{file, 0, 0, path}.to_string());
}

double number(const Json& j, const std::string& file, const std::string& path, const std::string& column) {
  if (!j.is_number())
    fail(file, path, column, "", std::string("expected a number, got ") + j.type_name(), ErrorCode::wrong_type);
  return j.get<double>();
}

void split_name(const std::string& name, const std::string& file, const std::string& path,
                ProfileQuantity& q, std::string& target) {
  const auto colon = name.find(':');
  const auto parsed = parse_profile_quantity(name.substr(0, colon));
  if (!parsed)
    fail(file, path, name, "",
         "unknown quantity; expected outdoor_temperature_C, soil_temperature_C, demand_factor:<consumers>, "
         "heat_demand_kW:<consumers>, return_temperature_C:<consumers>, supply_temperature_C:<source> "
         "or pump_dp_bar:<source>",
         ErrorCode::unknown_field);
  q = *parsed;
  target = colon == std::string::npos ? std::string() : name.substr(colon + 1);
}

}  // namespace

Profiles parse_profiles_json(std::string_view text, const std::string& file,
                             const std::filesystem::path& base_dir) {
  Json doc;
  try {
    doc = json_detail::parse_strict(text);
  } catch (const InputError& e) {
    throw InputError(e.code(), e.element_kind(), e.element_id(), e.field(), e.value(), e.reason(),
                     file + ": " + e.path());
  }
  if (!doc.is_object()) fail(file, "$", "", "", "expected a JSON object", ErrorCode::wrong_type);
  for (const auto& [key, value] : doc.items())
    if (key != "format" && key != "csv" && key != "time_h" && key != "series" && key != "schedules" &&
        key != "description")
      fail(file, json_detail::path_key(key), "", "",
           "unknown key; expected format, description, csv, time_h, series, schedules",
           ErrorCode::unknown_field);
  if (!doc.contains("format") || !doc["format"].is_string() || doc["format"].get<std::string>() != kFormat)
    fail(file, ".format", "", "", "expected \"format\": \"heatnet-profiles/1\"", ErrorCode::missing_field);

  Profiles p;
  if (doc.contains("csv")) {
    if (!doc["csv"].is_string()) fail(file, ".csv", "", "", "expected a file name (string)", ErrorCode::wrong_type);
    if (doc.contains("time_h"))
      fail(file, ".time_h", "", "", "time_h comes from the CSV named by \"csv\"; give only one",
           ErrorCode::conflicting_boundary);
    std::filesystem::path csv = doc["csv"].get<std::string>();
    if (csv.is_relative()) csv = base_dir / csv;
    p = parse_profiles_csv(json_detail::read_file_bytes(csv), csv.string());
  } else {
    if (!doc.contains("time_h") || !doc["time_h"].is_array())
      fail(file, ".time_h", "", "", "required: an array of step times in hours (or \"csv\")",
           ErrorCode::missing_field);
    const Json& t = doc["time_h"];
    for (std::size_t i = 0; i < t.size(); ++i) {
      const std::string path = ".time_h[" + std::to_string(i) + "]";
      const double time_h = number(t[i], file, path, "time_h");
      if (!is_valid_profile_time_h(time_h)) fail(file, path, "time_h", format_value(time_h), kProfileTimeRule);
      p.time_h.push_back(time_h);
    }
  }
  p.source_name = file;
  if (doc.contains("series")) {
    const Json& s = doc["series"];
    if (!s.is_object()) fail(file, ".series", "", "", "expected an object of columns", ErrorCode::wrong_type);
    std::unordered_set<std::string> csv_columns;
    for (const auto& cs : p.series) csv_columns.insert(cs.name());
    for (const auto& [name, values] : s.items()) {
      const std::string path = ".series" + json_detail::path_key(name);
      ProfileSeries ps;
      split_name(name, file, path, ps.quantity, ps.target);
      ps.origin = ProfileOrigin{file, 0, 0, path};
      if (csv_columns.count(ps.name()))
        fail(file, path, name, "", "column also given by the CSV", ErrorCode::duplicate_id);
      if (!values.is_array()) fail(file, path, name, "", "expected an array, one value per step", ErrorCode::wrong_type);
      for (std::size_t i = 0; i < values.size(); ++i)
        ps.values.push_back(number(values[i], file, path + "[" + std::to_string(i) + "]", name));
      p.series.push_back(std::move(ps));
    }
  }
  if (doc.contains("schedules")) {
    const Json& s = doc["schedules"];
    if (!s.is_object()) fail(file, ".schedules", "", "", "expected an object", ErrorCode::wrong_type);
    for (const auto& [name, pts] : s.items()) {
      const std::string path = ".schedules" + json_detail::path_key(name);
      ProfileSchedule ps;
      split_name(name, file, path, ps.quantity, ps.target);
      ps.origin = ProfileOrigin{file, 0, 0, path};
      if (!pts.is_array()) fail(file, path, name, "", "expected [[outdoor_C, value], ...]", ErrorCode::wrong_type);
      for (std::size_t i = 0; i < pts.size(); ++i) {
        const std::string pp = path + "[" + std::to_string(i) + "]";
        if (!pts[i].is_array() || pts[i].size() != 2)
          fail(file, pp, name, "", "expected a pair [outdoor_C, value]", ErrorCode::wrong_type);
        ps.schedule.points.push_back({number(pts[i][0], file, pp + "[0]", name),
                                      number(pts[i][1], file, pp + "[1]", name)});
      }
      p.schedules.push_back(std::move(ps));
    }
  }
  p.validate();
  return p;
}

Profiles read_profiles(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const json_detail::FileBytes bytes = json_detail::read_file_bytes(path);
  if (ext == ".csv") return parse_profiles_csv(bytes, path.string());
  if (ext == ".json") return parse_profiles_json(bytes, path.string(), path.parent_path());
  throw InputError(ErrorCode::unsupported, "profiles file", path.string(), "extension", ext,
                   "expected a .csv or .json profiles file (heatnet-profiles/1)");
}

}  // namespace heatnet::io
