#pragma once

// The outcome of matching one line.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "grok_capture.h"

namespace pyrolog::grok {

enum class MatchStatus : std::uint8_t {
  kMatched,
  kNoMatch,
  kLimitExceeded,  // match limit, depth/heap limit or JIT stack exhausted: treat as a failure
  kError,          // any other PCRE2 failure (e.g. out of memory)
};

std::string_view to_string(MatchStatus status) noexcept;

struct MatchResult {
  MatchStatus status = MatchStatus::kNoMatch;
  // Valid until the next match with the same MatchScratch (and while the line and the program
  // live). Unset and (unless keep_empty_captures) empty groups are omitted. A field can appear
  // more than once when several of its groups took part in the match.
  std::span<const Capture> captures;
  std::size_t match_begin = 0;  // the whole match, as byte offsets into the line
  std::size_t match_end = 0;
  int pcre2_error = 0;  // PCRE2's return code for kLimitExceeded and kError

  bool matched() const noexcept { return status == MatchStatus::kMatched; }
  // The first capture of a field, or nullptr.
  const Capture* find(std::string_view field) const noexcept;
};

}  // namespace pyrolog::grok
