#include "grok_prefix_diagnostic.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pyrolog::grok {
namespace {

std::vector<std::string> texts(std::string_view pattern, const std::vector<PatternComponent>& components) {
  std::vector<std::string> out;
  for (const auto& c : components)
    out.emplace_back(pattern.substr(c.begin, c.end - c.begin));
  return out;
}

using V = std::vector<std::string>;

TEST(GrokPatternComponentsTest, CutsAfterReferencesGroupsAndLiteralRuns) {
  const std::string_view p = "^%{IP:c} - %{WORD:v}+ \\[(?<ts>[^\\]]+)\\] \"abc*\\d{2}(x|y)?$";
  const auto alternatives = top_level_components(p);
  ASSERT_EQ(alternatives.size(), 1u);
  EXPECT_EQ(texts(p, alternatives[0]), (V{"^", "%{IP:c}", " - ", "%{WORD:v}+", " \\[", "(?<ts>[^\\]]+)",
                                          "\\] \"ab", "c*", "\\d{2}", "(x|y)?", "$"}));
}

TEST(GrokPatternComponentsTest, SplitsTopLevelAlternativesOnly) {
  const std::string_view p = "a(b|c)|%{X}d";
  const auto alternatives = top_level_components(p);
  ASSERT_EQ(alternatives.size(), 2u);
  EXPECT_EQ(texts(p, alternatives[0]), (V{"a", "(b|c)"}));
  EXPECT_EQ(texts(p, alternatives[1]), (V{"%{X}", "d"}));
}

class GrokPrefixDiagnosticTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        patterns_
            .load_text("IP [0-9]+(?:\\.[0-9]+){3}\nWORD \\b\\w+\\b\nNUMBER [0-9]+(?:\\.[0-9]+)?\n", "mem")
            .empty());
  }
  PrefixDiagnosticResult diagnose(std::string_view pattern, std::string_view line) const {
    return longest_matching_prefix(compiler_, pattern, line);
  }
  GrokPatternSet patterns_;
  GrokCompiler compiler_{patterns_};
};

TEST_F(GrokPrefixDiagnosticTest, ReportsTheLongestMatchingPrefix) {
  const std::string_view pattern = "%{IP:client} %{WORD:method} %{NUMBER:status}";
  const auto r = diagnose(pattern, "10.0.0.1 GET abc");
  ASSERT_TRUE(r.ok());
  const PrefixDiagnostic& d = r.diagnostic;
  EXPECT_FALSE(d.full_match);
  EXPECT_EQ(d.components_total, 5u);
  EXPECT_EQ(d.components_matched, 4u);
  EXPECT_EQ(d.matched_pattern, "%{IP:client} %{WORD:method} ");
  EXPECT_EQ(d.matched_length, 13u);
  EXPECT_EQ(d.failed_component, "%{NUMBER:status}");
  EXPECT_EQ(d.failed_component_offset, 28u);
  EXPECT_EQ(d.failed_status, MatchStatus::kNoMatch);
}

TEST_F(GrokPrefixDiagnosticTest, FullMatchNeedsNoDiagnosis) {
  const auto r = diagnose("%{IP:client} %{WORD:method}", "10.0.0.1 GET");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.diagnostic.full_match);
}

TEST_F(GrokPrefixDiagnosticTest, NothingMatches) {
  const auto r = diagnose("%{IP:client} x", "hello");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.diagnostic.components_matched, 0u);
  EXPECT_EQ(r.diagnostic.matched_pattern, "");
  EXPECT_EQ(r.diagnostic.failed_component, "%{IP:client}");
  EXPECT_EQ(r.diagnostic.failed_component_offset, 0u);
}

TEST_F(GrokPrefixDiagnosticTest, LiteralRunsFailAsAWhole) {
  const auto r = diagnose("%{WORD:a} - \\[%{NUMBER:n}\\]", "abc - (12]");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.diagnostic.matched_pattern, "%{WORD:a}");
  EXPECT_EQ(r.diagnostic.failed_component, " - \\[");
}

TEST_F(GrokPrefixDiagnosticTest, PicksTheAlternativeThatGetsFurthest) {
  const auto r = diagnose("^%{NUMBER:n} apples|^%{WORD:w} bar %{NUMBER:n}", "hello bar x");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.diagnostic.alternative, 1u);
  EXPECT_EQ(r.diagnostic.matched_pattern, "^%{WORD:w} bar ");
  EXPECT_EQ(r.diagnostic.matched_length, 10u);
  EXPECT_EQ(r.diagnostic.failed_component, "%{NUMBER:n}");
}

TEST_F(GrokPrefixDiagnosticTest, CompileErrorsAreReturned) {
  const auto r = diagnose("%{NOPE:x}", "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors[0].message, "reference to undefined pattern 'NOPE'");
}

}  // namespace
}  // namespace pyrolog::grok
