#pragma once

#include "metrics/metrics.h"

namespace pyrolog {

// The tail source's own series, beside every component's.
struct TailMetrics {
  explicit TailMetrics(ComponentMetrics& m)
      : component(m),
        errors(m.errors),
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
        over_limit(m.counter("tail_files_over_limit", "Scans that matched more files than max_files.")),
        behind_bytes(
            m.gauge("tail_behind_bytes",
                    "Bytes the tail source has not read yet, over every file it follows (the size of "
                    "each file minus its read offset).")) {}

  // `pyrolog_tail_file_behind_bytes{path}`: one file's bytes not read yet. One series per path of a file held
  // open (so at most max_open_files of them), gone when no file at that path is open any more.
  ScopedGauge file_behind_bytes(const std::string& path) {
    return component.scoped_gauge(
        "tail_file_behind_bytes",
        "Bytes of one file the tail source holds open that it has not read yet (its size minus its read "
        "offset), by the path it was found at.",
        {{"path", path}});
  }

  ComponentMetrics& component;
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
  Gauge& behind_bytes;
};

}  // namespace pyrolog
