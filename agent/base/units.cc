#include "base/units.h"

#include <array>
#include <charconv>
#include <limits>
#include <utility>

#include <fmt/format.h>

namespace pyrolog {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// Splits "64 KiB" into 64 and "KiB".
std::optional<std::pair<std::uint64_t, std::string_view>> split_number(std::string_view text) {
  text = trim(text);
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  std::string_view unit = trim(text.substr(static_cast<std::size_t>(end - text.data())));
  return std::pair{value, unit};
}

std::optional<std::uint64_t> checked_multiply(std::uint64_t a, std::uint64_t b) {
  if (b != 0 && a > std::numeric_limits<std::uint64_t>::max() / b) return std::nullopt;
  return a * b;
}

}  // namespace

std::optional<ByteSize> parse_byte_size(std::string_view text) {
  auto parts = split_number(text);
  if (!parts) return std::nullopt;
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 12> kUnits{{
      {"", 1},
      {"B", 1},
      {"KB", 1000},
      {"MB", 1000 * 1000},
      {"GB", 1000 * 1000 * 1000},
      {"TB", 1000ULL * 1000 * 1000 * 1000},
      {"KiB", 1024},
      {"MiB", 1024 * 1024},
      {"GiB", 1024 * 1024 * 1024},
      {"TiB", 1024ULL * 1024 * 1024 * 1024},
      {"K", 1024},
      {"M", 1024 * 1024},
  }};
  for (const auto& [unit, factor] : kUnits) {
    if (parts->second == unit) {
      auto bytes = checked_multiply(parts->first, factor);
      if (!bytes) return std::nullopt;
      return ByteSize{*bytes};
    }
  }
  return std::nullopt;
}

std::optional<Duration> parse_duration(std::string_view text) {
  auto parts = split_number(text);
  if (!parts) return std::nullopt;
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 5> kUnits{{
      {"ms", 1},
      {"s", 1000},
      {"m", 60 * 1000},
      {"h", 60 * 60 * 1000},
      {"d", 24 * 60 * 60 * 1000},
  }};
  for (const auto& [unit, factor] : kUnits) {
    if (parts->second == unit) {
      auto ms = checked_multiply(parts->first, factor);
      if (!ms || *ms > static_cast<std::uint64_t>(std::numeric_limits<Duration::rep>::max()))
        return std::nullopt;
      return Duration{static_cast<Duration::rep>(*ms)};
    }
  }
  return std::nullopt;
}

std::string format_byte_size(ByteSize size) {
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 4> kUnits{{
      {"TiB", 1024ULL * 1024 * 1024 * 1024},
      {"GiB", 1024 * 1024 * 1024},
      {"MiB", 1024 * 1024},
      {"KiB", 1024},
  }};
  for (const auto& [unit, factor] : kUnits) {
    if (size.bytes >= factor && size.bytes % factor == 0)
      return fmt::format("{}{}", size.bytes / factor, unit);
  }
  return fmt::format("{}B", size.bytes);
}

std::string format_duration(Duration duration) {
  auto ms = duration.count();
  static constexpr std::array<std::pair<std::string_view, long long>, 4> kUnits{{
      {"d", 24LL * 60 * 60 * 1000},
      {"h", 60LL * 60 * 1000},
      {"m", 60LL * 1000},
      {"s", 1000},
  }};
  for (const auto& [unit, factor] : kUnits) {
    if (ms >= factor && ms % factor == 0) return fmt::format("{}{}", ms / factor, unit);
  }
  return fmt::format("{}ms", ms);
}

}  // namespace pyrolog
