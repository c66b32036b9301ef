#include "grok_library.h"

#include <fmt/format.h>

#include "builtin_patterns.h"

namespace pyrolog::grok {

GrokPatternSet load_grok_library(const GrokLibraryOptions& options, std::vector<std::string>& errors) {
  GrokPatternSet set;
  auto add_errors = [&](const std::vector<PatternLoadError>& found, std::string_view what) {
    for (const auto& e : found)
      errors.push_back(fmt::format("{}: {}", what, e.to_string()));
  };
  if (options.builtin) {
    if (auto dir = find_builtin_patterns_dir()) {
      add_errors(set.load_directory(*dir), "built-in patterns");
    }
  }
  for (const std::string& dir : options.patterns_dirs)
    add_errors(set.load_directory(dir), "patterns_dir");
  add_errors(set.add_definitions(options.definitions), "pattern_definitions");
  return set;
}

GrokBuildResult compile_grok_patterns(const GrokPatternSet& library, const std::vector<std::string>& patterns,
                                      const CompileOptions& compile_options,
                                      const MatchOptions& match_options) {
  GrokBuildResult out;
  const GrokCompiler compiler(library, compile_options);
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    CompileResult compiled = compiler.compile(patterns[i]);
    for (const auto& e : compiled.errors)
      out.errors.push_back(fmt::format("match[{}]: {}", i, e.to_string()));
    if (compiled.ok()) out.matcher.add(GrokMatcher(compiled.program, match_options));
  }
  if (!out.errors.empty() && library.empty()) {
    std::string searched;
    for (const auto& dir : builtin_patterns_search_path())
      searched += (searched.empty() ? "" : ", ") + dir.string();
    out.errors.push_back(
        fmt::format("(the built-in pattern library was not found; looked in: {}; set "
                    "PYROLOG_PATTERNS_DIR)",
                    searched));
  }
  return out;
}

}  // namespace pyrolog::grok
