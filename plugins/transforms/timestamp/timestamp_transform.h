#pragma once

#include <string_view>
#include <vector>

#include "plugin/transform.h"
#include "tags.h"
#include "time_format.h"
#include "time_zone.h"
#include "timestamp_transform_config.h"
#include "transform_metrics.h"

namespace pyrolog {

// The `timestamp` transform: reads a time from a field with the first format that fits and makes it the
// event's time (or a `target` field). A time no format reads is tagged and counted; the event keeps its time.
class TimestampTransform final : public InPlaceTransform {
 public:
  explicit TimestampTransform(const TimestampTransformConfig& config);
  void transform(Batch& batch) override;

 private:
  std::string_view field_;
  std::string_view target_;
  bool remove_field_;
  std::vector<timestamp::TimeFormat> formats_;
  timestamp::TimeZone zone_;
  TagSet tags_;
  TransformMetrics metrics_;
  Counter& parsed_;
  Counter& missing_field_;
  Counter& unparseable_;
};

}  // namespace pyrolog
