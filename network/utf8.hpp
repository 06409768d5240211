// UTF-8 checks shared by error messages (network/errors.cpp) and the text readers (io/).
#pragma once
#include <cstddef>
#include <string_view>

namespace heatnet::detail {

// Length (1..4) of the valid UTF-8 sequence starting at text[i], or 0 when the bytes there are
// not UTF-8 (stray continuation bytes, overlong forms, surrogates, code points above U+10FFFF).
// ASCII, control characters included, has length 1.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

bool is_valid_utf8(std::string_view text);

}  // namespace heatnet::detail
