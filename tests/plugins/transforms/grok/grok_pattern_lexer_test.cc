#include "grok_pattern_lexer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pyrolog::grok {
namespace {

// Token kinds and texts in a compact form: "R:%{A:b}" "N:(?<x>" "(" ")" "|" "Q:+" "A:x" "L:x".
std::vector<std::string> describe(std::string_view text) {
  const LexResult lex = lex_pattern(text);
  EXPECT_TRUE(lex.ok()) << lex.error;
  std::vector<std::string> out;
  for (const Token& t : lex.tokens) {
    const std::string s(text.substr(t.begin, t.end - t.begin));
    switch (t.kind) {
      case TokenKind::kReference:
        out.push_back("R:" + s);
        break;
      case TokenKind::kNamedGroupOpen:
        out.push_back("N:" + std::string(t.name));
        break;
      case TokenKind::kGroupOpen:
        out.push_back("(:" + s);
        break;
      case TokenKind::kGroupClose:
        out.push_back(")");
        break;
      case TokenKind::kAlternation:
        out.push_back("|");
        break;
      case TokenKind::kQuantifier:
        out.push_back("Q:" + s);
        break;
      case TokenKind::kAtom:
        out.push_back((t.literal ? "L:" : "A:") + s);
        break;
    }
  }
  return out;
}

using V = std::vector<std::string>;

TEST(GrokPatternLexerTest, ReferencesAndTheirParts) {
  const LexResult lex = lex_pattern("%{IP} %{WORD:verb} %{INT:[http][status]:int}");
  ASSERT_TRUE(lex.ok());
  ASSERT_EQ(lex.tokens.size(), 5u);
  EXPECT_EQ(lex.tokens[0].name, "IP");
  EXPECT_FALSE(lex.tokens[0].has_field);
  EXPECT_EQ(lex.tokens[2].name, "WORD");
  EXPECT_EQ(lex.tokens[2].field, "verb");
  EXPECT_FALSE(lex.tokens[2].has_type);
  EXPECT_EQ(lex.tokens[4].field, "[http][status]");
  EXPECT_EQ(lex.tokens[4].type, "int");
}

TEST(GrokPatternLexerTest, NamedGroupsInAllSpellings) {
  EXPECT_EQ(describe("(?<a>x)(?P<b>y)(?'c'z)"), (V{"N:a", "L:x", ")", "N:b", "L:y", ")", "N:c", "L:z", ")"}));
}

TEST(GrokPatternLexerTest, LookbehindIsNotANamedGroup) {
  EXPECT_EQ(describe("(?<=a)(?<!b)"), (V{"(:(?<=", "L:a", ")", "(:(?<!", "L:b", ")"}));
}

TEST(GrokPatternLexerTest, NothingSpecialInsideClassesEscapesAndQuotes) {
  EXPECT_EQ(describe("[%{X}(?<y>]"), (V{"A:[%{X}(?<y>]"}));
  EXPECT_EQ(describe("[]%{]"), (V{"A:[]%{]"}));
  EXPECT_EQ(describe("[^]a[:alpha:]]"), (V{"A:[^]a[:alpha:]]"}));
  EXPECT_EQ(describe("\\%{X}"), (V{"L:\\%", "L:{", "L:X", "L:}"}));
  EXPECT_EQ(describe("\\Q%{X}(\\E"), (V{"L:\\Q%{X}(\\E"}));
  EXPECT_EQ(describe("(?#%{X})a"), (V{"A:(?#%{X})", "L:a"}));
}

TEST(GrokPatternLexerTest, QuantifiersAndGroups) {
  EXPECT_EQ(describe("a+?b*+c{2,3}d{x}(?:e)?"), (V{"L:a", "Q:+?", "L:b", "Q:*+", "L:c", "Q:{2,3}", "L:d",
                                                   "L:{", "L:x", "L:}", "(:(?:", "L:e", ")", "Q:?"}));
  EXPECT_EQ(describe("(?i)a|(?i:b)"), (V{"A:(?i)", "L:a", "|", "(:(?i:", "L:b", ")"}));
}

TEST(GrokPatternLexerTest, Escapes) {
  EXPECT_EQ(describe("\\d\\x41\\x{263a}\\p{Lu}\\k<n>\\."),
            (V{"A:\\d", "L:\\x41", "L:\\x{263a}", "A:\\p{Lu}", "A:\\k<n>", "L:\\."}));
}

TEST(GrokPatternLexerTest, UnterminatedReferenceIsAnError) {
  const LexResult lex = lex_pattern("ab %{WORD");
  EXPECT_FALSE(lex.ok());
  EXPECT_EQ(lex.error, "unterminated %{ reference");
  EXPECT_EQ(lex.error_offset, 3u);
}

}  // namespace
}  // namespace pyrolog::grok
