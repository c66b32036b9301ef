#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "event/batch.h"
#include "expr/expr_error.h"

namespace pyrolog::expr {

struct Program;

// What went wrong while evaluating, for the caller's metrics: a regex that hit its match limit on a value
// counts as not matching, and is counted here.
struct EvalStats {
  std::uint64_t regex_limit_exceeded = 0;
  std::uint64_t regex_errors = 0;
};

// A condition over an event's fields, compiled once (docs/transforms.md, "Conditions"):
//
//   status >= 500 and not (path =~ /^\/health/ or exists(tags._grokparsefailure))
//   level in ("ERROR", "FATAL") or message =~ /timeout/i
//
// Evaluating allocates nothing (a thread's first regex match makes its match block) and never throws. Copies
// share the compiled program; an Expression may be evaluated from any number of threads at once.
class Expression {
 public:
  static std::variant<Expression, ExprError> compile(std::string_view text);

  bool evaluate(const Batch& batch, const Event& event, EvalStats* stats = nullptr) const;

  // The text it was compiled from.
  const std::string& text() const;

 private:
  explicit Expression(std::shared_ptr<const Program> program) : program_(std::move(program)) {}
  std::shared_ptr<const Program> program_;
};

}  // namespace pyrolog::expr
