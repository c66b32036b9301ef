#include "expr/lexer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pyrolog::expr {
namespace {

std::vector<TokenKind> kinds(std::string_view text) {
  Lexer lexer(text);
  std::vector<TokenKind> out;
  for (Token t = lexer.next(); t.kind != TokenKind::end && t.kind != TokenKind::error; t = lexer.next()) {
    out.push_back(t.kind);
  }
  return out;
}

TEST(LexerTest, Operators) {
  using K = TokenKind;
  EXPECT_EQ(kinds("== != < <= > >= =~ !~ ( ) , ! && ||"),
            (std::vector<K>{K::eq, K::ne, K::lt, K::le, K::gt, K::ge, K::match, K::not_match, K::lparen,
                            K::rparen, K::comma, K::kw_not, K::kw_and, K::kw_or}));
  EXPECT_EQ(kinds("a<=1"), (std::vector<K>{K::path, K::le, K::integer}));
}

TEST(LexerTest, KeywordsInEitherCaseButNotMixed) {
  using K = TokenKind;
  EXPECT_EQ(
      kinds("and AND or OR not NOT in IN true TRUE false FALSE null NULL"),
      (std::vector<K>{K::kw_and, K::kw_and, K::kw_or, K::kw_or, K::kw_not, K::kw_not, K::kw_in, K::kw_in,
                      K::kw_true, K::kw_true, K::kw_false, K::kw_false, K::kw_null, K::kw_null}));
  EXPECT_EQ(kinds("And android notice"), (std::vector<K>{K::path, K::path, K::path}));
}

TEST(LexerTest, PathsAndNumbers) {
  Lexer lexer("http.status -12 3.5 1e3 -0.5 @timestamp user-agent a.b-c.0");
  auto t = lexer.next();
  EXPECT_EQ(t.kind, TokenKind::path);
  EXPECT_EQ(t.text, "http.status");
  t = lexer.next();
  EXPECT_EQ(t.kind, TokenKind::integer);
  EXPECT_EQ(t.text, "-12");
  EXPECT_EQ(t.offset, 12u);
  EXPECT_EQ(lexer.next().kind, TokenKind::floating);
  EXPECT_EQ(lexer.next().kind, TokenKind::floating);
  EXPECT_EQ(lexer.next().kind, TokenKind::floating);
  t = lexer.next();
  EXPECT_EQ(t.kind, TokenKind::path);
  EXPECT_EQ(t.text, "@timestamp");
  EXPECT_EQ(lexer.next().text, "user-agent");
  EXPECT_EQ(lexer.next().text, "a.b-c.0");
  EXPECT_EQ(lexer.next().kind, TokenKind::end);
}

TEST(LexerTest, StringsKeepTheirQuotesAndEscapes) {
  Lexer lexer(R"('a\'b' "c\"d")");
  EXPECT_EQ(lexer.next().text, R"('a\'b')");
  EXPECT_EQ(lexer.next().text, R"("c\"d")");
}

TEST(LexerTest, RegexOnlyWhenAsked) {
  Lexer lexer("/a\\/b/i x");
  auto t = lexer.next_regex();
  EXPECT_EQ(t.kind, TokenKind::regex);
  EXPECT_EQ(t.text, "/a\\/b/i");
  EXPECT_EQ(lexer.next_regex().kind, TokenKind::path);  // not at a '/': an ordinary token
  Lexer plain("/a/");
  EXPECT_EQ(plain.next().kind, TokenKind::error);
}

TEST(LexerTest, ErrorsAtTheirOffset) {
  Lexer lexer("a == 'oops");
  lexer.next();
  lexer.next();
  auto t = lexer.next();
  EXPECT_EQ(t.kind, TokenKind::error);
  EXPECT_EQ(t.offset, 5u);
  EXPECT_NE(lexer.error().find("unterminated string"), std::string::npos);
  Lexer trailing("'\\");
  EXPECT_EQ(trailing.next().kind, TokenKind::error);
  Lexer dot("5.");
  EXPECT_EQ(dot.next().kind, TokenKind::error);
  Lexer exponent("1e");
  EXPECT_EQ(exponent.next().kind, TokenKind::error);
}

}  // namespace
}  // namespace pyrolog::expr
