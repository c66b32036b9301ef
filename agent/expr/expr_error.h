#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pyrolog::expr {

// A problem in the text of an expression: where (a byte offset into the text) and what.
struct ExprError {
  std::size_t offset = 0;
  std::string message;

  // "column 12: expected ')' to close the '(' at column 3" (columns count bytes from 1).
  std::string to_string() const;
  friend bool operator==(const ExprError&, const ExprError&) = default;
};

}  // namespace pyrolog::expr
