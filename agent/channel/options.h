#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

#include "channel/events.h"

namespace pyrolog::channel {

enum class SyncPolicy {
  always,    // an append is acknowledged after an fdatasync that covers it (appends in flight share one)
  interval,  // group commit: fdatasync every `sync_interval`; an append is acknowledged when its group is
             // synced
  never,     // acknowledged once written to the file; the kernel writes it back when it likes (no fdatasync,
             // except flush(), which does a syncfs)
};

struct Options {
  std::filesystem::path directory;  // created if missing
  SyncPolicy sync = SyncPolicy::interval;
  std::chrono::milliseconds sync_interval{100};
  // `interval` also starts a group commit as soon as this many bytes were appended since the last one began
  // (0: only the interval). A fast writer then commits in smaller groups, so readers see its frames sooner
  // and fewer of them are at risk at any time.
  std::uint64_t sync_bytes = 0;
  std::uint64_t max_bytes = 1ull << 30;       // bytes of segment files retained, headers included
  std::uint64_t segment_bytes = 64ull << 20;  // a segment is closed when the next frame would not fit
  std::uint32_t max_frame_bytes = 16u << 20;  // largest payload; capped to what fits in a segment
  // Readers whose data is retained from the start even before they are opened. Readers with a cursor file in
  // the directory are known too; a reader first opened later starts at the oldest frame still retained.
  std::vector<std::string> readers;
  // Acknowledgements are persisted in the background at this period (and on close, Reader::flush_cursor and
  // reader close). A crash loses at most this much acknowledgement progress: redelivery, never loss.
  std::chrono::milliseconds cursor_flush_interval{1000};
  EventCallback on_event;  // optional

  // Tests only: called by the sync thread before each segment fdatasync; a non-empty result is used as that
  // fdatasync's failure (to exercise the group-commit rollback without a failing disk).
  std::function<std::error_code(std::uint64_t segment_id)> sync_fault_for_testing;
};

// Checks the options; `max_frame_bytes` is capped to what fits in a segment.
std::error_code validate(Options& options);

}  // namespace pyrolog::channel
