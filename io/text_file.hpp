// Whole-file reads and atomic whole-file writes for the text formats (network JSON).
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace heatnet::io::json_detail {

// The file's bytes; throws IoError naming the file and the OS reason. A regular file's string
// has kReadAheadBytes of capacity past its end, so the fast JSON reader can use it in place.
std::string read_file_bytes(const std::filesystem::path& path);

// Writes `bytes` to a temporary file in the target's folder, flushes it to disk and renames it
// onto `path`, so readers see the old file or the complete new one, never a partial one.
// Throws IoError; the temporary file is removed on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

}  // namespace heatnet::io::json_detail
