#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pyrolog {

// A number of bytes, written in configs as `64KiB`, `1 MiB`, `10MB`, `512` (bytes).
struct ByteSize {
  std::uint64_t bytes = 0;
  friend bool operator==(ByteSize, ByteSize) = default;
};

// A span of time, written in configs as `100ms`, `5s`, `1m`, `2h`, `1d`.
using Duration = std::chrono::milliseconds;

std::optional<ByteSize> parse_byte_size(std::string_view text);
std::optional<Duration> parse_duration(std::string_view text);
std::string format_byte_size(ByteSize size);
std::string format_duration(Duration duration);

}  // namespace pyrolog
