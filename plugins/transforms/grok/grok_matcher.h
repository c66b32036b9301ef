#pragma once

// Matches lines against one compiled grok program.
//
//   GrokMatcher matcher(program);
//   MatchScratch scratch;                      // one per thread
//   MatchResult r = matcher.match(line, scratch);
//   if (r.matched()) for (const Capture& c : r.captures) ...
//
// match() is const and thread-safe: all per-call state is in the caller's scratch. It does not
// allocate once the scratch has warmed up, and uses pcre2_jit_match when the program is JIT
// compiled.

#include <memory>
#include <string_view>

#include "grok_match_limits.h"
#include "grok_match_result.h"
#include "grok_match_scratch.h"
#include "grok_program.h"

namespace pyrolog::grok {

struct MatchOptions {
  MatchLimits limits;
  // Report fields whose groups did not match anything (as empty values) instead of omitting
  // them. Each such field is reported once, after the non-empty captures.
  bool keep_empty_captures = false;
};

class GrokMatcher {
 public:
  explicit GrokMatcher(std::shared_ptr<const GrokProgram> program, MatchOptions options = {});

  MatchResult match(std::string_view line, MatchScratch& scratch) const;

  const GrokProgram& program() const noexcept { return *program_; }
  const std::shared_ptr<const GrokProgram>& shared_program() const noexcept { return program_; }
  const MatchOptions& options() const noexcept { return options_; }

 private:
  MatchResult collect(std::string_view line, int rc, pcre2_match_data* data, MatchScratch& scratch) const;

  std::shared_ptr<const GrokProgram> program_;
  MatchOptions options_;
  std::uint32_t ovector_pairs_ = 1;
};

}  // namespace pyrolog::grok
