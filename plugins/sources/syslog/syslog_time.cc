#include "syslog_time.h"

#include <array>
#include <cstdlib>
#include <filesystem>

#include "civil_time.h"

namespace pyrolog::syslog {
namespace {

constexpr std::int64_t kNs = 1'000'000'000;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// `n` digits at `in[pos]`.
std::optional<int> digits(std::string_view in, std::size_t pos, std::size_t n) {
  if (pos + n > in.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(in[i])) return std::nullopt;
    v = v * 10 + (in[i] - '0');
  }
  return v;
}

// `hh:mm:ss[.fraction]` at `in[pos]`; advances `pos`.
bool parse_clock(std::string_view in, std::size_t& pos, std::int64_t& second_of_day, std::int64_t& nanos) {
  auto h = digits(in, pos, 2);
  if (!h || pos + 2 >= in.size() || in[pos + 2] != ':') return false;
  auto m = digits(in, pos + 3, 2);
  if (!m || pos + 5 >= in.size() || in[pos + 5] != ':') return false;
  auto s = digits(in, pos + 6, 2);
  if (!s || *h > 23 || *m > 59 || *s > 60) return false;
  pos += 8;
  nanos = 0;
  if (pos + 1 < in.size() && (in[pos] == '.' || in[pos] == ',') && is_digit(in[pos + 1])) {
    ++pos;
    std::int64_t scale = kNs / 10;
    while (pos < in.size() && is_digit(in[pos])) {
      nanos += (in[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
  }
  second_of_day = *h * 3600 + *m * 60 + *s;
  return true;
}

std::optional<unsigned> month_of(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    const auto& m = kMonths[i];
    bool same = name.size() == 3;
    for (std::size_t j = 0; same && j < 3; ++j) {
      same = (name[j] | 0x20) == (m[j] | 0x20);
    }
    if (same) return static_cast<unsigned>(i + 1);
  }
  return std::nullopt;
}

std::int64_t local_seconds(std::int64_t year, unsigned month, unsigned day, std::int64_t second_of_day) {
  return timestamp::days_from_civil(year, month, day) * 86400 + second_of_day;
}

std::int64_t to_utc(const TimeContext& ctx, std::int64_t local) {
  return ctx.zone ? ctx.zone->to_utc(local) : local;
}

}  // namespace

std::optional<TimestampNs> parse_iso_timestamp(std::string_view& in, const TimeContext& ctx) {
  auto y = digits(in, 0, 4);
  if (!y || in.size() < 19 || in[4] != '-' || in[7] != '-' || (in[10] != 'T' && in[10] != 't')) {
    return std::nullopt;
  }
  auto mo = digits(in, 5, 2);
  auto d = digits(in, 8, 2);
  if (!mo || !d || *mo < 1 || *mo > 12 || *d < 1 ||
      static_cast<unsigned>(*d) > timestamp::days_in_month(*y, static_cast<unsigned>(*mo))) {
    return std::nullopt;
  }
  std::size_t pos = 11;
  std::int64_t second_of_day = 0;
  std::int64_t nanos = 0;
  if (!parse_clock(in, pos, second_of_day, nanos)) return std::nullopt;
  const std::int64_t local =
      local_seconds(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d), second_of_day);
  std::int64_t utc = 0;
  if (pos < in.size() && (in[pos] == 'Z' || in[pos] == 'z')) {
    utc = local;
    ++pos;
  } else if (pos < in.size() && (in[pos] == '+' || in[pos] == '-')) {
    const int sign = in[pos] == '-' ? -1 : 1;
    auto oh = digits(in, pos + 1, 2);
    if (!oh || *oh > 23) return std::nullopt;
    int om = 0;
    std::size_t end = pos + 3;
    if (end < in.size() && in[end] == ':') {
      auto m = digits(in, end + 1, 2);
      if (!m || *m > 59) return std::nullopt;
      om = *m;
      end += 3;
    } else if (auto m = digits(in, end, 2)) {
      if (*m > 59) return std::nullopt;
      om = *m;
      end += 2;
    }
    utc = local - sign * (*oh * 3600 + om * 60);
    pos = end;
  } else {
    utc = to_utc(ctx, local);
  }
  in.remove_prefix(pos);
  return utc * kNs + nanos;
}

std::optional<TimestampNs> recent_year(unsigned month, unsigned day, std::int64_t second_of_day,
                                       std::int64_t nanos, const TimeContext& ctx) {
  const std::int64_t now_s = timestamp::floor_div(ctx.now, kNs);
  const std::int64_t now_local = now_s + (ctx.zone ? ctx.zone->offset_at(now_s) : 0);
  const std::int64_t year = timestamp::year_of_days(timestamp::floor_div(now_local, 86400));
  // Logs tell of the past: the latest of the candidates that is not more than kFutureSlack ahead of now (a
  // sender's clock or zone may run a little ahead; a year's turn read late falls on the right side).
  const TimestampNs latest_allowed = ctx.now + kFutureSlack;
  std::optional<TimestampNs> best;
  for (std::int64_t y = year - 1; y <= year + 1; ++y) {
    if (day > timestamp::days_in_month(y, month)) continue;  // Feb 29 outside leap years
    const TimestampNs t = to_utc(ctx, local_seconds(y, month, day, second_of_day)) * kNs + nanos;
    if (t <= latest_allowed && (!best || t > *best)) best = t;
  }
  return best;
}

std::optional<TimestampNs> parse_bsd_timestamp(std::string_view& in, const TimeContext& ctx) {
  if (in.size() < 14 || in[3] != ' ') return std::nullopt;
  auto month = month_of(in.substr(0, 3));
  if (!month) return std::nullopt;
  std::size_t pos = 4;
  if (in[pos] == ' ') ++pos;  // space-padded day
  int day = 0;
  std::size_t day_digits = 0;
  while (pos < in.size() && is_digit(in[pos]) && day_digits < 2) {
    day = day * 10 + (in[pos++] - '0');
    ++day_digits;
  }
  if (day_digits == 0 || day < 1 || day > 31 || pos >= in.size() || in[pos] != ' ') return std::nullopt;
  ++pos;
  std::optional<int> year;
  if (auto y = digits(in, pos, 4); y && pos + 4 < in.size() && in[pos + 4] == ' ') {
    year = *y;
    pos += 5;
  }
  std::int64_t second_of_day = 0;
  std::int64_t nanos = 0;
  if (!parse_clock(in, pos, second_of_day, nanos)) return std::nullopt;
  // A year after the time (`Oct 11 22:14:15 2003`) is left alone: it is as likely the hostname's start.
  std::optional<TimestampNs> t;
  if (year) {
    if (static_cast<unsigned>(day) > timestamp::days_in_month(*year, *month)) return std::nullopt;
    t = to_utc(ctx, local_seconds(*year, *month, static_cast<unsigned>(day), second_of_day)) * kNs + nanos;
  } else {
    t = recent_year(*month, static_cast<unsigned>(day), second_of_day, nanos, ctx);
  }
  if (!t) return std::nullopt;
  in.remove_prefix(pos);
  return t;
}

std::optional<timestamp::TimeZone> find_zone(std::string_view name, std::string& error) {
  if (name != "local") return timestamp::TimeZone::find(name, error);
  std::string ignored;
  if (const char* tz = std::getenv("TZ"); tz != nullptr && *tz != '\0') {
    std::string_view z(tz);
    if (z.front() == ':') z.remove_prefix(1);
    if (auto zone = timestamp::TimeZone::find(z, ignored)) return zone;
  }
  std::error_code ec;
  const auto target = std::filesystem::read_symlink("/etc/localtime", ec).string();
  if (!ec) {
    const auto at = target.find("zoneinfo/");
    if (at != std::string::npos) {
      if (auto zone = timestamp::TimeZone::find(target.substr(at + 9), ignored)) return zone;
    }
  }
  return timestamp::TimeZone();  // no zone configured on this system: UTC
}

}  // namespace pyrolog::syslog
