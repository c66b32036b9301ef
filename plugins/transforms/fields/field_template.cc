#include "field_template.h"

#include <fmt/format.h>

#include "expr/event_fields.h"
#include "expr/value_text.h"

namespace pyrolog {

std::variant<FieldTemplate, std::string> FieldTemplate::compile(std::string_view text) {
  FieldTemplate t;
  std::string literal;
  auto flush = [&] {
    if (literal.empty()) return;
    t.parts_.push_back(Part{false, literal});
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{';
      ++i;
    } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      literal += '}';
      ++i;
    } else if (c == '{') {
      const std::size_t close = text.find('}', i + 1);
      if (close == std::string_view::npos) {
        return fmt::format("'{{' at offset {} has no closing '}}' (write '{{{{' for a literal brace)", i);
      }
      const std::string_view name = text.substr(i + 1, close - i - 1);
      if (name.empty() || name.find('{') != std::string_view::npos) {
        return fmt::format("empty or broken field reference at offset {} (a reference is {{field}})", i);
      }
      flush();
      t.parts_.push_back(Part{true, std::string(name)});
      i = close;
    } else if (c == '}') {
      return fmt::format("'}}' at offset {} closes nothing (write '}}}}' for a literal brace)", i);
    } else {
      literal += c;
    }
  }
  flush();
  return t;
}

Value FieldTemplate::render(Batch& batch, const Event& event, std::string& scratch, bool& missing) const {
  missing = false;
  auto lookup = [&](const std::string& name) -> std::optional<Value> {
    if (name == "@timestamp") return Value::timestamp(event.timestamp);
    return read_field(batch, event, name);
  };
  if (parts_.empty()) return Value::string({});
  if (parts_.size() == 1) {
    const Part& only = parts_.front();
    if (!only.is_field) return Value::string(batch.store(only.text));  // the batch may outlive the template
    if (auto v = lookup(only.text)) return *v;
    missing = true;
    return Value::string({});
  }
  scratch.clear();
  ValueText text;
  for (const Part& part : parts_) {
    if (!part.is_field) {
      scratch += part.text;
      continue;
    }
    if (auto v = lookup(part.text)) {
      scratch += text(*v);
    } else {
      missing = true;
    }
  }
  return Value::string(batch.store(scratch));
}

}  // namespace pyrolog
