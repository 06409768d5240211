// Whole-file reads and atomic whole-file writes for the text formats (network JSON).
#pragma once
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace heatnet::io::json_detail {

// A file's bytes, followed by kReadAheadBytes of zeros (readable: the fast JSON reader parses
// the buffer in place). The buffer is not zero-filled before the file is read into it
// (std::string::resize would write a 300 MB file's worth of zeros first).
class FileBytes {
 public:
  FileBytes() = default;
  FileBytes(std::unique_ptr<char[]> buffer, std::size_t size, std::size_t capacity)
      : buffer_(std::move(buffer)), size_(size), capacity_(capacity) {}
  std::string_view view() const { return {buffer_.get(), size_}; }
  operator std::string_view() const { return view(); }  // NOLINT: the bytes, for the parsers
  std::size_t size() const { return size_; }
  // Readable bytes at view().data(): size() + kReadAheadBytes at least.
  std::size_t capacity() const { return capacity_; }

 private:
  std::unique_ptr<char[]> buffer_;
  std::size_t size_ = 0, capacity_ = 0;
};

// The file's bytes; throws IoError naming the file and the OS reason.
FileBytes read_file_bytes(const std::filesystem::path& path);

// Writes `bytes` to a temporary file in the target's folder, flushes it to disk and renames it
// onto `path`, so readers see the old file or the complete new one, never a partial one.
// Throws IoError; the temporary file is removed on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

}  // namespace heatnet::io::json_detail
