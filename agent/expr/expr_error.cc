#include "expr/expr_error.h"

#include <fmt/format.h>

namespace pyrolog::expr {

std::string ExprError::to_string() const {
  return fmt::format("column {}: {}", offset + 1, message);
}

}  // namespace pyrolog::expr
