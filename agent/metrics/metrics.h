#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "metrics/histogram.h"

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

class MetricsRegistry;

// A gauge series that lives only while someone holds it (one per file a source follows, say), so that a
// family whose label values come and go does not grow without bound. The series leaves the registry when its
// last ScopedGauge goes (unless the same series is also held by `MetricsRegistry::gauge`). Move-only; must
// not outlive its registry.
class ScopedGauge {
 public:
  ScopedGauge() = default;
  ScopedGauge(ScopedGauge&& other) noexcept;
  ScopedGauge& operator=(ScopedGauge&& other) noexcept;
  ScopedGauge(const ScopedGauge&) = delete;
  ScopedGauge& operator=(const ScopedGauge&) = delete;
  ~ScopedGauge() { reset(); }

  void set(std::int64_t v) { gauge_->set(v); }
  std::int64_t value() const { return gauge_->value(); }
  explicit operator bool() const { return gauge_ != nullptr; }
  // Lets the series go now.
  void reset();

 private:
  friend class MetricsRegistry;
  MetricsRegistry* registry_ = nullptr;
  std::string name_;
  Labels labels_;
  Gauge* gauge_ = nullptr;
};

// Every metric of the process, by family name and labels; renders the Prometheus text format.
// Series are created once (at component start, or on the first drop of a new reason) and live as long as
// the registry: a reload keeps the totals of components that keep their names. Only ScopedGauge series go
// away.
class MetricsRegistry {
 public:
  // `scale` multiplies the stored integer when rendering, so that a series counted in a small unit is
  // exported in the Prometheus base unit: microseconds counted, seconds shown (scale 1e-6). Set by the first
  // caller.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels,
                   double scale = 1.0);
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels, double scale = 1.0);
  ScopedGauge scoped_gauge(const std::string& name, const std::string& help, const Labels& labels,
                           double scale = 1.0);
  // A histogram series `name` (exported as `name_bucket{le=...}`, `name_sum`, `name_count`). The first
  // caller sets the family's help, bucket bounds (in the exported unit) and scale; every series of a family
  // has the same buckets, so they can be summed.
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels,
                       std::span<const double> bounds, double scale = 1.0);

  std::string render_prometheus() const;
  // The value of one series, or 0 when it does not exist; for summaries and tests.
  std::uint64_t counter_value(const std::string& name, const Labels& labels) const;
  // The sum over every series of a family whose labels include `filter`.
  std::uint64_t counter_sum(const std::string& name, const Labels& filter = {}) const;

 private:
  friend class ScopedGauge;
  enum class Type { counter, gauge, histogram };
  struct GaugeSlot {
    std::unique_ptr<Gauge> gauge;
    std::size_t leases = 0;  // ScopedGauges holding it
    bool permanent = false;  // handed out by `gauge`: never removed
  };
  struct Family {
    std::string help;
    Type type = Type::counter;
    double scale = 1.0;
    std::vector<double> bounds;  // histograms
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, GaugeSlot> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
  };
  Family& family(const std::string& name, const std::string& help, Type type, double scale);
  void release(const std::string& name, const Labels& labels);
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
  // `pyrolog_component_batch_latency_seconds`, counted in nanoseconds: the time a batch spends in the
  // component (measured by the pipeline, see docs/operations.md).
  Histogram& batch_latency;

  // Events dropped on purpose or by a limit, by reason (`line_too_long`, `channel_full`, ...).
  Counter& dropped(const std::string& reason);
  // Anything else worth counting, as `pyrolog_<name>_total{component=...}`.
  Counter& counter(const std::string& name, const std::string& help, double scale = 1.0);
  Gauge& gauge(const std::string& name, const std::string& help, double scale = 1.0);
  // `pyrolog_<name>` with the component's labels and `extra` ones (a file's path), gone with its holder.
  ScopedGauge scoped_gauge(const std::string& name, const std::string& help, const Labels& extra);
  // `pyrolog_<name>` as a histogram (`name` ends in its unit, `_seconds`).
  Histogram& histogram(const std::string& name, const std::string& help, std::span<const double> bounds,
                       double scale = 1.0);

  const Labels& labels() const { return labels_; }

 private:
  MetricsRegistry& registry_;
  Labels labels_;
};

}  // namespace pyrolog
