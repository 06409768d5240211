// "did you mean 'length_m'?" for unknown keys: the closest allowed key by edit distance.
#pragma once
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace heatnet::io::json_detail {

// Optimal-string-alignment distance (Levenshtein plus adjacent transposition), ASCII
// case-insensitive: "lenght_m" -> "length_m" is 1.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate a typo most likely meant, or "" when none is close enough.
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace heatnet::io::json_detail
