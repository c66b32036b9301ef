#include "config/env_substitution.h"

#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

namespace pyrolog::config {

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

namespace {
bool valid_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}
}  // namespace

std::variant<std::string, SubstitutionError> substitute_env(std::string_view text, const EnvLookup& lookup) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '$') {
      out += c;
      ++i;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != '{') {
      out += c;  // a lone `$` is literal
      ++i;
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return SubstitutionError{fmt::format("unterminated '${{' in '{}'", text)};
    }
    std::string_view body = text.substr(i + 2, close - i - 2);
    std::string_view name = body;
    std::optional<std::string_view> fallback;
    if (auto sep = body.find(":-"); sep != std::string_view::npos) {
      name = body.substr(0, sep);
      fallback = body.substr(sep + 2);
    }
    if (!valid_name(name)) {
      return SubstitutionError{fmt::format("'${{{}}}' is not a valid variable reference", body)};
    }
    auto value = lookup ? lookup(std::string(name)) : std::nullopt;  // no lookup: nothing is set
    if (fallback) {
      out += (value && !value->empty()) ? *value : std::string(*fallback);
    } else if (value) {
      out += *value;
    } else {
      return SubstitutionError{fmt::format(
          "environment variable '{}' is not set and has no default (write ${{{}:-default}})", name, name)};
    }
    i = close + 1;
  }
  return out;
}

}  // namespace pyrolog::config
