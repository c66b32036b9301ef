#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "event/value.h"
#include "time_zone.h"

namespace pyrolog::timestamp {

// What a format read from a text, before a time zone and the current year make it a time.
struct ParsedTime {
  std::optional<std::int64_t> year;  // absent: the format has no year (syslog's `Jun 14 15:16:01`)
  unsigned month = 1;
  unsigned day = 1;
  std::optional<unsigned> day_of_year;  // %j
  int hour = 0;
  int minute = 0;
  int second = 0;
  std::int64_t nanos = 0;
  std::optional<bool> pm;              // %p
  std::optional<std::int32_t> offset;  // %z, %Z, or the offset of an ISO 8601 time
  std::optional<TimestampNs> epoch;    // %s and the UNIX formats: the whole time
};

// A time format, compiled once: strptime-style directives, or one of the named formats
//   ISO8601 (also RFC3339): 2015-10-18T18:01:47.978Z, 2015-10-18 18:01:47,978 +0200, 2015-10-18
//   UNIX, UNIX_MS, UNIX_US, UNIX_NS: seconds (milli-, micro-, nanoseconds) since the epoch, fraction allowed
// Directives: %Y %y %m %d %e %j %H %I %p %M %S %f (fraction of a second: 1 to 9 digits, more are ignored) %b
// %B %h (month names) %a %A (weekday names, checked and ignored) %z (Z, +02:00, +0200, +02) %Z (UTC, GMT and
// other unambiguous abbreviations) %s (seconds since the epoch) %T (%H:%M:%S) %F (%Y-%m-%d) %D (%m/%d/%y) %R
// (%H:%M)
// %% %n %t. A space matches any run of whitespace, including none. Names are English, in any letter case.
class TimeFormat {
 public:
  static std::variant<TimeFormat, std::string> compile(std::string_view format);

  // Reads all of `text` (trailing whitespace aside); false when it does not fit the format.
  bool parse(std::string_view text, ParsedTime& out) const;

  const std::string& text() const { return text_; }

  // For the UNIX formats, the time a number (of seconds, milliseconds, ...) names; nullopt for other formats
  // and numbers out of range. A number field is read this way rather than as text.
  std::optional<TimestampNs> from_number(const Value& number) const;

 private:
  enum class Item : std::uint8_t {
    literal,
    space,
    year,
    year2,
    month,
    month_name,
    day,
    day_space,
    day_of_year,
    hour,
    hour12,
    minute,
    second,
    fraction,
    ampm,
    weekday_name,
    offset,
    zone_abbreviation,
    epoch_seconds,
  };
  enum class Named : std::uint8_t { none, iso8601, unix_s, unix_ms, unix_us, unix_ns };

  std::string text_;
  Named named_ = Named::none;
  std::vector<Item> items_;
  std::vector<char> literals_;  // the character of each `literal` item, in order
};

// The time `parsed` names: its offset when it has one, else `zone`'s; a year-less time in the year that puts
// it no more than a day after `now` (so December lines read in January fall in the previous year). nullopt
// for a date that does not exist (Feb 30) or a time out of range.
std::optional<TimestampNs> resolve_time(const ParsedTime& parsed, const TimeZone& zone, TimestampNs now);

}  // namespace pyrolog::timestamp
