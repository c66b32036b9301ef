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

// The bytes of a little-endian word that need attention, each flagged by its top bit: a byte whose top bit is
// set (not ASCII), one below 0x20, `"` and `\\`. The zero-byte tests may also flag bytes after the first
// flagged one (a borrow carries), never before it, so the lowest flag is exact.
std::uint64_t special_bytes(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  const std::uint64_t quote = w ^ (kOnes * '"');
  const std::uint64_t backslash = w ^ (kOnes * '\\');
  return (w | ((w - kOnes * 0x20) & ~w) | ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash)) &
         (kOnes * 0x80);
}

template <typename Word>
Word load(const unsigned char* p) {
  Word w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

template <typename Word>
void store(char* at, Word w) {
  std::memcpy(at, &w, sizeof w);
}

// Copies the plain run (as below) of `p[0, n)`, n < 16, a word or two at a time: the first and the last word
// of the run overlap when n is not a multiple of the word's size, and the last one rewrites the same bytes.
std::size_t copy_short_plain_run(const unsigned char* p, std::size_t n, char* at) {
  if (n >= 4) {
    // Two words of 8 (n in [8, 16)) or of 4 (n in [4, 8)) bytes: at 0 and at n minus the word.
    const bool wide = n >= 8;
    const std::size_t last = wide ? n - 8 : n - 4;
    const std::uint64_t keep = wide ? ~std::uint64_t{0} : 0xFFFFFFFFULL;
    const std::uint64_t first_word = wide ? load<std::uint64_t>(p) : load<std::uint32_t>(p);
    const std::uint64_t last_word = wide ? load<std::uint64_t>(p + last) : load<std::uint32_t>(p + last);
    if (wide) {
      store(at, first_word);
      store(at + last, last_word);
    } else {
      store(at, static_cast<std::uint32_t>(first_word));
      store(at + last, static_cast<std::uint32_t>(last_word));
    }
    if (const std::uint64_t f = special_bytes(first_word) & keep; f != 0)
      return static_cast<std::size_t>(std::countr_zero(f)) / 8;
    if (const std::uint64_t f = special_bytes(last_word) & keep; f != 0)
      return last + static_cast<std::size_t>(std::countr_zero(f)) / 8;
    return n;
  }
  std::size_t i = 0;
  for (; i < n; ++i) {
    const unsigned char c = p[i];
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
    at[i] = static_cast<char>(c);
  }
  return i;
}

// Copies the run of plain bytes (printable ASCII other than `"` and `\\`) at the start of `p[0, n)` to `at`
// and returns its length. Sixteen bytes at a time with SSE2 (every x86-64 has it), else eight in a word; a
// block is stored whole and the cursor advances past its plain bytes only, so `at` may get up to
// kJsonOverstore bytes of scratch past the run.
std::size_t copy_plain_run(const unsigned char* p, std::size_t n, char* at) {
  std::size_t i = 0;
  if constexpr (std::endian::native == std::endian::little) {
#if defined(__SSE2__)
    const __m128i quotes = _mm_set1_epi8('"');
    const __m128i backslashes = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    for (; n - i >= 16; i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(at + i), v);
      // Compared as signed bytes, every non-ASCII byte (0x80 and up) is negative, so below 0x20 too.
      const __m128i special = _mm_or_si128(
          _mm_cmplt_epi8(v, space), _mm_or_si128(_mm_cmpeq_epi8(v, quotes), _mm_cmpeq_epi8(v, backslashes)));
      const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
      if (mask != 0) return i + static_cast<std::size_t>(std::countr_zero(mask));
    }
#else
    for (; n - i >= 16; i += 8) {
      const auto w = load<std::uint64_t>(p + i);
      store(at + i, w);
      if (const std::uint64_t f = special_bytes(w); f != 0)
        return i + static_cast<std::size_t>(std::countr_zero(f)) / 8;
    }
#endif
    return i + copy_short_plain_run(p + i, n - i, at + i);
  } else {
    for (; i < n; ++i) {
      const unsigned char c = p[i];
      if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
      at[i] = static_cast<char>(c);
    }
    return i;
  }
}

