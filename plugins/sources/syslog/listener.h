#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "plugin/source.h"
#include "syslog_config.h"
#include "time_zone.h"

namespace pyrolog::syslog {

// What the listeners of one source share: the config, the zone, the counters and the connection limits.
struct SourceState {
  SourceState(const SyslogConfig& c, timestamp::TimeZone z) : config(c), zone(std::move(z)) {}

  const SyslogConfig& config;
  const timestamp::TimeZone zone;
  std::atomic<bool> stopping{false};

  Counter* parse_failures = nullptr;
  Counter* truncated = nullptr;
  Counter* too_long = nullptr;
  Counter* framing_errors = nullptr;
  Counter* kernel_drops = nullptr;
  Counter* refused = nullptr;
  Counter* idle_closed = nullptr;
  Counter* handshake_failures = nullptr;
  Gauge* connections = nullptr;

  void init_metrics(ComponentMetrics& m);

  // Stream connections over all listeners: false (nothing taken) when a limit is reached.
  bool take_connection(const std::string& peer);
  void release_connection(const std::string& peer);

 private:
  std::mutex mutex_;
  std::uint32_t open_ = 0;
  std::map<std::string, std::uint32_t> per_peer_;
};

// One socket a syslog source listens on.
class Listener {
 public:
  virtual ~Listener() = default;
  // Binds; throws std::runtime_error with a clear message when it cannot.
  virtual void open(SourceContext& ctx) = 0;
  // Until stopped and everything read is submitted.
  virtual Awaitable<void> run(SourceContext& ctx) = 0;
  // Thread-safe, returns at once (`state.stopping` is already set).
  virtual void stop() = 0;
  // What it bound, as a URL (`tcp://127.0.0.1:40123`).
  virtual std::string bound_address() const = 0;
  virtual Executor executor() = 0;
};

}  // namespace pyrolog::syslog
