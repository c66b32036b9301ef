#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/option_table.h"
#include "expr/expression.h"
#include "plugin/transform.h"
#include "transform_metrics.h"

namespace pyrolog {

// The output that gets the events no route selects.
inline constexpr std::string_view kUnmatchedOutput = "_unmatched";

struct RouteTransformConfig {
  std::map<std::string, std::string> routes;

  std::string component_name;  // not an option: set by the registry, labels the metrics

  static const config::OptionTable<RouteTransformConfig>& options();
  // The named outputs: every route, in name order, then `_unmatched`.
  static std::vector<std::string> outputs(const RouteTransformConfig& config);
};

// The `route` transform: sends each event to every route whose condition it meets (read as
// `<component>.<route>`), and the events that meet none to `<component>._unmatched`. The batches of the
// routes share the bytes of the input batch. The plain component name carries nothing.
class RouteTransform final : public Transform {
 public:
  explicit RouteTransform(const RouteTransformConfig& config);
  void process(Batch batch, TransformOutputs& out) override;

 private:
  struct Route {
    expr::Expression condition;
    Counter* routed;
  };
  std::vector<Route> routes_;
  TransformMetrics metrics_;
  Counter& unmatched_;
  Counter& regex_limit_exceeded_;
};

}  // namespace pyrolog
