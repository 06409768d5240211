// Transparent huge pages for the memory of mid-sized networks.
#pragma once
#include <string>

namespace heatnet::cli {

// Network files in this size range (about 55,000 to 165,000 pipes in JSON, ~60-170 MB of
// memory for a solve) run with huge pages; see huge_pages.cpp for why not beyond.
inline constexpr long long kHugePagesFromBytes = 16LL << 20;
inline constexpr long long kHugePagesUpToBytes = 48LL << 20;

// Re-executes this process once with glibc's malloc asking the kernel for transparent huge
// pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1) when `network_path` is a file of
// kHugePagesFromBytes to kHugePagesUpToBytes; returns (and the command runs on in this
// process) otherwise, or when re-executing is not possible.
void reexec_with_huge_pages(const std::string& network_path, char** argv);

}  // namespace heatnet::cli
