#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>

namespace pyrolog::channel {

enum class Severity { info, warning, error };

enum class EventKind {
  torn_tail_cut,           // open: the last segment ended in a partial frame; it was truncated
  corrupt_frame_skipped,   // a damaged frame or region was skipped (counted once per region)
  segment_header_corrupt,  // a segment's header is damaged; its frames are still read
  segment_dropped,         // open: a segment with nothing readable in it (no header, no frame) was deleted
  segment_unsupported,     // a segment of an unknown format version; left alone and not read
  cursor_missing,          // a declared reader has no cursor file: it starts at the oldest retained frame
  cursor_corrupt,          // a cursor file is empty, damaged or unreadable: the oldest retained frame is used
  cursor_ahead,            // a cursor points past the last frame on disk (frames lost without `always` sync)
  unknown_file,            // a file the channel does not know; left alone
  temp_file_removed,       // a leftover `*.tmp` from an interrupted atomic write was deleted
  io_error,                // an I/O operation failed (also recorded in Stats::last_error)
};

std::string_view to_string(Severity severity) noexcept;
std::string_view to_string(EventKind kind) noexcept;

// Something the channel found or did that an operator may want to know about.
struct Event {
  Severity severity = Severity::info;
  EventKind kind = EventKind::io_error;
  std::string file;              // file name within the channel directory, if any
  std::uint64_t segment_id = 0;  // 0 if not about a segment
  std::uint64_t offset = 0;      // byte offset in the file
  std::uint64_t bytes = 0;       // bytes concerned (cut, skipped...)
  std::error_code error;
  std::string message;  // one human-readable line that says all of the above
};

// Called from whichever thread found the event (see channel.h); must be thread-safe and must not call back
// into the channel's append path.
using EventCallback = std::function<void(const Event&)>;

}  // namespace pyrolog::channel
