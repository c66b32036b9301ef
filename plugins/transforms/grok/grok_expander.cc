#include "grok_expander.h"

#include <algorithm>
#include <map>

#include "grok_field_name.h"
#include "grok_pattern_lexer.h"

namespace pyrolog::grok {
namespace {

constexpr std::size_t kMaxQuotedPattern = 100;

std::string quote_pattern(std::string_view text) {
  if (text.size() <= kMaxQuotedPattern) return "grok pattern '" + std::string(text) + "'";
  return "grok pattern '" + std::string(text.substr(0, kMaxQuotedPattern)) + "...'";
}

}  // namespace

std::string group_name(std::size_t n) {
  return "g" + std::to_string(n);
}

CompileError Expansion::locate(std::size_t offset) const {
  auto it = std::upper_bound(spans_.begin(), spans_.end(), offset,
                             [](std::size_t off, const SourceSpan& s) { return off < s.expanded_begin; });
  if (it == spans_.begin()) return {contexts_.empty() ? std::string() : contexts_.front(), 0, {}};
  const SourceSpan& span = *(it - 1);
  const std::size_t within = span.length == 0 ? 0 : std::min(offset - span.expanded_begin, span.length);
  return {contexts_[span.context], span.source_begin + within, {}};
}

class Expander {
 public:
  Expander(const GrokPatternSet& patterns, const ExpansionLimits& limits)
      : patterns_(patterns), limits_(limits) {}

  Expansion run(std::string_view pattern) {
    out_.contexts_.push_back(quote_pattern(pattern));
    expand_text(pattern, 0);
    if (too_large_) {
      out_.errors.push_back({out_.contexts_.front(), 0,
                             "expanded regex exceeds " + std::to_string(limits_.max_regex_size) + " bytes"});
    }
    return std::move(out_);
  }

 private:
  void error(std::size_t context, std::size_t offset, std::string message) {
    CompileError e{out_.contexts_[context], offset, std::move(message)};
    if (std::find(out_.errors.begin(), out_.errors.end(), e) == out_.errors.end()) {
      out_.errors.push_back(std::move(e));
    }
  }

  bool stopped() const noexcept { return too_large_; }

  void append(std::string_view text, std::size_t context, std::size_t source_begin, bool verbatim) {
    if (text.empty() || stopped()) return;
    if (out_.regex.size() + text.size() > limits_.max_regex_size) {
      too_large_ = true;
      return;
    }
    out_.spans_.push_back({out_.regex.size(), context, source_begin, verbatim ? text.size() : 0});
    out_.regex.append(text);
  }

  std::size_t context_of(const PatternDefinition& def) {
    auto [it, inserted] = context_index_.try_emplace(def.name, out_.contexts_.size());
    if (inserted) out_.contexts_.push_back("pattern '" + def.name + "' (" + def.origin + ")");
    return it->second;
  }

  void expand_text(std::string_view text, std::size_t context) {
    const LexResult lex = lex_pattern(text);
    if (!lex.ok()) {
      error(context, lex.error_offset, lex.error);
      return;
    }
    std::size_t copied = 0;
    for (const Token& token : lex.tokens) {
      if (stopped()) return;
      if (token.kind != TokenKind::kReference && token.kind != TokenKind::kNamedGroupOpen) continue;
      append(text.substr(copied, token.begin - copied), context, copied, true);
      if (token.kind == TokenKind::kReference) {
        expand_reference(token, context);
      } else {
        named_group(token, context);
      }
      copied = token.end;
    }
    append(text.substr(copied), context, copied, true);
  }

  // Opens the capture group of a field, or a non-capturing group when field is empty.
  void open_group(const std::string& field, FieldType type, std::size_t context, std::size_t offset) {
    if (field.empty()) {
      append("(?:", context, offset, false);
      return;
    }
    out_.groups.push_back({field, type, 0});
    append("(?<" + group_name(out_.groups.size()) + ">", context, offset, false);
  }

  void expand_reference(const Token& token, std::size_t context) {
    const std::string name(token.name);
    bool valid = true;
    if (!GrokPatternSet::is_valid_name(name)) {
      error(context, token.begin,
            name.empty() ? std::string("empty pattern name in %{}")
                         : "invalid pattern name '" + name + "' in %{...} (expected [A-Za-z0-9_]+)");
      valid = false;
    }
    std::string field;
    if (token.has_field) {
      NormalizedFieldName normalized = normalize_field_name(token.field);
      if (normalized.ok()) {
        field = std::move(normalized.name);
      } else {
        error(context, token.begin, normalized.error);
        valid = false;
      }
    }
    FieldType type = FieldType::kString;
    if (token.has_type) {
      if (auto parsed = parse_field_type(token.type)) {
        type = *parsed;
      } else {
        error(context, token.begin,
              "bad type '" + std::string(token.type) + "' for field '" + std::string(token.field) +
                  "' (expected int or float)");
        valid = false;
      }
    }
    const PatternDefinition* def = valid ? patterns_.find(name) : nullptr;
    if (valid && def == nullptr) {
      error(context, token.begin, "reference to undefined pattern '" + name + "'");
      valid = false;
    }
    if (valid) {
      auto on_stack = std::find(stack_.begin(), stack_.end(), name);
      if (on_stack != stack_.end()) {
        std::string chain;
        for (auto it = on_stack; it != stack_.end(); ++it)
          chain += *it + " -> ";
        error(context, token.begin, "cycle in pattern references: " + chain + name);
        valid = false;
      } else if (stack_.size() >= limits_.max_nesting) {
        error(context, token.begin,
              "pattern references nested deeper than " + std::to_string(limits_.max_nesting) + " levels");
        valid = false;
      }
    }
    // Keep the regex balanced even after an error so later errors are still found.
    open_group(valid ? field : std::string(), type, context, token.begin);
    if (valid) {
      stack_.push_back(name);
      expand_text(def->regex, context_of(*def));
      stack_.pop_back();
    }
    append(")", context, token.begin, false);
  }

  void named_group(const Token& token, std::size_t context) {
    NormalizedFieldName normalized = normalize_field_name(token.name);
    if (!normalized.ok()) {
      error(context, token.begin, normalized.error);
      append("(?:", context, token.begin, false);
      return;
    }
    open_group(normalized.name, FieldType::kString, context, token.begin);
  }

  const GrokPatternSet& patterns_;
  const ExpansionLimits& limits_;
  Expansion out_;
  std::vector<std::string> stack_;
  std::map<std::string, std::size_t, std::less<>> context_index_;
  bool too_large_ = false;
};

Expansion expand_grok(std::string_view pattern, const GrokPatternSet& patterns,
                      const ExpansionLimits& limits) {
  return Expander(patterns, limits).run(pattern);
}

}  // namespace pyrolog::grok
