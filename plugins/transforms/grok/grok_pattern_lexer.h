#pragma once

// Splits grok pattern text (a PCRE2 regex with %{...} references) into tokens, just deep enough to
// find references and named groups reliably (not inside character classes, escapes, \Q...\E or
// comments) and to cut a pattern into its top-level components for the prefix diagnostic.
// Regex syntax errors are left to PCRE2, which reports them when the expansion is compiled.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pyrolog::grok {

enum class TokenKind : std::uint8_t {
  kReference,       // %{SYNTAX}, %{SYNTAX:field}, %{SYNTAX:field:type}
  kNamedGroupOpen,  // (?<name>  (?P<name>  (?'name'
  kGroupOpen,       // any other group opener: (  (?:  (?=  (?<!  (?i:  (?|  (?(cond) ...
  kGroupClose,      // )
  kAlternation,     // |
  kQuantifier,      // * + ? {n} {n,} {n,m}, with an optional lazy '?' or possessive '+'
  kAtom,            // everything else: a character, an escape, a class, '.', an anchor, (?i), (?#..)
};

struct Token {
  TokenKind kind = TokenKind::kAtom;
  std::size_t begin = 0;  // byte offsets into the pattern text
  std::size_t end = 0;
  // kAtom: true when the atom matches one fixed character or string (a plain character, an
  // escaped punctuation character, \Q...\E); used to merge literal runs.
  bool literal = false;
  // kReference: syntax / field / type parts (field and type empty when absent; has_* tell
  // "absent" from "empty"). kNamedGroupOpen: name is the group name.
  std::string_view name;
  std::string_view field;
  std::string_view type;
  bool has_field = false;
  bool has_type = false;
};

struct LexResult {
  std::vector<Token> tokens;
  std::string error;  // empty on success (the only error is an unterminated or malformed %{)
  std::size_t error_offset = 0;
  bool ok() const noexcept { return error.empty(); }
};

LexResult lex_pattern(std::string_view text);

}  // namespace pyrolog::grok
