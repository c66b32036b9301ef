#include "codec/batch_codec.h"

#include <cstring>
#include <random>

#include <gtest/gtest.h>

namespace pyrolog {
namespace {

Batch sample_batch() {
  Batch b;
  Event& e1 = b.add_event(1'700'000'000'123'456'789, b.store("10.0.0.1 - - \"GET / HTTP/1.1\" 200 512"));
  b.append(e1, "http.status", Value::integer(200));
  b.append(e1, "http.method", Value::string(b.store("GET")));
  b.append(e1, "duration", Value::floating(0.25));
  b.append(e1, "cached", Value::boolean(true));
  b.append(e1, "seen", Value::timestamp(-5));
  b.append(e1, "nothing", Value());
  Event& e2 = b.add_event(1'700'000'000'000'000'000, b.store(""));  // time goes back, empty line
  b.append(e2, "http.status", Value::integer(-404));
  b.add_event(0, b.store(std::string(1000, '\xff')));  // binary bytes kept as they are
  return b;
}

std::optional<Batch> round_trip(const std::string& frame, DecodeError& error) {
  auto buffer = std::make_unique<char[]>(frame.size());
  std::memcpy(buffer.get(), frame.data(), frame.size());
  return decode_batch(std::move(buffer), frame.size(), error);
}

void expect_same(const Batch& a, const Batch& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    const Event& x = a.events()[i];
    const Event& y = b.events()[i];
    EXPECT_EQ(x.timestamp, y.timestamp);
    EXPECT_EQ(x.raw, y.raw);
    const auto fx = a.fields(x);
    const auto fy = b.fields(y);
    ASSERT_EQ(fx.size(), fy.size());
    for (std::size_t k = 0; k < fx.size(); ++k) {
      EXPECT_EQ(fx[k].name, fy[k].name);
      EXPECT_EQ(fx[k].value, fy[k].value) << fx[k].name;
    }
  }
}

TEST(BatchCodec, RoundTripsEveryValueTypePlainAndCompressed) {
  const Batch original = sample_batch();
  for (auto compression : {FrameCompression::none, FrameCompression::lz4}) {
    std::string frame;
    encode_batch(original, compression, frame);
    DecodeError error;
    auto decoded = round_trip(frame, error);
    ASSERT_TRUE(decoded) << error.message;
    expect_same(original, *decoded);
  }
}

// The disk channel keeps its frame buffers between batches: a frame encoded into a buffer that held a larger
// one is the same as one encoded into a new buffer, with nothing of the old frame left in it.
TEST(BatchCodec, AKeptBufferGivesTheSameFrameAsANewOne) {
  Batch large;
  for (int i = 0; i < 200; ++i) {
    Event& e = large.add_event(i, large.store(std::string(100, static_cast<char>('a' + i % 26))));
    large.append(e, "n", Value::integer(i));
  }
  const Batch small = sample_batch();
  for (auto compression : {FrameCompression::none, FrameCompression::lz4}) {
    ByteBuffer kept;
    encode_batch(large, compression, kept);
    const std::size_t large_size = kept.size();
    encode_batch(small, compression, kept);
    std::string fresh;
    encode_batch(small, compression, fresh);
    ASSERT_LT(kept.size(), large_size);
    EXPECT_EQ(kept.view(), fresh);
    DecodeError error;
    auto decoded = round_trip(std::string(kept.view()), error);
    ASSERT_TRUE(decoded) << error.message;
    expect_same(small, *decoded);
  }
}

TEST(BatchCodec, StoresEachFieldNameOncePerFrame) {
  Batch b;
  for (int i = 0; i < 100; ++i) {
    Event& e = b.add_event(i, b.store("x"));
    b.append(e, "a_rather_long_field_name", Value::integer(i));
  }
  std::string frame;
  encode_batch(b, FrameCompression::none, frame);
  EXPECT_LT(frame.size(), 100u * 9 + 64);  // 9 bytes an event at most; the 24-byte name would add 2400
}

TEST(BatchCodec, CompressesRepetitiveLines) {
  Batch b;
  for (int i = 0; i < 500; ++i)
    b.add_event(
        i, b.store("192.168.1.1 - - [21/Nov/2026:03:43:51 +0000] \"GET /index.html HTTP/1.1\" 200 1234"));
  std::string plain, lz4;
  encode_batch(b, FrameCompression::none, plain);
  encode_batch(b, FrameCompression::lz4, lz4);
  EXPECT_LT(lz4.size() * 5, plain.size());
}

TEST(BatchCodec, EveryTruncationIsAnErrorNotACrash) {
  std::string frame;
  encode_batch(sample_batch(), FrameCompression::none, frame);
  for (std::size_t n = 0; n < frame.size(); ++n) {
    DecodeError error;
    EXPECT_FALSE(round_trip(frame.substr(0, n), error)) << "prefix of " << n << " bytes decoded";
    EXPECT_FALSE(error.message.empty());
  }
}

TEST(BatchCodec, RandomBytesAndBitFlipsNeverCrash) {
  std::mt19937_64 rng(7);
  std::string frame;
  encode_batch(sample_batch(), FrameCompression::lz4, frame);
  for (int round = 0; round < 2000; ++round) {
    std::string damaged = frame;
    damaged[rng() % damaged.size()] ^= static_cast<char>(1 << (rng() % 8));
    DecodeError error;
    round_trip(damaged, error);  // any outcome but a crash (ASan and UBSan watch)
    std::string garbage(rng() % 300, '\0');
    for (auto& c : garbage)
      c = static_cast<char>(rng());
    if (garbage.size() >= 2) garbage[0] = 1;
    round_trip(garbage, error);
  }
}

TEST(BatchCodec, RefusesAnAbsurdDecompressedSize) {
  // version 1, lz4, stated body size 2^30, then 3 bytes of "data".
  std::string frame = {1, 1, '\x80', '\x80', '\x80', '\x80', '\x04', 'a', 'b', 'c'};
  DecodeError error;
  EXPECT_FALSE(round_trip(frame, error));
  EXPECT_EQ(error.message, "compressed body size out of proportion");
}

TEST(BatchCodec, RefusesUnknownVersionAndCompression) {
  DecodeError error;
  EXPECT_FALSE(round_trip(std::string{9, 0, 0, 0}, error));
  EXPECT_EQ(error.message, "unknown batch format version 9");
  EXPECT_FALSE(round_trip(std::string{1, 7, 0, 0}, error));
  EXPECT_EQ(error.message, "unknown compression 7");
}

TEST(BatchCodec, AStringRepeatedUnderOneNameIsStoredOnce) {
  Batch b;
  const std::string path = "/var/log/nginx/access.log";
  for (int i = 0; i < 100; ++i) {
    Event& e = b.add_event(i, b.store("line " + std::to_string(i)));
    b.append(e, "file.path", Value::string(b.store(path)));  // a copy per event: equal, not the same bytes
    b.append(e, "host", Value::string(b.store(i % 2 == 0 ? "a" : "b")));  // alternates: stored each time
    b.append(e, "file.offset", Value::integer(i * 100));
  }
  std::string frame;
  encode_batch(b, FrameCompression::none, frame);
  std::size_t occurrences = 0;
  for (std::size_t at = frame.find(path); at != std::string::npos; at = frame.find(path, at + 1))
    ++occurrences;
  EXPECT_EQ(occurrences, 1u);
  DecodeError error;
  auto decoded = round_trip(frame, error);
  ASSERT_TRUE(decoded) << error.message;
  expect_same(b, *decoded);
}

TEST(BatchCodec, PartsOfTheRawTextAreStoredAsOffsetsAndReadWithoutACopy) {
  Batch b;
  const std::string line = "10.0.0.1 - - \"GET /index.html HTTP/1.1\" 200 512";
  for (int i = 0; i < 50; ++i) {
    Event& e = b.add_event(i, b.store(line));
    b.append(e, "client", Value::string(e.raw.substr(0, 8)));  // what grok captures: views into raw
    b.append(e, "path", Value::string(e.raw.substr(18, 11)));
    b.append(e, "whole", Value::string(e.raw));
    b.append(e, "end", Value::string(e.raw.substr(e.raw.size() - 3)));
    b.append(e, "copy", Value::string(b.store("/index.html")));  // equal bytes elsewhere: stored as a string
  }
  std::string frame;
  encode_batch(b, FrameCompression::none, frame);
  // Each event: its line, 4 slices of at most 4 bytes, and the copy's repeat byte (the first stores it).
  EXPECT_LT(frame.size(), 50u * (line.size() + 30) + 64);
  DecodeError error;
  auto decoded = round_trip(frame, error);
  ASSERT_TRUE(decoded) << error.message;
  expect_same(b, *decoded);
  const Event& e = decoded->events()[7];
  const auto fields = decoded->fields(e);
  EXPECT_EQ(fields[1].value.as_string().data(), e.raw.data() + 18);  // a view into the decoded raw
  EXPECT_EQ(fields[2].value.as_string().data(), e.raw.data());
}

TEST(BatchCodec, RefusesARawSliceBeyondItsEvent) {
  // Version 3: one event with raw "hi"; field "f" is the raw slice at offset 1 of length 2.
  const std::string frame = {3, 0, 1, 1, 1, 'f', 0, 2, 'h', 'i', 1, 0, '\x81', 1, 2};
  DecodeError error;
  EXPECT_FALSE(round_trip(frame, error));
  EXPECT_EQ(error.message, "field 'f' in event 0 is not a part of its raw text");
  const std::string fits = {3, 0, 1, 1, 1, 'f', 0, 2, 'h', 'i', 1, 0, '\x81', 1, 1};
  auto decoded = round_trip(fits, error);
  ASSERT_TRUE(decoded) << error.message;
  EXPECT_EQ(decoded->fields(decoded->events()[0])[0].value, Value::string("i"));
}

TEST(BatchCodec, ReadsVersion1Frames) {
  // Version 1, no compression: one event at time 5, raw "hi", one field "f" = string "x".
  const std::string frame = {1, 0, 1, 1, 1, 'f', 10, 2, 'h', 'i', 1, 0, 1, 1, 'x'};
  DecodeError error;
  auto decoded = round_trip(frame, error);
  ASSERT_TRUE(decoded) << error.message;
  ASSERT_EQ(decoded->size(), 1u);
  EXPECT_EQ(decoded->events()[0].timestamp, 5);
  EXPECT_EQ(decoded->events()[0].raw, "hi");
  ASSERT_EQ(decoded->fields(decoded->events()[0]).size(), 1u);
  EXPECT_EQ(decoded->fields(decoded->events()[0])[0].value, Value::string("x"));
}

TEST(BatchCodec, RefusesARepeatOfAStringNeverStored) {
  // Version 2: one event, field "f" marked as a repeat (0x80) with nothing stored before it.
  const std::string frame = {2, 0, 1, 1, 1, 'f', 0, 0, 1, 0, '\x80'};
  DecodeError error;
  EXPECT_FALSE(round_trip(frame, error));
  EXPECT_EQ(error.message, "field 'f' in event 0 repeats a string never stored");
}

}  // namespace
}  // namespace pyrolog
