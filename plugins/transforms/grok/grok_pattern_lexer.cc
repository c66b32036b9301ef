#include "grok_pattern_lexer.h"

namespace pyrolog::grok {
namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_alnum(char c) noexcept {
  return is_digit(c) || is_alpha(c);
}
bool is_hex(char c) noexcept {
  return is_digit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  LexResult run() {
    while (pos_ < text_.size() && result_.ok()) {
      switch (text_[pos_]) {
        case '%':
          if (at(pos_ + 1) == '{') {
            lex_reference();
          } else {
            atom(pos_ + 1, true);
          }
          break;
        case '\\':
          lex_escape();
          break;
        case '[':
          atom(class_end(pos_), false);
          break;
        case '(':
          lex_group_open();
          break;
        case ')':
          emit(TokenKind::kGroupClose, pos_ + 1);
          break;
        case '|':
          emit(TokenKind::kAlternation, pos_ + 1);
          break;
        case '*':
        case '+':
        case '?':
          quantifier(pos_ + 1);
          break;
        case '{':
          if (const std::size_t end = counted_quantifier_end(pos_); end != 0) {
            quantifier(end);
          } else {
            atom(pos_ + 1, true);
          }
          break;
        case '.':
        case '^':
        case '$':
          atom(pos_ + 1, false);
          break;
        default:
          atom(pos_ + 1, true);
          break;
      }
    }
    return std::move(result_);
  }

 private:
  char at(std::size_t i) const noexcept { return i < text_.size() ? text_[i] : '\0'; }

  // Position just after the first occurrence of c at or after from (text end when absent).
  std::size_t past(char c, std::size_t from) const noexcept {
    const std::size_t found = text_.find(c, from);
    return found == std::string_view::npos ? text_.size() : found + 1;
  }

  Token& emit(TokenKind kind, std::size_t end) {
    Token token;
    token.kind = kind;
    token.begin = pos_;
    token.end = end;
    pos_ = end;
    result_.tokens.push_back(token);
    return result_.tokens.back();
  }

  void atom(std::size_t end, bool literal) { emit(TokenKind::kAtom, end).literal = literal; }

  void quantifier(std::size_t end) {
    if (at(end) == '?' || at(end) == '+') ++end;
    emit(TokenKind::kQuantifier, end);
  }

  // {n} {n,} {n,m}: returns the position after '}', or 0 when '{' at pos is a literal.
  std::size_t counted_quantifier_end(std::size_t pos) const noexcept {
    std::size_t p = pos + 1;
    if (!is_digit(at(p))) return 0;
    while (is_digit(at(p)))
      ++p;
    if (at(p) == ',') {
      ++p;
      while (is_digit(at(p)))
        ++p;
    }
    return at(p) == '}' ? p + 1 : 0;
  }

  // End of the character class starting at pos ('['); the text end when unterminated (PCRE2
  // reports that error).
  std::size_t class_end(std::size_t pos) const noexcept {
    std::size_t p = pos + 1;
    if (at(p) == '^') ++p;
    if (at(p) == ']') ++p;
    while (p < text_.size()) {
      const char c = text_[p];
      if (c == '\\') {
        if (at(p + 1) == 'Q') {
          const std::size_t e = text_.find("\\E", p + 2);
          p = e == std::string_view::npos ? text_.size() : e + 2;
        } else {
          p += 2;
        }
        continue;
      }
      if (c == '[' && (at(p + 1) == ':' || at(p + 1) == '.' || at(p + 1) == '=')) {
        const char terminator[3] = {at(p + 1), ']', '\0'};
        const std::size_t e = text_.find(terminator, p + 2);
        p = e == std::string_view::npos ? p + 1 : e + 2;
        continue;
      }
      if (c == ']') return p + 1;
      ++p;
    }
    return text_.size();
  }

  // After an escape letter that takes a delimited argument ({...}, <...>, '...').
  std::size_t delimited_end(std::size_t p) const noexcept {
    switch (at(p)) {
      case '{':
        return past('}', p + 1);
      case '<':
        return past('>', p + 1);
      case '\'':
        return past('\'', p + 1);
      default:
        return p;
    }
  }

  void lex_escape() {
    const std::size_t p = pos_ + 1;
    if (p >= text_.size()) {
      atom(text_.size(), false);
      return;
    }
    const char e = text_[p];
    if (e == 'Q') {
      const std::size_t found = text_.find("\\E", p + 1);
      atom(found == std::string_view::npos ? text_.size() : found + 2, true);
      return;
    }
    if (!is_alnum(e)) {
      atom(p + 1, true);  // escaped punctuation (or a byte >= 0x80): a literal
      return;
    }
    std::size_t end = p + 1;
    bool literal = false;
    switch (e) {
      case 'x':
        literal = true;
        if (at(end) == '{') {
          end = past('}', end + 1);
        } else {
          for (int i = 0; i < 2 && is_hex(at(end)); ++i)
            ++end;
        }
        break;
      case 'o':
        literal = true;
        end = delimited_end(end);
        break;
      case 'N':
        literal = at(end) == '{';
        end = delimited_end(end);
        break;
      case 'c':
        literal = true;
        if (end < text_.size()) ++end;
        break;
      case 'p':
      case 'P':
        end = at(end) == '{' ? delimited_end(end) : (end < text_.size() ? end + 1 : end);
        break;
      case 'g':
      case 'k':
        if (at(end) == '{' || at(end) == '<' || at(end) == '\'') {
          end = delimited_end(end);
        } else {
          if (at(end) == '+' || at(end) == '-') ++end;
          while (is_digit(at(end)))
            ++end;
        }
        break;
      case 't':
      case 'n':
      case 'r':
      case 'f':
      case 'e':
      case 'a':
        literal = true;
        break;
      default:
        if (is_digit(e)) {
          while (is_digit(at(end)))
            ++end;  // back reference or octal escape
        }
        break;
    }
    atom(end, literal);
  }

  void lex_group_open() {
    const std::size_t p = pos_ + 1;
    if (at(p) == '*') {  // (*VERB) or (*VERB:...) or (*atomic: ...
      const std::size_t close = text_.find_first_of(":)", p + 1);
      if (close != std::string_view::npos && text_[close] == ':') {
        emit(TokenKind::kGroupOpen, close + 1);
      } else {
        atom(close == std::string_view::npos ? text_.size() : close + 1, false);
      }
      return;
    }
    if (at(p) != '?') {
      emit(TokenKind::kGroupOpen, p);
      return;
    }
    const std::size_t q = p + 1;
    switch (at(q)) {
      case '#':
        atom(past(')', q + 1), false);  // comment
        return;
      case '<':
        if (at(q + 1) == '=' || at(q + 1) == '!') {
          emit(TokenKind::kGroupOpen, q + 2);  // lookbehind
        } else {
          named_group(q + 1, '>');
        }
        return;
      case 'P':
        if (at(q + 1) == '<') {
          named_group(q + 2, '>');
        } else if (at(q + 1) == '=' || at(q + 1) == '>') {
          atom(past(')', q + 2), false);  // named back reference or call
        } else {
          emit(TokenKind::kGroupOpen, q + 1);
        }
        return;
      case '\'':
        named_group(q + 1, '\'');
        return;
      case ':':
      case '=':
      case '!':
      case '>':
      case '|':
        emit(TokenKind::kGroupOpen, q + 1);
        return;
      case '(':
        emit(TokenKind::kGroupOpen, past(')', q + 1));  // conditional: (?(cond)
        return;
      case 'R':
      case '&':
      case '+':
      case 'C':
        atom(past(')', q + 1), false);  // recursion, subroutine call, callout
        return;
      default:
        break;
    }
    if (is_digit(at(q)) || (at(q) == '-' && is_digit(at(q + 1)))) {
      atom(past(')', q + 1), false);  // numbered subroutine call
      return;
    }
    std::size_t r = q;  // option setting: (?i) (?i-s:...) (?^)
    while (is_alpha(at(r)) || at(r) == '-' || at(r) == '^')
      ++r;
    if (at(r) == ')') {
      atom(r + 1, false);
    } else if (at(r) == ':') {
      emit(TokenKind::kGroupOpen, r + 1);
    } else {
      emit(TokenKind::kGroupOpen, q);  // not valid PCRE2; it reports the error
    }
  }

  void named_group(std::size_t name_begin, char terminator) {
    const std::size_t close = text_.find(terminator, name_begin);
    if (close == std::string_view::npos) {
      emit(TokenKind::kGroupOpen, name_begin);  // PCRE2 reports the missing terminator
      return;
    }
    Token& token = emit(TokenKind::kNamedGroupOpen, close + 1);
    token.name = text_.substr(name_begin, close - name_begin);
  }

  void lex_reference() {
    const std::size_t close = text_.find('}', pos_ + 2);
    if (close == std::string_view::npos) {
      result_.error = "unterminated %{ reference";
      result_.error_offset = pos_;
      return;
    }
    const std::string_view body = text_.substr(pos_ + 2, close - pos_ - 2);
    Token& token = emit(TokenKind::kReference, close + 1);
    const std::size_t first = body.find(':');
    token.name = body.substr(0, first);
    if (first == std::string_view::npos) return;
    token.has_field = true;
    const std::string_view rest = body.substr(first + 1);
    const std::size_t last = rest.rfind(':');
    token.field = rest.substr(0, last);
    if (last == std::string_view::npos) return;
    token.has_type = true;
    token.type = rest.substr(last + 1);
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  LexResult result_;
};

}  // namespace

LexResult lex_pattern(std::string_view text) {
  return Lexer(text).run();
}

}  // namespace pyrolog::grok
