#include "transform_metrics.h"

namespace pyrolog {

TransformMetrics::TransformMetrics(const std::string& component, const std::string& type)
    : registry_(global_metrics()),
      metrics_(registry_, component.empty() ? type : component, "transform", type) {}

Counter& TransformMetrics::outcome(const std::string& outcome) {
  Labels labels = metrics_.labels();
  labels.emplace_back("outcome", outcome);
  return registry_.counter("pyrolog_transform_events_total", "Events a transform processed, by outcome.",
                           labels);
}

}  // namespace pyrolog
