#include "expr/lexer.h"

#include <array>
#include <utility>

#include <fmt/format.h>

namespace pyrolog::expr {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

struct Keyword {
  std::string_view lower;
  std::string_view upper;
  TokenKind kind;
};

constexpr std::array<Keyword, 7> kKeywords{{
    {"and", "AND", TokenKind::kw_and},
    {"or", "OR", TokenKind::kw_or},
    {"not", "NOT", TokenKind::kw_not},
    {"in", "IN", TokenKind::kw_in},
    {"true", "TRUE", TokenKind::kw_true},
    {"false", "FALSE", TokenKind::kw_false},
    {"null", "NULL", TokenKind::kw_null},
}};

// A printable rendering of one byte for messages.
std::string show_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return fmt::format("'{}'", c);
  return fmt::format("byte 0x{:02x}", u);
}

}  // namespace

bool is_path_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '@';
}
bool is_path_char(char c) {
  return is_path_start(c) || is_digit(c) || c == '-';
}

std::string_view describe(TokenKind kind) {
  switch (kind) {
    case TokenKind::end:
      return "the end of the expression";
    case TokenKind::path:
      return "a field name";
    case TokenKind::string:
      return "a string";
    case TokenKind::integer:
    case TokenKind::floating:
      return "a number";
    case TokenKind::regex:
      return "a regex";
    case TokenKind::kw_and:
      return "'and'";
    case TokenKind::kw_or:
      return "'or'";
    case TokenKind::kw_not:
      return "'not'";
    case TokenKind::kw_in:
      return "'in'";
    case TokenKind::kw_true:
      return "'true'";
    case TokenKind::kw_false:
      return "'false'";
    case TokenKind::kw_null:
      return "'null'";
    case TokenKind::eq:
      return "'=='";
    case TokenKind::ne:
      return "'!='";
    case TokenKind::lt:
      return "'<'";
    case TokenKind::le:
      return "'<='";
    case TokenKind::gt:
      return "'>'";
    case TokenKind::ge:
      return "'>='";
    case TokenKind::match:
      return "'=~'";
    case TokenKind::not_match:
      return "'!~'";
    case TokenKind::lparen:
      return "'('";
    case TokenKind::rparen:
      return "')'";
    case TokenKind::comma:
      return "','";
    case TokenKind::error:
      return "an invalid token";
  }
  return "a token";
}

Token Lexer::fail(std::size_t begin, std::string message) {
  error_ = std::move(message);
  if (pos_ <= begin) pos_ = begin + 1;
  if (pos_ > text_.size()) pos_ = text_.size();
  return Token{TokenKind::error, begin, text_.substr(begin, pos_ - begin)};
}

void Lexer::skip_space() {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    ++pos_;
  }
}

Token Lexer::next() {
  skip_space();
  const std::size_t begin = pos_;
  if (pos_ >= text_.size()) return Token{TokenKind::end, pos_, {}};
  const char c = text_[pos_];
  const char d = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
  auto two = [&](TokenKind kind) {
    pos_ += 2;
    return make(kind, begin);
  };
  auto one = [&](TokenKind kind) {
    pos_ += 1;
    return make(kind, begin);
  };
  switch (c) {
    case '(':
      return one(TokenKind::lparen);
    case ')':
      return one(TokenKind::rparen);
    case ',':
      return one(TokenKind::comma);
    case '=':
      if (d == '=') return two(TokenKind::eq);
      if (d == '~') return two(TokenKind::match);
      return fail(begin, "'=' is not an operator; compare with '=='");
    case '!':
      if (d == '=') return two(TokenKind::ne);
      if (d == '~') return two(TokenKind::not_match);
      return one(TokenKind::kw_not);
    case '<':
      if (d == '=') return two(TokenKind::le);
      return one(TokenKind::lt);
    case '>':
      if (d == '=') return two(TokenKind::ge);
      return one(TokenKind::gt);
    case '&':
      if (d == '&') return two(TokenKind::kw_and);
      return fail(begin, "'&' is not an operator; use 'and' (or '&&')");
    case '|':
      if (d == '|') return two(TokenKind::kw_or);
      return fail(begin, "'|' is not an operator; use 'or' (or '||')");
    case '"':
    case '\'':
      return lex_string(begin);
    case '/':
      return fail(begin, "a regex literal /.../ may only follow '=~' or '!~'");
    default:
      break;
  }
  if (is_digit(c) || (c == '-' && (is_digit(d) || d == '.'))) return lex_number(begin);
  if (is_path_start(c)) return lex_path(begin);
  return fail(begin, fmt::format("unexpected {}", show_char(c)));
}

