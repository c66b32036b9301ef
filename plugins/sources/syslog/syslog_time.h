#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "event/value.h"
#include "time_zone.h"

namespace pyrolog::syslog {

// What turning a syslog timestamp into a time needs besides its text: the zone of times written without an
// offset, and now (for RFC 3164 timestamps without a year).
struct TimeContext {
  const timestamp::TimeZone* zone = nullptr;  // null: UTC
  TimestampNs now = 0;
};

// `2003-10-11T22:14:15.003Z`, `...+02:00`; a fraction of 1 to 9 digits (more are read and ignored). Without
// an offset the time is in `ctx.zone` (RFC 5424 requires one; real senders leave it out). Consumes what it
// read from `in`; nullopt (and `in` unchanged) when `in` does not start with such a time.
std::optional<TimestampNs> parse_iso_timestamp(std::string_view& in, const TimeContext& ctx);

// `Oct 11 22:14:15`, `Oct  1 22:14:15`, `Oct 1 22:14:15.123`, `Oct 11 2003 22:14:15` (a year before the
// time): the RFC 3164 timestamp and what devices make of it. Without a year, the latest year that puts the
// time no more than kFutureSlack after `ctx.now`. Consumes what it read; nullopt (and `in` unchanged) when
// `in` does not start with one.
std::optional<TimestampNs> parse_bsd_timestamp(std::string_view& in, const TimeContext& ctx);

// How far ahead of now a timestamp without a year may be before it is taken as last year's.
inline constexpr TimestampNs kFutureSlack = 31LL * 86400 * 1'000'000'000;

// The UTC time of a local time without a year: of last, this and next year, the latest one at most
// kFutureSlack ahead of `now`. `Dec 31` read on January 2nd is last year's; `Jan 1` read on December 31st is
// next year's; `Feb 5` read on November 21st is this year's (an old file being read).
std::optional<TimestampNs> recent_year(unsigned month, unsigned day, std::int64_t second_of_day,
                                       std::int64_t nanos, const TimeContext& ctx);

// `local` (the system's zone: $TZ, else /etc/localtime, else UTC) or anything `TimeZone::find` accepts.
std::optional<timestamp::TimeZone> find_zone(std::string_view name, std::string& error);

}  // namespace pyrolog::syslog
