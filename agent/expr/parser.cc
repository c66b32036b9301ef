#include "expr/parser.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "expr/lexer.h"

namespace pyrolog::expr {
namespace {

struct ParseFailure {
  ExprError error;
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Parser {
 public:
  Parser(std::string_view text, Program& program) : lexer_(text), program_(program) {}

  void run() {
    advance();
    const std::uint32_t root = parse_or();
    if (current_.kind != TokenKind::end) {
      fail(current_.offset,
           fmt::format("unexpected {} after the end of the condition{}", shown(current_),
                       current_.kind == TokenKind::rparen ? " (a ')' without its '(')" : ""));
    }
    require_condition(root);
    program_.root = root;
  }

 private:
  [[noreturn]] void fail(std::size_t offset, std::string message) {
    throw ParseFailure{ExprError{offset, std::move(message)}};
  }

  // How a token is shown in messages: its text when it has one.
  static std::string shown(const Token& t) {
    if (t.kind == TokenKind::end) return std::string(describe(t.kind));
    std::string_view text = t.text;
    if (text.size() > 40) return fmt::format("'{}...'", text.substr(0, 40));
    return fmt::format("'{}'", text);
  }

  void advance() {
    current_ = lexer_.next();
    if (current_.kind == TokenKind::error) fail(current_.offset, lexer_.error());
  }

  void expect(TokenKind kind, std::string_view what) {
    if (current_.kind != kind)
      fail(current_.offset, fmt::format("expected {}, got {}", what, shown(current_)));
    advance();
  }

  struct DepthGuard {
    explicit DepthGuard(Parser& p, std::size_t offset) : parser(p) {
      if (++parser.depth_ > kMaxNesting) {
        parser.fail(offset, fmt::format("the condition is nested more than {} levels deep", kMaxNesting));
      }
    }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    ~DepthGuard() { --parser.depth_; }
    Parser& parser;
  };

  std::uint32_t add(Node node, const std::vector<std::uint32_t>& kids = {}) {
    node.first_child = static_cast<std::uint32_t>(program_.children.size());
    node.child_count = static_cast<std::uint32_t>(kids.size());
    program_.children.insert(program_.children.end(), kids.begin(), kids.end());
    program_.nodes.push_back(node);
    return static_cast<std::uint32_t>(program_.nodes.size() - 1);
  }

  void require_condition(std::uint32_t index) {
    const Node& n = program_.nodes[index];
    if (is_condition(n)) return;
    std::string_view got = "a value";
    switch (n.value.type()) {
      case ValueType::string:
        got = "a string";
        break;
      case ValueType::integer:
      case ValueType::floating:
        got = "a number";
        break;
      case ValueType::null:
        got = "null";
        break;
      default:
        break;
    }
    fail(n.offset,
         fmt::format("expected a condition (a comparison, a regex match, exists(...), a field, true or "
                     "false), got {}",
                     got));
  }

  std::uint32_t parse_or() {
    const std::size_t offset = current_.offset;
    std::uint32_t first = parse_and();
    if (current_.kind != TokenKind::kw_or) return first;
    require_condition(first);
    std::vector<std::uint32_t> kids{first};
    while (current_.kind == TokenKind::kw_or) {
      advance();
      const std::uint32_t next = parse_and();
      require_condition(next);
      kids.push_back(next);
    }
    Node n;
    n.kind = NodeKind::any;
    n.offset = offset;
    return add(n, kids);
  }

  std::uint32_t parse_and() {
    const std::size_t offset = current_.offset;
    std::uint32_t first = parse_unary();
    if (current_.kind != TokenKind::kw_and) return first;
    require_condition(first);
    std::vector<std::uint32_t> kids{first};
    while (current_.kind == TokenKind::kw_and) {
      advance();
      const std::uint32_t next = parse_unary();
      require_condition(next);
      kids.push_back(next);
    }
    Node n;
    n.kind = NodeKind::all;
    n.offset = offset;
    return add(n, kids);
  }

  std::uint32_t parse_unary() {
    if (current_.kind != TokenKind::kw_not) return parse_comparison();
    const std::size_t offset = current_.offset;
    DepthGuard guard(*this, offset);
    advance();
    const std::uint32_t operand = parse_unary();
    require_condition(operand);
    Node n;
    n.kind = NodeKind::negate;
    n.offset = offset;
    return add(n, {operand});
  }

  std::uint32_t parse_comparison() {
    const std::uint32_t lhs = parse_operand();
    const Token op = current_;
    switch (op.kind) {
      case TokenKind::eq:
      case TokenKind::ne:
      case TokenKind::lt:
      case TokenKind::le:
      case TokenKind::gt:
      case TokenKind::ge: {
        advance();
        const std::uint32_t rhs = parse_operand();
        Node n;
        n.kind = NodeKind::compare;
        n.op = compare_op(op.kind);
        n.offset = op.offset;
        return add(n, {lhs, rhs});
      }
      case TokenKind::match:
      case TokenKind::not_match:
        return parse_regex(lhs, op);
      case TokenKind::kw_in:
        advance();
        return parse_in_list(lhs, op, false);
      case TokenKind::kw_not:
        advance();
        if (current_.kind != TokenKind::kw_in) {
          fail(op.offset, fmt::format("'not' after a value must be followed by 'in' (got {}); to negate a "
                                      "condition, put 'not' before it",
                                      shown(current_)));
        }
        advance();
        return parse_in_list(lhs, op, true);
      default:
        return lhs;
    }
  }

  static CompareOp compare_op(TokenKind kind) {
    switch (kind) {
      case TokenKind::ne:
        return CompareOp::ne;
      case TokenKind::lt:
        return CompareOp::lt;
      case TokenKind::le:
        return CompareOp::le;
      case TokenKind::gt:
        return CompareOp::gt;
      case TokenKind::ge:
        return CompareOp::ge;
      default:
        return CompareOp::eq;
    }
  }

  std::uint32_t parse_regex(std::uint32_t lhs, const Token& op) {
    current_ = lexer_.next_regex();
    if (current_.kind == TokenKind::error) fail(current_.offset, lexer_.error());
    const Token t = current_;
    std::string pattern;
    bool caseless = false;
    if (t.kind == TokenKind::regex) {
      const std::size_t close = t.text.rfind('/');
      for (std::size_t i = 1; i < close; ++i) {
        if (t.text[i] == '\\' && i + 1 < close && t.text[i + 1] == '/') {
          pattern += '/';
          ++i;
        } else {
          pattern += t.text[i];
        }
      }
      for (std::size_t i = close + 1; i < t.text.size(); ++i) {
        if (t.text[i] != 'i') {
          fail(t.offset + i,
               fmt::format("unknown regex flag '{}' (the only flag is 'i': ignore case)", t.text[i]));
        }
        caseless = true;
      }
    } else if (t.kind == TokenKind::string) {
      pattern = decode_string(t);
    } else {
      fail(t.offset,
           fmt::format("expected a regex (/.../ or a string) after {}, got {}", shown(op), shown(t)));
    }
    auto compiled = Regex::compile(pattern, caseless);
    if (auto* error = std::get_if<Regex::Error>(&compiled)) {
      const std::size_t at = std::min(t.offset + 1 + error->offset, t.offset + t.text.size());
      fail(at, fmt::format("invalid regex: {}", error->message));
    }
    advance();
    program_.regexes.push_back(std::get<Regex>(std::move(compiled)));
    Node n;
    n.kind = NodeKind::regex;
    n.negated = op.kind == TokenKind::not_match;
    n.index = static_cast<std::uint32_t>(program_.regexes.size() - 1);
    n.offset = op.offset;
    return add(n, {lhs});
  }

  std::uint32_t parse_in_list(std::uint32_t lhs, const Token& op, bool negated) {
    const std::size_t open = current_.offset;
    expect(TokenKind::lparen, "'(' and a list of values after 'in'");
    std::vector<std::uint32_t> kids{lhs};
    if (current_.kind == TokenKind::rparen) fail(current_.offset, "an 'in' list needs at least one value");
    while (true) {
      const std::optional<std::uint32_t> item = parse_literal();
      if (!item)
        fail(current_.offset, fmt::format("expected a value (a string, a number, true, false or null) "
                                          "in the 'in' list, got {}",
                                          shown(current_)));
      kids.push_back(*item);
      if (current_.kind == TokenKind::comma) {
        advance();
        continue;
      }
      if (current_.kind == TokenKind::rparen) break;
      fail(current_.offset, fmt::format("expected ',' or ')' in the 'in' list opened at column {}, got {}",
                                        open + 1, shown(current_)));
    }
    advance();
    Node n;
    n.kind = NodeKind::in_list;
    n.negated = negated;
    n.offset = op.offset;
    return add(n, kids);
  }

  // A literal at the current token (consumed), or nullopt when there is none.
  std::optional<std::uint32_t> parse_literal() {
    Node n;
    n.offset = current_.offset;
    n.kind = NodeKind::literal;
    switch (current_.kind) {
      case TokenKind::string:
        program_.strings.push_back(decode_string(current_));
        n.value = Value::string(program_.strings.back());
        break;
      case TokenKind::integer: {
        std::int64_t v = 0;
        auto [ptr, ec] =
            std::from_chars(current_.text.data(), current_.text.data() + current_.text.size(), v);
        if (ec != std::errc() || ptr != current_.text.data() + current_.text.size()) {
          fail(current_.offset, fmt::format("{} is out of range for an integer", current_.text));
        }
        n.value = Value::integer(v);
        break;
      }
      case TokenKind::floating: {
        double v = 0;
        auto [ptr, ec] =
            std::from_chars(current_.text.data(), current_.text.data() + current_.text.size(), v);
        if (ec != std::errc() || ptr != current_.text.data() + current_.text.size() || !std::isfinite(v)) {
          fail(current_.offset, fmt::format("{} is out of range for a number", current_.text));
        }
        n.value = Value::floating(v);
        break;
      }
      case TokenKind::kw_true:
        n.value = Value::boolean(true);
        break;
      case TokenKind::kw_false:
        n.value = Value::boolean(false);
        break;
      case TokenKind::kw_null:
        n.value = Value();
        break;
      default:
        return std::nullopt;
    }
    advance();
    return add(n);
  }

  std::uint32_t parse_operand() {
    if (auto literal = parse_literal()) return *literal;
    const Token t = current_;
    switch (t.kind) {
      case TokenKind::lparen: {
        DepthGuard guard(*this, t.offset);
        advance();
        const std::uint32_t inner = parse_or();
        if (current_.kind != TokenKind::rparen) {
          fail(current_.offset, fmt::format("expected ')' to close the '(' at column {}, got {}",
                                            t.offset + 1, shown(current_)));
        }
        advance();
        return inner;
      }
      case TokenKind::path:
        return parse_path(t);
      default:
        fail(t.offset, fmt::format("expected a field, a value, exists(...) or '(', got {}", shown(t)));
    }
  }

  std::uint32_t parse_path(const Token& t) {
    advance();
    Node n;
    n.offset = t.offset;
    if (t.text == "exists" && current_.kind == TokenKind::lparen) {
      advance();
      if (current_.kind != TokenKind::path) {
        fail(current_.offset, fmt::format("exists(...) takes a field name, got {}", shown(current_)));
      }
      const Token field = current_;
      advance();
      if (current_.kind != TokenKind::rparen) {
        fail(current_.offset, fmt::format("expected ')' to close exists(, got {}", shown(current_)));
      }
      advance();
      n.kind = NodeKind::exists;
      program_.strings.emplace_back(field.text);
      n.name = program_.strings.back();
      return add(n);
    }
    if (t.text == "@timestamp") {
      n.kind = NodeKind::timestamp;
    } else if (t.text == "message") {
      n.kind = NodeKind::message;
    } else {
      n.kind = NodeKind::field;
    }
    program_.strings.emplace_back(t.text);
    n.name = program_.strings.back();
    return add(n);
  }

  // The value of a string literal: the text between the quotes with its escapes replaced.
  std::string decode_string(const Token& t) {
    std::string out;
    const std::string_view body = t.text.substr(1, t.text.size() - 2);
    for (std::size_t i = 0; i < body.size(); ++i) {
      const char c = body[i];
      if (c != '\\') {
        out += c;
        continue;
      }
      const std::size_t at = t.offset + 1 + i;
      const char e = i + 1 < body.size() ? body[i + 1] : '\0';
      ++i;
      switch (e) {
        case '\\':
        case '"':
        case '\'':
        case '/':
          out += e;
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'x': {
          const int hi = i + 1 < body.size() ? hex_digit(body[i + 1]) : -1;
          const int lo = i + 2 < body.size() ? hex_digit(body[i + 2]) : -1;
          if (hi < 0 || lo < 0) fail(at, "'\\x' needs two hex digits");
          out += static_cast<char>(hi * 16 + lo);
          i += 2;
          break;
        }
        default:
          fail(at,
               "unknown escape in a string (a backslash escapes \\, \", ', /, n, r, t and xHH; in a regex, "
               "write it as /.../ to keep backslashes as they are)");
      }
    }
    return out;
  }

  Lexer lexer_;
  Program& program_;
  Token current_;
  std::size_t depth_ = 0;
};

}  // namespace

std::optional<ExprError> parse(std::string_view text, Program& program) {
  if (text.size() > kMaxExpressionBytes) {
    return ExprError{0, fmt::format("the condition is longer than {} bytes", kMaxExpressionBytes)};
  }
  program.text = std::string(text);
  try {
    Parser(program.text, program).run();
  } catch (const ParseFailure& f) {
    return f.error;
  }
  return std::nullopt;
}

}  // namespace pyrolog::expr
