// Typed, strict access to one JSON object of the network file. Every error names the JSON path
// and the element ("pipes[3].inner_diameter_m (pipe 'P4'): expected a number, got string").
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "heatnet/errors.hpp"
#include "heatnet/network.hpp"
#include "io/json_strict_parse.hpp"

namespace heatnet::io::json_detail {

// Who an error is about: element kind and id as Network::build names them, and the prefix of
// the field within the element ("pump." inside a source's pump object).
struct ElementContext {
  std::string kind;
  std::string id;
  std::string field_prefix;
};

// nlohmann's type name with an article: "a number", "an array".
std::string describe_type(const Json& value);

// The string under `key` if `value` is an object holding one there, else "" (used to name an
// element in errors before its keys are checked).
std::string peek_string(const Json& value, std::string_view key);

class ObjectReader {
 public:
  // Checks that `value` is an object whose keys are all in `allowed` (InputError wrong_type /
  // unknown_field otherwise, the latter with a did-you-mean). `what` names the object in the
  // unknown-key message ("pipe", "fixed_dp pump").
  ObjectReader(const Json& value, std::string path, ElementContext context,
               std::vector<std::string_view> allowed, std::string_view what);

  const std::string& path() const { return path_; }
  const ElementContext& context() const { return context_; }
  std::string child_path(std::string_view key) const;
  bool has(std::string_view key) const { return find(key) != nullptr; }
  const Json* find(std::string_view key) const;
  const Json& required(std::string_view key) const;  // missing_field if absent

  double number(std::string_view key) const;
  std::optional<double> optional_number(std::string_view key) const;
  double number_or(std::string_view key, double fallback) const;
  int integer_or(std::string_view key, int fallback) const;
  bool boolean_or(std::string_view key, bool fallback) const;
  std::string string(std::string_view key) const;
  std::string string_or(std::string_view key, std::string fallback) const;
  CurvePoints curve(std::string_view key) const;  // [[flow, head], ...], required
  CurvePoints optional_curve(std::string_view key) const;  // empty when absent

  [[noreturn]] void fail(ErrorCode code, std::string_view key, std::string value,
                         std::string reason) const;

 private:
  double as_number(const Json& v, std::string_view key) const;
  std::string as_string(const Json& v, std::string_view key) const;

  const Json& object_;
  std::string path_;
  ElementContext context_;
};

}  // namespace heatnet::io::json_detail
