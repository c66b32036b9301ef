#include "codec/json_writer.h"

#include <chrono>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace pyrolog {
namespace {

using nlohmann::json;

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

std::string rfc3339(TimestampNs ns) {
  std::string out;
  append_rfc3339(out, ns);
  return out;
}

std::string json_value(const Value& v) {
  std::string out;
  append_json_value(out, v);
  return out;
}

// What a JSON parser reads back from the string `append_json_string` wrote for `s`.
std::string round_trip(std::string_view s) {
  return json::parse(json_string(s)).get<std::string>();
}

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

TEST(JsonString, PlainTextIsQuotedAsIs) {
  EXPECT_EQ(json_string(""), R"("")");
  EXPECT_EQ(json_string("hello world"), R"("hello world")");
  EXPECT_EQ(json_string("a/b<c>&'"), R"("a/b<c>&'")");
  EXPECT_EQ(json_string("\x7f"), "\"\x7f\"");  // DEL needs no escape in JSON
}

TEST(JsonString, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_string("say \"hi\""), R"("say \"hi\"")");
  EXPECT_EQ(json_string("C:\\path\\"), R"("C:\\path\\")");
  EXPECT_EQ(json_string("a\nb\rc\td"), R"("a\nb\rc\td")");
  EXPECT_EQ(json_string(std::string("\0", 1)), R"("\u0000")");
  EXPECT_EQ(json_string("\x01\x08\x0b\x0c\x1b\x1f"), R"("\u0001\u0008\u000b\u000c\u001b\u001f")");
  EXPECT_EQ(json_string("\\\""), R"("\\\"")");
  EXPECT_EQ(round_trip(std::string("ctl:\x01\x1f\0 \"q\" \\b\\", 16)),
            std::string("ctl:\x01\x1f\0 \"q\" \\b\\", 16));
}

TEST(JsonString, KeepsValidMultiByteUtf8) {
  const std::string samples[] = {
      "caf\xC3\xA9",               // é, 2 bytes
      "\xE2\x82\xAC 5",            // €, 3 bytes
      "\xF0\x9D\x84\x9E",          // 𝄞, 4 bytes
      "\xC2\x80",                  // U+0080, the smallest 2-byte
      "\xDF\xBF",                  // U+07FF
      "\xE0\xA0\x80",              // U+0800, the smallest 3-byte
      "\xED\x9F\xBF",              // U+D7FF, just below the surrogates
      "\xEE\x80\x80",              // U+E000, just above them
      "\xEF\xBF\xBF",              // U+FFFF
      "\xF0\x90\x80\x80",          // U+10000, the smallest 4-byte
      "\xF4\x8F\xBF\xBF",          // U+10FFFF, the largest code point
      "\xE6\x97\xA5\xE6\x9C\xAC",  // 日本
  };
  for (const auto& s : samples) {
    EXPECT_EQ(json_string(s), "\"" + s + "\"") << s;
    EXPECT_EQ(round_trip(s), s);
  }
}

TEST(JsonString, InvalidUtf8BecomesReplacementCharacters) {
  struct Case {
    std::string in;
    std::string out;
  };
  const std::string r = kReplacement;
  const Case cases[] = {
      {"\x80", r},                                          // a lone continuation byte
      {"a\xBFz", "a" + r + "z"},                            // another
      {"\xFF", r},                                          // never valid
      {"\xFE\xFE", r + r},                                  //
      {"\xC3", r},                                          // truncated at the end
      {"\xC3(", r + "("},                                   // a lead byte without its continuation
      {"\xE2\x82", r + r},                                  // truncated 3-byte sequence
      {"\xF0\x9D\x84", r + r + r},                          // truncated 4-byte sequence
      {"\xC0\xAF", r + r},                                  // overlong '/'
      {"\xC1\xBF", r + r},                                  // overlong
      {"\xE0\x80\xAF", r + r + r},                          // overlong 3-byte
      {"\xE0\x9F\xBF", r + r + r},                          // overlong: U+07FF in 3 bytes
      {"\xF0\x80\x80\xAF", r + r + r + r},                  // overlong 4-byte
      {"\xF0\x8F\xBF\xBF", r + r + r + r},                  // overlong: U+FFFF in 4 bytes
      {"\xED\xA0\x80", r + r + r},                          // U+D800, a surrogate
      {"\xED\xBF\xBF", r + r + r},                          // U+DFFF, a surrogate
      {"\xED\xA0\xBD\xED\xB8\x80", r + r + r + r + r + r},  // a surrogate pair in CESU-8
      {"\xF4\x90\x80\x80", r + r + r + r},                  // above U+10FFFF
      {"\xF5\x80\x80\x80", r + r + r + r},                  // lead byte above F4
      {"ok \xC3\xA9 \xFF ok", "ok \xC3\xA9 " + r + " ok"},  // valid around invalid
  };
  for (const auto& c : cases) {
    EXPECT_EQ(json_string(c.in), "\"" + c.out + "\"") << fmt::format("{:02x}", fmt::join(c.in, " "));
    EXPECT_EQ(round_trip(c.in), c.out);  // and the output is JSON a strict parser takes
  }
}

// The plain runs are found sixteen bytes at a time (SSE2), then eight (a word): a byte that needs escaping
// (or is not ASCII) must be found at every position of a block and after any number of plain bytes, and bytes
// after it must not hide it.
TEST(JsonString, FindsEverySpecialByteAtEveryPositionOfAWord) {
  const std::string specials[] = {"\"", "\\", "\n", std::string("\0", 1), "\x1f", "\x7f", "\xC3\xA9", "\xFF"};
  const std::string expected_escapes[] = {R"(\")",     R"(\\)", R"(\n)",    R"(\u0000)",
                                          R"(\u001f)", "\x7f",  "\xC3\xA9", kReplacement};
  for (std::size_t k = 0; k < std::size(specials); ++k) {
    for (std::size_t before = 0; before < 40; ++before) {
      for (std::size_t after : {0u, 1u, 7u, 8u, 9u, 16u, 17u}) {
        const std::string in = std::string(before, 'a') + specials[k] + std::string(after, '"');
        std::string expected = "\"" + std::string(before, 'a') + expected_escapes[k];
        for (std::size_t i = 0; i < after; ++i)
          expected += R"(\")";
        expected += '"';
        EXPECT_EQ(json_string(in), expected) << "special " << k << " after " << before << " plain bytes";
      }
    }
  }
}

TEST(JsonString, AnyBytesGiveValidJson) {
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    std::string s(rng() % 40, '\0');
    for (char& c : s) {
      // Mostly the interesting bytes: controls, quotes, backslashes, and UTF-8 lead and continuation bytes.
      static constexpr unsigned char kPool[] = {0x00, 0x01, 0x1F, '"',  '\\', 'a',  '\n', 0x7F,
                                                0x80, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xEF,
                                                0xF0, 0xF4, 0xF5, 0xFF, 0xA0, 0x90};
      c = static_cast<char>(rng() % 3 == 0 ? rng() % 256 : kPool[rng() % sizeof kPool]);
    }
    const std::string out = json_string(s);
    json parsed;
    ASSERT_NO_THROW(parsed = json::parse(out)) << fmt::format("{:02x}", fmt::join(s, " "));
    ASSERT_TRUE(parsed.is_string());
  }
}

