// Number formatting for the CLI's human-readable output (SI in, engineering units out).
#pragma once
#include <string>

namespace heatnet::cli {

std::string fixed(double value, int decimals);     // "12.35"; "n/a" when not finite
std::string power(double watts);                   // "850 kW", "12.40 MW", "3.2 W"
std::string percent_of(double part, double whole); // "96.4 %"; "" when whole is 0
std::string bar(double pascal);                    // "3.21 bar"
std::string seconds(double s);                     // "0.123 s", "2 min 03 s"

}  // namespace heatnet::cli
