#pragma once

#include <string>
#include <string_view>

#include "expr/token.h"

namespace pyrolog::expr {

// Splits an expression into tokens, one at a time. Regex literals (`/.../i`) are only recognised where the
// parser asks for one with `next_regex`, so `/` needs no escaping anywhere else.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Token next();
  // At a `/`, a regex literal; anything else lexes as with `next`.
  Token next_regex();

  // What is wrong with the last `error` token.
  const std::string& error() const { return error_; }

 private:
  Token make(TokenKind kind, std::size_t begin) const {
    return Token{kind, begin, text_.substr(begin, pos_ - begin)};
  }
  Token fail(std::size_t begin, std::string message);
  void skip_space();
  Token lex_path(std::size_t begin);
  Token lex_number(std::size_t begin);
  Token lex_string(std::size_t begin);
  Token lex_regex(std::size_t begin);

  std::string_view text_;
  std::size_t pos_ = 0;
  std::string error_;
};

// Path characters: a path starts with a letter, `_` or `@`; later characters may also be digits and `-`.
bool is_path_start(char c);
bool is_path_char(char c);

}  // namespace pyrolog::expr
