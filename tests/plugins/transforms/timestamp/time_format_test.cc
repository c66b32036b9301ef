#include "time_format.h"

#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "civil_time.h"

namespace pyrolog::timestamp {
namespace {

constexpr std::int64_t kNs = 1'000'000'000;
// 2024-06-15T12:00:00Z, "now" for year-less formats.
constexpr TimestampNs kNow = 1'718'452'800LL * kNs;

std::int64_t utc_ns(std::int64_t y, unsigned m, unsigned d, int h, int mi, int s, std::int64_t ns = 0) {
  return (days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + s) * kNs + ns;
}

// The time `text` names in `format` (zone UTC unless given); nullopt when it does not parse.
std::optional<TimestampNs> read(std::string_view format, std::string_view text,
                                const TimeZone& zone = TimeZone()) {
  auto compiled = TimeFormat::compile(format);
  if (auto* error = std::get_if<std::string>(&compiled)) {
    ADD_FAILURE() << format << ": " << *error;
    return std::nullopt;
  }
  ParsedTime p;
  if (!std::get<TimeFormat>(compiled).parse(text, p)) return std::nullopt;
  return resolve_time(p, zone, kNow);
}

TEST(TimeFormatTest, Strptime) {
  EXPECT_EQ(read("%d/%b/%Y:%H:%M:%S %z", "10/Oct/2000:13:55:36 -0700"), utc_ns(2000, 10, 10, 20, 55, 36));
  EXPECT_EQ(read("%Y-%m-%d %H:%M:%S,%f", "2015-10-18 18:01:47,978"),
            utc_ns(2015, 10, 18, 18, 1, 47, 978'000'000));
  EXPECT_EQ(read("%Y-%m-%dT%H:%M:%S.%f%z", "2015-10-18T18:01:47.123456789123+02:00"),
            utc_ns(2015, 10, 18, 16, 1, 47, 123'456'789));
  EXPECT_EQ(read("%a %b %d %H:%M:%S %Y", "Sun Dec 04 04:47:44 2005"), utc_ns(2005, 12, 4, 4, 47, 44));
  EXPECT_EQ(read("%A, %d %B %Y %I:%M %p", "Monday, 01 january 2024 12:05 am"), utc_ns(2024, 1, 1, 0, 5, 0));
  EXPECT_EQ(read("%I:%M:%S %p %F", "1:02:03 PM 2024-02-29"), utc_ns(2024, 2, 29, 13, 2, 3));
  EXPECT_EQ(read("%y%m%d %H%M%S", "081109 203615"), utc_ns(2008, 11, 9, 20, 36, 15));
  EXPECT_EQ(read("%D %T", "06/09/17 20:10:40"), utc_ns(2017, 6, 9, 20, 10, 40));
  EXPECT_EQ(read("%Y %j", "2024 060"), utc_ns(2024, 2, 29, 0, 0, 0));
  EXPECT_EQ(read("%s", "1700000000"), 1'700'000'000 * kNs);
  EXPECT_EQ(read("%Y-%m-%d %H:%M:%S %Z", "2024-01-01 00:00:00 CEST"), utc_ns(2023, 12, 31, 22, 0, 0));
  EXPECT_EQ(read("%Y-%m-%d %R 100%%", "2024-01-01 10:30 100%"), utc_ns(2024, 1, 1, 10, 30, 0));
  EXPECT_EQ(read("%Y  -%m", "2024-3"), utc_ns(2024, 3, 1, 0, 0, 0));  // a space matches any run, even none
  EXPECT_EQ(read("%Y-%m-%d", "2024-03-01  "), utc_ns(2024, 3, 1, 0, 0, 0));  // trailing whitespace is fine
}

TEST(TimeFormatTest, YearlessTimesTakeTheYearThatIsNotInTheFuture) {
  EXPECT_EQ(read("%b %e %H:%M:%S", "Jun 14 15:16:01"), utc_ns(2024, 6, 14, 15, 16, 1));
  EXPECT_EQ(read("%b %e %H:%M:%S", "Jul  7 08:06:15"),
            utc_ns(2023, 7, 7, 8, 6, 15));  // would be ahead of now
  EXPECT_EQ(read("%b %e %H:%M:%S", "Jun 16 11:00:00"),
            utc_ns(2024, 6, 16, 11, 0, 0));  // within a day: this year
  EXPECT_EQ(read("%m-%d %H:%M:%S.%f", "03-17 16:13:38.811"), utc_ns(2024, 3, 17, 16, 13, 38, 811'000'000));
}

TEST(TimeFormatTest, NamedFormats) {
  EXPECT_EQ(read("ISO8601", "2015-10-18T18:01:47.978Z"), utc_ns(2015, 10, 18, 18, 1, 47, 978'000'000));
  EXPECT_EQ(read("ISO8601", "2015-10-18 18:01:47,978 +0200"), utc_ns(2015, 10, 18, 16, 1, 47, 978'000'000));
  EXPECT_EQ(read("RFC3339", "2015-10-18t18:01:47-05:00"), utc_ns(2015, 10, 18, 23, 1, 47));
  EXPECT_EQ(read("ISO8601", "2015-10-18T18:01"), utc_ns(2015, 10, 18, 18, 1, 0));
  EXPECT_EQ(read("ISO8601", "2015-10-18"), utc_ns(2015, 10, 18, 0, 0, 0));
  EXPECT_EQ(read("UNIX", "1700000000.25"), 1'700'000'000 * kNs + 250'000'000);
  EXPECT_EQ(read("UNIX", "-1.5"), -1'500'000'000);
  EXPECT_EQ(read("UNIX_MS", "1700000000123"), 1'700'000'000'123'000'000);
  EXPECT_EQ(read("UNIX_US", "1700000000123456.9"), 1'700'000'000'123'456'900);
  EXPECT_EQ(read("UNIX_NS", "1700000000123456789"), 1'700'000'000'123'456'789);
  for (const char* bad : {"", "abc", "1e9", "99999999999999999999", "1.", "+5", "12 34"}) {
    EXPECT_FALSE(read("UNIX", bad).has_value()) << bad;
  }
  EXPECT_FALSE(read("UNIX_NS", "9999999999999999999").has_value());  // past int64
}

TEST(TimeFormatTest, WithAZone) {
  std::string error;
  auto berlin = TimeZone::find("Europe/Berlin", error);
  if (!berlin) GTEST_SKIP() << error;
  EXPECT_EQ(read("%Y-%m-%d %H:%M:%S", "2024-07-01 14:00:00", *berlin), utc_ns(2024, 7, 1, 12, 0, 0));
  EXPECT_EQ(read("%Y-%m-%d %H:%M:%S", "2024-01-01 14:00:00", *berlin), utc_ns(2024, 1, 1, 13, 0, 0));
  // An offset in the text wins over the zone.
  EXPECT_EQ(read("%Y-%m-%d %H:%M:%S %z", "2024-07-01 14:00:00 +0000", *berlin), utc_ns(2024, 7, 1, 14, 0, 0));
  EXPECT_EQ(read("%Y-%m-%d %H:%M:%S", "2024-07-01 14:00:00", TimeZone::fixed(-3600)),
            utc_ns(2024, 7, 1, 15, 0, 0));
}

TEST(TimeFormatTest, TextsThatDoNotFitOrDoNotExist) {
  EXPECT_FALSE(read("%Y-%m-%d", "2023-02-29"));  // not a leap year
  EXPECT_FALSE(read("%Y-%m-%d", "2024-13-01"));
  EXPECT_FALSE(read("%Y-%m-%d", "2024-04-31"));
  EXPECT_FALSE(read("%H:%M", "24:00"));
  EXPECT_FALSE(read("%H:%M", "12:60"));
  EXPECT_FALSE(read("%I %p", "13 PM"));
  EXPECT_FALSE(read("%Y-%m-%d", "2024-01-01T00"));  // trailing text
  EXPECT_FALSE(read("%Y-%m-%d", "2024-01"));        // short
  EXPECT_FALSE(read("%b", "Foo"));
  EXPECT_FALSE(read("%Z", "IST"));
  EXPECT_FALSE(read("%Y", "1000"));  // before what a timestamp holds
  EXPECT_FALSE(read("%Y-%m-%d", "caf\xC3\xA9"));
  EXPECT_FALSE(read("ISO8601", "2015-10-18T18:01:47.Z"));
  EXPECT_FALSE(read("ISO8601", "2015-10-18T18:01:47+25:00"));
}

TEST(TimeFormatTest, CompileErrors) {
  auto error = [](std::string_view f) {
    auto c = TimeFormat::compile(f);
    auto* e = std::get_if<std::string>(&c);
    return e == nullptr ? std::string() : *e;
  };
  EXPECT_NE(error("%Y-%Q").find("unknown directive '%Q'"), std::string::npos);
  EXPECT_NE(error("%Y%").find("lone '%'"), std::string::npos);
  EXPECT_NE(error("").find("must not be empty"), std::string::npos);
  EXPECT_EQ(error("%Y%%"), "");
}

}  // namespace
}  // namespace pyrolog::timestamp
