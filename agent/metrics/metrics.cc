#include "metrics/metrics.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace pyrolog {
namespace {

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// HELP text escapes only backslashes and newlines (the Prometheus text format).
std::string escape_help(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_labels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    out += fmt::format("{}=\"{}\"", labels[i].first, escape_label(labels[i].second));
  }
  out += '}';
  return out;
}

bool includes(const Labels& labels, const Labels& filter) {
  return std::all_of(filter.begin(), filter.end(), [&](const auto& kv) {
    return std::find(labels.begin(), labels.end(), kv) != labels.end();
  });
}

}  // namespace

MetricsRegistry::Family& MetricsRegistry::family(const std::string& name, const std::string& help, Type type,
                                                 double scale) {
  Family& f = families_[name];
  if (f.help.empty()) {
    f.help = help;
    f.scale = scale;
  }
  f.type = type;
  return f;
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help, const Labels& labels,
                                  double scale) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, help, Type::counter, scale).counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help, const Labels& labels,
                              double scale) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, help, Type::gauge, scale).gauges[labels];
  if (!slot.gauge) slot.gauge = std::make_unique<Gauge>();
  slot.permanent = true;
  return *slot.gauge;
}

ScopedGauge MetricsRegistry::scoped_gauge(const std::string& name, const std::string& help,
                                          const Labels& labels, double scale) {
  ScopedGauge g;
  std::lock_guard lock(mutex_);
  auto& slot = family(name, help, Type::gauge, scale).gauges[labels];
  if (!slot.gauge) slot.gauge = std::make_unique<Gauge>();
  ++slot.leases;
  g.registry_ = this;
  g.name_ = name;
  g.labels_ = labels;
  g.gauge_ = slot.gauge.get();
  return g;
}

void MetricsRegistry::release(const std::string& name, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto f = families_.find(name);
  if (f == families_.end()) return;
  auto slot = f->second.gauges.find(labels);
  if (slot == f->second.gauges.end()) return;
  if (slot->second.leases > 0) --slot->second.leases;
  if (slot->second.leases == 0 && !slot->second.permanent) f->second.gauges.erase(slot);
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help, const Labels& labels,
                                      std::span<const double> bounds, double scale) {
  std::lock_guard lock(mutex_);
  Family& f = family(name, help, Type::histogram, scale);
  if (f.histograms.empty() && f.bounds.empty()) f.bounds.assign(bounds.begin(), bounds.end());
  auto& slot = f.histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(f.bounds, f.scale);
  return *slot;
}

void ScopedGauge::reset() {
  if (registry_ != nullptr) registry_->release(name_, labels_);
  registry_ = nullptr;
  gauge_ = nullptr;
}

ScopedGauge::ScopedGauge(ScopedGauge&& other) noexcept
    : registry_(std::exchange(other.registry_, nullptr)),
      name_(std::move(other.name_)),
      labels_(std::move(other.labels_)),
      gauge_(std::exchange(other.gauge_, nullptr)) {}

ScopedGauge& ScopedGauge::operator=(ScopedGauge&& other) noexcept {
  if (this != &other) {
    reset();
    registry_ = std::exchange(other.registry_, nullptr);
    name_ = std::move(other.name_);
    labels_ = std::move(other.labels_);
    gauge_ = std::exchange(other.gauge_, nullptr);
  }
  return *this;
}

namespace {

// A count in a small unit, in the base unit. Dividing by a whole number of units per base unit (1e9 ns in a
// second) is exact where multiplying by its inverse is not: 7 ns shows as 7e-09, not 7.000000000000001e-09.
double scaled(double v, double scale) {
  const double per = std::round(1.0 / scale);
  if (per >= 1 && std::fabs(1.0 / scale - per) < 1e-6 * per) return v / per;
  return v * scale;
}

std::string render_value(std::uint64_t v, double scale) {
  if (scale == 1.0) return fmt::format("{}", v);
  return fmt::format("{}", scaled(static_cast<double>(v), scale));
}

std::string render_value(std::int64_t v, double scale) {
  if (scale == 1.0) return fmt::format("{}", v);
  return fmt::format("{}", scaled(static_cast<double>(v), scale));
}

void render_histogram(std::string& out, const std::string& name, const Labels& labels, const Histogram& h,
                      double scale) {
  const Histogram::Snapshot s = h.snapshot();
  Labels with_le = labels;
  with_le.emplace_back("le", "");
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b < s.buckets.size(); ++b) {
    cumulative += s.buckets[b];
    with_le.back().second = b < h.bounds().size() ? fmt::format("{}", h.bounds()[b]) : "+Inf";
    out += fmt::format("{}_bucket{} {}\n", name, render_labels(with_le), cumulative);
  }
  out += fmt::format("{}_sum{} {}\n", name, render_labels(labels), render_value(s.sum, scale));
  out += fmt::format("{}_count{} {}\n", name, render_labels(labels), s.count);
}

}  // namespace

