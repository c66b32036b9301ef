#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "event/value.h"
#include "expr/regex.h"

namespace pyrolog::expr {

enum class NodeKind : std::uint8_t {
  literal,    // `value`
  field,      // `name`
  message,    // the raw line (`message`)
  timestamp,  // the event's time (`@timestamp`)
  exists,     // exists(`name`)
  compare,    // child 0 `op` child 1
  regex,      // child 0 =~ regexes[`index`] (`negated`: !~)
  in_list,    // child 0 in (children 1..; all literals) (`negated`: not in)
  all,        // and: every child
  any,        // or: any child
  negate,     // not: child 0
};

enum class CompareOp : std::uint8_t { eq, ne, lt, le, gt, ge };

struct Node {
  NodeKind kind = NodeKind::literal;
  CompareOp op = CompareOp::eq;
  bool negated = false;
  std::uint32_t first_child = 0;  // into Program::children
  std::uint32_t child_count = 0;
  std::uint32_t index = 0;  // regex
  Value value;              // literal; strings view Program::strings
  std::string_view name;    // field; views Program::strings
  std::size_t offset = 0;   // in the text, for messages
};

// A parsed expression: nodes in a flat table, children by index. Never moves once built (it is shared behind
// a pointer), so the views into `strings` stay valid.
struct Program {
  std::string text;
  std::vector<Node> nodes;
  std::vector<std::uint32_t> children;
  std::deque<std::string> strings;
  std::vector<Regex> regexes;
  std::uint32_t root = 0;

  const Node& child(const Node& n, std::uint32_t i) const { return nodes[children[n.first_child + i]]; }
};

// Whether a node can stand where a condition is expected (everything but a literal that is not a boolean).
inline bool is_condition(const Node& n) {
  return n.kind != NodeKind::literal || n.value.type() == ValueType::boolean;
}

}  // namespace pyrolog::expr
