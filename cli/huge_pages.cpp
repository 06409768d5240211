// Why: a solve of a large network touches all of its memory fresh. With 4 KiB pages every
// touched page is a page fault. Where the kernel's transparent huge pages are "madvise"
// (Debian's default), only memory marked for them gets 2 MiB pages, and glibc's malloc marks
// its heap and large blocks only when its tunable glibc.malloc.hugetlb=1 is set (glibc >= 2.35;
// older ones ignore it). The tunable is read when the process starts, so the CLI sets it and
// executes itself again, before it has read anything.
// Why only up to kHugePagesUpToBytes: each huge page needs a free 2 MiB block, and the more a
// run needs, the likelier they come from memory the kernel must compact first or (in a virtual
// machine whose host takes back free guest memory, free page reporting) that the host faults
// in again 4 KiB at a time. Measured on the 2-core VM the benchmarks run on (whole `heatnet
// solve`, realistic networks, pairs in turn, median wall with / without huge pages): 1e5 pipes
// (29 MB file, 103 MB peak) 0.29 / 0.38 s; 1.8e5 (52 MB, 174 MB) 0.78 / 0.77 s, spread
// 0.63-1.43x; 3e5 (88 MB, 288 MB) 1.51 / 1.19 s; 1e6 (294 MB, 915 MB) 5.70 / 4.67 s, system
// time 2.66 / 1.51 s (`heatnet check` of it 2.48 / 1.57 s). On the development machine of
// session 12 (bare metal) 1e6 pipes had gained 4 % (10.7 -> 10.3 s).
// Never when GLIBC_TUNABLES is set already: that is the user's choice (glibc.malloc.hugetlb=1
// asks for huge pages at any size), and it is how the re-executed process knows it is one.
// Small networks are not worth the second start-up (~1-2 ms, more than the faults of a few MB).
#include "cli/huge_pages.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

namespace heatnet::cli {

void reexec_with_huge_pages(const std::string& network_path, char** argv) {
  if (std::getenv("GLIBC_TUNABLES") != nullptr) return;
  struct stat st {};
  if (::stat(network_path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
      st.st_size < kHugePagesFromBytes || st.st_size > kHugePagesUpToBytes)
    return;
  if (::setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  ::unsetenv("GLIBC_TUNABLES");  // exec failed (no /proc): run on as we are
}

}  // namespace heatnet::cli