std::string MetricsRegistry::render_prometheus() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    if (f.counters.empty() && f.gauges.empty() && f.histograms.empty()) continue;  // scoped series all gone
    const char* type = f.type == Type::counter ? "counter" : f.type == Type::gauge ? "gauge" : "histogram";
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape_help(f.help), name, type);
    for (const auto& [labels, c] : f.counters)
      out += fmt::format("{}{} {}\n", name, render_labels(labels), render_value(c->value(), f.scale));
    for (const auto& [labels, g] : f.gauges)
      out += fmt::format("{}{} {}\n", name, render_labels(labels), render_value(g.gauge->value(), f.scale));
    for (const auto& [labels, h] : f.histograms)
      render_histogram(out, name, labels, *h, f.scale);
  }
  return out;
}

std::uint64_t MetricsRegistry::counter_value(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mutex_);
  auto f = families_.find(name);
  if (f == families_.end()) return 0;
  auto c = f->second.counters.find(labels);
  return c == f->second.counters.end() ? 0 : c->second->value();
}

std::uint64_t MetricsRegistry::counter_sum(const std::string& name, const Labels& filter) const {
  std::lock_guard lock(mutex_);
  auto f = families_.find(name);
  if (f == families_.end()) return 0;
  std::uint64_t sum = 0;
  for (const auto& [labels, c] : f->second.counters) {
    if (includes(labels, filter)) sum += c->value();
  }
  return sum;
}

MetricsRegistry& global_metrics() {
  static MetricsRegistry registry;
  return registry;
}

ComponentMetrics::ComponentMetrics(MetricsRegistry& registry, std::string component, std::string kind,
                                   std::string type)
    : received_events(registry.counter("pyrolog_component_received_events_total",
                                       "Events a component received.",
                                       {{"component", component}, {"kind", kind}, {"type", type}})),
      received_bytes(registry.counter("pyrolog_component_received_bytes_total",
                                      "Bytes of raw input a component received.",
                                      {{"component", component}, {"kind", kind}, {"type", type}})),
      sent_events(registry.counter("pyrolog_component_sent_events_total",
                                   "Events a component delivered downstream or to its destination.",
                                   {{"component", component}, {"kind", kind}, {"type", type}})),
      sent_bytes(registry.counter("pyrolog_component_sent_bytes_total",
                                  "Bytes a component delivered to its destination.",
                                  {{"component", component}, {"kind", kind}, {"type", type}})),
      errors(registry.counter("pyrolog_component_errors_total", "Errors a component met.",
                              {{"component", component}, {"kind", kind}, {"type", type}})),
      batch_latency(registry.histogram(
          "pyrolog_component_batch_latency_seconds",
          "Time a batch spends in a component: a source from handing it over to every channel taking it, a "
          "transform processing it, a sink from taking it off its channel to its acknowledgement.",
          {{"component", component}, {"kind", kind}, {"type", type}}, batch_latency_buckets(), 1e-9)),
      registry_(registry),
      labels_{{"component", std::move(component)}, {"kind", std::move(kind)}, {"type", std::move(type)}} {}

Counter& ComponentMetrics::dropped(const std::string& reason) {
  Labels labels = labels_;
  labels.emplace_back("reason", reason);
  return registry_.counter("pyrolog_component_discarded_events_total",
                           "Events a component dropped, by reason.", labels);
}

Counter& ComponentMetrics::counter(const std::string& name, const std::string& help, double scale) {
  return registry_.counter("pyrolog_" + name + "_total", help, labels_, scale);
}

Gauge& ComponentMetrics::gauge(const std::string& name, const std::string& help, double scale) {
  return registry_.gauge("pyrolog_" + name, help, labels_, scale);
}

ScopedGauge ComponentMetrics::scoped_gauge(const std::string& name, const std::string& help,
                                           const Labels& extra) {
  Labels labels = labels_;
  labels.insert(labels.end(), extra.begin(), extra.end());
  return registry_.scoped_gauge("pyrolog_" + name, help, labels);
}

Histogram& ComponentMetrics::histogram(const std::string& name, const std::string& help,
                                       std::span<const double> bounds, double scale) {
  return registry_.histogram("pyrolog_" + name, help, labels_, bounds, scale);
}

}  // namespace pyrolog
