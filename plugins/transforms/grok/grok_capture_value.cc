#include "grok_capture_value.h"

#include <cmath>

namespace pyrolog {

Value grok_capture_value(const grok::Capture& capture, bool& converted) {
  converted = true;
  switch (capture.type) {
    case grok::FieldType::kString:
      return Value::string(capture.value);
    case grok::FieldType::kInt:
      if (capture.value.empty()) return Value();
      if (auto i = grok::parse_int(capture.value)) return Value::integer(*i);
      if (auto d = grok::parse_float(capture.value); d && std::isfinite(*d) && std::fabs(*d) < 9.2e18) {
        return Value::integer(static_cast<std::int64_t>(*d));
      }
      break;
    case grok::FieldType::kFloat:
      if (capture.value.empty()) return Value();
      if (auto d = grok::parse_float(capture.value); d && std::isfinite(*d)) return Value::floating(*d);
      break;
  }
  converted = false;
  return Value::string(capture.value);
}

}  // namespace pyrolog
