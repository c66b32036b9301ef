#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "kafka_producer.h"

namespace pyrolog {

// What the dead-letter file keeps of a refused message.
struct DeadLetterRecord {
  std::string_view topic;
  std::optional<std::string_view> key;
  std::span<const kafka::Header> headers;
  std::string_view payload;
  std::string_view error;   // librdkafka's code name, e.g. `MSG_SIZE_TOO_LARGE`
  std::string_view reason;  // what librdkafka or the broker said
  std::int64_t time_ns = 0;
};

// Appends refused messages to a file, one JSON object per line:
//   {"time":"...","topic":"...","key":null,"error":"MSG_SIZE_TOO_LARGE","reason":"...","headers":{},"message":"..."}
// Each record is one write(2) of a whole line (O_APPEND); a failed write is cut back, so a line is in the
// file whole or not at all. Not thread-safe.
class DeadLetterFile {
 public:
  explicit DeadLetterFile(std::filesystem::path path) : path_(std::move(path)) {}
  ~DeadLetterFile();
  DeadLetterFile(const DeadLetterFile&) = delete;
  DeadLetterFile& operator=(const DeadLetterFile&) = delete;

  // Creates the directory and opens the file for appending, cutting off a line a crash left half-written.
  std::error_code open();
  // The bytes open() has cut off so far.
  std::uint64_t cut_at_open() const { return cut_at_open_; }
  std::error_code append(const DeadLetterRecord& record);
  const std::filesystem::path& path() const { return path_; }

  // The line written for `record` (without the newline); for tests.
  static std::string format(const DeadLetterRecord& record);

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t cut_at_open_ = 0;
};

}  // namespace pyrolog
