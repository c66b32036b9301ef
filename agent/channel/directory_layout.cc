#include "channel/directory_layout.h"

#include <algorithm>
#include <cstdio>

namespace pyrolog::channel {
namespace {

constexpr std::size_t kSegmentIdDigits = 20;

bool ends_with(std::string_view s, std::string_view suffix) noexcept {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string segment_file_name(std::uint64_t id) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%020llu", static_cast<unsigned long long>(id));
  return std::string(buffer) + std::string(kSegmentSuffix);
}

std::optional<std::uint64_t> parse_segment_file_name(std::string_view name) noexcept {
  if (name.size() != kSegmentIdDigits + kSegmentSuffix.size() || !ends_with(name, kSegmentSuffix)) return {};
  std::uint64_t id = 0;
  for (std::size_t i = 0; i < kSegmentIdDigits; ++i) {
    const char c = name[i];
    if (c < '0' || c > '9') return {};
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (id > (UINT64_MAX - digit) / 10) return {};
    id = id * 10 + digit;
  }
  if (id == 0) return {};
  return id;
}

bool is_valid_reader_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > kMaxReaderNameLength) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string cursor_file_name(std::string_view reader) {
  return std::string(reader) + std::string(kCursorSuffix);
}

std::optional<std::string> parse_cursor_file_name(std::string_view name) {
  if (!ends_with(name, kCursorSuffix)) return {};
  const std::string_view reader = name.substr(0, name.size() - kCursorSuffix.size());
  if (!is_valid_reader_name(reader)) return {};
  return std::string(reader);
}

Result<DirectoryListing> list_channel_directory(const std::filesystem::path& dir) {
  DirectoryListing listing;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) return ec;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const bool regular = it->is_regular_file(ec);
    if (ec) ec.clear();
    if (!regular) {
      listing.unknown_files.push_back(name);
    } else if (name == kLockFileName) {
      listing.has_lock_file = true;
    } else if (auto id = parse_segment_file_name(name)) {
      listing.segments.emplace_back(*id, name);
    } else if (auto reader = parse_cursor_file_name(name)) {
      listing.readers.push_back(*reader);
    } else if (ends_with(name, kTempSuffix) &&
               (parse_segment_file_name(std::string_view(name).substr(0, name.size() - kTempSuffix.size())) ||
                parse_cursor_file_name(std::string_view(name).substr(0, name.size() - kTempSuffix.size())))) {
      listing.temp_files.push_back(name);
    } else {
      listing.unknown_files.push_back(name);
    }
  }
  if (ec) return ec;
  std::sort(listing.segments.begin(), listing.segments.end());
  std::sort(listing.readers.begin(), listing.readers.end());
  std::sort(listing.temp_files.begin(), listing.temp_files.end());
  std::sort(listing.unknown_files.begin(), listing.unknown_files.end());
  return listing;
}

}  // namespace pyrolog::channel
