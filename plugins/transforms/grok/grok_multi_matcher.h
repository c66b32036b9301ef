#pragma once

// Several grok patterns tried in order; the first that matches wins (Logstash's
// `match => { "message" => [p1, p2, ...] }` with break_on_match).
//
// A pattern that exceeds its limits does not stop the search: the next patterns are still tried,
// and the result is kLimitExceeded only when no pattern matched and at least one hit a limit.

#include <cstddef>
#include <string_view>
#include <vector>

#include "grok_matcher.h"

namespace pyrolog::grok {

struct MultiMatchResult {
  MatchResult result;
  std::size_t pattern_index = 0;  // which pattern matched (meaningful when result.matched())
};

class GrokMultiMatcher {
 public:
  GrokMultiMatcher() = default;
  explicit GrokMultiMatcher(std::vector<GrokMatcher> matchers) : matchers_(std::move(matchers)) {}

  void add(GrokMatcher matcher) { matchers_.push_back(std::move(matcher)); }
  std::size_t size() const noexcept { return matchers_.size(); }
  const GrokMatcher& operator[](std::size_t i) const noexcept { return matchers_[i]; }

  MultiMatchResult match(std::string_view line, MatchScratch& scratch) const;

 private:
  std::vector<GrokMatcher> matchers_;
};

}  // namespace pyrolog::grok
