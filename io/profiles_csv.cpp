// CSV reader of heatnet-profiles/1 (docs/time-series.md):
//
//   # comment lines start with '#'; blank lines are skipped
//   #! schedule supply_temperature_C:CHP  -31:130  8:70
//   time_h,outdoor_temperature_C,soil_temperature_C,demand_factor:*-APT,...
//   0,-12.3,3.1,0.71,...
//
// No quoting (ids and numbers need none). Every error names file:line:column and the column.
#include <charconv>
#include <cmath>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "heatnet/errors.hpp"
#include "heatnet/profiles.hpp"
#include "io/text_file.hpp"

namespace heatnet::io {
namespace {

[[noreturn]] void fail(const std::string& file, int line, int column, const std::string& what,
                       const std::string& value, const std::string& reason,
                       ErrorCode code = ErrorCode::parse_error) {
  throw InputError(code, what.empty() ? "" : "profile column", what, "", value, reason,
                   ProfileOrigin{file, line, column, ""}.to_string());
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

// Trims blanks; `col` moves with the left edge.
std::string_view trim(std::string_view s, int& col) {
  while (!s.empty() && is_space(s.front())) {
    s.remove_prefix(1);
    ++col;
  }
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool parse_number(std::string_view s, double& out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  const char* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, out);
  return r.ec == std::errc() && r.ptr == end && std::isfinite(out);
}

std::string shown(std::string_view s) { return quoted_input(s); }

// "quantity[:target]" -> quantity and target, with the checks every column name needs.
void split_name(std::string_view name, const std::string& file, int line, int col,
                ProfileQuantity& q, std::string& target) {
  const auto colon = name.find(':');
  const std::string_view head = name.substr(0, colon);
  const auto parsed = parse_profile_quantity(head);
  if (!parsed)
    fail(file, line, col, std::string(name), "",
         "unknown quantity " + shown(head) +
             "; expected outdoor_temperature_C, soil_temperature_C, demand_factor:<consumers>, "
             "heat_demand_kW:<consumers>, return_temperature_C:<consumers>, "
             "supply_temperature_C:<source> or pump_dp_bar:<source>",
         ErrorCode::unknown_field);
  q = *parsed;
  target = colon == std::string_view::npos ? std::string() : std::string(name.substr(colon + 1));
  if (colon != std::string_view::npos && target.empty())
    fail(file, line, col, std::string(name), "", "empty target after ':'", ErrorCode::invalid_value);
}

// "#! schedule <name> x:y x:y ..." (the text after "#!").
void parse_directive(std::string_view text, const std::string& file, int line, int col0,
                     Profiles& p) {
  std::vector<std::pair<std::string_view, int>> tokens;  // token, column
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) tokens.emplace_back(text.substr(start, i - start), col0 + static_cast<int>(start));
  }
  if (tokens.empty()) fail(file, line, col0, "", "", "empty '#!' directive; expected '#! schedule <column> x:y ...'");
  if (tokens[0].first != "schedule")
    fail(file, line, tokens[0].second, "", shown(tokens[0].first),
         "unknown directive; the only one is '#! schedule <column> outdoor_C:value ...'",
         ErrorCode::unknown_field);
  if (tokens.size() < 3)
    fail(file, line, col0, "", "", "a schedule needs a column name and at least one outdoor_C:value point");
  ProfileSchedule s;
  split_name(tokens[1].first, file, line, tokens[1].second, s.quantity, s.target);
  s.origin = ProfileOrigin{file, line, tokens[1].second, ""};
  const std::string name = std::string(tokens[1].first);
  for (std::size_t k = 2; k < tokens.size(); ++k) {
    const auto [tok, col] = tokens[k];
    const auto colon = tok.find(':');
    double x = 0, y = 0;
    if (colon == std::string_view::npos || !parse_number(tok.substr(0, colon), x) ||
        !parse_number(tok.substr(colon + 1), y))
      fail(file, line, col, name, shown(tok), "expected a point outdoor_C:value, e.g. -31:130");
    s.schedule.points.push_back({x, y});
  }
  p.schedules.push_back(std::move(s));
}

}  // namespace

Profiles parse_profiles_csv(std::string_view text, const std::string& file) {
  Profiles p;
  p.source_name = file;
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // BOM
  std::vector<int> field_series;  // header column -> series index (-1: time_h)
  bool have_header = false;
  std::size_t width = 0;
  std::vector<std::string> header_names;
  std::unordered_map<std::string, int> column_of_name;  // series name -> header column
  int line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    int lead = 1;
    const std::string_view content = trim(line, lead);
    if (content.empty()) continue;
    if (content.substr(0, 2) == "#!") {
      if (have_header)
        fail(file, line_no, lead, "", "", "'#!' directives must come before the header line");
      parse_directive(content.substr(2), file, line_no, lead + 2, p);
      continue;
    }
    if (content.front() == '#') continue;

    // split on commas, remembering each field's column
    std::size_t nfields = 0;
    std::size_t start = 0;
    const std::size_t expected = have_header ? width : 0;
    double time_value = 0;
    while (true) {
      const std::size_t comma = line.find(',', start);
      const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
      int col = static_cast<int>(start) + 1;
      const std::string_view field = trim(line.substr(start, end - start), col);
      if (field.find('"') != std::string_view::npos)
        fail(file, line_no, col, "", shown(field), "quoted fields are not supported");
      if (!have_header) {
        if (nfields == 0 && field != "time_h")
          fail(file, line_no, col, "", shown(field),
               "the header must start with the column 'time_h' (hours)", ErrorCode::missing_field);
        if (nfields == 0) {
          field_series.push_back(-1);
        } else {
          ProfileSeries s;
          split_name(field, file, line_no, col, s.quantity, s.target);
          s.origin = ProfileOrigin{file, line_no, col, ""};
          const auto [first, added] = column_of_name.emplace(s.name(), col);
          if (!added)
            fail(file, line_no, col, s.name(), "",
                 "column given twice (first at column " + std::to_string(first->second) + ")",
                 ErrorCode::duplicate_id);
          field_series.push_back(static_cast<int>(p.series.size()));
          p.series.push_back(std::move(s));
        }
      } else {
        if (nfields >= expected)
          fail(file, line_no, col, "", "",
               "more fields than the header's " + std::to_string(expected) + " columns");
        double v = 0;
        const int si = field_series[nfields];
        const std::string& cname = header_names[nfields];
        if (field.empty()) fail(file, line_no, col, cname, "", "empty field; every cell needs a number");
        if (!parse_number(field, v)) fail(file, line_no, col, cname, shown(field), "not a finite number");
        if (si < 0 && !is_valid_profile_time_h(v))
          fail(file, line_no, col, cname, shown(field), kProfileTimeRule, ErrorCode::invalid_value);
        if (si < 0)
          time_value = v;
        else
          p.series[si].values.push_back(v);
      }
      if (!have_header) header_names.push_back(std::string(field));
      ++nfields;
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (!have_header) {
      have_header = true;
      width = nfields;
      continue;
    }
    if (nfields < expected)
      fail(file, line_no, static_cast<int>(line.size()) + 1, "", "",
           std::to_string(nfields) + " fields; the header has " + std::to_string(expected) +
               " columns");
    p.time_h.push_back(time_value);
    p.step_line.push_back(line_no);
  }
  if (!have_header)
    fail(file, line_no > 0 ? line_no : 1, 1, "", "", "no header line (expected 'time_h,...')",
         ErrorCode::missing_field);
  p.validate();
  return p;
}

}  // namespace heatnet::io
