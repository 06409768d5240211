// How the command line's allocations are served (glibc's malloc), set once at start.
#pragma once

namespace heatnet::cli {

// Large blocks from the heap instead of mappings of their own, so that a command reuses the
// memory it frees (see heap_policy.cpp). Call before anything large is allocated.
void keep_large_blocks_in_heap();

}  // namespace heatnet::cli
