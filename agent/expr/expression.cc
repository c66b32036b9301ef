#include "expr/expression.h"

#include "expr/ast.h"
#include "expr/evaluator.h"
#include "expr/parser.h"

namespace pyrolog::expr {

std::variant<Expression, ExprError> Expression::compile(std::string_view text) {
  auto program = std::make_shared<Program>();
  if (auto error = parse(text, *program)) return *error;
  return Expression(std::move(program));
}

bool Expression::evaluate(const Batch& batch, const Event& event, EvalStats* stats) const {
  Evaluator evaluator(*program_, batch, event, stats);
  return evaluator.test(program_->nodes[program_->root]);
}

const std::string& Expression::text() const {
  return program_->text;
}

}  // namespace pyrolog::expr
