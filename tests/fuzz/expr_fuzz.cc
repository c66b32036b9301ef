// libFuzzer target for the condition language (agent/expr): lexer, parser, regex compilation and evaluation.
//
// Input layout (parts separated by NUL bytes; missing parts are empty):
//   <condition> \0 <raw line> \0 <field value> \0 <field value> ...
// The field values become fields a, b, c, ... of one event: a value that spells an integer is an integer, `t`
// / `f` booleans, `~` null, anything else a string. The condition is compiled and, when it compiles,
// evaluated; `not (condition)` must then evaluate to the opposite (evaluation has no third outcome but a
// regex limit, which the check allows for).
//
// Build: configure with CMAKE_CXX_COMPILER=clang++ and -DPYROLOG_FUZZ=ON, then
//   ./expr_fuzz -max_total_time=600 corpus_dir <source>/tests/fuzz/corpus/expr

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "event/batch.h"
#include "expr/expression.h"

namespace {

using pyrolog::Batch;
using pyrolog::Event;
using pyrolog::Value;
using pyrolog::expr::EvalStats;
using pyrolog::expr::ExprError;
using pyrolog::expr::Expression;

std::string_view take_part(std::string_view& input) {
  const std::size_t nul = input.find('\0');
  const std::string_view part = input.substr(0, nul);
  input.remove_prefix(nul == std::string_view::npos ? input.size() : nul + 1);
  return part;
}

void check(bool condition) {
  if (!condition) std::abort();
}

constexpr std::string_view kNames[] = {"a", "b", "c", "d", "e", "f", "g", "h"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string_view text = take_part(input);
  const std::string_view raw = take_part(input);

  auto compiled = Expression::compile(text);
  if (auto* error = std::get_if<ExprError>(&compiled)) {
    check(!error->message.empty());
    check(error->offset <= text.size());
    return 0;
  }
  const Expression& x = std::get<Expression>(compiled);
  check(x.text() == text);

  Batch batch;
  Event& e = batch.add_event(static_cast<std::int64_t>(size), batch.store(raw));
  for (std::string_view name : kNames) {
    if (input.empty()) break;
    const std::string_view v = take_part(input);
    std::int64_t i = 0;
    if (auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), i);
        ec == std::errc() && p == v.data() + v.size()) {
      batch.append(e, name, Value::integer(i));
    } else if (v == "t" || v == "f") {
      batch.append(e, name, Value::boolean(v == "t"));
    } else if (v == "~") {
      batch.append(e, name, Value());
    } else {
      batch.append(e, name, Value::string(batch.store(v)));
    }
  }

  EvalStats stats;
  const bool result = x.evaluate(batch, e, &stats);
  check(x.evaluate(batch, e, &stats) == result);  // deterministic

  if (text.size() < 4096) {
    auto negated = Expression::compile("not (" + std::string(text) + ")");
    if (auto* n = std::get_if<Expression>(&negated)) {
      EvalStats negated_stats;
      const bool opposite = n->evaluate(batch, e, &negated_stats);
      // A regex that ran out of its match limit counts as "no match" both ways, so only then may they agree.
      check(opposite != result || stats.regex_limit_exceeded + stats.regex_errors > 0);
    }
  }
  return 0;
}
