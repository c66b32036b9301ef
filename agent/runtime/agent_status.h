#pragma once

#include <mutex>
#include <string>

#include "runtime/health.h"

namespace pyrolog {

// The latest health of the running agent, written by the supervisor, read by `/health`. Thread-safe.
class AgentStatus {
 public:
  AgentStatus() { report_.state = "starting"; }

  // `starting`, `running`, `reloading`, `stopping`: anything but `running` is unhealthy.
  void set_state(std::string state);
  void set_health(HealthReport report);
  HealthReport health() const;

 private:
  mutable std::mutex mutex_;
  std::string state_ = "starting";
  HealthReport report_;
};

}  // namespace pyrolog
