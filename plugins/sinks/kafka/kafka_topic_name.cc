#include "kafka_topic_name.h"

#include <algorithm>

#include <fmt/format.h>

namespace pyrolog {

namespace {
bool legal_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}
constexpr std::size_t kMaxLength = 249;
}  // namespace

bool is_valid_topic_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxLength && name != "." && name != ".." &&
         std::all_of(name.begin(), name.end(), legal_char);
}

std::optional<std::string> check_topic_name(std::string_view name) {
  if (name.empty()) return "a topic name must not be empty";
  if (name.size() > kMaxLength) return fmt::format("a topic name has at most {} characters", kMaxLength);
  if (name == "." || name == "..") return fmt::format("'{}' is not a valid topic name", name);
  auto bad = std::find_if_not(name.begin(), name.end(), legal_char);
  if (bad != name.end()) {
    return fmt::format(
        "'{}' is not a valid topic name: '{}' is not allowed (only a-z, A-Z, 0-9, '.', '_', '-')", name,
        *bad);
  }
  return std::nullopt;
}

}  // namespace pyrolog
