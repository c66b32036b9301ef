#pragma once

#include <optional>

#include "event/batch.h"
#include "fields_transform_config.h"

namespace pyrolog {

// `value` as `type`, or nullopt when it does not convert (see the `convert` option). Text made for a string
// is written into the batch.
std::optional<Value> convert_value(const Value& value, FieldType type, Batch& batch);

}  // namespace pyrolog
