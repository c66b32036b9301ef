#pragma once

// Turns a grok pattern into one PCRE2 regex.
//
// %{SYNTAX} expands to the library pattern SYNTAX as a non-capturing group; %{SYNTAX:field}
// captures it as field, %{SYNTAX:field:int} / %{SYNTAX:field:float} also type it. Raw named groups
// (?<field>...) (also (?P<field>...) and (?'field'...)) in the pattern or in library patterns are
// fields too. Field names may be nested, written [http][status] or http.status; both come out as
// "http.status". Because PCRE2 group names are limited to [A-Za-z0-9_], every field group is
// renamed g1, g2, ... and the program keeps the group -> (field, type) table. The regex is
// compiled with PCRE2_NO_AUTO_CAPTURE, so plain (...) groups do not capture (as in Logstash).

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "grok_compile_error.h"
#include "grok_pattern_set.h"
#include "grok_program.h"

namespace pyrolog::grok {

struct CompileOptions {
  bool jit = true;   // JIT-compile; falls back to the interpreter when JIT is unavailable
  bool utf = false;  // match UTF-8 code points (PCRE2_UTF | PCRE2_MATCH_INVALID_UTF) instead of bytes
  std::size_t max_regex_size = 1 << 20;  // bytes of expanded regex, against runaway expansions
  std::size_t max_nesting = 64;          // depth of %{...} references inside references
};

struct CompileResult {
  std::shared_ptr<const GrokProgram> program;  // null on failure
  std::vector<CompileError> errors;            // empty on success
  bool ok() const noexcept { return program != nullptr; }
};

class GrokCompiler {
 public:
  // patterns must outlive the compiler (programs do not refer to it).
  explicit GrokCompiler(const GrokPatternSet& patterns, CompileOptions options = {});

  // Never throws for bad input: every problem is returned in CompileResult::errors.
  CompileResult compile(std::string_view pattern) const;

  const GrokPatternSet& patterns() const noexcept { return patterns_; }
  const CompileOptions& options() const noexcept { return options_; }

 private:
  const GrokPatternSet& patterns_;
  CompileOptions options_;
};

}  // namespace pyrolog::grok
