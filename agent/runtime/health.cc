#include "runtime/health.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/units.h"

namespace pyrolog {

std::string HealthReport::to_json() const {
  nlohmann::json out;
  out["status"] = healthy ? "ok" : "unhealthy";
  out["state"] = state;
  nlohmann::json list = nlohmann::json::array();
  nlohmann::json bad = nlohmann::json::array();
  for (const auto& c : components) {
    nlohmann::json item{{"component", c.name}, {"kind", c.kind}, {"type", c.type}, {"healthy", c.healthy}};
    if (!c.healthy) {
      item["reason"] = c.reason;
      bad.push_back({{"component", c.name}, {"kind", c.kind}, {"type", c.type}, {"reason", c.reason}});
    }
    list.push_back(std::move(item));
  }
  out["components"] = std::move(list);
  out["unhealthy"] = std::move(bad);
  return out.dump() + "\n";
}

std::vector<std::string> HealthReport::unhealthy_names() const {
  std::vector<std::string> out;
  for (const auto& c : components) {
    if (!c.healthy) out.push_back(c.name);
  }
  return out;
}

HealthReport HealthTracker::update(const std::vector<ComponentSnapshot>& components, Clock::time_point now) {
  HealthReport report;
  report.healthy = true;
  report.state = "running";
  std::map<std::string, Tracked> next;
  for (const auto& c : components) {
    ComponentHealth h{c.name, c.kind, c.type, true, {}};
    if (c.kind == "sink") {
      Tracked t;
      auto it = tracked_.find(c.name);
      // The clock starts again at each delivery, and when work arrives for a sink that had none.
      if (it == tracked_.end() || c.pending_batches == 0 || it->second.pending_batches == 0 ||
          c.sent_events != it->second.sent_events) {
        t = Tracked{c.sent_events, c.pending_batches, c.errors, now};
      } else {
        t = it->second;
        t.pending_batches = c.pending_batches;
      }
      const auto stalled = now - t.last_progress;
      if (stalled >= stall_) {
        h.healthy = false;
        h.reason = fmt::format(
            "no delivery for {} with {} batch(es) waiting; {} error(s) meanwhile",
            format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(stalled) / 1000 * 1000),
            c.pending_batches, c.errors - t.errors_at_progress);
      }
      next.emplace(c.name, t);
    }
    if (c.failed) {
      h.healthy = false;
      h.reason = fmt::format("stopped on an error: {}", c.failure);
    }
    if (!h.healthy) report.healthy = false;
    report.components.push_back(std::move(h));
  }
  tracked_ = std::move(next);
  return report;
}

}  // namespace pyrolog
