// Checks that matching does not allocate once the scratch has warmed up. Replaces the global
// operator new for this test binary to count allocations made by the current thread.

#include <cstddef>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "grok_compiler.h"
#include "grok_matcher.h"
#include "grok_multi_matcher.h"

namespace {

thread_local std::size_t allocations = 0;

}  // namespace

void* operator new(std::size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace pyrolog::grok {
namespace {

TEST(GrokAllocationTest, MatchingAllocatesNothingAfterWarmUp) {
  GrokPatternSet patterns;
  ASSERT_TRUE(patterns.load_text("WORD \\b\\w+\\b\nINT [0-9]+\nDATA .*?\n", "mem").empty());
  const GrokCompiler compiler(patterns);
  GrokMultiMatcher multi;
  multi.add(GrokMatcher(compiler.compile("^%{INT:n:int} %{WORD:w}$").program));
  MatchOptions keep_empty;
  keep_empty.keep_empty_captures = true;
  multi.add(GrokMatcher(compiler.compile("^%{WORD:a} %{DATA:b} (?<c>x)?%{WORD:d}$").program, keep_empty));
  const std::vector<std::string> lines = {"12 abc", "foo bar baz qux", "nothing matches here!", "7 x"};

  MatchScratch scratch;
  for (const auto& line : lines)
    multi.match(line, scratch);  // warm up

  const std::size_t before = allocations;
  std::size_t matched = 0;
  for (int round = 0; round < 1000; ++round) {
    for (const auto& line : lines)
      matched += multi.match(line, scratch).result.matched() ? 1u : 0u;
  }
  EXPECT_EQ(allocations - before, 0u);
  EXPECT_EQ(matched, 3000u);
}

}  // namespace
}  // namespace pyrolog::grok
