#include "value_conversion.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "expr/compare.h"
#include "expr/value_text.h"

namespace pyrolog {
namespace {

std::optional<std::int64_t> truncate(double d) {
  if (!std::isfinite(d) || std::fabs(d) >= 9.2e18) return std::nullopt;
  return static_cast<std::int64_t>(d);
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<Value> convert_value(const Value& value, FieldType type, Batch& batch) {
  switch (type) {
    case FieldType::integer:
      switch (value.type()) {
        case ValueType::integer:
          return value;
        case ValueType::floating:
          if (auto i = truncate(value.as_floating())) return Value::integer(*i);
          return std::nullopt;
        case ValueType::boolean:
          return Value::integer(value.as_boolean() ? 1 : 0);
        case ValueType::timestamp:
          return Value::integer(value.as_timestamp());
        case ValueType::string:
          if (auto n = expr::parse_number(value.as_string())) {
            if (n->type() == ValueType::integer) return *n;
            if (auto i = truncate(n->as_floating())) return Value::integer(*i);
          }
          return std::nullopt;
        case ValueType::null:
          return std::nullopt;
      }
      return std::nullopt;
    case FieldType::floating:
      switch (value.type()) {
        case ValueType::integer:
          return Value::floating(static_cast<double>(value.as_integer()));
        case ValueType::floating:
          return value;
        case ValueType::boolean:
          return Value::floating(value.as_boolean() ? 1.0 : 0.0);
        case ValueType::string:
          if (auto n = expr::parse_number(value.as_string())) {
            return Value::floating(n->type() == ValueType::integer ? static_cast<double>(n->as_integer())
                                                                   : n->as_floating());
          }
          return std::nullopt;
        default:
          return std::nullopt;
      }
    case FieldType::string: {
      if (value.type() == ValueType::string) return value;
      if (value.is_null()) return std::nullopt;
      ValueText text;
      return Value::string(batch.store(text(value)));
    }
    case FieldType::boolean:
      switch (value.type()) {
        case ValueType::boolean:
          return value;
        case ValueType::integer:
          if (value.as_integer() == 0 || value.as_integer() == 1)
            return Value::boolean(value.as_integer() == 1);
          return std::nullopt;
        case ValueType::floating:
          if (value.as_floating() == 0.0 || value.as_floating() == 1.0) {
            return Value::boolean(value.as_floating() == 1.0);
          }
          return std::nullopt;
        case ValueType::string: {
          const std::string_view s = value.as_string();
          for (std::string_view yes : {"true", "yes", "on", "1"}) {
            if (equals_ignoring_case(s, yes)) return Value::boolean(true);
          }
          for (std::string_view no : {"false", "no", "off", "0"}) {
            if (equals_ignoring_case(s, no)) return Value::boolean(false);
          }
          return std::nullopt;
        }
        default:
          return std::nullopt;
      }
  }
  return std::nullopt;
}

}  // namespace pyrolog
