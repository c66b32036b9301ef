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

TEST(ByteSize, AcceptsEveryUnitAndSpacing) {
  EXPECT_EQ(parse_byte_size("0")->bytes, 0u);
  EXPECT_EQ(parse_byte_size("7B")->bytes, 7u);
  EXPECT_EQ(parse_byte_size("3KB")->bytes, 3000u);
  EXPECT_EQ(parse_byte_size("2K")->bytes, 2048u);
  EXPECT_EQ(parse_byte_size("2M")->bytes, 2u * 1024 * 1024);
  EXPECT_EQ(parse_byte_size("1GB")->bytes, 1'000'000'000u);
  EXPECT_EQ(parse_byte_size("1TB")->bytes, 1'000'000'000'000u);
  EXPECT_EQ(parse_byte_size("1TiB")->bytes, 1024ULL * 1024 * 1024 * 1024);
  EXPECT_EQ(parse_byte_size(" \t64 \tKiB\t ")->bytes, 64u * 1024);
  EXPECT_EQ(parse_byte_size("18446744073709551615")->bytes, 18446744073709551615ULL);
  EXPECT_FALSE(parse_byte_size("1.5MiB"));
  EXPECT_FALSE(parse_byte_size("1 mib"));  // units are case-sensitive
  EXPECT_FALSE(parse_byte_size("1 KiB extra"));
  EXPECT_FALSE(parse_byte_size("+1KiB"));
  EXPECT_FALSE(parse_byte_size("16777216TiB"));  // 2^64: overflows
}

TEST(Duration, AcceptsEveryUnitAndRejectsOverflow) {
  EXPECT_EQ(parse_duration("0ms")->count(), 0);
  EXPECT_EQ(parse_duration("1d")->count(), 86'400'000);
  EXPECT_EQ(parse_duration(" 30 s ")->count(), 30'000);
  EXPECT_FALSE(parse_duration("1.5s"));
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration("1S"));
  EXPECT_FALSE(parse_duration("5min"));
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("s"));
  EXPECT_TRUE(parse_duration("9223372036854775807ms"));
  EXPECT_FALSE(parse_duration("9223372036854775808ms"));  // beyond Duration
  EXPECT_FALSE(parse_duration("106751991167301d"));       // overflows the multiplication
}

TEST(Duration, FormatsInTheLargestWholeUnit) {
  EXPECT_EQ(format_duration(Duration{0}), "0ms");
  EXPECT_EQ(format_duration(Duration{999}), "999ms");
  EXPECT_EQ(format_duration(Duration{60'000}), "1m");
  EXPECT_EQ(format_duration(Duration{90 * 60'000}), "90m");
  EXPECT_EQ(format_duration(Duration{2 * 3'600'000}), "2h");
  EXPECT_EQ(format_duration(Duration{86'400'000}), "1d");
  EXPECT_EQ(format_duration(Duration{86'401'000}), "86401s");
}

TEST(Units, FormatThenParseGivesTheSameValue) {
  for (std::uint64_t bytes : {0ULL, 1ULL, 1023ULL, 1024ULL, 1536ULL, 3ULL << 20, 5ULL << 30, 7ULL << 40,
                              (1ULL << 40) + 1, 18446744073709551615ULL}) {
    EXPECT_EQ(parse_byte_size(format_byte_size(ByteSize{bytes})), ByteSize{bytes}) << bytes;
  }
  for (long long ms : {0LL, 1LL, 1000LL, 1001LL, 60'000LL, 3'600'000LL, 86'400'000LL, 3 * 86'400'000LL + 1}) {
    EXPECT_EQ(parse_duration(format_duration(Duration{ms})), Duration{ms}) << ms;
  }
}

}  // namespace
}  // namespace pyrolog
