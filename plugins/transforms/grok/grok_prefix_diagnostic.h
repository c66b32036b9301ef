#pragma once

// "How far does my pattern get?" for a line a grok pattern does not match (the engine of the
// future `pyrolog grok` debugger). Not for the hot path: it compiles one regex per prefix.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "grok_compile_error.h"
#include "grok_compiler.h"
#include "grok_matcher.h"

namespace pyrolog::grok {

// A top-level piece of a pattern: a %{...} reference, a group, a character class, an escape, or a
// run of literal characters, each with its quantifier. [begin, end) in the pattern text.
struct PatternComponent {
  std::size_t begin = 0;
  std::size_t end = 0;
  friend bool operator==(const PatternComponent&, const PatternComponent&) = default;
};

// The components of each top-level alternative (one entry when the pattern has no top-level
// '|'). Empty when the pattern has an unterminated %{.
std::vector<std::vector<PatternComponent>> top_level_components(std::string_view pattern);

struct PrefixDiagnostic {
  bool full_match = false;           // the whole pattern matches the line: nothing to diagnose
  std::size_t alternative = 0;       // the top-level alternative reported (0 without '|')
  std::size_t components_total = 0;  // components of that alternative
  std::size_t components_matched = 0;
  std::string matched_pattern;              // the longest matching prefix of the pattern ("" when none)
  std::size_t matched_length = 0;           // bytes of the line, from its start, that prefix matched
  std::string failed_component;             // the component after the prefix ("" when none failed)
  std::size_t failed_component_offset = 0;  // its offset in the pattern text
  MatchStatus failed_status = MatchStatus::kNoMatch;  // kLimitExceeded when it hit a limit
};

struct PrefixDiagnosticResult {
  PrefixDiagnostic diagnostic;
  std::vector<CompileError> errors;  // the pattern does not compile (diagnostic is empty)
  bool ok() const noexcept { return errors.empty(); }
};

// Finds the longest prefix of `pattern`, cut after top-level components, that matches at the
// start of `line` (prefixes are anchored there). With top-level alternatives, each is examined
// and the one that gets furthest into the line is reported.
PrefixDiagnosticResult longest_matching_prefix(const GrokCompiler& compiler, std::string_view pattern,
                                               std::string_view line, const MatchOptions& options = {});

}  // namespace pyrolog::grok
