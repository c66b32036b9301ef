#pragma once

#include "metrics/metrics.h"

namespace pyrolog {

// The tail source's own series, beside every component's.
struct TailMetrics {
  explicit TailMetrics(ComponentMetrics& m)
      : errors(m.errors),
        received_events(m.received_events),
        received_bytes(m.received_bytes),
        files_followed(m.gauge("tail_files", "Files the tail source follows (open or not).")),
        files_open(m.gauge("tail_files_open", "Files the tail source holds open.")),
        rotations(
            m.counter("tail_rotations",
                      "Files renamed away or deleted while followed (read to their end, then released).")),
        truncations(
            m.counter("tail_truncations", "Files truncated or rewritten in place: read again from 0.")),
        copies(
            m.counter("tail_copies_recovered",
                      "Truncated files whose unread rest was found in a copy beside them (copytruncate).")),
        overflows(
            m.counter("tail_inotify_overflows", "inotify queue overflows, each followed by a full rescan.")),
        released(m.counter("tail_files_released", "Files read to their end and closed for good.")),
        over_limit(m.counter("tail_files_over_limit", "Scans that matched more files than max_files.")) {}

  Counter& errors;
  Counter& received_events;
  Counter& received_bytes;
  Gauge& files_followed;
  Gauge& files_open;
  Counter& rotations;
  Counter& truncations;
  Counter& copies;
  Counter& overflows;
  Counter& released;
  Counter& over_limit;
};

}  // namespace pyrolog
