#include "syslog_time.h"

#include <string_view>

#include <gtest/gtest.h>

#include "syslog_test_util.h"

namespace pyrolog::syslog {
namespace {

using testing::utc;

TEST(SyslogTime, DecemberReadInJanuaryIsLastYear) {
  const timestamp::TimeZone zone;
  const TimeContext ctx{&zone, utc("2027-01-02T00:10:00")};
  std::string_view in = "Dec 31 23:59:59 host";
  EXPECT_EQ(parse_bsd_timestamp(in, ctx), utc("2026-12-31T23:59:59"));
  EXPECT_EQ(in, " host");
}

TEST(SyslogTime, JanuaryReadInDecemberIsNextYear) {
  const timestamp::TimeZone zone;
  const TimeContext ctx{&zone, utc("2026-12-31T23:59:00")};
  std::string_view in = "Jan  1 00:00:05 x";
  EXPECT_EQ(parse_bsd_timestamp(in, ctx), utc("2027-01-01T00:00:05"));
}

TEST(SyslogTime, AMonthNotYetComeThisYearIsLastYears) {
  const timestamp::TimeZone zone;
  const TimeContext ctx{&zone, utc("2026-11-21T08:00:00")};
  std::string_view in = "Feb  5 17:32:18 x";  // an old file read today: not next February
  EXPECT_EQ(parse_bsd_timestamp(in, ctx), utc("2026-02-05T17:32:18"));
  std::string_view soon = "Dec 10 00:00:00 x";  // a sender's clock 19 days ahead: still this year
  EXPECT_EQ(parse_bsd_timestamp(soon, ctx), utc("2026-12-10T00:00:00"));
  std::string_view later = "Dec 31 00:00:00 x";  // 40 days ahead: last year's
  EXPECT_EQ(parse_bsd_timestamp(later, ctx), utc("2025-12-31T00:00:00"));
}

TEST(SyslogTime, February29thTakesTheNearestLeapYearAround) {
  const timestamp::TimeZone zone;
  const TimeContext ctx{&zone, utc("2028-03-01T00:00:00")};
  std::string_view in = "Feb 29 12:00:00 x";
  EXPECT_EQ(parse_bsd_timestamp(in, ctx), utc("2028-02-29T12:00:00"));
  // No leap year among last, this and next year: not a timestamp.
  const TimeContext far{&zone, utc("2026-06-01T00:00:00")};
  std::string_view again = "Feb 29 12:00:00 x";
  EXPECT_EQ(parse_bsd_timestamp(again, far), std::nullopt);
  EXPECT_EQ(again, "Feb 29 12:00:00 x");
}

TEST(SyslogTime, ZoneLessTimesTakeTheConfiguredZone) {
  std::string error;
  auto berlin = find_zone("Europe/Berlin", error);
  ASSERT_TRUE(berlin) << error;
  const TimeContext ctx{&*berlin, utc("2026-07-10T00:00:00")};
  std::string_view bsd = "Jul 10 12:00:00 h";  // CEST, UTC+2
  EXPECT_EQ(parse_bsd_timestamp(bsd, ctx), utc("2026-07-10T10:00:00"));
  std::string_view iso = "2026-01-10T12:00:00 h";  // CET, UTC+1
  EXPECT_EQ(parse_iso_timestamp(iso, ctx), utc("2026-01-10T11:00:00"));
  std::string_view with_offset = "2026-01-10T12:00:00+03:00 h";  // an offset wins over the zone
  EXPECT_EQ(parse_iso_timestamp(with_offset, ctx), utc("2026-01-10T09:00:00"));
}

TEST(SyslogTime, FixedOffsetZoneAndLocal) {
  std::string error;
  auto plus2 = find_zone("+02:00", error);
  ASSERT_TRUE(plus2);
  const TimeContext ctx{&*plus2, utc("2026-07-10T00:00:00")};
  std::string_view in = "Jul 10 12:00:00 h";
  EXPECT_EQ(parse_bsd_timestamp(in, ctx), utc("2026-07-10T10:00:00"));
  EXPECT_TRUE(find_zone("local", error));
  EXPECT_FALSE(find_zone("Mars/Olympus_Mons", error));
}

TEST(SyslogTime, IsoFractionsAndOffsets) {
  const timestamp::TimeZone zone;
  const TimeContext ctx{&zone, 0};
  std::string_view a = "2003-10-11T22:14:15.1Z";
  EXPECT_EQ(parse_iso_timestamp(a, ctx), utc("2003-10-11T22:14:15", 100'000'000));
  EXPECT_TRUE(a.empty());
  std::string_view b = "2003-10-11T22:14:15.1234567891234-0130";  // digits past nanoseconds are ignored
  EXPECT_EQ(parse_iso_timestamp(b, ctx), utc("2003-10-11T23:44:15", 123'456'789));
  std::string_view leap = "2024-02-29T00:00:00Z";
  EXPECT_EQ(parse_iso_timestamp(leap, ctx), utc("2024-02-29T00:00:00"));
  for (std::string_view bad : {"2023-02-29T00:00:00Z", "2003-10-11 22:14:15Z", "2003-10-11T24:00:00Z",
                               "2003-10-11T22:14Z", "2003-10-11T22:14:15+25:00", "20031011T221415Z"}) {
    std::string_view in = bad;
    EXPECT_EQ(parse_iso_timestamp(in, ctx), std::nullopt) << bad;
    EXPECT_EQ(in, bad);
  }
}

TEST(SyslogTime, BsdVariants) {
  const timestamp::TimeZone zone;
  const TimeContext ctx{&zone, utc("2026-11-21T07:00:00")};
  std::string_view lower = "nov 21 06:00:00";
  EXPECT_EQ(parse_bsd_timestamp(lower, ctx), utc("2026-11-21T06:00:00"));
  std::string_view millis = "Nov 21 06:00:00.250";
  EXPECT_EQ(parse_bsd_timestamp(millis, ctx), utc("2026-11-21T06:00:00", 250'000'000));
  for (std::string_view bad : {"Nov 32 06:00:00 h", "Nov 21 6:00:00 h", "Nov21 06:00:00 h",
                               "Nov 21 06:60:00 h", "November 21 06:00:00"}) {
    std::string_view in = bad;
    EXPECT_EQ(parse_bsd_timestamp(in, ctx), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace pyrolog::syslog
