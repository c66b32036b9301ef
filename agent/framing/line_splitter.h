#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "event/batch.h"

namespace pyrolog {

// What happens to a line longer than the limit.
enum class OverlongLine { truncate, drop };

struct LineSplitterStats {
  std::uint64_t truncated = 0;  // lines cut to the limit (the rest of the line is discarded)
  std::uint64_t dropped = 0;    // lines discarded whole
};

// Splits a byte stream into newline-terminated lines, copying them into a batch in as few copies as it can
// (one per call for the lines wholly inside `data`). The newline is not part of a line; every other byte is
// kept as it came. A line is never longer than `max_line_bytes`: longer ones are truncated or dropped, and
// counted. A partial last line is kept (bounded by the limit) until its newline arrives or `finish` is
// called; so is a truncated line, which is emitted when its newline arrives, with the offset past that
// newline.
class LineSplitter {
 public:
  LineSplitter(std::size_t max_line_bytes, OverlongLine mode) : max_(max_line_bytes), mode_(mode) {}

  // Calls `on_line(std::string_view line_in_batch, std::uint64_t end_offset)` for each complete line, where
  // `end_offset` is the stream offset just past the line's newline.
  template <class OnLine>
  void feed(std::string_view data, Batch& batch, OnLine&& on_line);

  // Emits the partial last line, if any (end of stream).
  template <class OnLine>
  void finish(Batch& batch, OnLine&& on_line);

  std::size_t pending_bytes() const { return partial_.size(); }
  std::uint64_t offset() const { return offset_; }
  const LineSplitterStats& stats() const { return stats_; }

 private:
  // Adds bytes without a newline to the partial line, applying the limit.
  void add_partial(std::string_view bytes);
  // Whether the line in progress is emitted when it ends: not when it is being dropped.
  bool keeps_line() const { return !discarding_ || mode_ == OverlongLine::truncate; }

  std::size_t max_;
  OverlongLine mode_;
  std::string partial_;       // the line in progress (its first `max_` bytes, when truncated)
  bool discarding_ = false;   // inside an over-long line whose rest is thrown away
  std::uint64_t offset_ = 0;  // bytes consumed so far
  LineSplitterStats stats_;
};

template <class OnLine>
void LineSplitter::feed(std::string_view data, Batch& batch, OnLine&& on_line) {
  if (data.empty()) return;
  // 1. Finish a line begun in an earlier call.
  if (!partial_.empty() || discarding_) {
    const void* nl = std::memchr(data.data(), '\n', data.size());
    if (nl == nullptr) {
      add_partial(data);
      offset_ += data.size();
      return;
    }
    const std::size_t len = static_cast<std::size_t>(static_cast<const char*>(nl) - data.data());
    add_partial(data.substr(0, len));
    offset_ += len + 1;
    if (keeps_line()) on_line(batch.store(partial_), offset_);
    partial_.clear();
    discarding_ = false;
    data.remove_prefix(len + 1);
    if (data.empty()) return;
  }
  // 2. Every line wholly inside `data`: one copy into the batch, then views.
  const char* last_nl = static_cast<const char*>(memrchr(data.data(), '\n', data.size()));
  if (last_nl != nullptr) {
    const std::size_t whole = static_cast<std::size_t>(last_nl - data.data()) + 1;
    std::string_view stored = batch.store(data.substr(0, whole));
    std::size_t pos = 0;
    while (pos < stored.size()) {
      const char* nl = static_cast<const char*>(std::memchr(stored.data() + pos, '\n', stored.size() - pos));
      const std::size_t len = static_cast<std::size_t>(nl - (stored.data() + pos));
      offset_ += len + 1;
      if (len <= max_) {
        on_line(stored.substr(pos, len), offset_);
      } else if (mode_ == OverlongLine::truncate) {
        ++stats_.truncated;
        on_line(stored.substr(pos, max_), offset_);
      } else {
        ++stats_.dropped;
      }
      pos += len + 1;
    }
    data.remove_prefix(whole);
  }
  // 3. The start of a line whose newline has not come yet.
  if (!data.empty()) {
    add_partial(data);
    offset_ += data.size();
  }
}

template <class OnLine>
void LineSplitter::finish(Batch& batch, OnLine&& on_line) {
  if (discarding_ ? keeps_line() : !partial_.empty()) on_line(batch.store(partial_), offset_);
  partial_.clear();
  discarding_ = false;
}

}  // namespace pyrolog
