#pragma once

#include <string>

#include "file_reader.h"
#include "log/log.h"
#include "metrics/metrics.h"

namespace pyrolog::files {

// The counters of what file reading did to lines, shared by the file sources. Over-long lines and invalid
// UTF-8 are also logged (at most one message per kind every 30 seconds, with the totals), so they are visible
// without a metrics scraper.
class ReaderMetrics {
 public:
  ReaderMetrics(ComponentMetrics& metrics, std::string component);
  void add(const ReadCounts& counts);

 private:
  std::string component_;
  Counter& too_long_;
  Counter& split_;
  Counter& invalid_utf8_;
  Counter& multiline_limited_;
  log::RateLimit long_log_{std::chrono::seconds(30)};
  log::RateLimit utf8_log_{std::chrono::seconds(30)};
};

}  // namespace pyrolog::files
