#include "heatnet/errors.hpp"

#include <charconv>
#include <cstddef>
#include <cmath>

#include "network/utf8.hpp"

namespace heatnet {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_value: return "invalid_value";
    case ErrorCode::missing_field: return "missing_field";
    case ErrorCode::unknown_field: return "unknown_field";
    case ErrorCode::wrong_type: return "wrong_type";
    case ErrorCode::duplicate_id: return "duplicate_id";
    case ErrorCode::unknown_reference: return "unknown_reference";
    case ErrorCode::no_pressure_reference: return "no_pressure_reference";
    case ErrorCode::conflicting_boundary: return "conflicting_boundary";
    case ErrorCode::out_of_range: return "out_of_range";
    case ErrorCode::parse_error: return "parse_error";
    case ErrorCode::io_error: return "io_error";
    case ErrorCode::unsupported: return "unsupported";
    case ErrorCode::solve_failed: return "solve_failed";
  }
  return "unknown";
}

namespace {

// A path holds a file name (not input to cut short) and, for JSON, keys of the file.
constexpr std::size_t kPathChars = 4 * kShownInputChars;

// "net.inp:7" or "p.csv:3:12": a line location names no field (a JSON path such as
// "pipes[17].length_m" does).
bool is_line_location(const std::string& path) {
  const std::size_t colon = path.rfind(':');
  return colon != std::string::npos && colon + 1 < path.size() &&
         path.find_first_not_of("0123456789", colon + 1) == std::string::npos;
}

std::string compose(const std::string& kind, const std::string& id, const std::string& field,
                    const std::string& value, const std::string& reason,
                    const std::string& path) {
  // "pipes[17].length_m (pipe 'P17'): ..." when a file path is known,
  // "pipe 'P17': inner_diameter_m = -0.1; must be > 0" otherwise.
  std::string who;
  if (!kind.empty()) who = id.empty() ? kind : kind + " '" + id + "'";
  std::string msg;
  if (!path.empty()) {
    msg = path;
    if (!who.empty()) msg += " (" + who + ")";
    msg += ": ";
  } else if (!who.empty()) {
    msg = who + ": ";
  }
  if (!field.empty() && (path.empty() || is_line_location(path))) {
    msg += field;
    if (!value.empty()) msg += " = " + value;
    msg += "; ";
  } else if (!value.empty() && !path.empty()) {
    msg += "value " + value + ": ";
  }
  msg += reason;
  return msg;
}
}  // namespace

Error::Error(ErrorCode code, std::string element_kind, std::string element_id, std::string field,
             std::string value, std::string reason, std::string path)
    : Error(code, Parts{shown_input(element_kind, kErrorFieldChars), shown_input(element_id, kErrorFieldChars),
                        shown_input(field, kErrorFieldChars), shown_input(value, kErrorFieldChars),
                        std::move(reason), shown_input(path, kPathChars)}) {}

Error::Error(ErrorCode code, Parts parts)
    : std::runtime_error(compose(parts.kind, parts.id, parts.field, parts.value, parts.reason,
                                 parts.path)),
      code_(code),
      element_kind_(std::move(parts.kind)),
      element_id_(std::move(parts.id)),
      field_(std::move(parts.field)),
      value_(std::move(parts.value)),
      reason_(std::move(parts.reason)),
      path_(std::move(parts.path)) {}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

std::string shown_input(std::string_view text, std::size_t max_chars) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  constexpr std::string_view kCut = "...";
  std::string out;
  std::size_t chars = 0, fits = 0;  // fits: output size where a cut would go
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = c >= 0x20 && c < 0x7F ? 1 : c >= 0x80 ? detail::utf8_sequence_length(text, i) : 0;
    if (n > 0) {
      out.append(text.substr(i, n));
      ++chars;
      i += n;
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
      chars += 4;
      ++i;
    }
    if (chars + kCut.size() <= max_chars) fits = out.size();
    if (chars > max_chars) {
      out.resize(fits);
      return out.append(kCut);
    }
  }
  return out;
}

std::string quoted_input(std::string_view text) {
  std::string out = "'";  // appended, not concatenated: GCC 12 -Wrestrict false positive
  return out.append(shown_input(text)).append("'");
}

}  // namespace heatnet
