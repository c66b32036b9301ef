#pragma once

#include <cstdint>
#include <string_view>

#include "event/value.h"
#include "grok_capture.h"

namespace pyrolog {

// The field value of a grok capture: a string capture is a view of the matched text (no copy); `:int` and
// `:float` captures are numbers. An `:int` capture that is not a whole integer ("3.5", "1e3") becomes the
// float it spells truncated toward zero when that fits, else `converted` is false and the value is the text.
// An empty typed capture (keep_empty_captures) is null.
Value grok_capture_value(const grok::Capture& capture, bool& converted);

// The same, with the common cases inline: a string capture, and an `:int` capture of up to 18 digits with an
// optional `-` (the hot path of the transform).
inline Value grok_capture_value_fast(const grok::Capture& capture, bool& converted) {
  if (capture.type == grok::FieldType::kString) return Value::string(capture.value);
  if (capture.type == grok::FieldType::kInt) {
    const std::string_view v = capture.value;
    const bool negative = !v.empty() && v.front() == '-';
    const std::size_t first = negative ? 1 : 0;
    if (v.size() > first && v.size() - first <= 18) {
      std::int64_t n = 0;
      std::size_t i = first;
      for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i)
        n = n * 10 + (v[i] - '0');
      if (i == v.size()) return Value::integer(negative ? -n : n);
    }
  }
  return grok_capture_value(capture, converted);
}

}  // namespace pyrolog
