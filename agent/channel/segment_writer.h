#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <system_error>

#include "base/unique_fd.h"
#include "channel/result.h"
#include "channel/segment_format.h"

namespace pyrolog::channel {

// The segment file that appends go to. `append` and `end` must be serialised by the caller (the channel's
// lock); `sync` may run concurrently with them from another thread.
class SegmentWriter {
 public:
  // Creates `dir/<id>.seg` (which must not exist) and writes its header. On failure nothing is left behind.
  static Result<std::shared_ptr<SegmentWriter>> create(const std::filesystem::path& dir, std::uint64_t id,
                                                       std::uint64_t first_seq);
  // Opens an existing segment whose valid data ends at `end`, to append after it.
  static Result<std::shared_ptr<SegmentWriter>> open(const std::filesystem::path& dir, std::uint64_t id,
                                                     std::uint64_t end);

  SegmentWriter(UniqueFd fd, std::uint64_t id, std::uint64_t end) : fd_(std::move(fd)), id_(id), end_(end) {}

  std::uint64_t id() const noexcept { return id_; }
  std::uint64_t end() const noexcept { return end_; }
  // A failed append could not be undone (the truncate failed too): the file may hold a partial frame after
  // end(), so nothing more may be appended to it.
  bool broken() const noexcept { return broken_; }

  // Writes the frame (header then payload) at end(). On failure the file is truncated back to end() and the
  // error returned; end() is unchanged either way unless the write succeeded.
  std::error_code append(std::span<const std::byte> header, std::span<const std::byte> payload);

  std::error_code sync() const;  // fdatasync
  std::error_code truncate(std::uint64_t size);

 private:
  UniqueFd fd_;
  std::uint64_t id_;
  std::uint64_t end_;
  bool broken_ = false;
};

}  // namespace pyrolog::channel
