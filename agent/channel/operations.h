#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "channel/result.h"

// Offline operator functions behind `pyrolog channel inspect|verify|repair DIR`. They work on the files
// alone. inspect and verify only read (they may run while a channel has the directory open, and then describe
// a moving target); repair takes the channel's lock and fails with Errc::locked while a channel has it open.
namespace pyrolog::channel {

struct SegmentReport {
  std::uint64_t id = 0;
  std::string file;
  std::uint64_t file_bytes = 0;
  bool header_ok = false;
  std::string header_status;    // "ok" or what is wrong with it
  std::uint64_t first_seq = 0;  // from the header (or the first readable frame when the header is bad)
  std::uint64_t frames = 0;     // readable frames
  std::uint64_t payload_bytes = 0;
  std::optional<std::uint64_t> first_frame_seq;
  std::optional<std::uint64_t> last_frame_seq;
  std::uint64_t damaged_regions = 0;
  std::uint64_t damaged_bytes = 0;
  std::uint64_t tail_bytes = 0;  // unreadable bytes after the last readable frame (a torn tail)
};

struct ReaderReport {
  std::string name;
  std::string cursor_status;  // "ok", "empty", "corrupt", "unreadable"
  std::string detail;
  std::uint64_t next_seq = 0;    // first unacknowledged sequence number (0 when the cursor is unusable)
  std::uint64_t lag_frames = 0;  // readable frames at or after next_seq
  std::uint64_t lag_bytes = 0;   // their size on disk, headers included
};

struct Finding {
  std::string file;
  std::uint64_t segment_id = 0;
  std::uint64_t offset = 0;
  std::uint64_t bytes = 0;
  std::string what;
};

struct InspectReport {
  std::filesystem::path directory;
  bool in_use = false;  // a channel has the directory open
  std::vector<SegmentReport> segments;
  std::vector<ReaderReport> readers;
  std::vector<std::string> unknown_files;
  std::vector<std::string> temp_files;
  std::uint64_t total_bytes = 0;
  std::uint64_t total_frames = 0;
};

struct VerifyReport {
  InspectReport inspect;  // with payload checksums checked
  bool clean = true;
  std::vector<Finding> problems;  // every damaged region, bad header, bad cursor
};

struct RepairReport {
  bool changed = false;
  std::vector<Finding> dropped;      // what was removed because it could not be read
  std::vector<std::string> actions;  // what was done, one line each
  std::uint64_t bytes_dropped = 0;
  VerifyReport after;  // verify of the result
};

// Segments (sizes, frames, sequence ranges), readers and their lag, unknown files. Walks frame headers only.
Result<InspectReport> inspect_channel(const std::filesystem::path& dir);
// inspect, plus every payload checksum; `clean` when nothing is damaged.
Result<VerifyReport> verify_channel(const std::filesystem::path& dir);
// Keeps every readable frame and drops the rest: damaged segments are rewritten (atomically, one by one) with
// only their readable frames, segments with none are deleted, bad cursors are reset to the oldest frame
// (cursor hints are cleared when offsets change), leftover temporary files are deleted. Unknown files are
// left alone.
Result<RepairReport> repair_channel(const std::filesystem::path& dir);

}  // namespace pyrolog::channel
