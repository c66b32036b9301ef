#pragma once

#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

namespace pyrolog::channel {

struct ReaderStats {
  std::string name;
  bool open = false;                 // a Reader object holds it
  std::uint64_t acked_next_seq = 0;  // every frame before this sequence number is acknowledged
  std::uint64_t lag_frames = 0;  // committed frames not yet acknowledged (sequence numbers, so gaps count)
  std::uint64_t lag_bytes = 0;   // bytes of segment data after the acknowledged position
};

// A consistent snapshot, taken under the channel's lock.
struct Stats {
  std::uint64_t retained_bytes = 0;  // size of the segment files, headers included
  std::uint64_t max_bytes = 0;
  std::uint64_t segments = 0;
  std::uint64_t retained_frames = 0;  // sequence numbers spanned by the retained segments
  std::uint64_t next_seq = 0;         // sequence number of the next append
  std::uint64_t committed_seq = 0;  // frames before this are acknowledged to appenders and visible to readers
  std::uint64_t appended_frames = 0;         // since open
  std::uint64_t appended_bytes = 0;          // payload bytes since open
  std::uint64_t full_rejections = 0;         // try_append calls answered Errc::full
  std::uint64_t syncs = 0;                   // fdatasync rounds (group commits)
  std::uint64_t corrupt_frames_skipped = 0;  // damaged frames/regions found, each counted once
  std::uint64_t corrupt_bytes_skipped = 0;
  std::uint64_t corrupt_segment_headers = 0;
  std::uint64_t torn_tails_cut = 0;
  std::uint64_t torn_bytes_cut = 0;
  std::uint64_t append_errors = 0;  // appends that failed with an I/O error
  std::uint64_t sync_errors = 0;    // group commits whose fdatasync failed (their appends failed)
  std::uint64_t io_errors = 0;      // every failed I/O operation, including the two above
  bool error_state = false;         // the last append or sync failed; cleared by the next one that succeeds
  std::error_code last_error;       // the most recent I/O error (kept after error_state clears)
  std::string last_error_detail;    // what was being done, on which file
  std::vector<ReaderStats> readers;
};

}  // namespace pyrolog::channel
