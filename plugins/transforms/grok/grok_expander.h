#pragma once

// Expansion of %{...} references and named groups into one PCRE2 regex text (no PCRE2 involved
// yet), with a source map so that PCRE2's error offsets can be traced back to the pattern text
// they came from. Internal to the compiler.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "grok_compile_error.h"
#include "grok_pattern_set.h"
#include "grok_program.h"

namespace pyrolog::grok {

struct ExpansionLimits {
  std::size_t max_regex_size = 1 << 20;
  std::size_t max_nesting = 64;
};

class Expansion {
 public:
  std::string regex;
  std::vector<GroupInfo> groups;  // groups[i] is the group named "g<i+1>"
  std::vector<CompileError> errors;

  // The pattern text and offset that produced byte `offset` of regex, as a CompileError (with
  // an empty message) ready to be filled in.
  CompileError locate(std::size_t offset) const;

 private:
  friend class Expander;
  struct SourceSpan {
    std::size_t expanded_begin = 0;  // where the span starts in regex
    std::size_t context = 0;         // index into contexts_
    std::size_t source_begin = 0;    // offset in that context's text
    std::size_t length = 0;          // verbatim length; 0 for generated text
  };
  std::vector<SourceSpan> spans_;
  std::vector<std::string> contexts_;  // CompileError::where of each pattern text
};

// Name of the capture group for field group number n (1-based): "g<n>".
std::string group_name(std::size_t n);

Expansion expand_grok(std::string_view pattern, const GrokPatternSet& patterns,
                      const ExpansionLimits& limits);

}  // namespace pyrolog::grok
