#include "expr/value_text.h"

#include <charconv>
#include <cstdint>

namespace pyrolog {
namespace {

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

char* put_digits(char* p, std::int64_t v, int width) {
  char tmp[24];
  auto [end, ec] = std::to_chars(tmp, tmp + sizeof tmp, v < 0 ? -v : v);
  if (v < 0) *p++ = '-';
  for (int i = static_cast<int>(end - tmp); i < width; ++i)
    *p++ = '0';
  for (char* q = tmp; q != end; ++q)
    *p++ = *q;
  return p;
}

}  // namespace

std::size_t format_rfc3339(TimestampNs ns, char* out) {
  constexpr std::int64_t kNsPerSecond = 1'000'000'000;
  constexpr std::int64_t kSecondsPerDay = 86'400;
  std::int64_t seconds = ns / kNsPerSecond;
  std::int64_t fraction = ns % kNsPerSecond;
  if (fraction < 0) {
    fraction += kNsPerSecond;
    --seconds;
  }
  std::int64_t days = seconds / kSecondsPerDay;
  std::int64_t rest = seconds % kSecondsPerDay;
  if (rest < 0) {
    rest += kSecondsPerDay;
    --days;
  }
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civil_from_days(days, year, month, day);
  char* p = out;
  p = put_digits(p, year, 4);
  *p++ = '-';
  p = put_digits(p, month, 2);
  *p++ = '-';
  p = put_digits(p, day, 2);
  *p++ = 'T';
  p = put_digits(p, rest / 3600, 2);
  *p++ = ':';
  p = put_digits(p, rest / 60 % 60, 2);
  *p++ = ':';
  p = put_digits(p, rest % 60, 2);
  *p++ = '.';
  p = put_digits(p, fraction, 9);
  *p++ = 'Z';
  return static_cast<std::size_t>(p - out);
}

std::string_view ValueText::operator()(const Value& value) {
  char* begin = buffer_.data();
  char* end = buffer_.data() + buffer_.size();
  switch (value.type()) {
    case ValueType::null:
      return {};
    case ValueType::string:
      return value.as_string();
    case ValueType::boolean:
      return value.as_boolean() ? "true" : "false";
    case ValueType::integer: {
      auto r = std::to_chars(begin, end, value.as_integer());
      return {begin, static_cast<std::size_t>(r.ptr - begin)};
    }
    case ValueType::floating: {
      auto r = std::to_chars(begin, end, value.as_floating());
      return {begin, static_cast<std::size_t>(r.ptr - begin)};
    }
    case ValueType::timestamp:
      return {begin, format_rfc3339(value.as_timestamp(), begin)};
  }
  return {};
}

}  // namespace pyrolog
