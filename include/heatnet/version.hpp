#pragma once
namespace heatnet {
inline constexpr const char* kVersion = "0.1.0";
inline constexpr const char* kNetworkFormat = "heatnet-network/1";
inline constexpr const char* kResultsFormat = "heatnet-results/1";
}  // namespace heatnet
