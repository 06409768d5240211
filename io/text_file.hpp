// Whole-file reads and atomic whole-file writes for the text formats (network JSON).
#pragma once
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace heatnet::io::json_detail {

// A file's bytes, followed by kReadAheadBytes of zeros (readable: the fast JSON reader parses
// the buffer in place): a heap buffer the file was read into (not zero-filled first:
// std::string::resize would write a 300 MB file's worth of zeros), or a read-only mapping of
// the file (read_file_bytes says when).
class FileBytes {
 public:
  // How the bytes are given back: munmap of mapped_length bytes, or delete[] where that is 0.
  struct Release {
    std::size_t mapped_length = 0;
    void operator()(char* bytes) const;
  };
  using Buffer = std::unique_ptr<char[], Release>;
  FileBytes() = default;
  FileBytes(Buffer buffer, std::size_t size, std::size_t capacity)
      : buffer_(std::move(buffer)), size_(size), capacity_(capacity) {}
  std::string_view view() const { return {buffer_.get(), size_}; }
  operator std::string_view() const { return view(); }  // NOLINT: the bytes, for the parsers
  std::size_t size() const { return size_; }
  // Readable bytes at view().data(): size() + kReadAheadBytes at least.
  std::size_t capacity() const { return capacity_; }

 private:
  Buffer buffer_;
  std::size_t size_ = 0, capacity_ = 0;
};

// Regular files from this size on are mapped (read_file_bytes); a few pages are cheaper to read.
inline constexpr std::size_t kMapFromBytes = std::size_t{1} << 20;

// The file's bytes; throws IoError naming the file and the OS reason. Regular files of
// kMapFromBytes or more are mapped, smaller ones and anything else (pipes, /proc) read.
FileBytes read_file_bytes(const std::filesystem::path& path);

// Writes `bytes` to a temporary file in the target's folder, flushes it to disk and renames it
// onto `path`, so readers see the old file or the complete new one, never a partial one.
// Throws IoError; the temporary file is removed on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

}  // namespace heatnet::io::json_detail
