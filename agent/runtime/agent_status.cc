#include "runtime/agent_status.h"

namespace pyrolog {

void AgentStatus::set_state(std::string state) {
  std::lock_guard lock(mutex_);
  state_ = std::move(state);
}

void AgentStatus::set_health(HealthReport report) {
  std::lock_guard lock(mutex_);
  report_ = std::move(report);
}

HealthReport AgentStatus::health() const {
  std::lock_guard lock(mutex_);
  HealthReport out = report_;
  out.state = state_;
  if (state_ != "running") out.healthy = false;
  return out;
}

}  // namespace pyrolog