Token Lexer::next_regex() {
  skip_space();
  if (pos_ < text_.size() && text_[pos_] == '/') return lex_regex(pos_);
  return next();
}

Token Lexer::lex_path(std::size_t begin) {
  while (true) {
    while (pos_ < text_.size() && is_path_char(text_[pos_]))
      ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (pos_ >= text_.size() || !is_path_char(text_[pos_])) {
        return fail(begin, "a field name has a '.' with no name after it");
      }
      continue;
    }
    break;
  }
  const Token token = make(TokenKind::path, begin);
  for (const Keyword& k : kKeywords) {
    if (token.text == k.lower || token.text == k.upper) return Token{k.kind, begin, token.text};
  }
  return token;
}

Token Lexer::lex_number(std::size_t begin) {
  bool floating = false;
  if (text_[pos_] == '-') ++pos_;
  const std::size_t digits = pos_;
  while (pos_ < text_.size() && is_digit(text_[pos_]))
    ++pos_;
  if (pos_ < text_.size() && text_[pos_] == '.') {
    floating = true;
    ++pos_;
    const std::size_t fraction = pos_;
    while (pos_ < text_.size() && is_digit(text_[pos_]))
      ++pos_;
    if (pos_ == fraction) return fail(begin, "a number needs digits after its '.'");
  }
  if (pos_ == digits) return fail(begin, "a number needs digits before its '.'");
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    floating = true;
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    const std::size_t exponent = pos_;
    while (pos_ < text_.size() && is_digit(text_[pos_]))
      ++pos_;
    if (pos_ == exponent) return fail(begin, "a number's exponent needs digits");
  }
  if (pos_ < text_.size() && (is_path_char(text_[pos_]) || text_[pos_] == '.')) {
    while (pos_ < text_.size() && (is_path_char(text_[pos_]) || text_[pos_] == '.'))
      ++pos_;
    return fail(begin,
                fmt::format("'{}' is neither a number nor a field name (a field name starts with a letter, "
                            "'_' or '@')",
                            text_.substr(begin, pos_ - begin)));
  }
  return make(floating ? TokenKind::floating : TokenKind::integer, begin);
}

Token Lexer::lex_string(std::size_t begin) {
  const char quote = text_[pos_++];
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == '\\') {
      pos_ += 2;
      continue;
    }
    ++pos_;
    if (c == quote) {
      if (pos_ > text_.size()) break;
      return make(TokenKind::string, begin);
    }
  }
  pos_ = text_.size();
  return fail(begin, fmt::format("unterminated string: no closing {}", quote == '"' ? "'\"'" : "\"'\""));
}

Token Lexer::lex_regex(std::size_t begin) {
  ++pos_;  // the opening '/'
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == '\\') {
      pos_ += 2;
      continue;
    }
    ++pos_;
    if (c == '/') {
      if (pos_ > text_.size()) break;
      while (pos_ < text_.size() && is_path_char(text_[pos_]))
        ++pos_;  // flags, checked by the parser
      return make(TokenKind::regex, begin);
    }
  }
  pos_ = text_.size();
  return fail(begin, "unterminated regex: no closing '/'");
}

}  // namespace pyrolog::expr
