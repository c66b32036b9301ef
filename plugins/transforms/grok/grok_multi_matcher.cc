#include "grok_multi_matcher.h"

namespace pyrolog::grok {

MultiMatchResult GrokMultiMatcher::match(std::string_view line, MatchScratch& scratch) const {
  MultiMatchResult out;
  bool limit_hit = false;
  int limit_code = 0;
  for (std::size_t i = 0; i < matchers_.size(); ++i) {
    MatchResult result = matchers_[i].match(line, scratch);
    switch (result.status) {
      case MatchStatus::kMatched:
        return {result, i};
      case MatchStatus::kLimitExceeded:
        limit_hit = true;
        limit_code = result.pcre2_error;
        break;
      case MatchStatus::kError:
        if (!limit_hit) out = {result, i};
        break;
      case MatchStatus::kNoMatch:
        break;
    }
  }
  if (limit_hit) {
    out.result = MatchResult{};
    out.result.status = MatchStatus::kLimitExceeded;
    out.result.pcre2_error = limit_code;
  }
  return out;
}

}  // namespace pyrolog::grok
