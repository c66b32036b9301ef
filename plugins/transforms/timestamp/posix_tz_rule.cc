#include "posix_tz_rule.h"

#include "civil_time.h"

namespace pyrolog::timestamp {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }
  bool take(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  std::optional<int> number(int max_digits) {
    int v = 0, n = 0;
    while (!done() && n < max_digits && peek() >= '0' && peek() <= '9') {
      v = v * 10 + (s_[pos_++] - '0');
      ++n;
    }
    if (n == 0) return std::nullopt;
    return v;
  }
  // A zone name: 3 or more letters, or <...> with letters, digits, '+' and '-'.
  bool name() {
    if (take('<')) {
      while (!done() && peek() != '>')
        ++pos_;
      return take('>');
    }
    std::size_t n = 0;
    while (!done() && ((peek() >= 'A' && peek() <= 'Z') || (peek() >= 'a' && peek() <= 'z'))) {
      ++pos_;
      ++n;
    }
    return n >= 3;
  }
  // [+-]hh[:mm[:ss]], in seconds.
  std::optional<std::int32_t> time(int max_hours_digits = 3) {
    int sign = 1;
    if (take('-')) {
      sign = -1;
    } else {
      take('+');
    }
    auto h = number(max_hours_digits);
    if (!h) return std::nullopt;
    std::int32_t seconds = *h * 3600;
    if (take(':')) {
      auto m = number(2);
      if (!m) return std::nullopt;
      seconds += *m * 60;
      if (take(':')) {
        auto s = number(2);
        if (!s) return std::nullopt;
        seconds += *s;
      }
    }
    return sign * seconds;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<PosixTzRule> PosixTzRule::parse(std::string_view text) {
  Reader r(text);
  PosixTzRule rule;
  if (!r.name()) return std::nullopt;
  auto std_offset = r.time();
  if (!std_offset) return std::nullopt;
  rule.std_offset_ = -*std_offset;  // POSIX offsets are west of UTC
  if (r.done()) return rule;
  if (!r.name()) return std::nullopt;
  rule.has_dst_ = true;
  rule.dst_offset_ = rule.std_offset_ + 3600;
  if (r.peek() != ',' && !r.done()) {
    auto dst = r.time();
    if (!dst) return std::nullopt;
    rule.dst_offset_ = -*dst;
  }
  auto date = [&](Date& d) -> bool {
    if (!r.take(',')) return false;
    if (r.take('M')) {
      d.kind = 'M';
      auto m = r.number(2);
      if (!m || !r.take('.')) return false;
      auto w = r.number(1);
      if (!w || !r.take('.')) return false;
      auto wd = r.number(1);
      if (!wd || *m < 1 || *m > 12 || *w < 1 || *w > 5 || *wd > 6) return false;
      d.month = *m;
      d.week = *w;
      d.weekday = *wd;
    } else if (r.take('J')) {
      d.kind = 'J';
      auto n = r.number(3);
      if (!n || *n < 1 || *n > 365) return false;
      d.day = *n;
    } else {
      d.kind = 'N';
      auto n = r.number(3);
      if (!n || *n > 365) return false;
      d.day = *n;
    }
    if (r.take('/')) {
      auto t = r.time(3);
      if (!t) return false;
      d.time = *t;
    }
    return true;
  };
  if (!date(rule.start_) || !date(rule.end_) || !r.done()) return std::nullopt;
  return rule;
}

std::int64_t PosixTzRule::local_instant(std::int64_t year, const Date& date) {
  std::int64_t day = 0;
  switch (date.kind) {
    case 'J': {
      int n = date.day;  // 1..365, Feb 29 never counted
      if (is_leap_year(year) && n >= 60) ++n;
      day = days_from_civil(year, 1, 1) + n - 1;
      break;
    }
    case 'N':
      day = days_from_civil(year, 1, 1) + date.day;
      break;
    default: {
      const auto month = static_cast<unsigned>(date.month);
      const std::int64_t first = days_from_civil(year, month, 1);
      const auto first_weekday = static_cast<int>(weekday_of_days(first));
      int d = 1 + (date.weekday - first_weekday + 7) % 7 + (date.week - 1) * 7;
      while (d > static_cast<int>(days_in_month(year, month)))
        d -= 7;
      day = first + d - 1;
      break;
    }
  }
  return day * 86400 + date.time;
}

std::int32_t PosixTzRule::offset_at(std::int64_t utc_seconds) const {
  if (!has_dst_) return std_offset_;
  const std::int64_t year = year_of_days(floor_div(utc_seconds + std_offset_, 86400));
  // The start is written in standard time, the end in daylight time.
  const std::int64_t start = local_instant(year, start_) - std_offset_;
  const std::int64_t end = local_instant(year, end_) - dst_offset_;
  const bool dst = start < end ? (utc_seconds >= start && utc_seconds < end)
                               : !(utc_seconds >= end && utc_seconds < start);
  return dst ? dst_offset_ : std_offset_;
}

}  // namespace pyrolog::timestamp
