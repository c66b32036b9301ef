#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pyrolog {

// Splits text such as `user=alice action="log in" took=12ms` into key/value pairs. Pairs are separated by any
// of the `field_split` characters (runs count as one); a key ends at the first `value_split` character; a
// value may be quoted with any of the `quotes` characters, a backslash escaping the quote or itself inside.
// Words without a `value_split` character (free text between pairs) are skipped.
class KvParser {
 public:
  KvParser(std::string_view field_split, std::string_view value_split, std::string_view quotes);

  enum class Status : std::uint8_t {
    pair,                // `key` and `value` are set
    end,                 // no more pairs
    unterminated_quote,  // a quoted value has no closing quote: the rest of the text is not parsed
  };

  struct Pair {
    std::string_view key;
    std::string_view value;  // a view of the text, or of `unescaped` when the value had escapes
    bool escaped = false;
  };

  // Starts on a new text.
  void reset(std::string_view text) {
    text_ = text;
    pos_ = 0;
  }
  Status next(Pair& pair);

 private:
  bool is_field_split(char c) const { return field_split_[static_cast<unsigned char>(c)]; }
  bool is_value_split(char c) const { return value_split_[static_cast<unsigned char>(c)]; }
  bool is_quote(char c) const { return quotes_[static_cast<unsigned char>(c)]; }

  std::array<bool, 256> field_split_{};
  std::array<bool, 256> value_split_{};
  std::array<bool, 256> quotes_{};
  std::string_view text_;
  std::size_t pos_ = 0;
  std::string unescaped_;
};

// Whether `key` can be a field name: 1 to 256 bytes of valid UTF-8 without control characters, no empty
// segment between dots.
bool valid_kv_key(std::string_view key);

}  // namespace pyrolog
