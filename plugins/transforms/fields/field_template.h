#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "event/batch.h"

namespace pyrolog {

// A value template such as `{host}-{status}`: text with field references in braces, `{{` and `}}` for literal
// braces. `{message}` is the raw line and `{@timestamp}` the event's time (RFC 3339). A template that is
// exactly one reference (`{status}`) gives that field's value with its type; any other gives a string,
// written into the batch (numbers as digits, booleans as true/false, timestamps as RFC 3339).
class FieldTemplate {
 public:
  static std::variant<FieldTemplate, std::string> compile(std::string_view text);

  // The value for `event`; `missing` is set when a referenced field does not exist (it renders as nothing).
  Value render(Batch& batch, const Event& event, std::string& scratch, bool& missing) const;

  // Whether the template is exactly one reference (`{status}`): it copies a value rather than rendering text.
  bool single_reference() const { return parts_.size() == 1 && parts_.front().is_field; }

 private:
  struct Part {
    bool is_field = false;
    std::string text;  // literal text, or the field name
  };
  std::vector<Part> parts_;
};

}  // namespace pyrolog
