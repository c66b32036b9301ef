#pragma once

#include <string>
#include <string_view>

#include "event/value.h"

namespace pyrolog {

// Appends `s` as a JSON string (with quotes). Control characters are escaped; bytes that are not valid UTF-8
// become U+FFFD, so the output is always valid JSON whatever came in.
void append_json_string(std::string& out, std::string_view s);

// Appends an RFC 3339 UTC time with nanoseconds: `2026-11-21T03:43:51.123456789Z`.
void append_rfc3339(std::string& out, TimestampNs ns);

// Appends a value as JSON (timestamps as RFC 3339 strings, non-finite floats as null).
void append_json_value(std::string& out, const Value& v);

}  // namespace pyrolog
