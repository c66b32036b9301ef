#include "grok_matcher.h"

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "grok_compiler.h"
#include "grok_multi_matcher.h"

namespace pyrolog::grok {
namespace {

CompileOptions with_jit(bool jit) {
  CompileOptions options;
  options.jit = jit;
  return options;
}

MatchOptions keeping_empty_captures() {
  MatchOptions options;
  options.keep_empty_captures = true;
  return options;
}

class GrokMatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto errors = patterns_.load_text(
        "WORD \\b\\w+\\b\nINT [+-]?[0-9]+\nNUMBER [+-]?[0-9]+(?:\\.[0-9]+)?\nNOTSPACE \\S+\nGREEDYDATA .*\n",
        "test");
    ASSERT_TRUE(errors.empty());
  }

  std::shared_ptr<const GrokProgram> program(std::string_view pattern, CompileOptions options = {}) const {
    CompileResult r = GrokCompiler(patterns_, options).compile(pattern);
    EXPECT_TRUE(r.ok()) << to_string(r.errors);
    return r.program;
  }

  GrokMatcher matcher(std::string_view pattern, MatchOptions options = {}) const {
    return GrokMatcher(program(pattern), options);
  }

  GrokPatternSet patterns_;
};

TEST_F(GrokMatcherTest, CapturesPointIntoTheLine) {
  const GrokMatcher m =
      matcher("%{WORD:verb} %{NOTSPACE:[url][path]} took %{NUMBER:ms:float}ms status=%{INT:status:int}");
  MatchScratch scratch;
  const std::string line = "GET /index.html took 12.5ms status=200 trailing";
  const MatchResult r = m.match(line, scratch);
  ASSERT_EQ(r.status, MatchStatus::kMatched);
  ASSERT_EQ(r.captures.size(), 4u);
  EXPECT_EQ(r.captures[0].field, "verb");
  EXPECT_EQ(r.captures[0].value, "GET");
  EXPECT_EQ(r.captures[0].type, FieldType::kString);
  EXPECT_EQ(r.captures[1].field, "url.path");
  EXPECT_EQ(r.captures[1].value, "/index.html");
  EXPECT_EQ(r.captures[2].value, "12.5");
  EXPECT_EQ(r.captures[2].type, FieldType::kFloat);
  EXPECT_EQ(r.captures[3].value, "200");
  EXPECT_EQ(r.captures[3].type, FieldType::kInt);
  EXPECT_EQ(r.captures[0].value.data(), line.data());
  EXPECT_EQ(r.match_begin, 0u);
  EXPECT_EQ(r.match_end, line.size() - std::string(" trailing").size());
  ASSERT_NE(r.find("status"), nullptr);
  EXPECT_EQ(parse_int(r.find("status")->value), 200);
  EXPECT_EQ(parse_float(r.find("ms")->value), 12.5);
  EXPECT_EQ(r.find("missing"), nullptr);
  EXPECT_EQ(scratch.counters().matched, 1u);
}

TEST_F(GrokMatcherTest, PatternsAreUnanchoredUnlessAnchored) {
  MatchScratch scratch;
  const MatchResult r = matcher("id=%{INT:id}").match("prefix id=42 suffix", scratch);
  ASSERT_TRUE(r.matched());
  EXPECT_EQ(r.match_begin, 7u);
  EXPECT_EQ(r.captures[0].value, "42");
  EXPECT_EQ(matcher("^id=%{INT:id}").match("prefix id=42", scratch).status, MatchStatus::kNoMatch);
}

TEST_F(GrokMatcherTest, NoMatchIsNotAnError) {
  MatchScratch scratch;
  const MatchResult r = matcher("^%{INT:n}$").match("abc", scratch);
  EXPECT_EQ(r.status, MatchStatus::kNoMatch);
  EXPECT_FALSE(r.matched());
  EXPECT_TRUE(r.captures.empty());
  EXPECT_EQ(r.pcre2_error, 0);
  EXPECT_EQ(scratch.counters().no_match, 1u);
  EXPECT_EQ(scratch.counters().limit_exceeded, 0u);
}

