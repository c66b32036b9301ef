#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace pyrolog {

using Labels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing count. Increments are relaxed atomics: cheap enough per batch.
class Counter {
 public:
  void add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void set(std::int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void add(std::int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Every metric of the process, by family name and labels; renders the Prometheus text format.
// Series are created once (at component start, or on the first drop of a new reason) and live as long as
// the registry: a reload keeps the totals of components that keep their names.
class MetricsRegistry {
 public:
  // `scale` multiplies the stored integer when rendering, so that a series counted in a small unit is
  // exported in the Prometheus base unit: microseconds counted, seconds shown (scale 1e-6). Set by the first
  // caller.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels,
                   double scale = 1.0);
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels, double scale = 1.0);

  std::string render_prometheus() const;
  // The value of one series, or 0 when it does not exist; for summaries and tests.
  std::uint64_t counter_value(const std::string& name, const Labels& labels) const;
  // The sum over every series of a family whose labels include `filter`.
  std::uint64_t counter_sum(const std::string& name, const Labels& filter = {}) const;

 private:
  struct Family {
    std::string help;
    bool is_counter = true;
    double scale = 1.0;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

MetricsRegistry& global_metrics();

// The standard series of one component, created when the component is built.
class ComponentMetrics {
 public:
  ComponentMetrics(MetricsRegistry& registry, std::string component, std::string kind, std::string type);

  Counter& received_events;
  Counter& received_bytes;
  Counter& sent_events;
  Counter& sent_bytes;
  Counter& errors;

  // Events dropped on purpose or by a limit, by reason (`line_too_long`, `channel_full`, ...).
  Counter& dropped(const std::string& reason);
  // Anything else worth counting, as `pyrolog_<name>_total{component=...}`.
  Counter& counter(const std::string& name, const std::string& help, double scale = 1.0);
  Gauge& gauge(const std::string& name, const std::string& help, double scale = 1.0);

  const Labels& labels() const { return labels_; }

 private:
  MetricsRegistry& registry_;
  Labels labels_;
};

}  // namespace pyrolog
