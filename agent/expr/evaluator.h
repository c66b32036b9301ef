#pragma once

#include "event/batch.h"
#include "expr/ast.h"
#include "expr/expression.h"

namespace pyrolog::expr {

// Evaluates a parsed program on one event. Recursion is bounded by the parser's nesting limit.
class Evaluator {
 public:
  Evaluator(const Program& program, const Batch& batch, const Event& event, EvalStats* stats)
      : program_(program), batch_(batch), event_(event), stats_(stats) {}

  bool test(const Node& node);    // the node as a condition
  Value value(const Node& node);  // the node as a value (a condition gives a boolean)

 private:
  bool test_regex(const Node& node);
  bool test_in(const Node& node);

  const Program& program_;
  const Batch& batch_;
  const Event& event_;
  EvalStats* stats_;
};

}  // namespace pyrolog::expr
