#include "grok_capture.h"

#include <charconv>
#include <system_error>

namespace pyrolog::grok {

std::string_view to_string(FieldType type) noexcept {
  switch (type) {
    case FieldType::kInt:
      return "int";
    case FieldType::kFloat:
      return "float";
    case FieldType::kString:
      break;
  }
  return "string";
}

std::optional<FieldType> parse_field_type(std::string_view suffix) noexcept {
  if (suffix == "int") return FieldType::kInt;
  if (suffix == "float") return FieldType::kFloat;
  return std::nullopt;
}

namespace {

// from_chars accepts a leading '-' but not '+'; grok's number patterns allow both.
std::string_view strip_plus(std::string_view value) noexcept {
  if (value.size() > 1 && value.front() == '+' && value[1] != '-') value.remove_prefix(1);
  return value;
}

}  // namespace

std::optional<std::int64_t> parse_int(std::string_view value) noexcept {
  value = strip_plus(value);
  std::int64_t out = 0;
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, out);
  if (value.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return out;
}

std::optional<double> parse_float(std::string_view value) noexcept {
  value = strip_plus(value);
  double out = 0;
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, out);
  if (value.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return out;
}

}  // namespace pyrolog::grok
