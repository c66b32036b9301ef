#pragma once

#include <string_view>

#include "json_field_builder.h"
#include "json_transform_config.h"
#include "plugin/transform.h"
#include "scratch_pool.h"
#include "tags.h"
#include "transform_metrics.h"

namespace pyrolog {

// The `json` transform: parses a field holding JSON into fields, bounded in size, depth and field count. A
// bad text (malformed, invalid UTF-8, over a limit) leaves the event as it was, tagged and counted.
class JsonTransform final : public InPlaceTransform {
 public:
  explicit JsonTransform(const JsonTransformConfig& config);
  void transform(Batch& batch) override;

 private:
  JsonTransformConfig config_;
  std::string_view field_;
  std::string_view target_;
  TagSet tags_;
  ScratchPool<JsonFieldBuilder> builders_;
  TransformMetrics metrics_;
  Counter& parsed_;
  Counter& missing_field_;
  Counter& too_large_;
  Counter& invalid_;
  Counter& too_deep_;
  Counter& too_many_fields_;
  Counter& not_object_;
};

}  // namespace pyrolog
