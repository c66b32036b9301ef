#include "codec/json_writer.h"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pyrolog {
namespace {

constexpr std::array<bool, 256> make_plain_table() {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c)
    t[static_cast<std::size_t>(c)] = true;
  t['"'] = false;
  t['\\'] = false;
  return t;
}
constexpr auto kPlain = make_plain_table();

// Length of the valid UTF-8 sequence at `p`, or 0 when it is not one.
std::size_t utf8_sequence(const unsigned char* p, std::size_t left) {
  const unsigned char c = p[0];
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1Fu;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0Fu;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07u;
  } else {
    return 0;
  }
  if (left < n) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3Fu);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
    return 0;
  }
  return n;
}

// The end of the run of plain bytes (printable ASCII other than `"` and `\\`) from `i`: sixteen bytes at a
// time with SSE2 (every x86-64 has it), then eight at a time in a word, then one at a time for the tail. In a
// word, a byte needs attention when its top bit is set (not ASCII), when it is below 0x20, or when it equals
// `"` or `\\`; the zero-byte tests below may also flag bytes after the first flagged one (a borrow carries),
// never before it, so the lowest flag is exact.
std::size_t plain_run(const unsigned char* p, std::size_t i, std::size_t n) {
#if defined(__SSE2__)
  const __m128i quotes = _mm_set1_epi8('"');
  const __m128i backslashes = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    // Compared as signed bytes, every non-ASCII byte (0x80 and up) is negative, so below 0x20 too.
    const __m128i special = _mm_or_si128(
        _mm_cmplt_epi8(v, space), _mm_or_si128(_mm_cmpeq_epi8(v, quotes), _mm_cmpeq_epi8(v, backslashes)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
    if (mask != 0) return i + static_cast<std::size_t>(std::countr_zero(mask));
  }
#endif
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    const std::uint64_t quote = w ^ (kOnes * '"');
    const std::uint64_t backslash = w ^ (kOnes * '\\');
    const std::uint64_t special =
        (w | ((w - kOnes * 0x20) & ~w) | ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash)) &
        kHigh;
    if (special != 0) {
      if constexpr (std::endian::native == std::endian::little) {
        return i + static_cast<std::size_t>(std::countr_zero(special)) / 8;
      } else {
        break;  // the byte loop below finds it
      }
    }
  }
  while (i < n && kPlain[p[i]])
    ++i;
  return i;
}

// Writes `v` as exactly `width` decimal digits at `at` (v < 10^width, v >= 0).
void put_digits(char* at, long long v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const std::size_t run = plain_run(p, i, n);
    out.append(s.data() + i, run - i);
    i = run;
    if (i >= n) break;
    const unsigned char c = p[i];
    if (c >= 0x80) {
      const std::size_t len = utf8_sequence(p + i, n - i);
      if (len == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(s.data() + i, len);
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
    ++i;
  }
  out += '"';
}

void append_rfc3339(std::string& out, TimestampNs ns) {
  long long secs = ns / 1'000'000'000;
  long long frac = ns % 1'000'000'000;
  if (frac < 0) {
    frac += 1'000'000'000;
    --secs;
  }
  // YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ. Events come in runs within one second: the date and time are made once
  // a second (per thread), and only the fraction each time.
  thread_local long long cached_secs = std::numeric_limits<long long>::min();
  thread_local char buf[30];
  if (secs != cached_secs) {
    long long days = secs / 86400;
    long long rem = secs % 86400;
    if (rem < 0) {
      rem += 86400;
      --days;
    }
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    days += 719468;
    const long long era = (days >= 0 ? days : days - 146096) / 146097;
    const long long doe = days - era * 146097;
    const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long year = yoe + era * 400;
    const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const long long mp = (5 * doy + 2) / 153;
    const long long day = doy - (153 * mp + 2) / 5 + 1;
    const long long month = mp < 10 ? mp + 3 : mp - 9;
    if (month <= 2) ++year;
    // TimestampNs spans 1677 to 2262: the year always has four digits.
    put_digits(buf, year, 4);
    buf[4] = '-';
    put_digits(buf + 5, month, 2);
    buf[7] = '-';
    put_digits(buf + 8, day, 2);
    buf[10] = 'T';
    put_digits(buf + 11, rem / 3600, 2);
    buf[13] = ':';
    put_digits(buf + 14, rem / 60 % 60, 2);
    buf[16] = ':';
    put_digits(buf + 17, rem % 60, 2);
    buf[19] = '.';
    buf[29] = 'Z';
    cached_secs = secs;
  }
  put_digits(buf + 20, frac, 9);
  out.append(buf, sizeof buf);
}

void append_json_value(std::string& out, const Value& v) {
  char buf[32];
  switch (v.type()) {
    case ValueType::null:
      out += "null";
      return;
    case ValueType::string:
      append_json_string(out, v.as_string());
      return;
    case ValueType::integer: {
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.as_integer());
      out.append(buf, end);
      return;
    }
    case ValueType::floating: {
      if (!std::isfinite(v.as_floating())) {
        out += "null";
        return;
      }
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.as_floating());
      out.append(buf, end);
      return;
    }
    case ValueType::boolean:
      out += v.as_boolean() ? "true" : "false";
      return;
    case ValueType::timestamp:
      out += '"';
      append_rfc3339(out, v.as_timestamp());
      out += '"';
      return;
  }
}

}  // namespace pyrolog
