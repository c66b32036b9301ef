#include "csv_reader.h"

#include <gtest/gtest.h>

namespace pyrolog::grok::test {
namespace {

TEST(CsvReaderTest, PlainQuotedAndEmptyFields) {
  const auto r = parse_csv("a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\n,,\n\"multi\nline\",z,\"\"");
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.records.size(), 4u);
  EXPECT_EQ(r.records[0], (CsvRecord{"a", "b", "c"}));
  EXPECT_EQ(r.records[1], (CsvRecord{"1", "x, y", "say \"hi\""}));
  EXPECT_EQ(r.records[2], (CsvRecord{"", "", ""}));
  EXPECT_EQ(r.records[3], (CsvRecord{"multi\nline", "z", ""}));
}

TEST(CsvReaderTest, TrailingNewlineDoesNotAddARecord) {
  const auto r = parse_csv("a,b\n1,2\n");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1], (CsvRecord{"1", "2"}));
}

TEST(CsvReaderTest, MalformedInput) {
  EXPECT_FALSE(parse_csv("\"abc").error.empty());
  EXPECT_FALSE(parse_csv("\"a\"b,c").error.empty());
  EXPECT_FALSE(parse_csv("a\"b\",c").error.empty());
}

}  // namespace
}  // namespace pyrolog::grok::test
