#pragma once

// Bounds on the work one match may do, so that a pathological pattern/line pair (catastrophic
// backtracking) fails fast with MatchStatus::kLimitExceeded instead of stalling the pipeline.

#include <cstdint>

namespace pyrolog::grok {

struct MatchLimits {
  // PCRE2 match limit: bounds backtracking steps (JIT and interpreter). A typical access-log line
  // needs a few hundred; PCRE2's own default is 10,000,000.
  std::uint32_t match_limit = 1'000'000;
  // Interpreter only (JIT uses the scratch's bounded JIT stack instead): nesting depth of
  // backtracking points, and the heap the interpreter may use for them.
  std::uint32_t depth_limit = 100'000;
  std::uint32_t heap_limit_kib = 64 * 1024;

  friend bool operator==(const MatchLimits&, const MatchLimits&) = default;
};

}  // namespace pyrolog::grok
