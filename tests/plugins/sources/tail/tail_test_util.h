#pragma once

#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include "../support/fake_source_context.h"
#include "file_input/position_store.h"
#include "tail_config.h"

namespace pyrolog::testing {

inline void append(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("open " + path);
  const ssize_t n = ::write(fd, text.data(), text.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) throw std::runtime_error("write " + path);
}

inline std::uint64_t inode_of(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_ino;
}

inline TailConfig tail_config(const TempDir& dir, const std::string& pattern = "logs/*.log") {
  TailConfig c;
  c.include = {(dir.path() / pattern).string()};
  c.scan_interval = std::chrono::milliseconds(100);
  c.rotate_wait = std::chrono::milliseconds(200);
  c.commit_interval = std::chrono::milliseconds(50);
  return c;
}

inline std::vector<files::FilePosition> saved_positions(const TempDir& dir) {
  return files::PositionStore(dir.path() / "state" / "positions.json").load().positions;
}

// Polls `pred` until it holds or `timeout` passes.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// Whether any of this process's descriptors is open on `path` (even deleted).
inline bool process_has_open(const std::string& path) {
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink(e.path(), ec).string();
    if (!ec && (target == path || target == path + " (deleted)")) return true;
  }
  return false;
}

}  // namespace pyrolog::testing
