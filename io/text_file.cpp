#include "io/text_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

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

}  // namespace

FileBytes read_file_bytes(const std::filesystem::path& path) {
  // ifstream would "open" a directory and then fail to read with no useful reason.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(path, "cannot open for reading", errno);
  // A regular file is read straight into a buffer of its size (a 300 MB network is one
  // allocation, never copied); past that size the reading goes on in 64 KiB pieces into a
  // buffer that doubles, so a file that grows while read, or a pipe (size 0), is read whole.
  struct stat st {};
  std::size_t room = 0;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
    room = static_cast<std::size_t>(st.st_size);
  auto buffer = std::make_unique_for_overwrite<char[]>(room + kReadAheadBytes);
  std::size_t size = 0;
  char piece[1 << 16];
  for (;;) {
    const bool in_place = size < room;
    char* into = in_place ? buffer.get() + size : piece;
    const ssize_t n = ::read(fd, into, in_place ? room - size : sizeof piece);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      fail(path, "cannot read", err);
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
  ::close(fd);
  std::memset(buffer.get() + size, 0, kReadAheadBytes);
  return {std::move(buffer), size, size + kReadAheadBytes};
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
