#include "file_input/utf8.h"

#include <gtest/gtest.h>

namespace pyrolog::files {
namespace {

TEST(Utf8, ValidText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii, long enough to take the word-at-a-time path"));
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(Utf8, InvalidText) {
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("abc\xC3"));           // cut short
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(
      is_valid_utf8("12345678\x80"
                    "abcdefgh"));  // after a word of ASCII
}

// ASCII is skipped 32 bytes at a time, then a word at a time: a bad byte must be found at every position.
TEST(Utf8, FindsABadByteAtEveryPosition) {
  for (std::size_t before = 0; before < 70; ++before) {
    for (std::size_t after : {0u, 1u, 8u, 31u, 32u}) {
      const std::string text = std::string(before, 'a') + "\xff" + std::string(after, 'b');
      EXPECT_FALSE(is_valid_utf8(text)) << before << " bytes before, " << after << " after";
      const std::string good = std::string(before, 'a') + "\xC3\xA9" + std::string(after, 'b');
      EXPECT_TRUE(is_valid_utf8(good)) << before << " bytes before, " << after << " after";
    }
  }
}

TEST(Utf8, AsciiIsFoundOrNotAtEveryPosition) {
  EXPECT_TRUE(is_ascii(""));
  for (std::size_t before = 0; before < 70; ++before) {
    for (std::size_t after : {0u, 1u, 8u, 31u, 32u}) {
      const std::string plain = std::string(before, 'a') + std::string(after + 1, 'b');
      EXPECT_TRUE(is_ascii(plain)) << before << " bytes before, " << after << " after";
      const std::string accented = std::string(before, 'a') + "\xC3\xA9" + std::string(after, 'b');
      EXPECT_FALSE(is_ascii(accented)) << before << " bytes before, " << after << " after";
    }
  }
}

TEST(Utf8, ReplacementReplacesEachBadByte) {
  const std::string bad = "\xff";
  const std::string e_acute = "\xC3\xA9";
  const std::string replacement = "\xEF\xBF\xBD";
  std::string out;
  append_replacing_invalid_utf8(out, "a" + bad + "b" + e_acute + "\xC3");
  EXPECT_EQ(out, "a" + replacement + "b" + e_acute + replacement);
  EXPECT_TRUE(is_valid_utf8(out));
}

}  // namespace
}  // namespace pyrolog::files
