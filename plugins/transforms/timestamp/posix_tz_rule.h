#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pyrolog::timestamp {

// A POSIX TZ string (the footer of a TZif file), e.g. `CET-1CEST,M3.5.0,M10.5.0/3`: the offsets of standard
// and daylight time and when daylight time starts and ends each year. Gives the offset for times after the
// last transition a TZif file lists.
class PosixTzRule {
 public:
  static std::optional<PosixTzRule> parse(std::string_view text);

  // Seconds east of UTC at `utc_seconds`.
  std::int32_t offset_at(std::int64_t utc_seconds) const;

 private:
  struct Date {
    char kind = 'M';  // 'J': day 1..365 without Feb 29; 'N': day 0..365; 'M': month.week.weekday
    int month = 0, week = 0, weekday = 0, day = 0;
    std::int32_t time = 7200;  // seconds after local midnight
  };
  // Seconds since the epoch, in local time of the offset in force before it, when `date` falls in `year`.
  static std::int64_t local_instant(std::int64_t year, const Date& date);

  std::int32_t std_offset_ = 0;  // seconds east of UTC
  std::int32_t dst_offset_ = 0;
  bool has_dst_ = false;
  Date start_;
  Date end_;
};

}  // namespace pyrolog::timestamp
