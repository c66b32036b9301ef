#pragma once

// What a successful grok match yields: one entry per captured field.

#include <cstdint>
#include <optional>
#include <string_view>

namespace pyrolog::grok {

// The type suffix of a reference: %{NUMBER:bytes:int} -> kInt. The matcher does not convert; it
// reports the type so the caller can (see parse_int / parse_float).
enum class FieldType : std::uint8_t { kString, kInt, kFloat };

std::string_view to_string(FieldType type) noexcept;

// Parses a type suffix ("int", "float"); nullopt for anything else.
std::optional<FieldType> parse_field_type(std::string_view suffix) noexcept;

struct Capture {
  std::string_view field;  // dotted field name ("http.status"); points into the GrokProgram
  std::string_view value;  // points into the matched line
  FieldType type = FieldType::kString;
  std::uint32_t field_index = 0;  // index of `field` in GrokProgram::fields()
};

// Conversions for typed captures; nullopt when the whole value is not a number.
std::optional<std::int64_t> parse_int(std::string_view value) noexcept;
std::optional<double> parse_float(std::string_view value) noexcept;

}  // namespace pyrolog::grok
