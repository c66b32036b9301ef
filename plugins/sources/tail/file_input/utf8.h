#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pyrolog::files {

// What happens to bytes that are not valid UTF-8.
enum class Utf8Mode { keep, replace };

// Length of the valid UTF-8 sequence at the start of `text` (1 to 4), or 0 when it does not start with one.
// Overlong forms, surrogates and code points above U+10FFFF are not valid.
std::size_t utf8_sequence_length(std::string_view text);

// Whether all of `text` is valid UTF-8. ASCII is checked eight bytes at a time.
bool is_valid_utf8(std::string_view text);
// Whether all of `text` is ASCII (so valid UTF-8, and so is every piece of it), 64 bytes a step with SSE2.
bool is_ascii(std::string_view text);

// Appends `text` to `out` with every byte that does not belong to a valid sequence replaced by U+FFFD.
void append_replacing_invalid_utf8(std::string& out, std::string_view text);

}  // namespace pyrolog::files
