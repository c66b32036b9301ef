#include "kv_parser.h"

namespace pyrolog {

KvParser::KvParser(std::string_view field_split, std::string_view value_split, std::string_view quotes) {
  for (char c : field_split)
    field_split_[static_cast<unsigned char>(c)] = true;
  for (char c : value_split)
    value_split_[static_cast<unsigned char>(c)] = true;
  for (char c : quotes)
    quotes_[static_cast<unsigned char>(c)] = true;
}

KvParser::Status KvParser::next(Pair& pair) {
  const std::size_t n = text_.size();
  while (true) {
    while (pos_ < n && is_field_split(text_[pos_]))
      ++pos_;
    if (pos_ >= n) return Status::end;
    const std::size_t key_begin = pos_;
    while (pos_ < n && !is_value_split(text_[pos_]) && !is_field_split(text_[pos_]))
      ++pos_;
    if (pos_ >= n || !is_value_split(text_[pos_])) continue;  // a word without a value: skipped
    pair.key = text_.substr(key_begin, pos_ - key_begin);
    ++pos_;  // the value split
    pair.escaped = false;
    if (pos_ < n && is_quote(text_[pos_])) {
      const char quote = text_[pos_++];
      const std::size_t value_begin = pos_;
      bool escapes = false;
      while (pos_ < n && text_[pos_] != quote) {
        if (text_[pos_] == '\\' && pos_ + 1 < n) {
          escapes = true;
          ++pos_;
        }
        ++pos_;
      }
      if (pos_ >= n) {
        pos_ = n;
        return Status::unterminated_quote;
      }
      const std::string_view raw = text_.substr(value_begin, pos_ - value_begin);
      ++pos_;  // the closing quote
      if (!escapes) {
        pair.value = raw;
        return Status::pair;
      }
      unescaped_.clear();
      for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size() && (raw[i + 1] == quote || raw[i + 1] == '\\')) ++i;
        unescaped_ += raw[i];
      }
      pair.value = unescaped_;
      pair.escaped = true;
      return Status::pair;
    }
    const std::size_t value_begin = pos_;
    while (pos_ < n && !is_field_split(text_[pos_]))
      ++pos_;
    pair.value = text_.substr(value_begin, pos_ - value_begin);
    return Status::pair;
  }
}

bool valid_kv_key(std::string_view key) {
  if (key.empty() || key.size() > 256) return false;
  if (key.front() == '.' || key.back() == '.' || key.find("..") != std::string_view::npos) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(key.data());
  const std::size_t n = key.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c < 0x20 || c == 0x7f) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3Fu);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace pyrolog
