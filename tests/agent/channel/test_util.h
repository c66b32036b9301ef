#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <span>
#include <stdlib.h>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "channel/channel.h"

namespace pyrolog::channel::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at the end of the test.
class TempDir {
 public:
  enum class Where { disk, memory };
  // `memory` (/dev/shm when present) is for tests that open thousands of channels and do not need a disk.
  explicit TempDir(Where where = Where::disk) {
    const char* base = std::getenv("TMPDIR");
    std::string root = base != nullptr ? base : "/tmp";
    if (where == Where::memory && std::filesystem::is_directory("/dev/shm")) root = "/dev/shm";
    std::string pattern = root + "/channel-test-XXXXXX";
    char* made = ::mkdtemp(pattern.data());
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline std::span<const std::byte> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

inline std::string as_string(std::span<const std::byte> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Polls `condition` until it holds or `timeout` passes; returns whether it held. No fixed sleeps in tests.
inline bool wait_until(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

inline Options small_options(const std::filesystem::path& dir, SyncPolicy sync = SyncPolicy::never) {
  Options o;
  o.directory = dir;
  o.sync = sync;
  o.sync_interval = std::chrono::milliseconds(5);
  o.segment_bytes = 4096;
  o.max_bytes = 1 << 20;
  o.readers = {"main"};
  return o;
}

inline std::unique_ptr<Channel> open_channel(const Options& options) {
  auto channel = Channel::open(options);
  EXPECT_TRUE(channel.ok()) << channel.error().message();
  return channel ? std::move(*channel) : nullptr;
}

inline std::string record(std::uint64_t n, std::size_t size = 100) {
  std::string s = "record-" + std::to_string(n) + ":";
  while (s.size() < size)
    s.push_back(static_cast<char>('a' + (n + s.size()) % 26));
  return s;
}

// Reads every frame available now.
inline std::vector<Frame> read_all(Reader& reader) {
  std::vector<Frame> frames;
  for (;;) {
    auto frame = reader.read();
    EXPECT_TRUE(frame.ok()) << frame.error().message();
    if (!frame || !*frame) return frames;
    frames.push_back(std::move(**frame));
  }
}

inline std::vector<std::string> payloads(const std::vector<Frame>& frames) {
  std::vector<std::string> out;
  for (const auto& f : frames)
    out.push_back(as_string(f.payload));
  return out;
}

inline std::vector<std::byte> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(chars.size());
  std::memcpy(out.data(), chars.data(), chars.size());
  return out;
}

inline void write_file(const std::filesystem::path& path, std::span<const std::byte> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline std::vector<std::filesystem::path> segment_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".seg") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace pyrolog::channel::testing
