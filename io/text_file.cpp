#include "io/text_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include "heatnet/errors.hpp"
#include "io/network_json_fast.hpp"
#include "io/temp_files.hpp"

namespace heatnet::io::json_detail {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what, int err) {
  throw IoError(ErrorCode::io_error, "file", path.string(), "", "",
                what + " (" + std::strerror(err) + ")");
}

// Closes the descriptor and removes the temporary file unless released after the rename.
struct TempFile {
  int fd = -1;
  std::string name;
  ~TempFile() {
    if (fd >= 0) ::close(fd);
    if (!name.empty()) ::unlink(name.c_str());
  }
};

// The first `size` bytes of the regular file `fd` mapped privately and read-only, then
// anonymous zero pages for the read-ahead; nothing where the system declines (the caller reads
// instead). Why map: reading copies the file's cached pages into fresh memory, which faults in
// page by page (1e6-pipe network, 294 MB: ~0.19 s, 72,000 page faults); a mapping shares the
// cached pages, filled in one pass (MAP_POPULATE). The bytes after the end of the file's last
// page are zeros by the mapping's definition. The price, as with any mapped reader: a page
// that cannot be had when the parser reads it (another process truncated the file meanwhile,
// or the disk failed to read it) ends the process (SIGBUS) instead of an error.
std::optional<FileBytes> map_file(int fd, std::size_t size) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t length = (size + kReadAheadBytes + page - 1) / page * page;
  void* region = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (region == MAP_FAILED) return std::nullopt;
  FileBytes::Buffer buffer(static_cast<char*>(region), FileBytes::Release{length});
  if (::mmap(region, size, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0) == MAP_FAILED)
    return std::nullopt;
  return FileBytes(std::move(buffer), size, length);
}

// Reads the whole of `fd`: a regular file of `room` bytes straight into a buffer of its size
// (one allocation, never copied); past that size the reading goes on in 64 KiB pieces into a
// buffer that doubles, so a file that grows while read, or a pipe (room 0), is read whole.
FileBytes read_whole(int fd, std::size_t room, const std::filesystem::path& path) {
  auto buffer = std::make_unique_for_overwrite<char[]>(room + kReadAheadBytes);
  std::size_t size = 0;
  char piece[1 << 16];
  for (;;) {
    const bool in_place = size < room;
    char* into = in_place ? buffer.get() + size : piece;
    const ssize_t n = ::read(fd, into, in_place ? room - size : sizeof piece);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(path, "cannot read", errno);
    }
    if (n == 0) break;
    if (!in_place) {
      room = std::max(2 * room, size + sizeof piece);
      auto bigger = std::make_unique_for_overwrite<char[]>(room + kReadAheadBytes);
      std::memcpy(bigger.get(), buffer.get(), size);
      std::memcpy(bigger.get() + size, piece, static_cast<std::size_t>(n));
      buffer = std::move(bigger);
    }
    size += static_cast<std::size_t>(n);
  }
  std::memset(buffer.get() + size, 0, kReadAheadBytes);
  return {FileBytes::Buffer(buffer.release(), FileBytes::Release{0}), size, size + kReadAheadBytes};
}

// Closes a descriptor when it goes out of scope.
struct Descriptor {
  int fd;
  ~Descriptor() { ::close(fd); }
};

}  // namespace

void FileBytes::Release::operator()(char* bytes) const {
  if (mapped_length > 0)
    ::munmap(bytes, mapped_length);
  else
    delete[] bytes;
}

FileBytes read_file_bytes(const std::filesystem::path& path) {
  // ifstream would "open" a directory and then fail to read with no useful reason.
  const Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) fail(path, "cannot open for reading", errno);
  struct stat st {};
  std::size_t room = 0;
  if (::fstat(file.fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
    room = static_cast<std::size_t>(st.st_size);
  if (room >= kMapFromBytes)
    if (std::optional<FileBytes> mapped = map_file(file.fd, room)) return std::move(*mapped);
  return read_whole(file.fd, room, path);
}

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  // Hidden name in the same folder: rename() is only atomic within one file system.
  TempFile tmp;
  const std::filesystem::path temp_path = detail::hidden_temp_path(path, "tmp");
  tmp.fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (tmp.fd < 0) {
    const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : ".";
    fail(path, "cannot create a temporary file in " + folder.string(), errno);
  }
  tmp.name = temp_path.string();
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(tmp.fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(path, "cannot write", errno);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(tmp.fd) != 0) fail(path, "cannot flush to disk", errno);
  const int fd = tmp.fd;
  tmp.fd = -1;
  if (::close(fd) != 0) fail(path, "cannot close", errno);
  if (::rename(tmp.name.c_str(), path.c_str()) != 0) fail(path, "cannot rename into place", errno);
  tmp.name.clear();  // renamed: nothing to clean up
}

}  // namespace heatnet::io::json_detail
