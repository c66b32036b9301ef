#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "base/complete_lines.h"

namespace pyrolog {

struct RollingFilePolicy {
  std::uint64_t roll_bytes = 0;                // 0: never by size
  std::chrono::milliseconds roll_interval{0};  // 0: never by time
  std::uint32_t max_files = 0;                 // rolled files kept; 0: all
  bool sync = false;                           // fdatasync after every append
  // Where the last complete record of the file ends (by default, its last line): open() cuts off what
  // follows, a record a crash left half-written.
  FindCompleteEnd find_complete_end = find_complete_lines_end;
};

// An append-only file at `path` that rolls: the full file is renamed to `path.YYYYMMDDTHHMMSSZ` (with `-N`
// when that name exists), a new one is started, and the oldest rolled files beyond `max_files` are deleted.
// An append is all or nothing: when a write fails halfway, the file is cut back to where it was, so a retry
// does not duplicate a partial batch, and the file is closed, so the retry opens the path anew. A crash in
// the middle of an append can still leave a record half-written; open() cuts it off. Not thread-safe: one
// owner.
class RollingFile {
 public:
  RollingFile(std::filesystem::path path, RollingFilePolicy policy);
  ~RollingFile();
  RollingFile(const RollingFile&) = delete;
  RollingFile& operator=(const RollingFile&) = delete;

  // Creates the directory and opens (or continues) the active file, cutting off a record left half-written.
  std::error_code open();
  // The bytes open() has cut off so far.
  std::uint64_t cut_at_open() const { return cut_at_open_; }
  // Appends `data` whole, rolling first if the size or age limit says so.
  std::error_code append(std::string_view data);

  // A batch written in parts, so that each part is still in the CPU's cache when the kernel copies it.
  // begin_batch() rolls first if `expected` more bytes would take the file past its size limit, or if the
  // file is due by age; write_part() appends; end_batch() syncs if the policy says so. A part that fails cuts
  // the file back to where the batch began and closes it, as append() does.
  std::error_code begin_batch(std::uint64_t expected);
  std::error_code write_part(std::string_view data);
  std::error_code end_batch();
  // True when `more` bytes would take the file past its size limit and the batch did not begin on an empty
  // file (`expected` was too low). The caller then calls restart_batch() and writes the batch again from its
  // start: that cuts the file back to where the batch began, rolls, and begins the batch in the new file.
  bool part_passes_limit(std::uint64_t more) const;
  std::error_code restart_batch();
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
  // Cuts the file back to where the batch began; false if that failed.
  bool cut_back();
  // Cuts back and closes the file (a retry opens it anew); returns `ec`.
  std::error_code abandon_batch(std::error_code ec);
  void enforce_retention();
  // The UTC stamp and the `-N` suffix (0 when none) of a rolled file's name.
  std::pair<std::string, int> stamp_and_suffix(const std::filesystem::path& rolled) const;

  std::filesystem::path path_;
  RollingFilePolicy policy_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::uint64_t cut_at_open_ = 0;
  std::uint64_t batch_start_ = 0;  // size_ when the batch being written began
  std::chrono::steady_clock::time_point opened_at_{};
};

}  // namespace pyrolog
