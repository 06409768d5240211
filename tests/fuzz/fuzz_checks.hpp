// What every fuzz target treats as a finding besides a crash or a sanitizer report: an error
// message that is not valid UTF-8 (Python could not show it) or that echoes unbounded input.
#pragma once
#include <cstring>

#include "heatnet/errors.hpp"
#include "network/utf8.hpp"

namespace heatnet::fuzz {

// Reason texts are ours; quoted input is cut to ~80 characters and a path to 320.
inline constexpr std::size_t kMaxMessageBytes = 2048;

inline void check_message(const Error& e) {
  const char* what = e.what();
  const std::size_t size = std::strlen(what);
  if (size > kMaxMessageBytes || !detail::is_valid_utf8({what, size})) __builtin_trap();
}

}  // namespace heatnet::fuzz
