// A one-line progress bar for long runs (time series). Drawn only when stdout is a terminal:
// piped or redirected output stays clean, with no carriage returns in log files.
#pragma once
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace heatnet::cli {

class ProgressBar {
 public:
  ProgressBar(std::string label, std::size_t total)
      : label_(std::move(label)), total_(total), enabled_(::isatty(STDOUT_FILENO) == 1) {}
  ~ProgressBar() { finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  bool enabled() const { return enabled_; }

  void update(std::size_t done) {
    if (!enabled_ || finished_ || total_ == 0) return;
    const std::size_t filled = kWidth * std::min(done, total_) / total_;
    if (filled == last_filled_ && done != total_) return;  // redraw only when it changes
    last_filled_ = filled;
    std::string bar(filled, '#');
    bar.resize(kWidth, '.');
    std::printf("\r%s [%s] %zu/%zu", label_.c_str(), bar.c_str(), done, total_);
    std::fflush(stdout);
  }

  // Ends the line so later output starts on a fresh one.
  void finish() {
    if (!enabled_ || finished_) return;
    finished_ = true;
    std::printf("\n");
    std::fflush(stdout);
  }

 private:
  static constexpr std::size_t kWidth = 40;
  std::string label_;
  std::size_t total_;
  bool enabled_;
  bool finished_ = false;
  std::size_t last_filled_ = static_cast<std::size_t>(-1);
};

}  // namespace heatnet::cli
