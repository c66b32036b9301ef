#pragma once

#include <optional>
#include <string>

#include "config/option_table.h"
#include "expr/expression.h"
#include "plugin/transform.h"
#include "transform_metrics.h"

namespace pyrolog {

struct FilterTransformConfig {
  std::string drop;
  std::string keep;

  std::string component_name;  // not an option: set by the registry, labels the metrics

  static const config::OptionTable<FilterTransformConfig>& options();
};

// The `filter` transform: drops the events a condition selects (`drop`), or keeps only those it selects
// (`keep`). Dropped events are counted as `pyrolog_component_discarded_events_total{reason="filtered"}`;
// their batch's acknowledgement is not failed (a drop on purpose).
class FilterTransform final : public InPlaceTransform {
 public:
  explicit FilterTransform(const FilterTransformConfig& config);
  void transform(Batch& batch) override;

 private:
  expr::Expression condition_;
  bool keep_matching_;
  TransformMetrics metrics_;
  Counter& dropped_;
  Counter& kept_;
  Counter& regex_limit_exceeded_;
};

}  // namespace pyrolog
