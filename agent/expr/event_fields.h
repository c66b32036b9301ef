#pragma once

#include <optional>
#include <string_view>

#include "event/batch.h"

namespace pyrolog {

// `message` names an event's raw line in every component, as in the JSON output (whose `message` is the raw
// line): reading `message` reads the line, writing it replaces the line. Every other name is a field.
inline constexpr std::string_view kMessageField = "message";

// The value of `name` on `event`; nullopt when the event has no such field. `message` is the raw line.
std::optional<Value> read_field(const Batch& batch, const Event& event, std::string_view name);

// Sets `name` (added, or replaced when present). `message` replaces the raw line: a string value must live in
// the batch (or for the process); another value is written into the batch as text. `name` must live in the
// batch or for the process (see FieldNames).
void write_field(Batch& batch, Event& event, std::string_view name, Value value);

// Removes `name`; `message` empties the raw line. Returns whether there was something to remove.
bool remove_field(Batch& batch, Event& event, std::string_view name);

}  // namespace pyrolog
