#pragma once

#include <atomic>
#include <memory>

#include "plugin/source.h"
#include "stream_input.h"
#include "syslog_config.h"
#include "time_zone.h"

namespace pyrolog::syslog {

using stream_input::Listener;

// What the listeners of one source share: the config, the zone, the counters, and the stream connections'
// settings, limits and decoder factory.
struct SourceState {
  SourceState(const SyslogConfig& c, timestamp::TimeZone z);

  const SyslogConfig& config;
  const timestamp::TimeZone zone;
  std::atomic<bool> stopping{false};
  stream_input::StreamShared streams;

  Counter* parse_failures = nullptr;
  Counter* truncated = nullptr;
  Counter* too_long = nullptr;
  Counter* framing_errors = nullptr;
  Counter* kernel_drops = nullptr;

  void init_metrics(ComponentMetrics& m);
};

}  // namespace pyrolog::syslog
