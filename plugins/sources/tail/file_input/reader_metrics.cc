#include "reader_metrics.h"

namespace pyrolog::files {

ReaderMetrics::ReaderMetrics(ComponentMetrics& metrics, std::string component)
    : component_(std::move(component)),
      too_long_(metrics.dropped("line_too_long")),
      split_(metrics.counter("file_lines_split", "Lines over max_line_bytes split into pieces.")),
      invalid_utf8_(metrics.counter("file_invalid_utf8_events", "Events whose bytes are not valid UTF-8.")),
      multiline_limited_(metrics.counter("file_multiline_limited",
                                         "Multiline events ended early by max_lines or max_bytes.")) {}

void ReaderMetrics::add(const ReadCounts& c) {
  if (c.truncated + c.dropped > 0) too_long_.add(c.truncated + c.dropped);
  if (c.split > 0) split_.add(c.split);
  if (c.invalid_utf8 > 0) invalid_utf8_.add(c.invalid_utf8);
  if (c.multiline_limited > 0) multiline_limited_.add(c.multiline_limited);
  std::uint64_t suppressed = 0;
  if (c.truncated + c.dropped + c.split > 0 && long_log_.allow(suppressed)) {
    log::warn(component_,
              "lines longer than max_line_bytes: {} truncated or dropped, {} split so far (line_too_long, "
              "file_lines_split)",
              too_long_.value(), split_.value());
  }
  if (c.invalid_utf8 > 0 && utf8_log_.allow(suppressed)) {
    log::warn(component_, "events with invalid UTF-8: {} so far (file_invalid_utf8_events)",
              invalid_utf8_.value());
  }
}

}  // namespace pyrolog::files
