#include "file_input/line_framer.h"

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace pyrolog::files {
namespace {

using Lines = std::vector<std::pair<std::string, std::uint64_t>>;

struct Framed {
  explicit Framed(std::size_t max, OverlongMode mode = OverlongMode::truncate, std::uint64_t offset = 0)
      : framer(max, mode, offset) {}
  void feed(std::string_view data) {
    framer.feed(data, batch,
                [&](std::string_view line, std::uint64_t start) { lines.emplace_back(line, start); });
  }
  void flush() {
    framer.flush(batch, [&](std::string_view line, std::uint64_t start) { lines.emplace_back(line, start); });
  }
  Batch batch;
  LineFramer framer;
  Lines lines;
};

TEST(LineFramer, WholeLinesWithTheirStartOffsets) {
  Framed f(100, OverlongMode::truncate, 1000);
  f.feed("a\nbb\n\nccc\n");
  EXPECT_EQ(f.lines, (Lines{{"a", 1000}, {"bb", 1002}, {"", 1005}, {"ccc", 1006}}));
  EXPECT_EQ(f.framer.offset(), 1010u);
  EXPECT_EQ(f.framer.settled_offset(), 1010u);
  EXPECT_FALSE(f.framer.in_line());
}

TEST(LineFramer, APartialLineIsHeldAndNotSettled) {
  Framed f(100);
  f.feed("one\ntw");
  EXPECT_EQ(f.lines, (Lines{{"one", 0}}));
  EXPECT_TRUE(f.framer.in_line());
  EXPECT_EQ(f.framer.offset(), 6u);
  EXPECT_EQ(f.framer.settled_offset(), 4u);
  f.feed("o");
  f.feed("\nthree\n");
  EXPECT_EQ(f.lines, (Lines{{"one", 0}, {"two", 4}, {"three", 8}}));
  EXPECT_EQ(f.framer.settled_offset(), 14u);
}

TEST(LineFramer, FlushEmitsThePartialLine) {
  Framed f(100);
  f.feed("abc\nde");
  f.flush();
  EXPECT_EQ(f.lines, (Lines{{"abc", 0}, {"de", 4}}));
  EXPECT_EQ(f.framer.settled_offset(), 6u);
  f.flush();  // nothing held: nothing more
  EXPECT_EQ(f.lines.size(), 2u);
  f.feed("f\n");  // the rest of a flushed line is a line of its own
  EXPECT_EQ(f.lines.back(), (std::pair<std::string, std::uint64_t>{"f", 6}));
}

TEST(LineFramer, TruncateKeepsTheFirstBytesInBothPaths) {
  Framed f(4, OverlongMode::truncate);
  f.feed("0123456789\nab\n");  // whole line in one feed
  f.feed("abcdefgh");          // partial, over the limit
  EXPECT_TRUE(f.framer.in_line());
  EXPECT_EQ(f.framer.settled_offset(), 14u);  // the line's start: not settled until its newline
  f.feed("ij\nz\n");
  EXPECT_EQ(f.lines, (Lines{{"0123", 0}, {"ab", 11}, {"abcd", 14}, {"z", 25}}));
  EXPECT_EQ(f.framer.counts().truncated, 2u);
  EXPECT_EQ(f.framer.settled_offset(), 27u);
}

TEST(LineFramer, DropDiscardsTheLineAndCountsIt) {
  Framed f(4, OverlongMode::drop);
  f.feed("0123456789\nab\nlonglong");
  f.feed("long\nok\n");
  EXPECT_EQ(f.lines, (Lines{{"ab", 11}, {"ok", 27}}));
  EXPECT_EQ(f.framer.counts().dropped, 2u);
  EXPECT_EQ(f.framer.settled_offset(), 30u);
}

TEST(LineFramer, SplitMakesPiecesWithTheirOffsets) {
  Framed f(4, OverlongMode::split);
  f.feed("0123456789\n");
  EXPECT_EQ(f.lines, (Lines{{"0123", 0}, {"4567", 4}, {"89", 8}}));
  f.lines.clear();
  // Across feeds: pieces go out as soon as more than a piece is held, and they are settled.
  f.feed("abcd");
  EXPECT_TRUE(f.lines.empty());  // exactly the limit: may still be a whole line
  f.feed("e");
  EXPECT_EQ(f.lines, (Lines{{"abcd", 11}}));
  EXPECT_EQ(f.framer.settled_offset(), 15u);
  f.feed("fghij\n");
  EXPECT_EQ(f.lines, (Lines{{"abcd", 11}, {"efgh", 15}, {"ij", 19}}));
  EXPECT_EQ(f.framer.counts().split, 2u);
  f.lines.clear();
  f.feed("wxyz\n");  // exactly the limit: whole
  EXPECT_EQ(f.lines, (Lines{{"wxyz", 22}}));
}

TEST(LineFramer, ATenMebibyteLineStaysBounded) {
  Framed f(1024 * 1024, OverlongMode::truncate);
  const std::string chunk(256 * 1024, 'x');
  for (int i = 0; i < 40; ++i)
    f.feed(chunk);
  f.feed("\nnext\n");
  ASSERT_EQ(f.lines.size(), 2u);
  EXPECT_EQ(f.lines[0].first.size(), 1024u * 1024);
  EXPECT_EQ(f.lines[1], (std::pair<std::string, std::uint64_t>{"next", 10u * 1024 * 1024 + 1}));
}

// Bytes already in the batch (read straight into it): the same lines and offsets as copied bytes, and the
// whole lines are views into those bytes; a line begun in an earlier read is still put together.
TEST(LineFramer, BytesInTheBatchGiveTheSameLinesAsViewsIntoThem) {
  for (auto mode : {OverlongMode::truncate, OverlongMode::split, OverlongMode::drop}) {
    Framed copied(4, mode, 10);
    Framed stored(4, mode, 10);
    Lines views_inside;
    for (std::string_view data : {"ab\ncdefgh\nij", "k\nl", "", "mn\n\nopq\n"}) {
      copied.feed(data);
      char* in_batch = stored.batch.allocate(data.size());
      std::memcpy(in_batch, data.data(), data.size());
      const std::string_view read(in_batch, data.size());
      const std::size_t before = stored.lines.size();
      std::vector<std::string_view> got;
      stored.framer.feed_stored(read, stored.batch, [&](std::string_view line, std::uint64_t start) {
        stored.lines.emplace_back(line, start);
        got.push_back(line);
      });
      for (std::size_t i = 0; i < got.size(); ++i) {
        const bool inside = !got[i].empty() && got[i].data() >= read.data() &&
                            got[i].data() + got[i].size() <= read.data() + read.size();
        if (inside) views_inside.emplace_back(std::string(got[i]), stored.lines[before + i].second);
      }
    }
    EXPECT_EQ(stored.lines, copied.lines) << static_cast<int>(mode);
    EXPECT_EQ(stored.framer.offset(), copied.framer.offset());
    EXPECT_EQ(stored.framer.settled_offset(), copied.framer.settled_offset());
    // "ab", the pieces or the cut of "cdefgh", "mn" and "opq" are views; "ijk", begun in the first read, is
    // not.
    EXPECT_FALSE(views_inside.empty());
    for (const auto& [line, start] : views_inside)
      EXPECT_NE(line, "ijk");
  }
}

TEST(LineFramer, BinaryBytesAreKept) {
  Framed f(100);
  const std::string data("\0\xff\x01\n\x80\n", 6);
  f.feed(data);
  ASSERT_EQ(f.lines.size(), 2u);
  EXPECT_EQ(f.lines[0].first, std::string("\0\xff\x01", 3));
  EXPECT_EQ(f.lines[1].first, "\x80");
}

}  // namespace
}  // namespace pyrolog::files