TEST_F(GrokMatcherTest, UnsetAndEmptyGroupsAreOmittedByDefault) {
  const GrokMatcher m = matcher("^%{WORD:a}(?: %{INT:b})? (?<c>x*)(?<d>y?)$");
  MatchScratch scratch;
  const MatchResult r = m.match("hello x", scratch);
  ASSERT_TRUE(r.matched());
  ASSERT_EQ(r.captures.size(), 2u);
  EXPECT_EQ(r.captures[0].field, "a");
  EXPECT_EQ(r.captures[1].field, "c");
}

TEST_F(GrokMatcherTest, KeepEmptyCapturesReportsEachMissingFieldOnce) {
  const GrokMatcher m =
      matcher("^%{WORD:a}(?: %{INT:b:int})? (?<c>x*)(?:(?<d>y)|(?<d>z))?$", keeping_empty_captures());
  MatchScratch scratch;
  const MatchResult r = m.match("hello ", scratch);
  ASSERT_TRUE(r.matched());
  ASSERT_EQ(r.captures.size(), 4u);
  EXPECT_EQ(r.captures[0].field, "a");
  EXPECT_EQ(r.captures[0].value, "hello");
  EXPECT_EQ(r.captures[1].field, "b");
  EXPECT_EQ(r.captures[1].value, "");
  EXPECT_EQ(r.captures[1].type, FieldType::kInt);
  EXPECT_EQ(r.captures[2].field, "c");
  EXPECT_EQ(r.captures[3].field, "d");
  const MatchResult r2 = m.match("hello 7 xz", scratch);
  ASSERT_TRUE(r2.matched());
  ASSERT_EQ(r2.captures.size(), 4u);
  EXPECT_EQ(r2.captures[3].field, "d");
  EXPECT_EQ(r2.captures[3].value, "z");
}

TEST_F(GrokMatcherTest, AFieldCanHaveSeveralGroups) {
  MatchScratch scratch;
  const GrokMatcher either = matcher("^(?:%{INT:v:int}|%{WORD:v})$");
  MatchResult r = either.match("abc", scratch);
  ASSERT_EQ(r.captures.size(), 1u);
  EXPECT_EQ(r.captures[0].value, "abc");
  EXPECT_EQ(r.captures[0].type, FieldType::kString);
  r = either.match("12", scratch);
  ASSERT_EQ(r.captures.size(), 1u);
  EXPECT_EQ(r.captures[0].type, FieldType::kInt);

  const MatchResult both = matcher("%{WORD:w} %{WORD:w}").match("one two", scratch);
  ASSERT_EQ(both.captures.size(), 2u);
  EXPECT_EQ(both.captures[0].value, "one");
  EXPECT_EQ(both.captures[1].value, "two");
}

TEST_F(GrokMatcherTest, EmptyLines) {
  MatchScratch scratch;
  EXPECT_TRUE(matcher("^$").match(std::string_view(), scratch).matched());
  EXPECT_TRUE(matcher("^(?<all>.*)$").match("", scratch).matched());
  EXPECT_EQ(matcher("%{WORD:w}").match(std::string_view(), scratch).status, MatchStatus::kNoMatch);
}

TEST_F(GrokMatcherTest, InterpreterGivesTheSameResults) {
  const GrokMatcher jit(program("%{WORD:verb} %{INT:n:int}"));
  const GrokMatcher interp(program("%{WORD:verb} %{INT:n:int}", with_jit(false)));
  ASSERT_FALSE(interp.program().jit());
  MatchScratch scratch;
  const std::string line = "x: run 42";
  const MatchResult a = jit.match(line, scratch);
  const std::vector<Capture> first(a.captures.begin(), a.captures.end());
  const MatchResult b = interp.match(line, scratch);
  ASSERT_EQ(first.size(), b.captures.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].field, b.captures[i].field);
    EXPECT_EQ(first[i].value, b.captures[i].value);
  }
}

