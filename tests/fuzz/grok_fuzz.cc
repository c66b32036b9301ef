// libFuzzer target for the grok engine: pattern-file parsing, %{...} expansion and compilation,
// matching, and the prefix diagnostic.
//
// Input layout (parts separated by NUL bytes; missing parts are empty):
//   <pattern definitions, in pattern-file format> \0 <grok pattern> \0 <line>
// The definitions are loaded on top of the built-in library (conf/patterns) so that the fuzzer
// can both reach the real patterns and define/override its own, including cyclic ones.
//
// Build: configure with CMAKE_CXX_COMPILER=clang++ and -DPYROLOG_FUZZ=ON, then
//   ./grok_fuzz -max_total_time=600 corpus_dir <source>/tests/fuzz/corpus/grok

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "grok_compiler.h"
#include "grok_matcher.h"
#include "grok_pattern_set.h"
#include "grok_prefix_diagnostic.h"

#ifndef PYROLOG_SOURCE_DIR
#define PYROLOG_SOURCE_DIR "."
#endif

namespace {

using namespace pyrolog::grok;

const GrokPatternSet& builtin() {
  static const GrokPatternSet set = [] {
    GrokPatternSet s;
    s.load_directory(std::string(PYROLOG_SOURCE_DIR) + "/conf/patterns");
    return s;
  }();
  return set;
}

// Takes the text up to the next NUL (or the end) off the front of input.
std::string_view take_part(std::string_view& input) {
  const std::size_t nul = input.find('\0');
  const std::string_view part = input.substr(0, nul);
  input.remove_prefix(nul == std::string_view::npos ? input.size() : nul + 1);
  return part;
}

void check(bool condition) {
  if (!condition) std::abort();
}

void check_result(const MatchResult& r, std::string_view line) {
  check(r.matched() || r.captures.empty());
  if (!r.matched()) return;
  check(r.match_end <= line.size());
  for (const Capture& c : r.captures) {
    check(!c.field.empty());
    if (c.value.empty()) continue;
    check(c.value.data() >= line.data() && c.value.data() + c.value.size() <= line.data() + line.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string_view definitions = take_part(input);
  const std::string_view pattern = take_part(input);
  const std::string_view line = take_part(input);

  GrokPatternSet patterns = builtin();
  for (const auto& error : patterns.load_text(definitions, "fuzz"))
    check(!error.to_string().empty());

  CompileOptions compile_options;
  compile_options.max_regex_size = 64 * 1024;  // keep each run fast
  const GrokCompiler compiler(patterns, compile_options);
  const CompileResult compiled = compiler.compile(pattern);
  check(compiled.ok() == compiled.errors.empty());
  if (!compiled.ok()) {
    for (const auto& error : compiled.errors)
      check(!error.where.empty() && !error.message.empty());
    return 0;
  }

  MatchOptions match_options;
  match_options.limits.match_limit = 20'000;
  match_options.limits.depth_limit = 2'000;
  match_options.limits.heap_limit_kib = 4 * 1024;
  MatchScratch scratch;
  const GrokMatcher matcher(compiled.program, match_options);
  check_result(matcher.match(line, scratch), line);

  match_options.keep_empty_captures = true;
  const GrokMatcher keeping(compiled.program, match_options);
  const MatchResult kept = keeping.match(line, scratch);
  check_result(kept, line);
  if (kept.matched()) check(kept.captures.size() >= compiled.program->fields().size());

  if (pattern.size() <= 256 && line.size() <= 1024) {
    const PrefixDiagnosticResult diagnosis = longest_matching_prefix(compiler, pattern, line, match_options);
    check(diagnosis.ok());
    const PrefixDiagnostic& d = diagnosis.diagnostic;
    check(d.components_matched <= d.components_total);
    check(d.matched_length <= line.size());
  }
  return 0;
}
