// Why: a solve of a large network touches all of its memory fresh (a million pipes: ~1 GB
// read, parsed, built and solved). With 4 KiB pages every touched page is a page fault, some
// 250,000 of them, 0.5 s of system time at a million pipes. Where the kernel's transparent
// huge pages are "madvise" (Debian's default), only memory marked for them gets 2 MiB pages,
// and glibc's malloc marks its heap and large blocks only when its tunable
// glibc.malloc.hugetlb=1 is set (glibc >= 2.35; older ones ignore it). The tunable is read
// when the process starts, so the CLI sets it and executes itself again, before it has read
// anything. Measured (whole `heatnet solve` process, one core, pairs in turn): 1e5 pipes
// 0.55 -> 0.50 s, 1e6 pipes 10.7 -> 10.3 s wall, system time 0.96 -> 0.41 s; peak RSS +4 and
// +9 MiB (pages are taken 2 MiB at a time).
// Never when GLIBC_TUNABLES is set already: that is the user's choice, and it is how the
// re-executed process knows it is one. Small networks are not worth the second start-up
// (~1-2 ms, more than the faults of a few MB).
#include "cli/huge_pages.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

namespace heatnet::cli {

void reexec_with_huge_pages(const std::string& network_path, char** argv) {
  if (std::getenv("GLIBC_TUNABLES") != nullptr) return;
  struct stat st {};
  if (::stat(network_path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
      st.st_size < kHugePagesFromBytes)
    return;
  if (::setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  ::unsetenv("GLIBC_TUNABLES");  // exec failed (no /proc): run on as we are
}

}  // namespace heatnet::cli
