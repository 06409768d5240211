// Error types. Invalid input is an exception (it could not run); non-convergence is a
// status in SolveReport (it ran, the answer is not usable). Every error names the
// element kind, id, field and value so a user can find the offending line.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace heatnet {

enum class ErrorCode {
  invalid_value,        // a number outside its allowed range (negative diameter, NaN...)
  missing_field,        // a required key is absent
  unknown_field,        // a key the format does not define (typos must not be ignored)
  wrong_type,           // e.g. a string where a number is expected
  duplicate_id,         // two elements of one kind share an id
  unknown_reference,    // a node (or consumer) id that does not exist
  no_pressure_reference,// a connected part of the network has no fixed pressure
  conflicting_boundary, // a node is held at a pressure by two elements
  out_of_range,         // a temperature outside the fluid model's range, etc.
  parse_error,          // malformed file (JSON syntax, bad encoding, .inp syntax)
  io_error,             // file could not be read or written
  unsupported,          // a valid feature heatnet does not model
  solve_failed,         // solver could not produce a usable answer (Python: ConvergenceError)
};

std::string_view to_string(ErrorCode code);

// Base class of every heatnet exception. Element kind, id, field, value and path are kept as
// shown_input() shows them (escaped, cut), so no message repeats unbounded input. The message
// is complete on its own:
//   "pipe 'P17': inner_diameter_m = -0.1; must be > 0"
//   "pipes[17].length_m (pipe 'P17'): expected a number, got string"
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string element_kind, std::string element_id, std::string field,
        std::string value, std::string reason, std::string path = {});

  ErrorCode code() const noexcept { return code_; }
  const std::string& element_kind() const noexcept { return element_kind_; }
  const std::string& element_id() const noexcept { return element_id_; }
  const std::string& field() const noexcept { return field_; }
  const std::string& value() const noexcept { return value_; }
  const std::string& reason() const noexcept { return reason_; }
  const std::string& path() const noexcept { return path_; }  // JSON path / file:line, if any

 private:
  struct Parts {
    std::string kind, id, field, value, reason, path;
  };
  Error(ErrorCode code, Parts parts);  // parts already shown_input()

  ErrorCode code_;
  std::string element_kind_, element_id_, field_, value_, reason_, path_;
};

// The network violates a model rule (bad value, dangling reference, no pressure reference).
class NetworkError : public Error {
 public:
  using Error::Error;
};

// The input file could not be parsed into a network (syntax, types, unknown keys).
class InputError : public NetworkError {
 public:
  using NetworkError::NetworkError;
};

// Reading or writing a file failed at the operating-system or HDF5 level.
class IoError : public Error {
 public:
  using Error::Error;
};

// Format a double the way error messages show values (shortest round-trip form).
std::string format_value(double v);

// How error messages show a piece of input text (an id, a token, a cell): bytes that are not
// printable UTF-8 are escaped as \xNN and text longer than `max_chars` characters (an escape
// counts four) is cut, ending in "...". A 10 MB id or a binary token cannot flood a message or
// break a Python str. Idempotent: shown_input(shown_input(s)) == shown_input(s).
inline constexpr std::size_t kShownInputChars = 80;
std::string shown_input(std::string_view text, std::size_t max_chars = kShownInputChars);
// Error keeps kind, id, field and value as shown_input(text, kErrorFieldChars) shows them: a
// safety net, with room for the quotes of callers that quote input themselves (80 characters).
// Code matching an error's id against elements compares with the same form.
inline constexpr std::size_t kErrorFieldChars = kShownInputChars + 16;
// shown_input() in single quotes: "'P17'".
std::string quoted_input(std::string_view text);

}  // namespace heatnet
