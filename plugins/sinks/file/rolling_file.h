#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace pyrolog {

struct RollingFilePolicy {
  std::uint64_t roll_bytes = 0;                // 0: never by size
  std::chrono::milliseconds roll_interval{0};  // 0: never by time
  std::uint32_t max_files = 0;                 // rolled files kept; 0: all
  bool sync = false;                           // fdatasync after every append
};

// An append-only file at `path` that rolls: the full file is renamed to `path.YYYYMMDDTHHMMSSZ` (with `-N`
// when that name exists), a new one is started, and the oldest rolled files beyond `max_files` are deleted.
// An append is all or nothing: when a write fails halfway, the file is cut back to where it was, so a retry
// does not duplicate a partial batch, and the file is closed, so the retry opens the path anew. Not
// thread-safe: one owner.
class RollingFile {
 public:
  RollingFile(std::filesystem::path path, RollingFilePolicy policy);
  ~RollingFile();
  RollingFile(const RollingFile&) = delete;
  RollingFile& operator=(const RollingFile&) = delete;

  // Creates the directory and opens (or continues) the active file.
  std::error_code open();
  // Appends `data` whole, rolling first if the size or age limit says so.
  std::error_code append(std::string_view data);
  // Rolls if the age limit has passed (called on a timer, so an idle file still rolls).
  std::error_code roll_if_due();
  std::error_code close();

  std::uint64_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }
  // Rolled files, oldest first.
  std::vector<std::filesystem::path> rolled_files() const;

 private:
  std::error_code roll();
  std::error_code write_all(std::string_view data);
  void enforce_retention();
  // The UTC stamp and the `-N` suffix (0 when none) of a rolled file's name.
  std::pair<std::string, int> stamp_and_suffix(const std::filesystem::path& rolled) const;

  std::filesystem::path path_;
  RollingFilePolicy policy_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::chrono::steady_clock::time_point opened_at_{};
};

}  // namespace pyrolog
