#pragma once

#include <cstdint>
#include <ctime>
#include <string>

#include "event/value.h"

namespace pyrolog::syslog::testing {

// `2003-10-11T22:14:15` (UTC) plus nanoseconds, as nanoseconds since the epoch; computed with timegm, not
// with the code under test.
inline TimestampNs utc(const std::string& text, std::int64_t nanos = 0) {
  std::tm tm{};
  tm.tm_year = std::stoi(text.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(text.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(text.substr(8, 2));
  tm.tm_hour = std::stoi(text.substr(11, 2));
  tm.tm_min = std::stoi(text.substr(14, 2));
  tm.tm_sec = std::stoi(text.substr(17, 2));
  const TimestampNs seconds = timegm(&tm);
  return seconds * 1'000'000'000 + nanos;
}

}  // namespace pyrolog::syslog::testing
