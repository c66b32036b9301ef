#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pyrolog::expr {

enum class TokenKind : std::uint8_t {
  end,
  path,       // a field path: `status`, `http.status`, `@timestamp`
  string,     // '...' or "...", `text` is the literal as written, quotes included
  integer,    // 42, -7
  floating,   // 0.5, -1e3
  regex,      // /.../flags: only where the parser asks for one (after =~ or !~)
  kw_and,     // and, AND, &&
  kw_or,      // or, OR, ||
  kw_not,     // not, NOT, !
  kw_in,      // in, IN
  kw_true,    // true, TRUE
  kw_false,   // false, FALSE
  kw_null,    // null, NULL
  eq,         // ==
  ne,         // !=
  lt,         // <
  le,         // <=
  gt,         // >
  ge,         // >=
  match,      // =~
  not_match,  // !~
  lparen,
  rparen,
  comma,
  error,  // `text` is the offending text; the lexer's error() says what is wrong
};

// How a token kind is named in messages: "')'", "a string", "the end of the expression".
std::string_view describe(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::end;
  std::size_t offset = 0;  // byte offset of the first character in the expression
  std::string_view text;   // as written
};

}  // namespace pyrolog::expr
