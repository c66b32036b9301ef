#pragma once

#include <optional>
#include <string_view>

#include "event/batch.h"

namespace pyrolog {

// The text a parsing transform (grok, json, kv, timestamp) reads from `field` of `event`: the raw line for
// `message`, a string field as it is, a number or boolean field as text (written into the batch, so views of
// it live as long as the batch). nullopt when the event has no such field, or it is null.
std::optional<std::string_view> source_text(Batch& batch, const Event& event, std::string_view field);

}  // namespace pyrolog