// The cursor form writes within the room it asks for: what it returns is at most the room less the overstore,
// nothing past the room changes, and it writes what the appending form appends.
TEST(JsonString, TheCursorStaysWithinItsRoom) {
  std::mt19937 rng(5);
  constexpr unsigned char kCanary = 0xA5;
  for (int i = 0; i < 5000; ++i) {
    std::string s(rng() % 70, '\0');
    for (char& c : s) {
      static constexpr unsigned char kPool[] = {0x00, 0x1F, '"',  '\\', 'a', 'b',
                                                0x7F, 0x80, 0xC3, 0xA9, 0xFF};
      c = static_cast<char>(rng() % 2 == 0 ? 'x' : kPool[rng() % sizeof kPool]);
    }
    const std::size_t room = json_string_room(s.size());
    std::string buffer(room + 64, static_cast<char>(kCanary));
    char* end = write_json_string(buffer.data(), s);
    ASSERT_LE(static_cast<std::size_t>(end - buffer.data()), room - kJsonOverstore);
    for (std::size_t k = room; k < buffer.size(); ++k)
      ASSERT_EQ(static_cast<unsigned char>(buffer[k]), kCanary) << "byte " << k << " of room " << room;
    ASSERT_EQ(std::string(buffer.data(), end), json_string(s));
  }
  // Every value type, the same way.
  const std::string controls(40, '\x01');
  const Value values[] = {Value(),
                          Value::integer(std::numeric_limits<std::int64_t>::min()),
                          Value::floating(-1.2345678901234567e-308),
                          Value::boolean(false),
                          Value::timestamp(-1),
                          Value::string(controls)};
  for (const Value& v : values) {
    const std::size_t room = json_value_room(v);
    std::string buffer(room + 64, static_cast<char>(kCanary));
    char* end = write_json_value(buffer.data(), v);
    ASSERT_LE(static_cast<std::size_t>(end - buffer.data()), room);
    for (std::size_t k = room; k < buffer.size(); ++k)
      ASSERT_EQ(static_cast<unsigned char>(buffer[k]), kCanary);
    EXPECT_EQ(std::string(buffer.data(), end), json_value(v));
  }
}

