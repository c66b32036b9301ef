#pragma once

#include <cstdint>
#include <string_view>

namespace pyrolog {

// Nanoseconds since the Unix epoch, UTC.
using TimestampNs = std::int64_t;

enum class ValueType : std::uint8_t { null, string, integer, floating, boolean, timestamp };

// A typed field value. Strings are views: into the owning batch's arena, or into storage that lives as long
// as the process (interned names and constants). Values are small and trivially copyable: 16 bytes, the
// payload (a string's address, an integer or a double) and one word holding a string's length and the type,
// so a Field is 32 bytes and two share a cache line.
class Value {
 public:
  constexpr Value() = default;
  static constexpr Value string(std::string_view s) {
    Value v;
    v.meta_ = static_cast<std::uint64_t>(ValueType::string) | (s.size() << kSizeShift);  // under 2^56
    v.payload_.text = s.data();
    return v;
  }
  static constexpr Value integer(std::int64_t i) { return Value(ValueType::integer, i); }
  static constexpr Value floating(double d) {
    Value v;
    v.meta_ = static_cast<std::uint64_t>(ValueType::floating);
    v.payload_.floating = d;
    return v;
  }
  static constexpr Value boolean(bool b) { return Value(ValueType::boolean, b ? 1 : 0); }
  static constexpr Value timestamp(TimestampNs ns) { return Value(ValueType::timestamp, ns); }

  constexpr ValueType type() const { return static_cast<ValueType>(meta_ & kTypeMask); }
  constexpr bool is_null() const { return type() == ValueType::null; }
  // Each accessor gives its type's zero for a value of another type.
  constexpr std::string_view as_string() const {
    return type() == ValueType::string ? std::string_view(payload_.text, meta_ >> kSizeShift)
                                       : std::string_view();
  }
  constexpr std::int64_t as_integer() const { return holds_integer() ? payload_.integer : 0; }
  constexpr double as_floating() const { return type() == ValueType::floating ? payload_.floating : 0.0; }
  constexpr bool as_boolean() const { return as_integer() != 0; }
  constexpr TimestampNs as_timestamp() const { return as_integer(); }

  friend constexpr bool operator==(const Value& a, const Value& b) {
    if (a.type() != b.type()) return false;
    switch (a.type()) {
      case ValueType::null:
        return true;
      case ValueType::string:
        return a.as_string() == b.as_string();
      case ValueType::floating:
        return a.payload_.floating == b.payload_.floating;
      case ValueType::integer:
      case ValueType::boolean:
      case ValueType::timestamp:
        return a.payload_.integer == b.payload_.integer;
    }
    return false;
  }

 private:
  static constexpr unsigned kSizeShift = 8;
  static constexpr std::uint64_t kTypeMask = 0xFF;

  constexpr Value(ValueType type, std::int64_t i) : meta_(static_cast<std::uint64_t>(type)) {
    payload_.integer = i;
  }
  constexpr bool holds_integer() const {
    const auto t = type();
    return t == ValueType::integer || t == ValueType::boolean || t == ValueType::timestamp;
  }

  union Payload {
    const char* text;
    std::int64_t integer;
    double floating;
  };
  Payload payload_{.integer = 0};
  std::uint64_t meta_ = static_cast<std::uint64_t>(ValueType::null);
};

static_assert(sizeof(Value) == 16);

// A named value. Names are dotted paths (`http.status`); encoders nest them.
struct Field {
  std::string_view name;
  Value value;
};

static_assert(sizeof(Field) == 32);

}  // namespace pyrolog