TEST_F(GrokMatcherTest, OneScratchServesPatternsOfAnySize) {
  const GrokMatcher small = matcher("%{WORD:a}");
  std::string big_pattern;
  for (int i = 0; i < 40; ++i)
    big_pattern += "%{WORD:f" + std::to_string(i) + "} ";
  const GrokMatcher big = matcher(big_pattern);
  std::string line;
  for (int i = 0; i < 40; ++i)
    line += "w" + std::to_string(i) + " ";
  MatchScratch scratch;
  EXPECT_EQ(small.match(line, scratch).captures.size(), 1u);
  const MatchResult r = big.match(line, scratch);
  ASSERT_EQ(r.captures.size(), 40u);
  EXPECT_EQ(r.captures[39].value, "w39");
  EXPECT_EQ(small.match(line, scratch).captures.size(), 1u);
}

// Catastrophic backtracking: nested quantifiers over the same characters, on a line built so
// that the overall match fails only at the very end.
struct Catastrophic {
  const char* pattern;
  std::string line;
};

class GrokCatastrophicTest : public GrokMatcherTest, public ::testing::WithParamInterface<bool> {};

TEST_P(GrokCatastrophicTest, LimitExceededIsReportedQuickly) {
  const bool use_jit = GetParam();
  const std::vector<Catastrophic> cases = {
      {"^(a+)+$", std::string(40, 'a') + "b"},
      {"^(\\w+\\s?)+$", std::string(36, 'a') + "!"},
      {"^(?:%{NOTSPACE}\\s*)+:%{INT:n}$", std::string(34, 'x') + ":z"},
  };
  for (const auto& c : cases) {
    const GrokMatcher m(program(c.pattern, with_jit(use_jit)));
    ASSERT_EQ(m.program().jit(), use_jit && m.program().jit());
    MatchScratch scratch;
    const auto start = std::chrono::steady_clock::now();
    const MatchResult r = m.match(c.line, scratch);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.status, MatchStatus::kLimitExceeded) << c.pattern << " -> " << to_string(r.status);
    EXPECT_NE(r.pcre2_error, 0);
    EXPECT_TRUE(r.captures.empty());
    EXPECT_EQ(scratch.counters().limit_exceeded, 1u);
    EXPECT_LT(elapsed, std::chrono::seconds(2)) << c.pattern;
  }
}

INSTANTIATE_TEST_SUITE_P(JitAndInterpreter, GrokCatastrophicTest, ::testing::Values(true, false),
                         [](const auto& param_info) { return param_info.param ? "Jit" : "Interpreter"; });

TEST_F(GrokMatcherTest, MatchLimitIsConfigurable) {
  // A legitimate but backtracking-heavy match: allowed by default, refused with a tiny limit.
  const std::string pattern = "^%{GREEDYDATA:a},%{GREEDYDATA:b},%{GREEDYDATA:c}$";
  std::string line(2000, 'x');
  line[100] = ',';
  line[200] = ',';
  MatchScratch scratch;
  EXPECT_TRUE(matcher(pattern).match(line, scratch).matched());
  MatchOptions tight;
  tight.limits.match_limit = 10;
  EXPECT_EQ(matcher(pattern, tight).match(line, scratch).status, MatchStatus::kLimitExceeded);
  EXPECT_TRUE(matcher(pattern).match(line, scratch).matched());  // the scratch applies each matcher's limits
}

