#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string.h>
#include <string>
#include <string_view>

#include "event/batch.h"

namespace pyrolog::files {

// What happens to a line longer than the limit.
enum class OverlongMode { split, truncate, drop };

struct FramerCounts {
  std::uint64_t split = 0;      // lines cut into pieces of the limit
  std::uint64_t truncated = 0;  // lines cut to the limit, the rest discarded
  std::uint64_t dropped = 0;    // lines discarded whole
};

// Splits a file's bytes into lines and knows the file offset of each: the offset a line starts at, and how
// far the file is settled (every byte before it was emitted as part of a line, or dropped on purpose). The
// lines wholly inside one `feed` are copied into the batch at once and handed out as views; the newline is
// not part of a line. A line begun in one `feed` and ended in a later one is held (bounded by the limit) and
// copied when it ends. A line longer than `max_line_bytes` is split into pieces of that size, truncated to
// it, or dropped, and counted; memory stays bounded either way.
class LineFramer {
 public:
  LineFramer(std::size_t max_line_bytes, OverlongMode mode, std::uint64_t offset)
      : max_(max_line_bytes), mode_(mode), offset_(offset), line_start_(offset) {}

  // `data` are the bytes at `offset()`. Calls `on_line(std::string_view line_in_batch, std::uint64_t start)`.
  template <class OnLine>
  void feed(std::string_view data, Batch& batch, OnLine&& on_line) {
    feed_bytes<false>(data, batch, on_line);
  }
  // The same for bytes that already live in `batch` (read straight into it): the whole lines are handed out
  // as views into them, with no copy.
  template <class OnLine>
  void feed_stored(std::string_view data, Batch& batch, OnLine&& on_line) {
    feed_bytes<true>(data, batch, on_line);
  }

  // Ends the line in progress, if any, and emits what it has as a line (end of a complete file, or a last
  // line idle for too long).
  template <class OnLine>
  void flush(Batch& batch, OnLine&& on_line);

  // The next byte to read.
  std::uint64_t offset() const { return offset_; }
  // Every byte before this offset is done with: emitted or dropped.
  std::uint64_t settled_offset() const { return in_line_ ? line_start_ : offset_; }
  // A line has begun and its newline has not come yet.
  bool in_line() const { return in_line_; }
  const FramerCounts& counts() const { return counts_; }

 private:
  template <bool kStored, class OnLine>
  void feed_bytes(std::string_view data, Batch& batch, OnLine& on_line);
  template <class OnLine>
  void extend_line(std::string_view bytes, Batch& batch, OnLine& on_line);
  template <class OnLine>
  void whole_line(std::string_view line, std::uint64_t start, OnLine& on_line);
  void end_line();

  const std::size_t max_;
  const OverlongMode mode_;
  std::uint64_t offset_;
  std::string partial_;       // the held part of the line in progress (at most `max_` bytes)
  std::uint64_t line_start_;  // offset of the first byte of `partial_`
  bool in_line_ = false;
  bool discarding_ = false;  // the rest of the line in progress is thrown away (truncate, drop)
  bool counted_ = false;     // the line in progress was counted as over-long
  FramerCounts counts_;
};

template <bool kStored, class OnLine>
void LineFramer::feed_bytes(std::string_view data, Batch& batch, OnLine& on_line) {
  // 1. The end of a line begun in an earlier feed.
  if (in_line_ && !data.empty()) {
    const void* nl = std::memchr(data.data(), '\n', data.size());
    const std::size_t len =
        nl == nullptr ? data.size() : static_cast<std::size_t>(static_cast<const char*>(nl) - data.data());
    extend_line(data.substr(0, len), batch, on_line);
    offset_ += len;
    if (nl == nullptr) return;
    offset_ += 1;
    if (!(discarding_ && mode_ == OverlongMode::drop)) on_line(batch.store(partial_), line_start_);
    end_line();
    data.remove_prefix(len + 1);
  }
  if (data.empty()) return;
  // 2. Every line wholly inside `data`: one copy (none when `data` is in the batch already), then views.
  const char* last_nl = static_cast<const char*>(::memrchr(data.data(), '\n', data.size()));
  if (last_nl != nullptr) {
    const std::size_t whole = static_cast<std::size_t>(last_nl - data.data()) + 1;
    const std::string_view stored = kStored ? data.substr(0, whole) : batch.store(data.substr(0, whole));
    std::size_t pos = 0;
    while (pos < whole) {
      const char* nl = static_cast<const char*>(std::memchr(stored.data() + pos, '\n', whole - pos));
      const std::size_t len = static_cast<std::size_t>(nl - (stored.data() + pos));
      whole_line(stored.substr(pos, len), offset_, on_line);
      offset_ += len + 1;
      pos += len + 1;
    }
    data.remove_prefix(whole);
  }
  // 3. The start of a line whose newline has not come yet.
  if (!data.empty()) {
    in_line_ = true;
    line_start_ = offset_;
    extend_line(data, batch, on_line);
    offset_ += data.size();
  }
}

template <class OnLine>
void LineFramer::whole_line(std::string_view line, std::uint64_t start, OnLine& on_line) {
  if (line.size() <= max_) {
    on_line(line, start);
    return;
  }
  switch (mode_) {
    case OverlongMode::split:
      ++counts_.split;
      for (std::size_t p = 0; p < line.size(); p += max_)
        on_line(line.substr(p, max_), start + p);
      break;
    case OverlongMode::truncate:
      ++counts_.truncated;
      on_line(line.substr(0, max_), start);
      break;
    case OverlongMode::drop:
      ++counts_.dropped;
      break;
  }
}

template <class OnLine>
void LineFramer::extend_line(std::string_view bytes, Batch& batch, OnLine& on_line) {
  if (discarding_) return;
  if (partial_.size() + bytes.size() <= max_) {
    partial_.append(bytes);
    return;
  }
  switch (mode_) {
    case OverlongMode::split:
      if (!counted_) ++counts_.split;
      counted_ = true;
      // Emit full pieces while more than a piece is held, so a line of exactly the limit stays whole.
      while (partial_.size() + bytes.size() > max_) {
        const std::size_t take = max_ - partial_.size();
        partial_.append(bytes.substr(0, take));
        bytes.remove_prefix(take);
        on_line(batch.store(partial_), line_start_);
        line_start_ += partial_.size();
        partial_.clear();
      }
      partial_.append(bytes);
      break;
    case OverlongMode::truncate:
      ++counts_.truncated;
      partial_.append(bytes.substr(0, max_ - partial_.size()));
      discarding_ = true;
      break;
    case OverlongMode::drop:
      ++counts_.dropped;
      partial_.clear();
      partial_.shrink_to_fit();
      discarding_ = true;
      break;
  }
}

template <class OnLine>
void LineFramer::flush(Batch& batch, OnLine&& on_line) {
  if (!in_line_) return;
  if (!(discarding_ && mode_ == OverlongMode::drop) && !partial_.empty()) {
    on_line(batch.store(partial_), line_start_);
  }
  end_line();
}

inline void LineFramer::end_line() {
  partial_.clear();
  if (partial_.capacity() > 64 * 1024) partial_.shrink_to_fit();
  in_line_ = false;
  discarding_ = false;
  counted_ = false;
  line_start_ = offset_;
}

}  // namespace pyrolog::files
