#include "source_text.h"

#include "expr/event_fields.h"
#include "expr/value_text.h"

namespace pyrolog {

std::optional<std::string_view> source_text(Batch& batch, const Event& event, std::string_view field) {
  const std::optional<Value> v = read_field(batch, event, field);
  if (!v || v->is_null()) return std::nullopt;
  if (v->type() == ValueType::string) return v->as_string();
  ValueText text;
  return batch.store(text(*v));
}

}  // namespace pyrolog
