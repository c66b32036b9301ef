#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "field_template.h"
#include "fields_transform_config.h"
#include "plugin/transform.h"
#include "tags.h"
#include "transform_metrics.h"

namespace pyrolog {

// The `fields` transform: renames, adds, sets (from templates), converts and removes fields, in that order.
class FieldsTransform final : public InPlaceTransform {
 public:
  explicit FieldsTransform(const FieldsTransformConfig& config);
  void transform(Batch& batch) override;

 private:
  static void rename(Batch& batch, Event& event, std::string_view from, std::string_view to);

  struct Templated {
    std::string_view name;
    FieldTemplate value;
  };

  std::vector<std::pair<std::string_view, std::string_view>> rename_;
  std::vector<Templated> add_;
  std::vector<Templated> set_;
  std::vector<std::pair<std::string_view, FieldType>> convert_;
  std::vector<std::string_view> remove_;
  TagSet tags_;
  TransformMetrics metrics_;
  Counter& conversion_failed_;
  Counter& template_missing_field_;
};

}  // namespace pyrolog
