#include "time_format.h"

#include <array>
#include <cctype>
#include <cstdint>

#include <fmt/format.h>

#include "civil_time.h"

namespace pyrolog::timestamp {
namespace {

constexpr std::array<std::string_view, 12> kMonths{"january",   "february", "march",    "april",
                                                   "may",       "june",     "july",     "august",
                                                   "september", "october",  "november", "december"};
constexpr std::array<std::string_view, 7> kWeekdays{"sunday",   "monday", "tuesday", "wednesday",
                                                    "thursday", "friday", "saturday"};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }
  bool take(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  void skip_space() {
    while (!done() && is_space(s_[pos_]))
      ++pos_;
  }
  // min..max digits.
  std::optional<std::int64_t> number(int min, int max) {
    std::int64_t v = 0;
    int n = 0;
    while (n < max && !done() && is_digit(s_[pos_])) {
      const int digit = s_[pos_++] - '0';
      if (v > (INT64_MAX - digit) / 10) return std::nullopt;  // past int64
      v = v * 10 + digit;
      ++n;
    }
    if (n < min) return std::nullopt;
    return v;
  }
  // A fraction's digits, as nanoseconds; at least one digit, digits past nine ignored.
  std::optional<std::int64_t> fraction() {
    std::int64_t ns = 0;
    int n = 0;
    while (!done() && is_digit(s_[pos_])) {
      if (n < 9) {
        ns = ns * 10 + (s_[pos_] - '0');
        ++n;
      }
      ++pos_;
    }
    if (n == 0) return std::nullopt;
    for (int i = n; i < 9; ++i)
      ns *= 10;
    return ns;
  }
  // A full or three-letter English name from `names`, any case; its index.
  template <std::size_t N>
  std::optional<unsigned> name(const std::array<std::string_view, N>& names) {
    for (unsigned i = 0; i < N; ++i) {
      if (matches(names[i])) {
        pos_ += names[i].size();
        return i;
      }
    }
    for (unsigned i = 0; i < N; ++i) {
      if (matches(names[i].substr(0, 3))) {
        pos_ += 3;
        return i;
      }
    }
    return std::nullopt;
  }
  std::string_view rest() const { return s_.substr(pos_); }
  void advance(std::size_t n) { pos_ += n; }
  std::size_t pos() const { return pos_; }

 private:
  bool matches(std::string_view word) const {
    if (s_.size() - pos_ < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (lower(s_[pos_ + i]) != word[i]) return false;
    }
    return true;
  }
  std::string_view s_;
  std::size_t pos_ = 0;
};

// Z, ±hh, ±hhmm, ±hh:mm at the cursor.
std::optional<std::int32_t> read_offset(Cursor& c) {
  if (c.take('Z') || c.take('z')) return 0;
  const char sign = c.peek();
  if (sign != '+' && sign != '-') return std::nullopt;
  c.advance(1);
  auto h = c.number(2, 2);
  if (!h || *h > 23) return std::nullopt;
  std::int64_t m = 0;
  if (c.take(':')) {
    auto mm = c.number(2, 2);
    if (!mm) return std::nullopt;
    m = *mm;
  } else if (is_digit(c.peek())) {
    auto mm = c.number(2, 2);
    if (!mm) return std::nullopt;
    m = *mm;
  }
  if (m > 59) return std::nullopt;
  return static_cast<std::int32_t>((sign == '-' ? -1 : 1) * (*h * 3600 + m * 60));
}

// [-]digits[.digits] scaled to nanoseconds by `unit_ns`; nullopt past the range of a timestamp.
std::optional<TimestampNs> read_epoch(std::string_view text, std::int64_t unit_ns) {
  Cursor c(text);
  const bool negative = c.take('-');
  auto whole = c.number(1, 19);
  if (!whole || is_digit(c.peek())) return std::nullopt;
  std::int64_t fraction_ns = 0;  // of one unit, in units of 1e-9
  if (c.take('.')) {
    auto f = c.fraction();
    if (!f) return std::nullopt;
    while (is_digit(c.peek()))
      c.advance(1);
    fraction_ns = *f;
  }
  c.skip_space();
  if (!c.done()) return std::nullopt;
  constexpr std::int64_t kMax = INT64_MAX;
  if (*whole > kMax / unit_ns) return std::nullopt;
  std::int64_t ns = *whole * unit_ns;
  const std::int64_t extra = fraction_ns / (1'000'000'000 / unit_ns);  // fraction of a unit, in ns
  if (ns > kMax - extra) return std::nullopt;
  ns += extra;
  return negative ? -ns : ns;
}

bool read_iso8601(std::string_view text, ParsedTime& out) {
  Cursor c(text);
  auto y = c.number(4, 4);
  if (!y || !c.take('-')) return false;
  auto mo = c.number(2, 2);
  if (!mo || !c.take('-')) return false;
  auto d = c.number(2, 2);
  if (!d) return false;
  out.year = *y;
  out.month = static_cast<unsigned>(*mo);
  out.day = static_cast<unsigned>(*d);
  if (c.take('T') || c.take('t') || c.take(' ')) {
    auto h = c.number(2, 2);
    if (!h || !c.take(':')) return false;
    auto mi = c.number(2, 2);
    if (!mi) return false;
    out.hour = static_cast<int>(*h);
    out.minute = static_cast<int>(*mi);
    if (c.take(':')) {
      auto s = c.number(2, 2);
      if (!s) return false;
      out.second = static_cast<int>(*s);
      if (c.take('.') || c.take(',')) {
        auto f = c.fraction();
        if (!f) return false;
        while (is_digit(c.peek()))
          c.advance(1);
        out.nanos = *f;
      }
    }
    c.take(' ');
    if (!c.done() && !is_space(c.peek())) {
      auto offset = read_offset(c);
      if (!offset) return false;
      out.offset = *offset;
    }
  }
  c.skip_space();
  return c.done();
}

}  // namespace

std::variant<TimeFormat, std::string> TimeFormat::compile(std::string_view format) {
  TimeFormat f;
  f.text_ = std::string(format);
  if (format == "ISO8601" || format == "RFC3339") {
    f.named_ = Named::iso8601;
    return f;
  }
  if (format == "UNIX") {
    f.named_ = Named::unix_s;
    return f;
  }
  if (format == "UNIX_MS") {
    f.named_ = Named::unix_ms;
    return f;
  }
  if (format == "UNIX_US") {
    f.named_ = Named::unix_us;
    return f;
  }
  if (format == "UNIX_NS") {
    f.named_ = Named::unix_ns;
    return f;
  }
  if (format.empty()) return std::string("a format must not be empty");
  auto literal = [&](char ch) {
    f.items_.push_back(Item::literal);
    f.literals_.push_back(ch);
  };
  for (std::size_t i = 0; i < format.size(); ++i) {
    const char ch = format[i];
    if (is_space(ch)) {
      if (f.items_.empty() || f.items_.back() != Item::space) f.items_.push_back(Item::space);
      continue;
    }
    if (ch != '%') {
      literal(ch);
      continue;
    }
    if (++i >= format.size())
      return std::string("the format ends with a lone '%' (write %% for a percent sign)");
    switch (format[i]) {
      case 'Y':
        f.items_.push_back(Item::year);
        break;
      case 'y':
        f.items_.push_back(Item::year2);
        break;
      case 'm':
        f.items_.push_back(Item::month);
        break;
      case 'b':
      case 'B':
      case 'h':
        f.items_.push_back(Item::month_name);
        break;
      case 'd':
        f.items_.push_back(Item::day);
        break;
      case 'e':
        f.items_.push_back(Item::day_space);
        break;
      case 'j':
        f.items_.push_back(Item::day_of_year);
        break;
      case 'H':
        f.items_.push_back(Item::hour);
        break;
      case 'I':
        f.items_.push_back(Item::hour12);
        break;
      case 'p':
        f.items_.push_back(Item::ampm);
        break;
      case 'M':
        f.items_.push_back(Item::minute);
        break;
      case 'S':
        f.items_.push_back(Item::second);
        break;
      case 'f':
        f.items_.push_back(Item::fraction);
        break;
      case 'a':
      case 'A':
        f.items_.push_back(Item::weekday_name);
        break;
      case 'z':
        f.items_.push_back(Item::offset);
        break;
      case 'Z':
        f.items_.push_back(Item::zone_abbreviation);
        break;
      case 's':
        f.items_.push_back(Item::epoch_seconds);
        break;
      case 'T':
        f.items_.insert(f.items_.end(),
                        {Item::hour, Item::literal, Item::minute, Item::literal, Item::second});
        f.literals_.insert(f.literals_.end(), {':', ':'});
        break;
      case 'R':
        f.items_.insert(f.items_.end(), {Item::hour, Item::literal, Item::minute});
        f.literals_.push_back(':');
        break;
      case 'F':
        f.items_.insert(f.items_.end(), {Item::year, Item::literal, Item::month, Item::literal, Item::day});
        f.literals_.insert(f.literals_.end(), {'-', '-'});
        break;
      case 'D':
        f.items_.insert(f.items_.end(), {Item::month, Item::literal, Item::day, Item::literal, Item::year2});
        f.literals_.insert(f.literals_.end(), {'/', '/'});
        break;
      case '%':
        literal('%');
        break;
      case 'n':
      case 't':
        if (f.items_.empty() || f.items_.back() != Item::space) f.items_.push_back(Item::space);
        break;
      default:
        return fmt::format(
            "unknown directive '%{}' in '{}' (known: %Y %y %m %d %e %j %H %I %p %M %S %f %b %B %h %a %A %z "
            "%Z %s %T %F %D %R %% %n %t)",
            format[i], format);
    }
  }
  return f;
}

std::optional<TimestampNs> TimeFormat::from_number(const Value& number) const {
  std::int64_t unit = 0;
  switch (named_) {
    case Named::unix_s:
      unit = 1'000'000'000;
      break;
    case Named::unix_ms:
      unit = 1'000'000;
      break;
    case Named::unix_us:
      unit = 1'000;
      break;
    case Named::unix_ns:
      unit = 1;
      break;
    default:
      return std::nullopt;
  }
  long double ns = 0;
  if (number.type() == ValueType::integer) {
    ns = static_cast<long double>(number.as_integer()) * static_cast<long double>(unit);
  } else if (number.type() == ValueType::floating) {
    ns = static_cast<long double>(number.as_floating()) * static_cast<long double>(unit);
  } else {
    return std::nullopt;
  }
  if (!(ns > -9.2e18L && ns < 9.2e18L)) return std::nullopt;  // also false for NaN
  return static_cast<TimestampNs>(ns);
}

bool TimeFormat::parse(std::string_view text, ParsedTime& out) const {
  out = ParsedTime{};
  switch (named_) {
    case Named::none:
      break;
    case Named::iso8601:
      return read_iso8601(text, out);
    case Named::unix_s:
      out.epoch = read_epoch(text, 1'000'000'000);
      return out.epoch.has_value();
    case Named::unix_ms:
      out.epoch = read_epoch(text, 1'000'000);
      return out.epoch.has_value();
    case Named::unix_us:
      out.epoch = read_epoch(text, 1'000);
      return out.epoch.has_value();
    case Named::unix_ns:
      out.epoch = read_epoch(text, 1);
      return out.epoch.has_value();
  }
  Cursor c(text);
  std::size_t next_literal = 0;
  for (const Item item : items_) {
    switch (item) {
      case Item::literal:
        if (!c.take(literals_[next_literal++])) return false;
        break;
      case Item::space:
        c.skip_space();
        break;
      case Item::year: {
        auto v = c.number(4, 4);
        if (!v) return false;
        out.year = *v;
        break;
      }
      case Item::year2: {
        auto v = c.number(2, 2);
        if (!v) return false;
        out.year = *v < 69 ? 2000 + *v : 1900 + *v;  // POSIX: 69-99 are 19xx
        break;
      }
      case Item::month: {
        auto v = c.number(1, 2);
        if (!v) return false;
        out.month = static_cast<unsigned>(*v);
        break;
      }
      case Item::month_name: {
        auto v = c.name(kMonths);
        if (!v) return false;
        out.month = *v + 1;
        break;
      }
      case Item::day_space:
        c.take(' ');
        [[fallthrough]];
      case Item::day: {
        auto v = c.number(1, 2);
        if (!v) return false;
        out.day = static_cast<unsigned>(*v);
        break;
      }
      case Item::day_of_year: {
        auto v = c.number(1, 3);
        if (!v || *v < 1 || *v > 366) return false;
        out.day_of_year = static_cast<unsigned>(*v);
        break;
      }
      case Item::hour:
      case Item::hour12: {
        auto v = c.number(1, 2);
        if (!v) return false;
        if (item == Item::hour12 && (*v < 1 || *v > 12)) return false;
        out.hour = static_cast<int>(*v);
        break;
      }
      case Item::minute: {
        auto v = c.number(1, 2);
        if (!v) return false;
        out.minute = static_cast<int>(*v);
        break;
      }
      case Item::second: {
        auto v = c.number(1, 2);
        if (!v) return false;
        out.second = static_cast<int>(*v);
        break;
      }
      case Item::fraction: {
        auto v = c.fraction();
        if (!v) return false;
        while (is_digit(c.peek()))
          c.advance(1);
        out.nanos = *v;
        break;
      }
      case Item::ampm: {
        const std::string_view rest = c.rest();
        if (rest.size() < 2 || lower(rest[1]) != 'm') return false;
        const char a = lower(rest[0]);
        if (a != 'a' && a != 'p') return false;
        out.pm = a == 'p';
        c.advance(2);
        break;
      }
      case Item::weekday_name:
        if (!c.name(kWeekdays)) return false;
        break;
      case Item::offset: {
        auto v = read_offset(c);
        if (!v) return false;
        out.offset = *v;
        break;
      }
      case Item::zone_abbreviation: {
        const std::string_view rest = c.rest();
        std::size_t n = 0;
        while (n < rest.size() && std::isalpha(static_cast<unsigned char>(rest[n])) != 0)
          ++n;
        auto v = abbreviation_offset(rest.substr(0, n));
        if (!v) return false;
        out.offset = *v;
        c.advance(n);
        break;
      }
      case Item::epoch_seconds: {
        const bool negative = c.take('-');
        auto v = c.number(1, 12);
        if (!v) return false;
        out.epoch = (negative ? -*v : *v) * 1'000'000'000;
        break;
      }
    }
  }
  c.skip_space();
  return c.done();
}

std::optional<TimestampNs> resolve_time(const ParsedTime& p, const TimeZone& zone, TimestampNs now) {
  constexpr std::int64_t kNs = 1'000'000'000;
  if (p.epoch) return *p.epoch + p.nanos;
  int hour = p.hour;
  if (p.pm) {
    if (hour < 1 || hour > 12) return std::nullopt;
    hour = hour % 12 + (*p.pm ? 12 : 0);
  }
  if (hour > 23 || p.minute > 59 || p.second > 60) return std::nullopt;
  auto local_seconds = [&](std::int64_t year) -> std::optional<std::int64_t> {
    if (year < 1678 || year > 2261) return std::nullopt;  // what nanoseconds since 1970 in an int64 can hold
    std::int64_t days = 0;
    if (p.day_of_year) {
      if (*p.day_of_year > (is_leap_year(year) ? 366u : 365u)) return std::nullopt;
      days = days_from_civil(year, 1, 1) + *p.day_of_year - 1;
    } else {
      if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > days_in_month(year, p.month))
        return std::nullopt;
      days = days_from_civil(year, p.month, p.day);
    }
    return days * 86400 + hour * 3600 + p.minute * 60 + p.second;
  };
  auto to_utc = [&](std::int64_t local) { return p.offset ? local - *p.offset : zone.to_utc(local); };
  if (p.year) {
    auto local = local_seconds(*p.year);
    if (!local) return std::nullopt;
    return to_utc(*local) * kNs + p.nanos;
  }
  // No year: this year where the zone is, unless that is more than a day ahead of now.
  const std::int64_t now_s = floor_div(now, kNs);
  const std::int64_t year = year_of_days(floor_div(now_s + zone.offset_at(now_s), 86400));
  for (std::int64_t y : {year, year - 1}) {
    auto local = local_seconds(y);
    if (!local) continue;
    const std::int64_t utc = to_utc(*local);
    if (y == year && utc > now_s + 86400) continue;
    return utc * kNs + p.nanos;
  }
  return std::nullopt;
}

}  // namespace pyrolog::timestamp
