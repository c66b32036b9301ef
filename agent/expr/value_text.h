#pragma once

#include <array>
#include <string_view>

#include "event/value.h"

namespace pyrolog {

// A value as text, without allocating: strings as they are, integers and floats as `std::to_chars` writes
// them (floats in their shortest round-trip form), booleans as `true`/`false`, null as the empty string,
// timestamps as RFC 3339 UTC with nanoseconds. The view points into the value or into `buffer`.
class ValueText {
 public:
  std::string_view operator()(const Value& value);

 private:
  std::array<char, 64> buffer_{};
};

// Formats an RFC 3339 UTC time with nanoseconds (`2026-11-21T03:43:51.123456789Z`, 30 bytes) into `out`,
// which must hold at least 40 bytes; returns the length.
std::size_t format_rfc3339(TimestampNs ns, char* out);

}  // namespace pyrolog
