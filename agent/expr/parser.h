#pragma once

#include <optional>
#include <string_view>

#include "expr/ast.h"
#include "expr/expr_error.h"

namespace pyrolog::expr {

// Limits that keep compiling and evaluating bounded whatever the text.
inline constexpr std::size_t kMaxExpressionBytes = 64 * 1024;
inline constexpr std::size_t kMaxNesting = 64;  // parentheses and `not`s inside each other

// Parses `text` into `program` (which must be empty); returns the first problem, if any.
//
//   condition  := or
//   or         := and (('or' | '||') and)*
//   and        := unary (('and' | '&&') unary)*
//   unary      := ('not' | '!') unary | comparison
//   comparison := operand [ ('==' | '!=' | '<' | '<=' | '>' | '>=') operand
//                         | ('=~' | '!~') (regex | string)
//                         | ['not'] 'in' '(' literal (',' literal)* ')' ]
//   operand    := literal | field | '@timestamp' | 'exists' '(' field ')' | '(' or ')'
//   literal    := string | number | 'true' | 'false' | 'null'
std::optional<ExprError> parse(std::string_view text, Program& program);

}  // namespace pyrolog::expr
