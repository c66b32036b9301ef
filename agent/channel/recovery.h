#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "channel/cursor_store.h"
#include "channel/events.h"
#include "channel/result.h"

namespace pyrolog::channel {

struct RecoveredSegment {
  std::uint64_t id = 0;
  std::uint64_t first_seq = 0;
  std::uint64_t end = 0;  // readable data ends here (the file size, or the cut point of the last segment)
  bool header_ok = true;
};

struct RecoveredReader {
  std::string name;
  Cursor cursor;         // already clamped to the retained frames
  bool rewrite = false;  // the cursor file is missing or unusable: write `cursor` to it
};

struct RecoveryResult {
  std::vector<RecoveredSegment> segments;  // ascending id, all readable
  std::uint64_t next_seq = 1;
  std::uint64_t next_segment_id = 1;
  bool last_segment_appendable = false;  // the last segment has a good header and was cut cleanly
  std::vector<RecoveredReader> readers;  // sorted by name
  std::vector<Event> events;             // in the order found
  std::uint64_t corrupt_frames = 0;
  std::uint64_t corrupt_bytes = 0;
  std::uint64_t corrupt_segment_headers = 0;
  std::uint64_t torn_tails = 0;
  std::uint64_t torn_bytes = 0;
  std::uint64_t io_errors = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> damage_seen;  // (segment, offset) already counted
};

// Brings a channel directory into a state the channel can append to and read from, and says what it found.
// Reads the cursor files and every segment header; walks the frames of the last segment only (to cut a torn
// tail) and of segments whose header is damaged (to find their first frame). Never refuses because of the
// directory's contents: a torn tail is truncated, segments with nothing readable are deleted, leftover
// temporary files are deleted, unknown files are left alone, bad cursors fall back to the oldest retained
// frame. Fails only on I/O errors that prevent listing the directory.
Result<RecoveryResult> recover_channel_directory(const std::filesystem::path& dir,
                                                 const std::vector<std::string>& declared_readers);

}  // namespace pyrolog::channel
