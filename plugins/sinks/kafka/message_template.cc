#include "message_template.h"

#include <iterator>

#include <fmt/format.h>

#include "codec/json_writer.h"

namespace pyrolog {

std::variant<MessageTemplate, std::string> MessageTemplate::compile(std::string_view text) {
  MessageTemplate t;
  std::string literal;
  auto flush_literal = [&] {
    if (literal.empty()) return;
    t.parts_.push_back({PartKind::literal, literal});
    t.constant_ += literal;
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{';
      ++i;
      continue;
    }
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        literal += '}';
        ++i;
        continue;
      }
      return fmt::format("'}}' at position {} closes nothing (write '}}}}' for a literal brace)", i + 1);
    }
    if (c != '{') {
      literal += c;
      continue;
    }
    const auto close = text.find('}', i + 1);
    if (close == std::string_view::npos) {
      return fmt::format("'{{' at position {} is not closed (write '{{{{' for a literal brace)", i + 1);
    }
    const std::string_view name = text.substr(i + 1, close - i - 1);
    if (name.empty()) return fmt::format("empty field reference '{{}}' at position {}", i + 1);
    if (name.find('{') != std::string_view::npos) {
      return fmt::format("'{{' inside the field reference at position {}", i + 1);
    }
    flush_literal();
    if (name == "message") {
      t.parts_.push_back({PartKind::message, {}});
      t.uses_event_ = true;
    } else if (name == "@timestamp") {
      t.parts_.push_back({PartKind::timestamp, {}});
      t.uses_event_ = true;
    } else {
      t.parts_.push_back({PartKind::field, std::string(name)});
      ++t.fields_;
    }
    i = close;
  }
  flush_literal();
  return t;
}

bool MessageTemplate::render(std::string& out, const Batch& batch, const Event& event) const {
  bool complete = true;
  for (const Part& part : parts_) {
    switch (part.kind) {
      case PartKind::literal:
        out += part.text;
        break;
      case PartKind::message:
        out += event.raw;
        break;
      case PartKind::timestamp:
        append_rfc3339(out, event.timestamp);
        break;
      case PartKind::field: {
        const Value* v = batch.find(event, part.text);
        if (v == nullptr) {
          complete = false;
          break;
        }
        switch (v->type()) {
          case ValueType::null:
            break;
          case ValueType::string:
            out += v->as_string();
            break;
          case ValueType::integer:
            fmt::format_to(std::back_inserter(out), "{}", v->as_integer());
            break;
          case ValueType::floating:
            fmt::format_to(std::back_inserter(out), "{}", v->as_floating());
            break;
          case ValueType::boolean:
            out += v->as_boolean() ? "true" : "false";
            break;
          case ValueType::timestamp:
            append_rfc3339(out, v->as_timestamp());
            break;
        }
        break;
      }
    }
  }
  return complete;
}

std::vector<std::string> MessageTemplate::field_names() const {
  std::vector<std::string> out;
  for (const Part& part : parts_) {
    if (part.kind == PartKind::field) out.push_back(part.text);
  }
  return out;
}

}  // namespace pyrolog
