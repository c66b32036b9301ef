#include "grok_field_name.h"

#include <gtest/gtest.h>

namespace pyrolog::grok {
namespace {

TEST(GrokFieldNameTest, PlainAndDottedNamesAreKept) {
  EXPECT_EQ(normalize_field_name("verb").name, "verb");
  EXPECT_EQ(normalize_field_name("http.status").name, "http.status");
  EXPECT_EQ(normalize_field_name("@metadata.x-y_z").name, "@metadata.x-y_z");
}

TEST(GrokFieldNameTest, BracketNamesBecomeDotted) {
  EXPECT_EQ(normalize_field_name("[http][status]").name, "http.status");
  EXPECT_EQ(normalize_field_name("[status]").name, "status");
  EXPECT_EQ(normalize_field_name("[a][b][c]").name, "a.b.c");
}

TEST(GrokFieldNameTest, MalformedNamesAreRejected) {
  EXPECT_EQ(normalize_field_name("").error, "invalid field name '': empty name");
  EXPECT_EQ(normalize_field_name("a..b").error, "invalid field name 'a..b': empty segment");
  EXPECT_EQ(normalize_field_name(".a").error, "invalid field name '.a': empty segment");
  EXPECT_EQ(normalize_field_name("[a][b").error, "invalid field name '[a][b': missing ']'");
  EXPECT_EQ(normalize_field_name("[a]b").error, "invalid field name '[a]b': expected '[' in bracket syntax");
  EXPECT_EQ(normalize_field_name("[]").error, "invalid field name '[]': empty segment");
  EXPECT_FALSE(normalize_field_name("[a.b]").ok());
  EXPECT_FALSE(normalize_field_name("a b").ok());
  EXPECT_FALSE(normalize_field_name("a[0]").ok());
  EXPECT_EQ(
      normalize_field_name("a:b").error,
      "invalid field name 'a:b': a segment may not contain []{}()<>.:'\"\\, spaces or control characters");
  for (const char* bad : {"a(b", "a)", "{x}", "<x>", "a'b", "a\"b", "a\\b"}) {
    EXPECT_FALSE(normalize_field_name(bad).ok()) << bad;
  }
  EXPECT_TRUE(normalize_field_name("x/y#1%").ok());
}

}  // namespace
}  // namespace pyrolog::grok
