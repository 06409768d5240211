#include "io/json_object_reader.hpp"

#include <cmath>
#include <limits>

#include "io/did_you_mean.hpp"

namespace heatnet::io::json_detail {

std::string describe_type(const Json& value) {
  switch (value.type()) {
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::null: return "null";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return "a number";
    default: return "an unsupported value";
  }
}

std::string peek_string(const Json& value, std::string_view key) {
  if (!value.is_object()) return {};
  auto it = value.find(std::string(key));
  return it != value.end() && it->is_string() ? it->get<std::string>() : std::string();
}

ObjectReader::ObjectReader(const Json& value, std::string path, ElementContext context,
                           std::vector<std::string_view> allowed, std::string_view what)
    : object_(value), path_(std::move(path)), context_(std::move(context)) {
  if (!value.is_object())
    throw InputError(ErrorCode::wrong_type, context_.kind, context_.id, context_.field_prefix, "",
                     "expected an object, got " + describe_type(value),
                     path_.empty() ? std::string("(top level)") : path_);
  for (const auto& [key, v] : value.items()) {
    (void)v;
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string reason = "unknown key";
    if (std::string guess = closest_match(key, allowed); !guess.empty()) {
      reason += " (did you mean '" + guess + "'?)";
    } else {
      reason += "; " + std::string(what) + " keys are:";
      for (std::size_t i = 0; i < allowed.size(); ++i)
        reason += (i ? ", " : " ") + std::string(allowed[i]);
    }
    throw InputError(ErrorCode::unknown_field, context_.kind, context_.id,
                     context_.field_prefix + printable(key), "", reason, child_path(key));
  }
}

std::string ObjectReader::child_path(std::string_view key) const {
  std::string p = path_ + path_key(key);
  if (path_.empty() && p[0] == '.') p.erase(0, 1);  // top-level keys: "format", not ".format"
  return p;
}

void ObjectReader::fail(ErrorCode code, std::string_view key, std::string value,
                        std::string reason) const {
  throw InputError(code, context_.kind, context_.id, context_.field_prefix + std::string(key),
                   std::move(value), std::move(reason), child_path(key));
}

const Json* ObjectReader::find(std::string_view key) const {
  auto it = object_.find(std::string(key));
  return it == object_.end() ? nullptr : &*it;
}

const Json& ObjectReader::required(std::string_view key) const {
  const Json* v = find(key);
  if (!v) fail(ErrorCode::missing_field, key, "", "missing required key");
  return *v;
}

double ObjectReader::as_number(const Json& v, std::string_view key) const {
  if (!v.is_number()) fail(ErrorCode::wrong_type, key, "", "expected a number, got " + describe_type(v));
  const double x = v.get<double>();
  // The parser rejects NaN/Infinity and overflow; keep the guard for DOMs built elsewhere.
  if (!std::isfinite(x)) fail(ErrorCode::invalid_value, key, format_value(x), "must be finite");
  return x;
}

std::string ObjectReader::as_string(const Json& v, std::string_view key) const {
  if (!v.is_string()) fail(ErrorCode::wrong_type, key, "", "expected a string, got " + describe_type(v));
  return v.get<std::string>();
}

double ObjectReader::number(std::string_view key) const { return as_number(required(key), key); }

std::optional<double> ObjectReader::optional_number(std::string_view key) const {
  const Json* v = find(key);
  if (!v) return std::nullopt;
  return as_number(*v, key);
}

double ObjectReader::number_or(std::string_view key, double fallback) const {
  return optional_number(key).value_or(fallback);
}

int ObjectReader::integer_or(std::string_view key, int fallback) const {
  const Json* v = find(key);
  if (!v) return fallback;
  const double x = as_number(*v, key);
  if (x != std::floor(x))
    fail(ErrorCode::wrong_type, key, "", "expected an integer, got " + format_value(x));
  if (x < std::numeric_limits<int>::min() || x > std::numeric_limits<int>::max())
    fail(ErrorCode::invalid_value, key, format_value(x), "does not fit a 32-bit integer");
  return static_cast<int>(x);
}

bool ObjectReader::boolean_or(std::string_view key, bool fallback) const {
  const Json* v = find(key);
  if (!v) return fallback;
  if (!v->is_boolean())
    fail(ErrorCode::wrong_type, key, "", "expected true or false, got " + describe_type(*v));
  return v->get<bool>();
}

CurvePoints ObjectReader::optional_curve(std::string_view key) const {
  return has(key) ? curve(key) : CurvePoints{};
}

std::string ObjectReader::string(std::string_view key) const {
  return as_string(required(key), key);
}

std::string ObjectReader::string_or(std::string_view key, std::string fallback) const {
  const Json* v = find(key);
  return v ? as_string(*v, key) : fallback;
}

CurvePoints ObjectReader::curve(std::string_view key) const {
  const Json& v = required(key);
  const std::string shape = "expected an array of [flow_m3_h, head_m] pairs";
  if (!v.is_array()) fail(ErrorCode::wrong_type, key, "", shape + ", got " + describe_type(v));
  CurvePoints points;
  points.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const Json& p = v[i];
    if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number())
      throw InputError(ErrorCode::wrong_type, context_.kind, context_.id,
                       context_.field_prefix + std::string(key), "",
                       shape + "; this point is " +
                           (p.is_array() ? "an array of " + std::to_string(p.size()) + " value(s)" +
                                               (p.size() == 2 ? " that are not both numbers" : "")
                                         : describe_type(p)),
                       child_path(key) + "[" + std::to_string(i) + "]");
    points.push_back({p[0].get<double>(), p[1].get<double>()});
  }
  return points;
}

}  // namespace heatnet::io::json_detail