TEST_F(GrokMatcherTest, JitStackIsBounded) {
  // Each iteration of a capturing group inside a repeat keeps JIT backtracking state.
  const GrokMatcher m(program("^(?:(?<c>a)|b)*$"));
  if (!m.program().jit()) GTEST_SKIP() << "no JIT";
  MatchScratch small({.jit_stack_start = 4096, .jit_stack_max = 32 * 1024});
  MatchOptions options;
  options.limits.match_limit = 100'000'000;
  const GrokMatcher unlimited(m.shared_program(), options);
  const std::string line(500'000, 'a');
  const MatchResult r = unlimited.match(line, small);
  EXPECT_EQ(r.status, MatchStatus::kLimitExceeded);
  EXPECT_EQ(r.pcre2_error, PCRE2_ERROR_JIT_STACKLIMIT);
  MatchScratch roomy({.jit_stack_start = 32 * 1024, .jit_stack_max = 64 * 1024 * 1024});
  EXPECT_TRUE(unlimited.match(line, roomy).matched());
}

TEST_F(GrokMatcherTest, ConcurrentUseWithOneScratchPerThread) {
  const GrokMatcher m = matcher("^%{WORD:name}=%{INT:value:int};$");
  constexpr int kThreads = 4;
  constexpr int kLines = 5000;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      MatchScratch scratch;
      for (int i = 0; i < kLines; ++i) {
        const std::string name = "t" + std::to_string(t) + "_" + std::to_string(i);
        const std::string value = std::to_string(i * 7 + t);
        const std::string line = name + "=" + value + ";";
        const MatchResult r = m.match(line, scratch);
        if (!r.matched() || r.captures.size() != 2 || r.captures[0].value != name ||
            r.captures[1].value != value) {
          ++failures[static_cast<std::size_t>(t)];
        }
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  for (int f : failures)
    EXPECT_EQ(f, 0);
}

TEST_F(GrokMatcherTest, MultiMatcherFirstMatchWins) {
  GrokMultiMatcher multi;
  multi.add(matcher("^%{INT:n:int}$"));
  multi.add(matcher("^%{WORD:w}$"));
  multi.add(matcher("^%{GREEDYDATA:any}$"));
  MatchScratch scratch;
  MultiMatchResult r = multi.match("42", scratch);
  EXPECT_TRUE(r.result.matched());
  EXPECT_EQ(r.pattern_index, 0u);
  r = multi.match("word", scratch);
  EXPECT_EQ(r.pattern_index, 1u);
  EXPECT_EQ(r.result.captures[0].field, "w");
  r = multi.match("two words", scratch);
  EXPECT_EQ(r.pattern_index, 2u);
  EXPECT_EQ(r.result.captures[0].value, "two words");
  EXPECT_EQ(multi.size(), 3u);
}

TEST_F(GrokMatcherTest, MultiMatcherKeepsTryingAfterALimitAndReportsIt) {
  GrokMultiMatcher multi;
  multi.add(matcher("^(a+)+$"));
  multi.add(matcher("^%{WORD:w}$"));
  MatchScratch scratch;
  const std::string hostile = std::string(40, 'a') + "b";
  MultiMatchResult r = multi.match(hostile, scratch);
  EXPECT_TRUE(r.result.matched());
  EXPECT_EQ(r.pattern_index, 1u);
  r = multi.match(std::string(40, 'a') + "!", scratch);
  EXPECT_EQ(r.result.status, MatchStatus::kLimitExceeded);
  r = multi.match("!", scratch);
  EXPECT_EQ(r.result.status, MatchStatus::kNoMatch);
}

TEST(GrokCaptureTest, NumberConversions) {
  EXPECT_EQ(parse_int("-17"), -17);
  EXPECT_EQ(parse_int("+17"), 17);
  EXPECT_EQ(parse_int("0042"), 42);
  EXPECT_EQ(parse_int(""), std::nullopt);
  EXPECT_EQ(parse_int("+-1"), std::nullopt);
  EXPECT_EQ(parse_int("12x"), std::nullopt);
  EXPECT_EQ(parse_int("99999999999999999999"), std::nullopt);
  EXPECT_EQ(parse_float("2.5"), 2.5);
  EXPECT_EQ(parse_float("+.5"), 0.5);
  EXPECT_EQ(parse_float("-1e3"), -1000.0);
  EXPECT_EQ(parse_float("1.2.3"), std::nullopt);
  EXPECT_EQ(to_string(FieldType::kInt), "int");
  EXPECT_EQ(parse_field_type("float"), FieldType::kFloat);
  EXPECT_EQ(parse_field_type("string"), std::nullopt);
  EXPECT_EQ(to_string(MatchStatus::kLimitExceeded), "limit exceeded");
}

}  // namespace
}  // namespace pyrolog::grok
