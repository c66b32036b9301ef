#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "event/batch.h"

namespace pyrolog {

// A text template over an event, for topics, keys, headers and message bodies: literal text with field
// references in braces, `{host}-{http.status}`; `{message}` is the raw line, `{@timestamp}` the event's time
// (RFC 3339, UTC); `{{` and `}}` are literal braces (the syntax of the `fields` transform's templates).
// Values render as text: strings as they are, numbers as digits, booleans as true/false, timestamps as RFC
// 3339.
class MessageTemplate {
 public:
  // The template, or a message saying what is wrong with `text` and where.
  static std::variant<MessageTemplate, std::string> compile(std::string_view text);

  // Appends the text for `event` to `out`. Returns false when a referenced field does not exist (it renders
  // as nothing); a field whose value is null renders as nothing too, but counts as present.
  bool render(std::string& out, const Batch& batch, const Event& event) const;

  // True when the template references nothing: `constant()` is its text.
  bool is_constant() const { return fields_ == 0 && !uses_event_; }
  const std::string& constant() const { return constant_; }
  // The field names referenced, in order (for docs and checks).
  std::vector<std::string> field_names() const;

 private:
  enum class PartKind { literal, field, message, timestamp };
  struct Part {
    PartKind kind = PartKind::literal;
    std::string text;  // the literal, or the field name
  };
  std::vector<Part> parts_;
  std::string constant_;
  std::size_t fields_ = 0;
  bool uses_event_ = false;  // `{message}` or `{@timestamp}`
};

}  // namespace pyrolog
