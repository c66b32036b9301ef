#include "channel/events.h"

namespace pyrolog::channel {

std::string_view to_string(Severity severity) noexcept {
  switch (severity) {
    case Severity::info:
      return "info";
    case Severity::warning:
      return "warning";
    case Severity::error:
      return "error";
  }
  return "?";
}

std::string_view to_string(EventKind kind) noexcept {
  switch (kind) {
    case EventKind::torn_tail_cut:
      return "torn_tail_cut";
    case EventKind::corrupt_frame_skipped:
      return "corrupt_frame_skipped";
    case EventKind::segment_header_corrupt:
      return "segment_header_corrupt";
    case EventKind::segment_dropped:
      return "segment_dropped";
    case EventKind::segment_unsupported:
      return "segment_unsupported";
    case EventKind::cursor_missing:
      return "cursor_missing";
    case EventKind::cursor_corrupt:
      return "cursor_corrupt";
    case EventKind::cursor_ahead:
      return "cursor_ahead";
    case EventKind::unknown_file:
      return "unknown_file";
    case EventKind::temp_file_removed:
      return "temp_file_removed";
    case EventKind::io_error:
      return "io_error";
  }
  return "?";
}

}  // namespace pyrolog::channel
