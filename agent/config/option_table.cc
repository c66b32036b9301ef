#include "config/option_table.h"

#include <cmath>

namespace pyrolog::config {

std::string_view kind_name(OptionKind kind) {
  switch (kind) {
    case OptionKind::boolean:
      return "bool";
    case OptionKind::integer:
      return "integer";
    case OptionKind::floating:
      return "number";
    case OptionKind::string:
      return "string";
    case OptionKind::byte_size:
      return "byte size";
    case OptionKind::duration:
      return "duration";
    case OptionKind::string_list:
      return "list of strings";
    case OptionKind::string_map:
      return "map of strings";
    case OptionKind::choice:
      return "one of";
    case OptionKind::section:
      return "section";
  }
  return "";
}

namespace detail {

std::string format_number(double value, OptionKind kind) {
  if (kind == OptionKind::byte_size) return format_byte_size(ByteSize{static_cast<std::uint64_t>(value)});
  if (kind == OptionKind::duration) return format_duration(Duration{static_cast<Duration::rep>(value)});
  if (std::floor(value) == value && std::fabs(value) < 1e15) {
    return fmt::format("{}", static_cast<long long>(value));
  }
  return fmt::format("{}", value);
}

std::optional<std::string> check_range(double value, const OptionInfo& info) {
  const bool low = info.min && value < *info.min;
  const bool high = info.max && value > *info.max;
  if (!low && !high) return std::nullopt;
  const std::string shown = format_number(value, info.kind);
  if (info.min && info.max) {
    return fmt::format("{} is out of range ({} to {})", shown, format_number(*info.min, info.kind),
                       format_number(*info.max, info.kind));
  }
  if (low) return fmt::format("{} is below the minimum {}", shown, format_number(*info.min, info.kind));
  return fmt::format("{} is above the maximum {}", shown, format_number(*info.max, info.kind));
}

std::string expected_text(OptionKind kind) {
  switch (kind) {
    case OptionKind::boolean:
      return "true or false";
    case OptionKind::integer:
      return "an integer";
    case OptionKind::floating:
      return "a number";
    case OptionKind::string:
      return "a string";
    case OptionKind::byte_size:
      return "a byte size such as 512KiB or 64MiB";
    case OptionKind::duration:
      return "a duration such as 500ms, 5s or 1m";
    case OptionKind::string_list:
      return "a list of strings";
    case OptionKind::string_map:
      return "a map of strings";
    case OptionKind::choice:
      return "one of the listed values";
    case OptionKind::section:
      return "a map of options";
  }
  return "a value";
}

std::string choice_error(std::string_view got, const std::vector<std::string>& choices) {
  std::string message = fmt::format("expected one of {}; got '{}'", fmt::join(choices, ", "), got);
  if (auto best = closest_match(got, choices)) message += fmt::format(" (did you mean '{}'?)", *best);
  return message;
}

}  // namespace detail
}  // namespace pyrolog::config
