#include "grok_matcher.h"

#include <utility>

namespace pyrolog::grok {
namespace {

MatchStatus status_of(int rc) noexcept {
  switch (rc) {
    case PCRE2_ERROR_NOMATCH:
      return MatchStatus::kNoMatch;
    case PCRE2_ERROR_MATCHLIMIT:
    case PCRE2_ERROR_DEPTHLIMIT:
    case PCRE2_ERROR_HEAPLIMIT:
    case PCRE2_ERROR_JIT_STACKLIMIT:
      return MatchStatus::kLimitExceeded;
    default:
      return MatchStatus::kError;
  }
}

}  // namespace

GrokMatcher::GrokMatcher(std::shared_ptr<const GrokProgram> program, MatchOptions options)
    : program_(std::move(program)), options_(options), ovector_pairs_(program_->capture_count() + 1) {}

MatchResult GrokMatcher::match(std::string_view line, MatchScratch& scratch) const {
  MatchCounters& counters = scratch.mutable_counters();
  pcre2_match_data* data = scratch.match_data(ovector_pairs_);
  if (data == nullptr) {
    ++counters.error;
    MatchResult result;
    result.status = MatchStatus::kError;
    result.pcre2_error = PCRE2_ERROR_NOMEMORY;
    return result;
  }
  pcre2_match_context* context = scratch.match_context(options_.limits);
  // PCRE2 10.42 rejects a null subject even when it is empty.
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(line.data() != nullptr ? line.data() : "");
  const int rc = program_->jit()
                     ? pcre2_jit_match(program_->code(), subject, line.size(), 0, 0, data, context)
                     : pcre2_match(program_->code(), subject, line.size(), 0, 0, data, context);
  if (rc > 0) {
    ++counters.matched;
    return collect(line, rc, data, scratch);
  }
  MatchResult result;
  result.status = rc == 0 ? MatchStatus::kError : status_of(rc);  // 0: ovector too small (cannot happen)
  switch (result.status) {
    case MatchStatus::kNoMatch:
      ++counters.no_match;
      break;
    case MatchStatus::kLimitExceeded:
      ++counters.limit_exceeded;
      result.pcre2_error = rc;
      break;
    default:
      ++counters.error;
      result.pcre2_error = rc;
      break;
  }
  return result;
}

MatchResult GrokMatcher::collect(std::string_view line, int rc, pcre2_match_data* data,
                                 MatchScratch& scratch) const {
  const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data);
  const auto groups = program_->groups();
  std::vector<Capture>& captures = scratch.captures();
  captures.clear();
  captures.reserve(groups.size());  // allocates only while the scratch warms up
  const bool keep_empty = options_.keep_empty_captures;
  std::vector<std::uint8_t>& marks = scratch.field_marks();
  if (keep_empty) marks.assign(program_->fields().size(), 0);

  // Groups numbered rc and above did not take part in the match.
  const auto top = static_cast<std::size_t>(rc);
  for (std::size_t n = 1; n < top; ++n) {
    const PCRE2_SIZE begin = ovector[2 * n];
    const PCRE2_SIZE end = ovector[2 * n + 1];
    if (begin == PCRE2_UNSET || end <= begin) continue;
    const GroupInfo& group = groups[n - 1];
    captures.push_back(Capture{group.field, std::string_view(line.data() + begin, end - begin), group.type,
                               group.field_index});
    if (keep_empty) marks[group.field_index] = 1;
  }
  if (keep_empty) {
    for (const GroupInfo& group : groups) {
      if (marks[group.field_index] != 0) continue;
      marks[group.field_index] = 1;
      captures.push_back(Capture{group.field, std::string_view(), group.type, group.field_index});
    }
  }

  MatchResult result;
  result.status = MatchStatus::kMatched;
  result.captures = captures;
  result.match_begin = ovector[0];
  result.match_end = ovector[1];
  return result;
}

}  // namespace pyrolog::grok
