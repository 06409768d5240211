#include "io/did_you_mean.hpp"

#include <algorithm>
#include <cctype>

namespace heatnet::io::json_detail {
namespace {
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool contains_ci(std::string_view hay, std::string_view needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                     [](char x, char y) { return lower(x) == lower(y); }) != hay.end();
}
// "dp" for "dp_bar", "length" for "length_m": the key without its unit suffix.
bool missing_suffix(std::string_view word, std::string_view c) {
  return !word.empty() && c.size() > word.size() && c[word.size()] == '_' &&
         contains_ci(c.substr(0, word.size()), word);
}
}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Keys are short; guard the quadratic table against fuzzed megabyte keys.
  if (a.size() > 256 || b.size() > 256) return std::max(a.size(), b.size());
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::size_t> d((n + 1) * (m + 1));
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * (m + 1) + j]; };
  for (std::size_t i = 0; i <= n; ++i) at(i, 0) = i;
  for (std::size_t j = 0; j <= m; ++j) at(0, j) = j;
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
    }
  return at(n, m);
}

std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  std::size_t best_distance = static_cast<std::size_t>(-1);
  for (std::string_view c : candidates) {
    std::size_t dist = edit_distance(word, c);
    // A missing unit suffix or prefix ("diameter_m" for "inner_diameter_m") is a near miss too.
    const bool partial = missing_suffix(word, c) ||
                         (word.size() >= 4 && (contains_ci(c, word) || contains_ci(word, c)));
    const std::size_t limit = std::clamp<std::size_t>(c.size() / 3, 1, 3);
    if (dist > limit && !partial) continue;
    if (partial) dist = std::min(dist, limit);
    if (dist < best_distance) best = c, best_distance = dist;
  }
  return std::string(best);
}

}  // namespace heatnet::io::json_detail
