#pragma once

#include <string>
#include <string_view>

#include "metrics/metrics.h"

namespace pyrolog {

// The metrics a transform keeps beyond the pipeline's standard ones: events by outcome, as
// `pyrolog_transform_events_total{component, kind="transform", type, outcome}` (outcomes such as `matched`,
// `no_match`, `limit_exceeded`, `missing_field`), and events dropped on purpose as the standard
// `pyrolog_component_discarded_events_total{reason}`. Series are created once, when the transform is built,
// in the process's registry; counting is a relaxed atomic add per batch.
class TransformMetrics {
 public:
  // `component` is the component's name (the type name when it is unknown, as in unit tests).
  TransformMetrics(const std::string& component, const std::string& type);

  Counter& outcome(const std::string& outcome);
  Counter& dropped(const std::string& reason) { return metrics_.dropped(reason); }

 private:
  MetricsRegistry& registry_;
  ComponentMetrics metrics_;
};

}  // namespace pyrolog
