// Why: glibc's malloc serves each block from 128 KiB on (the bound rises to 32 MiB as such
// blocks are freed) with a mapping of its own, which it returns to the kernel when the block is
// freed. A command reads a network into definitions, compiles them and frees them, then
// solves: every large block freed on the way was given back, and the solve faults fresh
// zeroed pages in again, one 4 KiB page at a time. Served from the heap, freed blocks are
// reused by the next allocations. The heap's top is still given back above glibc's trim
// threshold, so memory freed last does not stay (measured on the 1e6-pipe realistic network,
// whole `heatnet solve`: page faults 395,700 -> 309,500, system time 1.09 -> 0.92 s, wall
// 0.97x in pairs, peak 913 -> 917 MiB).
// Where the heap cannot grow (address space taken), glibc still maps the block.
#include "cli/heap_policy.hpp"

#include <malloc.h>

namespace heatnet::cli {

void keep_large_blocks_in_heap() { ::mallopt(M_MMAP_MAX, 0); }

}  // namespace heatnet::cli
