#include "base/units.h"

#include <gtest/gtest.h>

namespace pyrolog {
namespace {

TEST(ByteSize, ParsesUnits) {
  EXPECT_EQ(parse_byte_size("512")->bytes, 512u);
  EXPECT_EQ(parse_byte_size("64KiB")->bytes, 64u * 1024);
  EXPECT_EQ(parse_byte_size("1 MiB")->bytes, 1024u * 1024);
  EXPECT_EQ(parse_byte_size("10MB")->bytes, 10'000'000u);
  EXPECT_EQ(parse_byte_size("2GiB")->bytes, 2ULL * 1024 * 1024 * 1024);
}

TEST(ByteSize, RejectsNonsense) {
  EXPECT_FALSE(parse_byte_size(""));
  EXPECT_FALSE(parse_byte_size("KiB"));
  EXPECT_FALSE(parse_byte_size("10 parsecs"));
  EXPECT_FALSE(parse_byte_size("-1"));
  EXPECT_FALSE(parse_byte_size("99999999999999999999"));
  EXPECT_FALSE(parse_byte_size("18446744073709551615TiB"));  // overflows
}

TEST(ByteSize, FormatsInTheLargestWholeUnit) {
  EXPECT_EQ(format_byte_size(ByteSize{64 * 1024 * 1024}), "64MiB");
  EXPECT_EQ(format_byte_size(ByteSize{1536}), "1536B");
  EXPECT_EQ(format_byte_size(ByteSize{0}), "0B");
}

TEST(Duration, ParsesAndFormats) {
  EXPECT_EQ(parse_duration("100ms")->count(), 100);
  EXPECT_EQ(parse_duration("5s")->count(), 5000);
  EXPECT_EQ(parse_duration("1m")->count(), 60000);
  EXPECT_EQ(parse_duration("2h")->count(), 7'200'000);
  EXPECT_FALSE(parse_duration("5"));
  EXPECT_FALSE(parse_duration("5 fortnights"));
  EXPECT_EQ(format_duration(Duration{30000}), "30s");
  EXPECT_EQ(format_duration(Duration{1500}), "1500ms");
}

}  // namespace
}  // namespace pyrolog
