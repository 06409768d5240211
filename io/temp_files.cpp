#include "io/temp_files.hpp"

#include <dirent.h>
#include <fcntl.h>  // renameat2, RENAME_EXCHANGE (glibc >= 2.28)
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <memory>
#include <random>
#include <string>

namespace heatnet::io::detail {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kTags[] = {"tmp", "sim"};
constexpr std::size_t kRandomDigits = 8;

bool is_hex(std::string_view s) {
  return s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// "<tag>-<pid>-<hex8>" making up `rest`, or followed by '.' and another such group (the
// temporary of a staged file): the first pid, else -1.
long owner_in(std::string_view rest) {
  for (const std::string_view tag : kTags) {
    if (rest.substr(0, tag.size() + 1) != std::string(tag) + "-") continue;
    rest.remove_prefix(tag.size() + 1);
    long pid = -1;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
    if (ec != std::errc() || pid <= 0 || end == rest.data() + rest.size() || *end != '-') return -1;
    rest.remove_prefix(static_cast<std::size_t>(end - rest.data()) + 1);
    const std::string_view digits = rest.substr(0, kRandomDigits);
    if (digits.size() != kRandomDigits || !is_hex(digits)) return -1;
    rest.remove_prefix(kRandomDigits);
    if (rest.empty()) return pid;
    return rest.front() == '.' && owner_in(rest.substr(1)) > 0 ? pid : -1;
  }
  return -1;
}

// False only when the process certainly does not exist (EPERM: it runs as another user).
bool process_alive(long pid) {
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH;
}

}  // namespace

long temp_file_owner(std::string_view name, std::string_view target_name) {
  for (const std::string_view dots : {std::string_view("."), std::string_view("..")}) {
    if (name.substr(0, dots.size()) != dots) continue;
    const std::string_view rest = name.substr(dots.size());
    if (rest.size() > target_name.size() && rest.substr(0, target_name.size()) == target_name &&
        rest[target_name.size()] == '.') {
      if (const long pid = owner_in(rest.substr(target_name.size() + 1)); pid > 0) return pid;
    }
  }
  return -1;
}

// Lists the folder with readdir() and looks at each bare name first: a path object per entry
// (std::filesystem::directory_iterator) cost ~2,500 instructions an entry, most of a small
// run's start-up in a folder like /tmp, where nearly no entry is a temporary file.
std::size_t remove_stale_temp_files(const fs::path& target) noexcept {
  std::size_t removed = 0;
  try {
    const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
    const std::string target_name = target.filename().string();
    const std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(folder.c_str()), ::closedir);
    if (!dir) return 0;
    while (const dirent* entry = ::readdir(dir.get())) {
      const long pid = temp_file_owner(entry->d_name, target_name);
      if (pid <= 0 || process_alive(pid)) continue;
      const fs::path path = folder / entry->d_name;
      std::error_code ec;
      if (fs::is_regular_file(path, ec) && fs::remove(path, ec)) ++removed;
    }
  } catch (...) {  // allocation failure while listing: leave the files, never fail the run
  }
  return removed;
}

void replace_file(const fs::path& from, const fs::path& to, std::error_code& ec) noexcept {
  ec.clear();
  struct stat st {};
  if (::lstat(to.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
      ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_EXCHANGE) == 0) {
    if (::unlink(from.c_str()) == 0) return;  // `from` now names the old file
    if (errno == ENOENT) return;
    // `to` turned into something else meanwhile (a directory): swap back, let rename() decide
    ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_EXCHANGE);
  }
  if (::rename(from.c_str(), to.c_str()) != 0) ec.assign(errno, std::generic_category());
}

fs::path hidden_temp_path(const fs::path& target, std::string_view tag) {
  remove_stale_temp_files(target);
  std::random_device rd;
  char suffix[80];
  std::snprintf(suffix, sizeof suffix, "-%ld-%08x", static_cast<long>(::getpid()), rd());
  std::string name = ".";  // appended, not concatenated: GCC 12 -Wrestrict false positive
  name.append(target.filename().string()).append(".").append(tag).append(suffix);
  return target.parent_path() / name;
}

}  // namespace heatnet::io::detail
