// A fresh, uniquely named directory per test, removed (with its contents) afterwards.
#pragma once
#include <filesystem>
#include <random>
#include <string>
#include <system_error>
#include <vector>

namespace heatnet::testing {

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& prefix = "heatnet_test_") {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / (prefix + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // Names of the files in the directory (to assert that nothing is left behind).
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(path)) names.push_back(e.path().filename());
    return names;
  }
};

}  // namespace heatnet::testing
