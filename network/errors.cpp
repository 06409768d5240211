#include "heatnet/errors.hpp"

#include <charconv>
#include <cmath>

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
  if (!field.empty() && path.empty()) {
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
    : std::runtime_error(compose(element_kind, element_id, field, value, reason, path)),
      code_(code),
      element_kind_(std::move(element_kind)),
      element_id_(std::move(element_id)),
      field_(std::move(field)),
      value_(std::move(value)),
      reason_(std::move(reason)),
      path_(std::move(path)) {}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

}  // namespace heatnet
