#include "time_zone.h"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "civil_time.h"

namespace pyrolog::timestamp {
namespace {

std::int64_t utc(std::int64_t y, unsigned m, unsigned d, int h, int mi, int s = 0) {
  return days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + s;
}

TEST(CivilTimeTest, RoundTrips) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  for (std::int64_t d : {-800000, -1, 0, 1, 11016, 11017, 20000, 100000}) {
    const std::int64_t y = year_of_days(d);
    EXPECT_LE(days_from_civil(y, 1, 1), d);
    EXPECT_GT(days_from_civil(y + 1, 1, 1), d);
  }
  EXPECT_EQ(weekday_of_days(0), 4u);  // a Thursday
  EXPECT_EQ(weekday_of_days(-1), 3u);
  EXPECT_EQ(weekday_of_days(days_from_civil(2024, 3, 31)), 0u);  // a Sunday
}

TEST(TimeZoneTest, OffsetsAndAbbreviations) {
  EXPECT_EQ(parse_utc_offset("Z"), 0);
  EXPECT_EQ(parse_utc_offset("+02:00"), 7200);
  EXPECT_EQ(parse_utc_offset("-0530"), -19800);
  EXPECT_EQ(parse_utc_offset("+01"), 3600);
  for (const char* bad : {"", "+", "+1", "+2400", "+01:60", "0200", "+01:0", "+0100x"}) {
    EXPECT_FALSE(parse_utc_offset(bad).has_value()) << bad;
  }
  EXPECT_EQ(abbreviation_offset("CEST"), 7200);
  EXPECT_EQ(abbreviation_offset("PDT"), -25200);
  EXPECT_FALSE(abbreviation_offset("IST").has_value());  // ambiguous
}

TEST(TimeZoneTest, FindRejectsBadNames) {
  std::string error;
  EXPECT_TRUE(TimeZone::find("UTC", error));
  EXPECT_TRUE(TimeZone::find("+05:30", error));
  EXPECT_FALSE(TimeZone::find("../../etc/passwd", error));
  EXPECT_FALSE(TimeZone::find("/etc/passwd", error));
  EXPECT_FALSE(TimeZone::find("Mars/Olympus_Mons", error));
  EXPECT_NE(error.find("unknown time zone"), std::string::npos);
}

TEST(TimeZoneTest, DaylightSavingFromTheZoneDatabase) {
  std::string error;
  auto berlin = TimeZone::find("Europe/Berlin", error);
  if (!berlin) GTEST_SKIP() << "no time zone database: " << error;
  EXPECT_EQ(berlin->offset_at(utc(2024, 1, 15, 12, 0)), 3600);
  EXPECT_EQ(berlin->offset_at(utc(2024, 7, 15, 12, 0)), 7200);
  // 2024-03-31 01:00 UTC clocks go from 02:00 to 03:00 local.
  EXPECT_EQ(berlin->offset_at(utc(2024, 3, 31, 0, 59, 59)), 3600);
  EXPECT_EQ(berlin->offset_at(utc(2024, 3, 31, 1, 0)), 7200);
  EXPECT_EQ(berlin->to_utc(utc(2024, 7, 15, 14, 0)), utc(2024, 7, 15, 12, 0));
  EXPECT_EQ(berlin->to_utc(utc(2024, 3, 31, 2, 30)), utc(2024, 3, 31, 1, 30));    // skipped: offset before
  EXPECT_EQ(berlin->to_utc(utc(2024, 10, 27, 2, 30)), utc(2024, 10, 27, 0, 30));  // repeated: the first
  // Far in the future, past the file's transitions: the POSIX rule in its footer.
  EXPECT_EQ(berlin->offset_at(utc(2300, 7, 1, 0, 0)), 7200);
  EXPECT_EQ(berlin->offset_at(utc(2300, 12, 1, 0, 0)), 3600);
  auto sydney = TimeZone::find("Australia/Sydney", error);
  ASSERT_TRUE(sydney) << error;
  EXPECT_EQ(sydney->offset_at(utc(2300, 1, 1, 0, 0)), 39600);  // southern summer
  EXPECT_EQ(sydney->offset_at(utc(2300, 7, 1, 0, 0)), 36000);
}

TEST(PosixTzRuleTest, Rules) {
  auto ny = PosixTzRule::parse("EST5EDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(ny);
  EXPECT_EQ(ny->offset_at(utc(2030, 1, 1, 0, 0)), -18000);
  EXPECT_EQ(ny->offset_at(utc(2030, 7, 1, 0, 0)), -14400);
  // 2030-03-10 02:00 EST is 07:00 UTC.
  EXPECT_EQ(ny->offset_at(utc(2030, 3, 10, 6, 59)), -18000);
  EXPECT_EQ(ny->offset_at(utc(2030, 3, 10, 7, 0)), -14400);
  auto fixed = PosixTzRule::parse("<+0530>-5:30");
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->offset_at(0), 19800);
  auto julian = PosixTzRule::parse("XXX3YYY,J60/0,J300/0");
  ASSERT_TRUE(julian);
  for (const char* bad :
       {"", "E", "EST", "EST5EDT,M13.1.0,M11.1.0", "EST5EDT,M3.2.0", "EST5EDT,M3.2.0,M11.1.0x"}) {
    EXPECT_FALSE(PosixTzRule::parse(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace pyrolog::timestamp
