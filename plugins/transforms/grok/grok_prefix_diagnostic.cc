#include "grok_prefix_diagnostic.h"

#include "grok_pattern_lexer.h"

namespace pyrolog::grok {

std::vector<std::vector<PatternComponent>> top_level_components(std::string_view pattern) {
  const LexResult lex = lex_pattern(pattern);
  if (!lex.ok()) return {};
  std::vector<std::vector<PatternComponent>> alternatives(1);
  std::size_t depth = 0;
  std::size_t group_begin = 0;
  bool in_literal_run = false;      // the last component is a run of literal atoms
  std::size_t last_atom_begin = 0;  // where the run's last atom starts
  for (const Token& token : lex.tokens) {
    auto& components = alternatives.back();
    if (depth > 0) {
      if (token.kind == TokenKind::kGroupOpen || token.kind == TokenKind::kNamedGroupOpen) {
        ++depth;
      } else if (token.kind == TokenKind::kGroupClose && --depth == 0) {
        components.push_back({group_begin, token.end});
      }
      continue;
    }
    switch (token.kind) {
      case TokenKind::kGroupOpen:
      case TokenKind::kNamedGroupOpen:
        depth = 1;
        group_begin = token.begin;
        in_literal_run = false;
        break;
      case TokenKind::kAlternation:
        alternatives.emplace_back();
        in_literal_run = false;
        break;
      case TokenKind::kQuantifier:
        if (components.empty()) {
          components.push_back({token.begin, token.end});
        } else if (in_literal_run && last_atom_begin > components.back().begin) {
          // A quantifier binds to the run's last character only: split it off.
          components.back().end = last_atom_begin;
          components.push_back({last_atom_begin, token.end});
        } else {
          components.back().end = token.end;
        }
        in_literal_run = false;
        break;
      case TokenKind::kAtom:
        if (token.literal && in_literal_run) {
          components.back().end = token.end;
        } else {
          components.push_back({token.begin, token.end});
        }
        in_literal_run = token.literal;
        last_atom_begin = token.begin;
        break;
      case TokenKind::kReference:
      case TokenKind::kGroupClose:  // unbalanced: PCRE2 rejects the pattern anyway
        components.push_back({token.begin, token.end});
        in_literal_run = false;
        break;
    }
  }
  if (depth > 0) alternatives.back().push_back({group_begin, pattern.size()});
  return alternatives;
}

namespace {

PrefixDiagnostic examine(const GrokCompiler& compiler, std::string_view pattern,
                         const std::vector<PatternComponent>& components, std::string_view line,
                         const MatchOptions& options, MatchScratch& scratch) {
  PrefixDiagnostic d;
  d.components_total = components.size();
  for (std::size_t k = 0; k < components.size(); ++k) {
    const std::size_t begin = components.front().begin;
    const std::string_view prefix = pattern.substr(begin, components[k].end - begin);
    CompileResult compiled = compiler.compile("\\A(?:" + std::string(prefix) + ")");
    MatchStatus status = MatchStatus::kError;
    if (compiled.ok()) {
      const MatchResult r = GrokMatcher(compiled.program, options).match(line, scratch);
      status = r.status;
      if (r.matched()) {
        d.components_matched = k + 1;
        d.matched_pattern = prefix;
        d.matched_length = r.match_end;
        continue;
      }
    }
    d.failed_component = pattern.substr(components[k].begin, components[k].end - components[k].begin);
    d.failed_component_offset = components[k].begin;
    d.failed_status = status;
    break;
  }
  return d;
}

}  // namespace

PrefixDiagnosticResult longest_matching_prefix(const GrokCompiler& compiler, std::string_view pattern,
                                               std::string_view line, const MatchOptions& options) {
  PrefixDiagnosticResult out;
  CompileResult whole = compiler.compile(pattern);
  if (!whole.ok()) {
    out.errors = std::move(whole.errors);
    return out;
  }
  MatchScratch scratch;
  if (GrokMatcher(whole.program, options).match(line, scratch).matched()) {
    out.diagnostic.full_match = true;
    return out;
  }
  const auto alternatives = top_level_components(pattern);
  bool have_best = false;
  for (std::size_t a = 0; a < alternatives.size(); ++a) {
    PrefixDiagnostic d = examine(compiler, pattern, alternatives[a], line, options, scratch);
    d.alternative = a;
    const PrefixDiagnostic& best = out.diagnostic;
    if (!have_best || d.matched_length > best.matched_length ||
        (d.matched_length == best.matched_length && d.components_matched > best.components_matched)) {
      out.diagnostic = std::move(d);
      have_best = true;
    }
  }
  return out;
}

}  // namespace pyrolog::grok
