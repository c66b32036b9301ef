#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pyrolog {

// What the pipeline says about one component at one moment (`Pipeline::snapshot`).
struct ComponentSnapshot {
  std::string name;
  std::string kind;  // source, transform, sink
  std::string type;
  bool failed = false;  // its coroutine ended with an error
  std::string failure;  // why
  std::uint64_t sent_events = 0;
  std::uint64_t errors = 0;
  std::uint64_t pending_batches = 0;  // sinks: batches in the channel not yet acknowledged
};

struct ComponentHealth {
  std::string name;
  std::string kind;
  std::string type;
  bool healthy = true;
  std::string reason;  // empty when healthy
};

struct HealthReport {
  bool healthy = false;
  std::string state;  // starting, running, reloading, stopping
  std::vector<ComponentHealth> components;

  // `{"status":"ok"|"unhealthy","state":...,"components":[...],"unhealthy":[{"component":..,"reason":..}]}`
  std::string to_json() const;
  // The names of the unhealthy components, for logs.
  std::vector<std::string> unhealthy_names() const;
};

// Turns a series of snapshots into health. The rules:
// - a component whose coroutine ended with an error is unhealthy until the pipeline is replaced (reload);
// - a sink is unhealthy when batches have waited for it and it delivered nothing (its sent events did not
//   move) for `sink_stall_timeout`; it is healthy again at its next delivery, or once nothing waits.
// Not thread-safe: one owner calls `update`.
class HealthTracker {
 public:
  using Clock = std::chrono::steady_clock;
  explicit HealthTracker(std::chrono::milliseconds sink_stall_timeout) : stall_(sink_stall_timeout) {}

  HealthReport update(const std::vector<ComponentSnapshot>& components, Clock::time_point now);
  // Forgets what it tracked (a new pipeline).
  void reset() { tracked_.clear(); }

 private:
  struct Tracked {
    std::uint64_t sent_events = 0;
    std::uint64_t pending_batches = 0;
    std::uint64_t errors_at_progress = 0;
    Clock::time_point last_progress;
  };
  std::chrono::milliseconds stall_;
  std::map<std::string, Tracked> tracked_;
};

}  // namespace pyrolog
