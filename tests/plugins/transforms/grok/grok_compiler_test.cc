#include "grok_compiler.h"

#include <string>

#include <gtest/gtest.h>

namespace pyrolog::grok {
namespace {

class GrokCompilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto errors = patterns_.load_text(
        "WORD \\b\\w+\\b\n"                        // 1
        "INT [+-]?[0-9]+\n"                        // 2
        "NUMBER [0-9]+(?:\\.[0-9]+)?\n"            // 3
        "ALT a|b\n"                                // 4
        "A %{B}\n"                                 // 5
        "B x%{A}\n"                                // 6
        "SELF %{SELF}\n"                           // 7
        "BROKEN ab{3,2}\n"                         // 8
        "USES_BROKEN y%{BROKEN}\n"                 // 9
        "USES_UNDEF a%{NOPE}\n"                    // 10
        "NAMED (?<inner>%{WORD})-%{INT:n:int}\n",  // 11
        "test");
    ASSERT_TRUE(errors.empty());
  }

  CompileResult compile(std::string_view pattern) const { return GrokCompiler(patterns_).compile(pattern); }

  // The single error of a failed compile, as text.
  std::string error_of(std::string_view pattern) const {
    const CompileResult r = compile(pattern);
    EXPECT_FALSE(r.ok()) << pattern;
    EXPECT_EQ(r.errors.size(), 1u) << to_string(r.errors);
    return r.errors.empty() ? std::string() : r.errors.front().to_string();
  }

  GrokPatternSet patterns_;
};

TEST_F(GrokCompilerTest, ExpandsReferencesIntoNamedAndPlainGroups) {
  const CompileResult r = compile("%{WORD:verb} %{INT:[http][status]:int} %{NUMBER:took:float} %{WORD}");
  ASSERT_TRUE(r.ok()) << to_string(r.errors);
  EXPECT_EQ(r.program->regex(),
            "(?<g1>\\b\\w+\\b) (?<g2>[+-]?[0-9]+) (?<g3>[0-9]+(?:\\.[0-9]+)?) (?:\\b\\w+\\b)");
  ASSERT_EQ(r.program->capture_count(), 3u);
  const auto groups = r.program->groups();
  EXPECT_EQ(groups[0].field, "verb");
  EXPECT_EQ(groups[0].type, FieldType::kString);
  EXPECT_EQ(groups[1].field, "http.status");
  EXPECT_EQ(groups[1].type, FieldType::kInt);
  EXPECT_EQ(groups[2].field, "took");
  EXPECT_EQ(groups[2].type, FieldType::kFloat);
  EXPECT_EQ(r.program->pattern(), "%{WORD:verb} %{INT:[http][status]:int} %{NUMBER:took:float} %{WORD}");
}

TEST_F(GrokCompilerTest, DottedAndBracketFieldNamesAreTheSameField) {
  const CompileResult r = compile("%{INT:[a][b]}|%{WORD:a.b}");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.program->fields().size(), 1u);
  EXPECT_EQ(r.program->fields()[0], "a.b");
  EXPECT_EQ(r.program->groups()[1].field_index, 0u);
}

TEST_F(GrokCompilerTest, AlternativesInDefinitionsStayGrouped) {
  const CompileResult r = compile("x%{ALT}y");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.program->regex(), "x(?:a|b)y");
}

TEST_F(GrokCompilerTest, RawNamedGroupsAreFieldsAndPlainGroupsDoNotCapture) {
  const CompileResult r = compile("(a)(?<user>\\w+)@(?P<[host][name]>\\S+) (?'x'.)");
  ASSERT_TRUE(r.ok()) << to_string(r.errors);
  EXPECT_EQ(r.program->regex(), "(a)(?<g1>\\w+)@(?<g2>\\S+) (?<g3>.)");
  ASSERT_EQ(r.program->capture_count(), 3u);
  EXPECT_EQ(r.program->groups()[0].field, "user");
  EXPECT_EQ(r.program->groups()[1].field, "host.name");
  EXPECT_EQ(r.program->groups()[2].field, "x");
}

TEST_F(GrokCompilerTest, FieldsInsideLibraryPatternsAreFieldsToo) {
  const CompileResult r = compile("%{NAMED:all}");
  ASSERT_TRUE(r.ok()) << to_string(r.errors);
  EXPECT_EQ(r.program->regex(), "(?<g1>(?<g2>(?:\\b\\w+\\b))-(?<g3>[+-]?[0-9]+))");
  ASSERT_EQ(r.program->capture_count(), 3u);
  EXPECT_EQ(r.program->groups()[0].field, "all");
  EXPECT_EQ(r.program->groups()[1].field, "inner");
  EXPECT_EQ(r.program->groups()[2].field, "n");
  EXPECT_EQ(r.program->groups()[2].type, FieldType::kInt);
}

TEST_F(GrokCompilerTest, ReferencesAreNotExpandedInsideClassesOrEscapes) {
  const CompileResult r = compile("[%{WORD}]\\%{WORD}");
  ASSERT_TRUE(r.ok()) << to_string(r.errors);
  EXPECT_EQ(r.program->regex(), "[%{WORD}]\\%{WORD}");
}

