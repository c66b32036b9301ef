#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "event/value.h"

namespace pyrolog {

// Two ways to write JSON text: `append_*` to a string, and `write_*` through a cursor into memory the caller
// has made room for, which returns the cursor past what it wrote. The cursor form is for encoders that write
// many values an event (EventEncoder): one room check an event instead of one an append.
//
// Room: a writer needs at most `json_*_room` bytes at the cursor. That includes `kJsonOverstore` bytes past
// its last byte that it may overwrite with scratch (it stores sixteen bytes at a time); what comes next
// overwrites them.
inline constexpr std::size_t kJsonOverstore = 16;

// Appends `s` as a JSON string (with quotes). Control characters are escaped; bytes that are not valid UTF-8
// become U+FFFD, so the output is always valid JSON whatever came in.
void append_json_string(std::string& out, std::string_view s);
// Each byte becomes at most six (`\u001f`), plus the quotes.
constexpr std::size_t json_string_room(std::size_t bytes) {
  return 6 * bytes + 2 + kJsonOverstore;
}
char* write_json_string(char* at, std::string_view s);

// Appends an RFC 3339 UTC time with nanoseconds: `2026-11-21T03:43:51.123456789Z`.
void append_rfc3339(std::string& out, TimestampNs ns);
inline constexpr std::size_t kRfc3339Size = 30;  // exactly, always
char* write_rfc3339(char* at, TimestampNs ns);

// Appends a value as JSON (timestamps as RFC 3339 strings, non-finite floats as null).
void append_json_value(std::string& out, const Value& v);
std::size_t json_value_room(const Value& v);
char* write_json_value(char* at, const Value& v);

}  // namespace pyrolog