// Writes `v` as exactly `width` decimal digits at `at` (v < 10^width, v >= 0).
void put_digits(char* at, long long v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

constexpr auto kDigitPairs = [] {
  std::array<char, 200> t{};
  for (int i = 0; i < 100; ++i) {
    t[static_cast<std::size_t>(2 * i)] = static_cast<char>('0' + i / 10);
    t[static_cast<std::size_t>(2 * i + 1)] = static_cast<char>('0' + i % 10);
  }
  return t;
}();

// Writes `v` < 10^9 as exactly nine digits, two at a time: the fraction of a second, once an event.
void put_nine_digits(char* at, std::uint32_t v) {
  at[0] = static_cast<char>('0' + v / 100'000'000);
  v %= 100'000'000;
  const std::uint32_t parts[4] = {v / 1'000'000, v / 10'000 % 100, v / 100 % 100, v % 100};
  for (std::size_t i = 0; i < 4; ++i)
    std::memcpy(at + 1 + 2 * i, &kDigitPairs[2 * parts[i]], 2);
}

}  // namespace

char* write_json_string(char* at, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  *at++ = '"';
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  for (;;) {
    const std::size_t run = copy_plain_run(p + i, n - i, at);
    i += run;
    at += run;
    if (i >= n) break;
    const unsigned char c = p[i];
    if (c >= 0x80) {
      const std::size_t len = utf8_sequence(p + i, n - i);
      if (len == 0) {
        std::memcpy(at, "\xEF\xBF\xBD", 3);
        at += 3;
        ++i;
      } else {
        std::memcpy(at, p + i, len);
        at += len;
        i += len;
      }
      continue;
    }
    at[0] = '\\';
    switch (c) {
      case '"':
      case '\\':
        at[1] = static_cast<char>(c);
        at += 2;
        break;
      case '\n':
        at[1] = 'n';
        at += 2;
        break;
      case '\r':
        at[1] = 'r';
        at += 2;
        break;
      case '\t':
        at[1] = 't';
        at += 2;
        break;
      default:
        std::memcpy(at + 1, "u00", 3);
        at[4] = kHex[c >> 4];
        at[5] = kHex[c & 0xF];
        at += 6;
    }
    ++i;
  }
  *at++ = '"';
  return at;
}

void append_json_string(std::string& out, std::string_view s) {
  // A short string goes through a buffer on the stack; a long one is written in place, in room that `resize`
  // zeroes first (six times the string), which only long strings are worth.
  constexpr std::size_t kStackRoom = 256;
  const std::size_t room = json_string_room(s.size());
  if (room <= kStackRoom) {
    char buffer[kStackRoom];
    out.append(buffer, write_json_string(buffer, s));
    return;
  }
  const std::size_t size = out.size();
  out.resize(size + room);
  out.resize(static_cast<std::size_t>(write_json_string(out.data() + size, s) - out.data()));
}

char* write_rfc3339(char* at, TimestampNs ns) {
  long long secs = ns / 1'000'000'000;
  long long frac = ns % 1'000'000'000;
  if (frac < 0) {
    frac += 1'000'000'000;
    --secs;
  }
  // YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ. Events come in runs within one second: the date and time are made once
  // a second (per thread), and only the fraction each time.
  thread_local long long cached_secs = std::numeric_limits<long long>::min();
  thread_local char buf[kRfc3339Size];
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
  std::memcpy(at, buf, 20);
  put_nine_digits(at + 20, static_cast<std::uint32_t>(frac));
  at[29] = 'Z';
  return at + kRfc3339Size;
}

void append_rfc3339(std::string& out, TimestampNs ns) {
  char buf[kRfc3339Size];
  out.append(buf, write_rfc3339(buf, ns));
}

namespace {
// Room for a number: `std::to_chars` writes at most 20 characters for a 64-bit integer and 24 for a double
// (shortest form: sign, 17 digits, point, `e-308`); also enough for every other type but strings.
constexpr std::size_t kNumberRoom = 32;
static_assert(kRfc3339Size + 2 <= kNumberRoom);
}  // namespace

std::size_t json_value_room(const Value& v) {
  switch (v.type()) {
    case ValueType::string:
      return json_string_room(v.as_string().size());
    case ValueType::timestamp:
      return kRfc3339Size + 2;
    case ValueType::null:
    case ValueType::integer:
    case ValueType::floating:
    case ValueType::boolean:
      break;
  }
  return kNumberRoom;
}

char* write_json_value(char* at, const Value& v) {
  switch (v.type()) {
    case ValueType::null:
      std::memcpy(at, "null", 4);
      return at + 4;
    case ValueType::string:
      return write_json_string(at, v.as_string());
    case ValueType::integer:
      return std::to_chars(at, at + kNumberRoom, v.as_integer()).ptr;
    case ValueType::floating:
      if (!std::isfinite(v.as_floating())) {
        std::memcpy(at, "null", 4);
        return at + 4;
      }
      return std::to_chars(at, at + kNumberRoom, v.as_floating()).ptr;
    case ValueType::boolean:
      if (v.as_boolean()) {
        std::memcpy(at, "true", 4);
        return at + 4;
      }
      std::memcpy(at, "false", 5);
      return at + 5;
    case ValueType::timestamp:
      *at++ = '"';
      at = write_rfc3339(at, v.as_timestamp());
      *at++ = '"';
      return at;
  }
  return at;
}

void append_json_value(std::string& out, const Value& v) {
  if (v.type() == ValueType::string) {
    append_json_string(out, v.as_string());
    return;
  }
  char buffer[kNumberRoom];  // the room of every other type
  out.append(buffer, write_json_value(buffer, v));
}

}  // namespace pyrolog
