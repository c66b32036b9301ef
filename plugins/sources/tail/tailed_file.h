#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "base/unique_fd.h"
#include "file_input/file_identity.h"
#include "file_input/file_reader.h"
#include "file_input/position_tracker.h"

namespace pyrolog {

using TailClock = std::chrono::steady_clock;

// One file the tail source reads.
struct TailedFile {
  enum class State {
    following,  // at a path the patterns match; its descriptor may be closed while idle or waiting for a slot
    draining,   // renamed away, deleted or replaced: read to its end, then released
  };

  std::uint64_t id = 0;
  files::PositionTracker::StreamId stream = 0;
  std::string path;      // where it was found: the `file.path` of its events
  std::string location;  // where it is now (a rotated file's new name): what its saved position points at
  files::FileIdentity identity;
  UniqueFd fd;
  std::unique_ptr<files::FileReader> reader;
  State state = State::following;

  bool ready = false;                 // may have bytes to read (queued)
  bool queued = false;                // in the ready queue
  bool at_end = false;                // the last read reached the end of the file
  bool waiting_for_slot = false;      // wants to be opened, and max_open_files is reached
  TailClock::time_point last_data{};  // when bytes last came (or it was opened, or rotated)
  std::uint64_t submitted_end = 0;    // the settled offset last handed to the tracker
  std::size_t last_batch_events = 0;  // in the batch of its last read: what the next one reserves
};

}  // namespace pyrolog
