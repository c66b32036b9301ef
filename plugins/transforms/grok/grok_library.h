#pragma once

// Building a grok matcher the way the transform and `pyrolog grok` do: the built-in library, then the user's
// pattern directories, then inline definitions, each overriding the one before; then every `match` pattern
// compiled, in order.

#include <map>
#include <string>
#include <vector>

#include "grok_compiler.h"
#include "grok_matcher.h"
#include "grok_multi_matcher.h"
#include "grok_pattern_set.h"

namespace pyrolog::grok {

struct GrokLibraryOptions {
  bool builtin = true;                             // load the built-in library first
  std::vector<std::string> patterns_dirs;          // then these, in order
  std::map<std::string, std::string> definitions;  // then these
};

// Loads the library; problems (an unreadable directory, a bad line) are appended to `errors`, one message
// each.
GrokPatternSet load_grok_library(const GrokLibraryOptions& options, std::vector<std::string>& errors);

struct GrokBuildResult {
  GrokMultiMatcher matcher;  // one matcher per pattern, in order (complete only when `errors` is empty)
  std::vector<std::string> errors;
};

// Compiles `patterns` against `library`. An error names the pattern (`match[1]`) and the offset in its text.
GrokBuildResult compile_grok_patterns(const GrokPatternSet& library, const std::vector<std::string>& patterns,
                                      const CompileOptions& compile_options,
                                      const MatchOptions& match_options);

}  // namespace pyrolog::grok
