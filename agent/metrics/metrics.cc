#include "metrics/metrics.h"

#include <algorithm>

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

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help, const Labels& labels,
                                  double scale) {
  std::lock_guard lock(mutex_);
  Family& f = families_[name];
  if (f.help.empty()) {
    f.help = help;
    f.scale = scale;
  }
  f.is_counter = true;
  auto& slot = f.counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help, const Labels& labels,
                              double scale) {
  std::lock_guard lock(mutex_);
  Family& f = families_[name];
  if (f.help.empty()) {
    f.help = help;
    f.scale = scale;
  }
  f.is_counter = false;
  auto& slot = f.gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

std::string MetricsRegistry::render_prometheus() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape_help(f.help), name,
                       f.is_counter ? "counter" : "gauge");
    for (const auto& [labels, c] : f.counters) {
      if (f.scale == 1.0) {
        out += fmt::format("{}{} {}\n", name, render_labels(labels), c->value());
      } else {
        out +=
            fmt::format("{}{} {}\n", name, render_labels(labels), static_cast<double>(c->value()) * f.scale);
      }
    }
    for (const auto& [labels, g] : f.gauges) {
      if (f.scale == 1.0) {
        out += fmt::format("{}{} {}\n", name, render_labels(labels), g->value());
      } else {
        out +=
            fmt::format("{}{} {}\n", name, render_labels(labels), static_cast<double>(g->value()) * f.scale);
      }
    }
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

}  // namespace pyrolog