TEST(JsonString, ValidUtf8RoundTripsExactly) {
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    for (int n = static_cast<int>(rng() % 20); n > 0; --n) {
      std::uint32_t cp = 0;
      do {
        const auto r = static_cast<std::uint32_t>(rng());
        switch (r % 4) {
          case 0:
            cp = (r >> 2) % 0x80;
            break;
          case 1:
            cp = 0x80 + (r >> 2) % (0x800 - 0x80);
            break;
          case 2:
            cp = 0x800 + (r >> 2) % (0x10000 - 0x800);
            break;
          default:
            cp = 0x10000 + (r >> 2) % (0x110000 - 0x10000);
        }
      } while (cp >= 0xD800 && cp <= 0xDFFF);
      if (cp < 0x80) {
        s += static_cast<char>(cp);
      } else if (cp < 0x800) {
        s += static_cast<char>(0xC0 | (cp >> 6));
        s += static_cast<char>(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        s += static_cast<char>(0xE0 | (cp >> 12));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        s += static_cast<char>(0xF0 | (cp >> 18));
        s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (cp & 0x3F));
      }
    }
    ASSERT_EQ(round_trip(s), s);
  }
}

TEST(Rfc3339, TheEpochAndAroundIt) {
  EXPECT_EQ(rfc3339(0), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(rfc3339(1), "1970-01-01T00:00:00.000000001Z");
  EXPECT_EQ(rfc3339(999'999'999), "1970-01-01T00:00:00.999999999Z");
  EXPECT_EQ(rfc3339(1'000'000'000), "1970-01-01T00:00:01.000000000Z");
  EXPECT_EQ(rfc3339(-1), "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(rfc3339(-1'000'000'000), "1969-12-31T23:59:59.000000000Z");
  EXPECT_EQ(rfc3339(-1'000'000'001), "1969-12-31T23:59:58.999999999Z");
  EXPECT_EQ(rfc3339(-86'400'000'000'000), "1969-12-31T00:00:00.000000000Z");
}

TEST(Rfc3339, KnownDates) {
  constexpr std::int64_t kSec = 1'000'000'000;
  EXPECT_EQ(rfc3339(1'779'335'031'123'456'789), "2026-05-21T03:43:51.123456789Z");
  EXPECT_EQ(rfc3339(951'782'400 * kSec), "2000-02-29T00:00:00.000000000Z");  // divisible by 400: a leap year
  EXPECT_EQ(rfc3339(951'868'800 * kSec), "2000-03-01T00:00:00.000000000Z");
  EXPECT_EQ(rfc3339(1'709'164'800 * kSec), "2024-02-29T00:00:00.000000000Z");
  EXPECT_EQ(rfc3339(1'709'251'199 * kSec), "2024-02-29T23:59:59.000000000Z");
  EXPECT_EQ(rfc3339(1'735'689'599 * kSec), "2024-12-31T23:59:59.000000000Z");  // day 366
  EXPECT_EQ(rfc3339(4'107'542'400 * kSec), "2100-03-01T00:00:00.000000000Z");  // 2100 is not a leap year
  EXPECT_EQ(rfc3339(4'107'542'399 * kSec), "2100-02-28T23:59:59.000000000Z");
  EXPECT_EQ(rfc3339(4'107'455'999 * kSec), "2100-02-27T23:59:59.000000000Z");
  // Before 1970.
  EXPECT_EQ(rfc3339(-2'208'988'800 * kSec), "1900-01-01T00:00:00.000000000Z");
  EXPECT_EQ(rfc3339(-2'203'891'200 * kSec), "1900-03-01T00:00:00.000000000Z");  // 1900 is not a leap year
  EXPECT_EQ(rfc3339(-2'203'891'201 * kSec), "1900-02-28T23:59:59.000000000Z");
  EXPECT_EQ(rfc3339(-1'297'382'400 * kSec), "1928-11-21T00:00:00.000000000Z");
  EXPECT_EQ(rfc3339(-5'000'000'000 * kSec - 1), "1811-07-23T15:06:39.999999999Z");
  EXPECT_EQ(rfc3339(-2'203'977'600 * kSec + 1), "1900-02-28T00:00:00.000000001Z");
  // The limits of the representation.
  EXPECT_EQ(rfc3339(std::numeric_limits<std::int64_t>::max()), "2262-04-11T23:47:16.854775807Z");
  EXPECT_EQ(rfc3339(std::numeric_limits<std::int64_t>::min()), "1677-09-21T00:12:43.145224192Z");
}

TEST(Rfc3339, MatchesTheStandardCalendar) {
  using namespace std::chrono;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20000; ++i) {
    const auto ns = static_cast<std::int64_t>(rng());
    const sys_time<nanoseconds> tp{nanoseconds(ns)};
    const auto day = floor<days>(tp);
    const year_month_day ymd{day};
    const hh_mm_ss<nanoseconds> tod{tp - day};
    const std::string expected =
        fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", static_cast<int>(ymd.year()),
                    static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), tod.hours().count(),
                    tod.minutes().count(), tod.seconds().count(), tod.subseconds().count());
    ASSERT_EQ(rfc3339(ns), expected) << ns;
  }
}

TEST(JsonValue, EveryType) {
  EXPECT_EQ(json_value(Value()), "null");
  EXPECT_EQ(json_value(Value::string("a\"b")), R"("a\"b")");
  EXPECT_EQ(json_value(Value::integer(0)), "0");
  EXPECT_EQ(json_value(Value::integer(-42)), "-42");
  EXPECT_EQ(json_value(Value::integer(std::numeric_limits<std::int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(json_value(Value::integer(std::numeric_limits<std::int64_t>::max())), "9223372036854775807");
  EXPECT_EQ(json_value(Value::floating(1.5)), "1.5");
  EXPECT_EQ(json_value(Value::floating(0.1)), "0.1");
  EXPECT_EQ(json_value(Value::floating(-2.0)), "-2");
  EXPECT_EQ(json_value(Value::floating(std::numeric_limits<double>::quiet_NaN())), "null");
  EXPECT_EQ(json_value(Value::floating(std::numeric_limits<double>::infinity())), "null");
  EXPECT_EQ(json_value(Value::floating(-std::numeric_limits<double>::infinity())), "null");
  EXPECT_EQ(json_value(Value::boolean(true)), "true");
  EXPECT_EQ(json_value(Value::boolean(false)), "false");
  EXPECT_EQ(json_value(Value::timestamp(0)), R"("1970-01-01T00:00:00.000000000Z")");
}

TEST(JsonValue, NumbersParseBackToTheSameValue) {
  const double doubles[] = {1e300,  -1e-300, 123456789.125, std::numeric_limits<double>::max(),
                            5e-324, 0.3,     -0.0,          std::numeric_limits<double>::min()};
  for (double d : doubles) {
    const auto parsed = json::parse(json_value(Value::floating(d)));
    ASSERT_TRUE(parsed.is_number()) << d;
    EXPECT_EQ(parsed.get<double>(), d);
  }
  EXPECT_EQ(
      json::parse(json_value(Value::integer(std::numeric_limits<std::int64_t>::min()))).get<std::int64_t>(),
      std::numeric_limits<std::int64_t>::min());
}

}  // namespace
}  // namespace pyrolog