TEST_F(GrokCompilerTest, UsesJitWhenAvailable) {
  std::uint32_t jit_available = 0;
  pcre2_config(PCRE2_CONFIG_JIT, &jit_available);
  const CompileResult r = compile("%{WORD:w}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.program->jit(), jit_available != 0);
  CompileOptions options;
  options.jit = false;
  const CompileResult interpreted = GrokCompiler(patterns_, options).compile("%{WORD:w}");
  ASSERT_TRUE(interpreted.ok());
  EXPECT_FALSE(interpreted.program->jit());
}

TEST_F(GrokCompilerTest, UndefinedPattern) {
  EXPECT_EQ(error_of("foo %{NOPE:x}"),
            "grok pattern 'foo %{NOPE:x}' at offset 4: reference to undefined pattern 'NOPE'");
}

TEST_F(GrokCompilerTest, UndefinedPatternInsideALibraryPattern) {
  EXPECT_EQ(error_of("%{USES_UNDEF}"),
            "pattern 'USES_UNDEF' (test:10) at offset 1: reference to undefined pattern 'NOPE'");
}

TEST_F(GrokCompilerTest, Cycle) {
  EXPECT_EQ(error_of("%{A}"), "pattern 'B' (test:6) at offset 1: cycle in pattern references: A -> B -> A");
  EXPECT_EQ(error_of("z%{B:b}"),
            "pattern 'A' (test:5) at offset 0: cycle in pattern references: B -> A -> B");
  EXPECT_EQ(error_of("%{SELF}"),
            "pattern 'SELF' (test:7) at offset 0: cycle in pattern references: SELF -> SELF");
}

TEST_F(GrokCompilerTest, InvalidRegexInThePattern) {
  EXPECT_EQ(error_of("%{WORD:w} (abc"),
            "grok pattern '%{WORD:w} (abc' at offset 14: invalid regex: missing closing parenthesis (offset "
            "19 of the expanded regex)");
  EXPECT_EQ(error_of("a)b"),
            "grok pattern 'a)b' at offset 1: invalid regex: unmatched closing parenthesis (offset 1 of the "
            "expanded regex)");
}

TEST_F(GrokCompilerTest, InvalidRegexInALibraryPattern) {
  EXPECT_EQ(error_of("%{USES_BROKEN:x}"),
            "pattern 'BROKEN' (test:8) at offset 6: invalid regex: numbers out of order in {} quantifier "
            "(offset 16 of the expanded regex)");
}

TEST_F(GrokCompilerTest, BadTypeSuffix) {
  EXPECT_EQ(error_of("x %{INT:n:integer}"),
            "grok pattern 'x %{INT:n:integer}' at offset 2: bad type 'integer' for field 'n' (expected int "
            "or float)");
  EXPECT_EQ(error_of("%{INT:n:}"),
            "grok pattern '%{INT:n:}' at offset 0: bad type '' for field 'n' (expected int or float)");
}

TEST_F(GrokCompilerTest, BadFieldAndPatternNames) {
  EXPECT_EQ(error_of("%{INT:}"), "grok pattern '%{INT:}' at offset 0: invalid field name '': empty name");
  EXPECT_EQ(error_of("%{INT:[a}"),
            "grok pattern '%{INT:[a}' at offset 0: invalid field name '[a': missing ']'");
  EXPECT_EQ(error_of("(?<a..b>x)"),
            "grok pattern '(?<a..b>x)' at offset 0: invalid field name 'a..b': empty segment");
  EXPECT_EQ(error_of("%{}"), "grok pattern '%{}' at offset 0: empty pattern name in %{}");
  EXPECT_EQ(
      error_of("%{IN T}"),
      "grok pattern '%{IN T}' at offset 0: invalid pattern name 'IN T' in %{...} (expected [A-Za-z0-9_]+)");
  EXPECT_EQ(error_of("ab %{INT"), "grok pattern 'ab %{INT' at offset 3: unterminated %{ reference");
}

TEST_F(GrokCompilerTest, ReportsEveryProblemOnce) {
  const CompileResult r = compile("%{NOPE1} %{NOPE2} %{INT:x:long} %{NOPE1}");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 4u) << to_string(r.errors);
  EXPECT_EQ(r.errors[0].message, "reference to undefined pattern 'NOPE1'");
  EXPECT_EQ(r.errors[1].offset, 9u);
  EXPECT_EQ(r.errors[2].message, "bad type 'long' for field 'x' (expected int or float)");
  EXPECT_EQ(r.errors[3].offset, 32u);
}

TEST_F(GrokCompilerTest, LongPatternsAreAbbreviatedInMessages) {
  const std::string pattern = std::string(120, 'a') + "%{NOPE}";
  const CompileResult r = compile(pattern);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].where, "grok pattern '" + std::string(100, 'a') + "...'");
  EXPECT_EQ(r.errors[0].offset, 120u);
}

TEST_F(GrokCompilerTest, ExponentialExpansionIsStopped) {
  GrokPatternSet doubling;
  doubling.add("D0", "x", "mem");
  for (int i = 1; i <= 30; ++i) {
    const std::string prev = "%{D" + std::to_string(i - 1) + "}";
    doubling.add("D" + std::to_string(i), prev + prev, "mem");
  }
  const CompileResult r = GrokCompiler(doubling).compile("%{D30}");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(),
            "grok pattern '%{D30}' at offset 0: expanded regex exceeds 1048576 bytes");
}

TEST_F(GrokCompilerTest, DeepNestingIsStopped) {
  GrokPatternSet chain;
  chain.add("C0", "x", "mem");
  for (int i = 1; i <= 100; ++i)
    chain.add("C" + std::to_string(i), "%{C" + std::to_string(i - 1) + "}", "mem");
  EXPECT_TRUE(GrokCompiler(chain).compile("%{C60}").ok());
  const CompileResult r = GrokCompiler(chain).compile("%{C100}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors[0].to_string(),
            "pattern 'C37' (mem) at offset 0: pattern references nested deeper than 64 levels");
}

}  // namespace
}  // namespace pyrolog::grok
