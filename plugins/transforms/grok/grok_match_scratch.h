#pragma once

// Per-thread working memory for matching: PCRE2 match data, a match context carrying the limits,
// a bounded JIT stack, and the buffer the captures are returned in. A matcher is shared by
// threads; each thread passes its own scratch. After the first few lines (when the buffers have
// grown to the largest pattern used) matching allocates nothing.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "grok_capture.h"
#include "grok_match_limits.h"
#include "pcre2_handles.h"

namespace pyrolog::grok {

struct MatchScratchOptions {
  // The JIT stack holds JIT backtracking state; when it is exhausted the match fails with
  // kLimitExceeded. PCRE2's default (without an explicit stack) is 32 KiB on the machine stack.
  std::size_t jit_stack_start = 32 * 1024;
  std::size_t jit_stack_max = 1024 * 1024;
};

// Outcomes of the match attempts made with a scratch since construction (or reset_counters), for
// the caller's metrics. A multi-matcher makes one attempt per pattern it tries.
struct MatchCounters {
  std::uint64_t matched = 0;
  std::uint64_t no_match = 0;
  std::uint64_t limit_exceeded = 0;
  std::uint64_t error = 0;
};

class MatchScratch {
 public:
  MatchScratch() : MatchScratch(MatchScratchOptions{}) {}
  explicit MatchScratch(const MatchScratchOptions& options);

  MatchScratch(const MatchScratch&) = delete;
  MatchScratch& operator=(const MatchScratch&) = delete;
  MatchScratch(MatchScratch&&) noexcept = default;
  MatchScratch& operator=(MatchScratch&&) noexcept = default;
  ~MatchScratch() = default;

  const MatchCounters& counters() const noexcept { return counters_; }
  void reset_counters() noexcept { counters_ = {}; }

  // --- for matchers ---
  // Match data with room for at least `pairs` ovector pairs (grows, never shrinks); null when
  // out of memory.
  pcre2_match_data* match_data(std::uint32_t pairs);
  // The match context with these limits applied (set only when they differ from the last call).
  pcre2_match_context* match_context(const MatchLimits& limits) noexcept;
  std::vector<Capture>& captures() noexcept { return captures_; }
  std::vector<std::uint8_t>& field_marks() noexcept { return field_marks_; }
  MatchCounters& mutable_counters() noexcept { return counters_; }

 private:
  Pcre2MatchDataPtr match_data_;
  std::uint32_t match_data_pairs_ = 0;
  Pcre2MatchContextPtr context_;
  Pcre2JitStackPtr jit_stack_;
  MatchLimits applied_limits_;
  std::vector<Capture> captures_;
  std::vector<std::uint8_t> field_marks_;
  MatchCounters counters_;
};

}  // namespace pyrolog::grok
