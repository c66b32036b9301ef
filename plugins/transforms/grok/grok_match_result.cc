#include "grok_match_result.h"

namespace pyrolog::grok {

std::string_view to_string(MatchStatus status) noexcept {
  switch (status) {
    case MatchStatus::kMatched:
      return "matched";
    case MatchStatus::kNoMatch:
      return "no match";
    case MatchStatus::kLimitExceeded:
      return "limit exceeded";
    case MatchStatus::kError:
      break;
  }
  return "error";
}

const Capture* MatchResult::find(std::string_view field) const noexcept {
  for (const Capture& capture : captures) {
    if (capture.field == field) return &capture;
  }
  return nullptr;
}

}  // namespace pyrolog::grok
