// The on-disk encodings: segment headers, frame headers, cursor files and file names.

#include <cstring>

#include <gtest/gtest.h>

#include "channel/cursor_store.h"
#include "channel/directory_layout.h"
#include "channel/segment_format.h"

namespace pyrolog::channel {
namespace {

TEST(SegmentFormat, SegmentHeaderRoundTrip) {
  const auto bytes =
      encode_segment_header({.version = kFormatVersion, .segment_id = 7, .first_seq = 123456789});
  ASSERT_EQ(bytes.size(), kSegmentHeaderSize);
  EXPECT_EQ(std::memcmp(bytes.data(), "PYRLGSEG", 8), 0);
  SegmentHeader h;
  ASSERT_EQ(decode_segment_header(bytes, h), SegmentHeaderStatus::ok);
  EXPECT_EQ(h.segment_id, 7u);
  EXPECT_EQ(h.first_seq, 123456789u);
}

TEST(SegmentFormat, SegmentHeaderDetectsEveryBitFlip) {
  const auto good = encode_segment_header({.version = kFormatVersion, .segment_id = 3, .first_seq = 99});
  for (std::size_t bit = 0; bit < good.size() * 8; ++bit) {
    auto bad = good;
    bad[bit / 8] ^= static_cast<std::byte>(1u << (bit % 8));
    SegmentHeader h;
    EXPECT_NE(decode_segment_header(bad, h), SegmentHeaderStatus::ok) << "bit " << bit;
  }
  SegmentHeader h;
  EXPECT_EQ(decode_segment_header(std::span(good).first(39), h), SegmentHeaderStatus::too_short);
}

TEST(SegmentFormat, FrameHeaderRoundTripAndBitFlips) {
  const auto good = encode_frame_header({.length = 1000, .seq = 42, .payload_crc = 0xDEADBEEF});
  ASSERT_EQ(good.size(), kFrameHeaderSize);
  EXPECT_EQ(good[0], std::byte{0xB7});
  FrameHeader h;
  ASSERT_TRUE(decode_frame_header(good, h));
  EXPECT_EQ(h.length, 1000u);
  EXPECT_EQ(h.seq, 42u);
  EXPECT_EQ(h.payload_crc, 0xDEADBEEFu);
  for (std::size_t bit = 0; bit < good.size() * 8; ++bit) {
    auto bad = good;
    bad[bit / 8] ^= static_cast<std::byte>(1u << (bit % 8));
    EXPECT_FALSE(decode_frame_header(bad, h)) << "bit " << bit;
  }
}

TEST(SegmentFormat, FrameHeaderRejectsLengthOverFormatLimit) {
  const auto bytes = encode_frame_header({.length = kMaxFramePayload + 1, .seq = 1, .payload_crc = 0});
  FrameHeader h;
  EXPECT_FALSE(decode_frame_header(bytes, h));
}

TEST(CursorFormat, RoundTripAndCorruption) {
  const auto bytes = encode_cursor({.next_seq = 77, .hint_segment = 3, .hint_offset = 4096});
  Cursor c;
  ASSERT_EQ(decode_cursor(bytes, c), "");
  EXPECT_EQ(c.next_seq, 77u);
  EXPECT_EQ(c.hint_segment, 3u);
  EXPECT_EQ(c.hint_offset, 4096u);
  for (std::size_t bit = 0; bit < 44 * 8; ++bit) {
    auto bad = bytes;
    bad[bit / 8] ^= static_cast<std::byte>(1u << (bit % 8));
    EXPECT_NE(decode_cursor(bad, c), "") << "bit " << bit;
  }
  EXPECT_NE(decode_cursor(std::span(bytes).first(10), c), "");
}

TEST(DirectoryLayout, Names) {
  EXPECT_EQ(segment_file_name(1), "00000000000000000001.seg");
  EXPECT_EQ(parse_segment_file_name("00000000000000000042.seg"), 42u);
  EXPECT_FALSE(parse_segment_file_name("0000000000000000042.seg"));
  EXPECT_FALSE(parse_segment_file_name("00000000000000000000.seg"));
  EXPECT_FALSE(parse_segment_file_name("0000000000000000004x.seg"));
  EXPECT_FALSE(parse_segment_file_name("99999999999999999999.seg"));  // overflows 64 bits
  EXPECT_TRUE(is_valid_reader_name("kafka_sink-1"));
  EXPECT_FALSE(is_valid_reader_name(""));
  EXPECT_FALSE(is_valid_reader_name("a.b"));
  EXPECT_FALSE(is_valid_reader_name("../x"));
  EXPECT_FALSE(is_valid_reader_name(std::string(65, 'a')));
  EXPECT_EQ(parse_cursor_file_name("es.cursor"), "es");
  EXPECT_FALSE(parse_cursor_file_name("e.s.cursor"));
}

}  // namespace
}  // namespace pyrolog::channel
