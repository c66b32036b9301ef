#include "expr/evaluator.h"

#include "expr/compare.h"
#include "expr/event_fields.h"
#include "expr/value_text.h"

namespace pyrolog::expr {

Value Evaluator::value(const Node& node) {
  switch (node.kind) {
    case NodeKind::literal:
      return node.value;
    case NodeKind::field:
      if (const Value* v = batch_.find(event_, node.name)) return *v;
      return Value();
    case NodeKind::message:
      return Value::string(event_.raw);
    case NodeKind::timestamp:
      return Value::timestamp(event_.timestamp);
    default:
      return Value::boolean(test(node));
  }
}

bool Evaluator::test(const Node& node) {
  switch (node.kind) {
    case NodeKind::literal:
      return node.value.type() == ValueType::boolean && node.value.as_boolean();
    case NodeKind::field: {
      // A bare field is true when it is there and is neither false nor null.
      const Value* v = batch_.find(event_, node.name);
      if (v == nullptr || v->is_null()) return false;
      return v->type() != ValueType::boolean || v->as_boolean();
    }
    case NodeKind::message:
    case NodeKind::timestamp:
      return true;
    case NodeKind::exists:
      return read_field(batch_, event_, node.name).has_value();
    case NodeKind::compare: {
      const Value a = value(program_.child(node, 0));
      const Value b = value(program_.child(node, 1));
      switch (node.op) {
        case CompareOp::eq:
          return equal(a, b);
        case CompareOp::ne:
          return !equal(a, b);
        case CompareOp::lt:
          return order(a, b) < 0;
        case CompareOp::le:
          return order(a, b) <= 0;
        case CompareOp::gt:
          return order(a, b) > 0;
        case CompareOp::ge:
          return order(a, b) >= 0;
      }
      return false;
    }
    case NodeKind::regex:
      return test_regex(node);
    case NodeKind::in_list:
      return test_in(node);
    case NodeKind::all:
      for (std::uint32_t i = 0; i < node.child_count; ++i) {
        if (!test(program_.child(node, i))) return false;
      }
      return true;
    case NodeKind::any:
      for (std::uint32_t i = 0; i < node.child_count; ++i) {
        if (test(program_.child(node, i))) return true;
      }
      return false;
    case NodeKind::negate:
      return !test(program_.child(node, 0));
  }
  return false;
}

bool Evaluator::test_regex(const Node& node) {
  const Value v = value(program_.child(node, 0));
  if (v.is_null()) return node.negated;  // nothing to match: =~ is false, !~ true
  ValueText text;
  switch (program_.regexes[node.index].match(text(v))) {
    case Regex::Result::match:
      return !node.negated;
    case Regex::Result::no_match:
      return node.negated;
    case Regex::Result::limit_exceeded:
      if (stats_ != nullptr) ++stats_->regex_limit_exceeded;
      return false;
    case Regex::Result::error:
      if (stats_ != nullptr) ++stats_->regex_errors;
      return false;
  }
  return false;
}

bool Evaluator::test_in(const Node& node) {
  const Value v = value(program_.child(node, 0));
  bool found = false;
  for (std::uint32_t i = 1; i < node.child_count && !found; ++i)
    found = equal(v, program_.child(node, i).value);
  return found != node.negated;
}

}  // namespace pyrolog::expr
