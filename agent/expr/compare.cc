#include "expr/compare.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace pyrolog::expr {
namespace {

bool is_number(const Value& v) {
  return v.type() == ValueType::integer || v.type() == ValueType::floating;
}

std::partial_ordering compare_numbers(const Value& a, const Value& b) {
  if (a.type() == ValueType::integer && b.type() == ValueType::integer)
    return a.as_integer() <=> b.as_integer();
  // long double holds every int64 exactly (x86-64: 64-bit mantissa), so mixed comparisons are exact.
  const long double x = a.type() == ValueType::integer ? static_cast<long double>(a.as_integer())
                                                       : static_cast<long double>(a.as_floating());
  const long double y = b.type() == ValueType::integer ? static_cast<long double>(b.as_integer())
                                                       : static_cast<long double>(b.as_floating());
  return x <=> y;
}

std::optional<bool> parse_bool(std::string_view s) {
  if (s == "true") return true;
  if (s == "false") return false;
  return std::nullopt;
}

// Brings a string and a number (or boolean) to the same type, when the string spells one.
bool coerce(Value& a, Value& b) {
  if (a.type() == ValueType::string && b.type() != ValueType::string) {
    if (is_number(b)) {
      if (auto n = parse_number(a.as_string())) {
        a = *n;
        return true;
      }
    } else if (b.type() == ValueType::boolean) {
      if (auto v = parse_bool(a.as_string())) {
        a = Value::boolean(*v);
        return true;
      }
    }
    return false;
  }
  if (b.type() == ValueType::string && a.type() != ValueType::string) return coerce(b, a);
  return true;
}

}  // namespace

std::optional<Value> parse_number(std::string_view text) {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return std::nullopt;
  }
  if (text.empty()) return std::nullopt;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  std::int64_t i = 0;
  auto ri = std::from_chars(first, last, i);
  if (ri.ec == std::errc() && ri.ptr == last) return Value::integer(i);
  double d = 0;
  auto rd = std::from_chars(first, last, d, std::chars_format::general);
  if (rd.ec == std::errc() && rd.ptr == last && std::isfinite(d)) return Value::floating(d);
  return std::nullopt;
}

bool equal(const Value& a_in, const Value& b_in) {
  Value a = a_in;
  Value b = b_in;
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  if (!coerce(a, b)) return false;
  if (is_number(a) && is_number(b)) return compare_numbers(a, b) == 0;
  if (a.type() == ValueType::timestamp || b.type() == ValueType::timestamp) return order(a, b) == 0;
  if (a.type() != b.type()) return false;
  return a == b;
}

std::partial_ordering order(const Value& a_in, const Value& b_in) {
  Value a = a_in;
  Value b = b_in;
  if (a.is_null() || b.is_null()) return std::partial_ordering::unordered;
  if (!coerce(a, b)) return std::partial_ordering::unordered;
  const bool ta = a.type() == ValueType::timestamp;
  const bool tb = b.type() == ValueType::timestamp;
  if (ta || tb) {
    const bool ia = ta || a.type() == ValueType::integer;
    const bool ib = tb || b.type() == ValueType::integer;
    if (!ia || !ib) return std::partial_ordering::unordered;
    return a.as_integer() <=> b.as_integer();  // a timestamp's nanoseconds are its integer
  }
  if (is_number(a) && is_number(b)) return compare_numbers(a, b);
  if (a.type() == ValueType::string && b.type() == ValueType::string) {
    const int c = a.as_string().compare(b.as_string());
    return c < 0 ? std::partial_ordering::less
                 : (c > 0 ? std::partial_ordering::greater : std::partial_ordering::equivalent);
  }
  return std::partial_ordering::unordered;
}

}  // namespace pyrolog::expr
