// Transparent huge pages for the memory of large networks.
#pragma once
#include <string>

namespace heatnet::cli {

// Networks from this file size on (about 55,000 pipes in JSON) run with huge pages.
inline constexpr long long kHugePagesFromBytes = 16LL << 20;

// Re-executes this process once with glibc's malloc asking the kernel for transparent huge
// pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1) when `network_path` is a file of at least
// kHugePagesFromBytes; returns (and the command runs on in this process) otherwise, or when
// re-executing is not possible.
void reexec_with_huge_pages(const std::string& network_path, char** argv);

}  // namespace heatnet::cli
