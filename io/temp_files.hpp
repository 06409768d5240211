// Hidden temporary files beside an output (results HDF5, network JSON) and the clean-up of the
// ones a killed process left behind.
//
// Name: ".<output name>.<tag>-<pid>-<8 hex digits>" in the output's folder (same file system, so
// the final rename is atomic; hidden, so a half-written file never looks like a result). A file
// staged under such a name gets its own temporary beside it ("..<name>.sim-<pid>-<hex>.tmp-...").
// Every new temporary name first removes the temporary files of the same output whose process
// is gone (kill(pid, 0) fails with ESRCH), so a SIGKILL costs disk space only until the next run
// writing the same output. docs/time-series.md, "Stale temporary files".
#pragma once
#include <cstddef>
#include <filesystem>
#include <string_view>
#include <system_error>

namespace heatnet::io::detail {

// Renames the finished temporary file `from` onto `to`, atomically: `to` holds the old file or
// the new one, never neither. An existing regular file is swapped out (renameat2
// RENAME_EXCHANGE) and then removed: a plain rename over it makes ext4 write the new file's
// data out first (its auto_da_alloc heuristic), 0.3-3 ms that a --sync-less run does not ask
// for. Falls back to rename() where exchanging is not supported. Sets `ec` on failure.
void replace_file(const std::filesystem::path& from, const std::filesystem::path& to,
                  std::error_code& ec) noexcept;

// A fresh hidden name beside `target` for this process (see above); removes stale ones first.
std::filesystem::path hidden_temp_path(const std::filesystem::path& target, std::string_view tag);

// The pid in a temporary name of `target` ("tmp"/"sim" tags, possibly nested), or -1 when
// `file_name` is not one.
long temp_file_owner(std::string_view file_name, std::string_view target_name);

// Removes the temporary files of `target` whose owning process no longer runs; returns how many.
// Never throws: a file it cannot remove is left in place.
std::size_t remove_stale_temp_files(const std::filesystem::path& target) noexcept;

}  // namespace heatnet::io::detail
