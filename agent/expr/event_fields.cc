#include "expr/event_fields.h"

#include "expr/value_text.h"

namespace pyrolog {

std::optional<Value> read_field(const Batch& batch, const Event& event, std::string_view name) {
  if (name == kMessageField) return Value::string(event.raw);
  if (const Value* v = batch.find(event, name)) return *v;
  return std::nullopt;
}

void write_field(Batch& batch, Event& event, std::string_view name, Value value) {
  if (name != kMessageField) {
    batch.set(event, name, value);
    return;
  }
  if (value.type() == ValueType::string) {
    event.raw = value.as_string();
    return;
  }
  ValueText text;
  event.raw = batch.store(text(value));
}

bool remove_field(Batch& batch, Event& event, std::string_view name) {
  if (name != kMessageField) return batch.remove(event, name);
  const bool had = !event.raw.empty();
  event.raw = {};
  return had;
}

}  // namespace pyrolog
