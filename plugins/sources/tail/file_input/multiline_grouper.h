#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "line_pattern.h"

namespace pyrolog::files {

// How lines are told apart: by the first line of an event, or by the lines that continue one.
struct MultilineRules {
  enum class Kind { start, continuation };
  Kind kind = Kind::start;
  LinePattern pattern;
  std::size_t max_lines = 1000;
  std::size_t max_bytes = 1024 * 1024;
};

struct MultilineCounts {
  std::uint64_t limited = 0;  // events ended early by max_lines or max_bytes
};

// Groups the lines of one file into events. An event is held until a line shows it is complete (the next
// start line, or the next line that is not a continuation), or until the caller flushes it (a timeout, the
// end of a spooled file). Lines are joined with `\n`.
class MultilineGrouper {
 public:
  explicit MultilineGrouper(const MultilineRules& rules) : rules_(rules) {}

  // Calls `on_event(std::string_view text, std::uint64_t start)` for each event this line completes. The text
  // is valid until the next call.
  template <class OnEvent>
  void add(std::string_view line, std::uint64_t start, OnEvent&& on_event);

  template <class OnEvent>
  void flush(OnEvent&& on_event);

  bool pending() const { return lines_ > 0; }
  // File offset of the held event's first line.
  std::uint64_t pending_start() const { return start_; }
  const MultilineCounts& counts() const { return counts_; }

 private:
  bool starts_event(std::string_view line) const {
    const bool match = rules_.pattern.matches(line);
    return rules_.kind == MultilineRules::Kind::start ? match : !match;
  }
  void begin(std::string_view line, std::uint64_t start) {
    text_.assign(line);
    start_ = start;
    lines_ = 1;
  }

  const MultilineRules& rules_;
  std::string text_;
  std::uint64_t start_ = 0;
  std::size_t lines_ = 0;
  MultilineCounts counts_;
};

template <class OnEvent>
void MultilineGrouper::add(std::string_view line, std::uint64_t start, OnEvent&& on_event) {
  if (lines_ == 0) {
    begin(line, start);
    return;
  }
  if (starts_event(line)) {
    on_event(std::string_view(text_), start_);
    begin(line, start);
    return;
  }
  if (lines_ >= rules_.max_lines || text_.size() + 1 + line.size() > rules_.max_bytes) {
    ++counts_.limited;
    on_event(std::string_view(text_), start_);
    begin(line, start);
    return;
  }
  text_ += '\n';
  text_.append(line);
  ++lines_;
}

template <class OnEvent>
void MultilineGrouper::flush(OnEvent&& on_event) {
  if (lines_ == 0) return;
  on_event(std::string_view(text_), start_);
  text_.clear();
  if (text_.capacity() > 64 * 1024) text_.shrink_to_fit();
  lines_ = 0;
}

}  // namespace pyrolog::files
