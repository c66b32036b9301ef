#pragma once

#include <string>
#include <string_view>
#include <variant>

#include <gtest/gtest.h>

#include "event/batch.h"
#include "expr/expression.h"

namespace pyrolog::expr::test {

// Compiles `text`, failing the test when it does not compile.
inline Expression compiled(std::string_view text) {
  auto r = Expression::compile(text);
  if (auto* e = std::get_if<ExprError>(&r)) {
    ADD_FAILURE() << "'" << text << "' does not compile: " << e->to_string();
    return std::get<Expression>(Expression::compile("false"));
  }
  return std::get<Expression>(std::move(r));
}

// The error of a text that must not compile ("" when it compiles).
inline std::string error_of(std::string_view text) {
  auto r = Expression::compile(text);
  if (auto* e = std::get_if<ExprError>(&r)) return e->to_string();
  return "";
}

}  // namespace pyrolog::expr::test
