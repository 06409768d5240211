#include "cli/format.hpp"

#include <cmath>
#include <cstdio>

namespace heatnet::cli {

std::string fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string power(double w) {
  const double a = std::abs(w);
  if (a >= 1e6) return fixed(w / 1e6, 2) + " MW";
  if (a >= 1e3) return fixed(w / 1e3, a >= 1e5 ? 0 : 1) + " kW";
  return fixed(w, 1) + " W";
}

std::string percent_of(double part, double whole) {
  if (!(std::abs(whole) > 0) || !std::isfinite(part)) return "";
  return fixed(100.0 * part / whole, 1) + " %";
}

std::string bar(double pa) { return fixed(pa / 1e5, 2) + " bar"; }

std::string seconds(double s) {
  if (!std::isfinite(s)) return "n/a";
  if (s < 60) return fixed(s, s < 10 ? 3 : 1) + " s";
  const double whole = std::floor(s);  // no int cast: a wall time has no upper bound
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f min %02d s", std::floor(whole / 60),
                static_cast<int>(std::fmod(whole, 60)));
  return buf;
}

}  // namespace heatnet::cli
