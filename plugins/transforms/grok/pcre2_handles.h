#pragma once

// RAII owners for the PCRE2 objects the grok engine uses (8-bit code units only).

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif

#include <memory>

#include <pcre2.h>

namespace pyrolog::grok {

struct Pcre2CodeDeleter {
  void operator()(pcre2_code* p) const noexcept { pcre2_code_free(p); }
};
struct Pcre2MatchDataDeleter {
  void operator()(pcre2_match_data* p) const noexcept { pcre2_match_data_free(p); }
};
struct Pcre2MatchContextDeleter {
  void operator()(pcre2_match_context* p) const noexcept { pcre2_match_context_free(p); }
};
struct Pcre2CompileContextDeleter {
  void operator()(pcre2_compile_context* p) const noexcept { pcre2_compile_context_free(p); }
};
struct Pcre2JitStackDeleter {
  void operator()(pcre2_jit_stack* p) const noexcept { pcre2_jit_stack_free(p); }
};

using Pcre2CodePtr = std::unique_ptr<pcre2_code, Pcre2CodeDeleter>;
using Pcre2MatchDataPtr = std::unique_ptr<pcre2_match_data, Pcre2MatchDataDeleter>;
using Pcre2MatchContextPtr = std::unique_ptr<pcre2_match_context, Pcre2MatchContextDeleter>;
using Pcre2CompileContextPtr = std::unique_ptr<pcre2_compile_context, Pcre2CompileContextDeleter>;
using Pcre2JitStackPtr = std::unique_ptr<pcre2_jit_stack, Pcre2JitStackDeleter>;

}  // namespace pyrolog::grok
