#pragma once

#include <cstdint>
#include <string_view>

namespace pyrolog {

// Nanoseconds since the Unix epoch, UTC.
using TimestampNs = std::int64_t;

enum class ValueType : std::uint8_t { null, string, integer, floating, boolean, timestamp };

// A typed field value. Strings are views: into the owning batch's arena, or into storage that lives as long
// as the process (interned names and constants). Values are small and trivially copyable.
class Value {
 public:
  constexpr Value() = default;
  static constexpr Value string(std::string_view s) { return Value(ValueType::string, 0, 0.0, s); }
  static constexpr Value integer(std::int64_t i) { return Value(ValueType::integer, i, 0.0, {}); }
  static constexpr Value floating(double d) { return Value(ValueType::floating, 0, d, {}); }
  static constexpr Value boolean(bool b) { return Value(ValueType::boolean, b ? 1 : 0, 0.0, {}); }
  static constexpr Value timestamp(TimestampNs ns) { return Value(ValueType::timestamp, ns, 0.0, {}); }

  constexpr ValueType type() const { return type_; }
  constexpr bool is_null() const { return type_ == ValueType::null; }
  constexpr std::string_view as_string() const { return text_; }
  constexpr std::int64_t as_integer() const { return integer_; }
  constexpr double as_floating() const { return floating_; }
  constexpr bool as_boolean() const { return integer_ != 0; }
  constexpr TimestampNs as_timestamp() const { return integer_; }

  friend bool operator==(const Value& a, const Value& b) {
    if (a.type_ != b.type_) return false;
    switch (a.type_) {
      case ValueType::null:
        return true;
      case ValueType::string:
        return a.text_ == b.text_;
      case ValueType::floating:
        return a.floating_ == b.floating_;
      case ValueType::integer:
      case ValueType::boolean:
      case ValueType::timestamp:
        return a.integer_ == b.integer_;
    }
    return false;
  }

 private:
  constexpr Value(ValueType type, std::int64_t i, double d, std::string_view s)
      : type_(type), integer_(i), floating_(d), text_(s) {}

  ValueType type_ = ValueType::null;
  std::int64_t integer_ = 0;
  double floating_ = 0.0;
  std::string_view text_;
};

// A named value. Names are dotted paths (`http.status`); encoders nest them.
struct Field {
  std::string_view name;
  Value value;
};

}  // namespace pyrolog
