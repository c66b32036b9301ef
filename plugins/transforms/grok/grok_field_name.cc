#include "grok_field_name.h"

namespace pyrolog::grok {
namespace {

bool is_segment_char(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u == 0x7f) return false;  // whitespace and control characters
  switch (c) {
    case '[':
    case ']':
    case '.':
    case ':':
    case '(':
    case ')':
    case '{':
    case '}':
    case '<':
    case '>':
    case '\'':
    case '"':
    case '\\':
      return false;
    default:
      return true;
  }
}

NormalizedFieldName failure(std::string_view raw, std::string_view why) {
  return {{}, "invalid field name '" + std::string(raw) + "': " + std::string(why)};
}

// Validates one segment; returns an error text or an empty string.
std::string_view check_segment(std::string_view segment) noexcept {
  if (segment.empty()) return "empty segment";
  for (char c : segment) {
    if (!is_segment_char(c)) return "a segment may not contain []{}()<>.:'\"\\, spaces or control characters";
  }
  return {};
}

}  // namespace

NormalizedFieldName normalize_field_name(std::string_view raw) {
  if (raw.empty()) return failure(raw, "empty name");
  std::string out;
  out.reserve(raw.size());
  if (raw.front() == '[') {
    std::size_t pos = 0;
    while (pos < raw.size()) {
      if (raw[pos] != '[') return failure(raw, "expected '[' in bracket syntax");
      const std::size_t close = raw.find(']', pos + 1);
      if (close == std::string_view::npos) return failure(raw, "missing ']'");
      const std::string_view segment = raw.substr(pos + 1, close - pos - 1);
      if (auto why = check_segment(segment); !why.empty()) return failure(raw, why);
      if (!out.empty()) out += '.';
      out += segment;
      pos = close + 1;
    }
    return {std::move(out), {}};
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = raw.find('.', start);
    const std::string_view segment =
        raw.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (auto why = check_segment(segment); !why.empty()) return failure(raw, why);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return {std::string(raw), {}};
}

}  // namespace pyrolog::grok
