#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pyrolog {

// A message when `name` is not a valid Kafka topic name (1 to 249 of `a-z A-Z 0-9 . _ -`, not `.` or `..`),
// nullopt when it is.
std::optional<std::string> check_topic_name(std::string_view name);

// The same test without the message, for names rendered from events.
bool is_valid_topic_name(std::string_view name);

}  // namespace pyrolog
