#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "channel/result.h"

// Which files a channel directory holds and how they are named:
//   <20-digit segment id>.seg    segment files
//   <reader>.cursor              one cursor file per reader
//   <one of the above>.tmp       files being written atomically (left over only by a crash)
//   channel.lock                 flock(2)ed by the process that has the channel open
// Anything else is "unknown": reported, never touched.
namespace pyrolog::channel {

inline constexpr std::string_view kLockFileName = "channel.lock";
inline constexpr std::string_view kSegmentSuffix = ".seg";
inline constexpr std::string_view kCursorSuffix = ".cursor";
inline constexpr std::string_view kTempSuffix = ".tmp";
inline constexpr std::size_t kMaxReaderNameLength = 64;

std::string segment_file_name(std::uint64_t id);
std::optional<std::uint64_t> parse_segment_file_name(std::string_view name) noexcept;

// Reader names: 1..64 characters from [A-Za-z0-9_-].
bool is_valid_reader_name(std::string_view name) noexcept;
std::string cursor_file_name(std::string_view reader);
std::optional<std::string> parse_cursor_file_name(std::string_view name);

struct DirectoryListing {
  std::vector<std::pair<std::uint64_t, std::string>> segments;  // ascending id
  std::vector<std::string> readers;                             // from cursor files, sorted
  std::vector<std::string> temp_files;                          // our own leftovers
  std::vector<std::string> unknown_files;
  bool has_lock_file = false;
};

Result<DirectoryListing> list_channel_directory(const std::filesystem::path& dir);

}  // namespace pyrolog::channel
