#include "framing/line_splitter.h"

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pyrolog {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

using Lines = std::vector<std::pair<std::string, std::uint64_t>>;  // (line, end offset)

// Feeds chunks one by one (then `finish` when asked), and keeps every line with its end offset.
class Splitter {
 public:
  Splitter(std::size_t max, OverlongLine mode) : splitter_(max, mode) {}

  Splitter& feed(std::string_view chunk) {
    // A copy that is overwritten afterwards: lines must live in the batch, not in the caller's buffer.
    std::string buffer(chunk);
    splitter_.feed(buffer, batch_, [this](std::string_view line, std::uint64_t end) { record(line, end); });
    std::fill(buffer.begin(), buffer.end(), '#');
    return *this;
  }
  Splitter& feed_bytewise(std::string_view data) {
    for (char c : data)
      feed(std::string_view(&c, 1));
    return *this;
  }
  Splitter& finish() {
    splitter_.finish(batch_, [this](std::string_view line, std::uint64_t end) { record(line, end); });
    return *this;
  }
  // The lines as they are now, read through the views into the batch.
  Lines lines() const {
    Lines out;
    for (const auto& [view, end] : views_)
      out.emplace_back(std::string(view), end);
    return out;
  }
  const LineSplitter& splitter() const { return splitter_; }

 private:
  void record(std::string_view line, std::uint64_t end) {
    EXPECT_TRUE(views_.empty() || end > views_.back().second) << "offsets go forward";
    views_.emplace_back(line, end);
  }

  Batch batch_;
  LineSplitter splitter_;
  std::vector<std::pair<std::string_view, std::uint64_t>> views_;
};

// The lines of a whole stream, split the simple way.
struct Reference {
  Lines lines;
  LineSplitterStats stats;
};

Reference reference_split(const std::string& stream, std::size_t max, OverlongLine mode, bool finish) {
  Reference ref;
  std::size_t start = 0;
  auto emit = [&](std::string line, std::uint64_t end) {
    if (line.size() <= max) {
      ref.lines.emplace_back(std::move(line), end);
    } else if (mode == OverlongLine::truncate) {
      ++ref.stats.truncated;
      ref.lines.emplace_back(line.substr(0, max), end);
    } else {
      ++ref.stats.dropped;
    }
  };
  for (std::size_t nl = stream.find('\n'); nl != std::string::npos; nl = stream.find('\n', start)) {
    emit(stream.substr(start, nl - start), nl + 1);
    start = nl + 1;
  }
  if (start < stream.size()) {
    if (finish) {
      emit(stream.substr(start), stream.size());
    } else if (stream.size() - start > max) {
      // Not finished: the over-long partial line is already counted, and its kept part waits for the newline.
      if (mode == OverlongLine::truncate) {
        ++ref.stats.truncated;
      } else {
        ++ref.stats.dropped;
      }
    }
  }
  return ref;
}

TEST(LineSplitter, SplitsLinesInOneFeed) {
  Splitter s(100, OverlongLine::truncate);
  s.feed("a\nbb\n\nccc\n");
  EXPECT_THAT(s.lines(), ElementsAre(Pair("a", 2), Pair("bb", 5), Pair("", 6), Pair("ccc", 10)));
  EXPECT_EQ(s.splitter().offset(), 10u);
  EXPECT_EQ(s.splitter().pending_bytes(), 0u);
}

TEST(LineSplitter, KeepsEveryByteButTheNewline) {
  Splitter s(100, OverlongLine::truncate);
  s.feed(std::string("a\r\nb\r\n\r\n\t x \0 y\n", 16));
  EXPECT_THAT(s.lines(), ElementsAre(Pair("a\r", 3), Pair("b\r", 6), Pair("\r", 8),
                                     Pair(std::string("\t x \0 y", 7), 16)));
}

TEST(LineSplitter, EmptyLines) {
  Splitter s(10, OverlongLine::drop);
  s.feed("\n\n").feed("\n").feed_bytewise("\n\n");
  EXPECT_THAT(s.lines(), ElementsAre(Pair("", 1), Pair("", 2), Pair("", 3), Pair("", 4), Pair("", 5)));
}

TEST(LineSplitter, LinesAcrossFeeds) {
  Splitter s(100, OverlongLine::truncate);
  s.feed("hel").feed("lo\nwor").feed("").feed("ld").feed("\n").feed("x\ny").feed("\r").feed("\n");
  EXPECT_THAT(s.lines(), ElementsAre(Pair("hello", 6), Pair("world", 12), Pair("x", 14), Pair("y\r", 17)));
  EXPECT_EQ(s.splitter().offset(), 17u);
}

TEST(LineSplitter, OneByteFeeds) {
  Splitter s(100, OverlongLine::truncate);
  s.feed_bytewise("first\nsecond\r\n\nlast");
  EXPECT_THAT(s.lines(), ElementsAre(Pair("first", 6), Pair("second\r", 14), Pair("", 15)));
  EXPECT_EQ(s.splitter().pending_bytes(), 4u);
  EXPECT_EQ(s.splitter().offset(), 19u);
  s.finish();
  EXPECT_THAT(s.lines().back(), Pair("last", 19));
  EXPECT_EQ(s.splitter().pending_bytes(), 0u);
}

TEST(LineSplitter, EmptyFeedsChangeNothing) {
  Splitter s(8, OverlongLine::truncate);
  s.feed("").feed("ab").feed("").feed(std::string_view()).feed("c\n").feed(std::string_view());
  EXPECT_THAT(s.lines(), ElementsAre(Pair("abc", 4)));
  EXPECT_EQ(s.splitter().offset(), 4u);
}

TEST(LineSplitter, FinishEmitsThePartialLastLine) {
  Splitter s(100, OverlongLine::truncate);
  s.feed("a\npartial");
  EXPECT_THAT(s.lines(), ElementsAre(Pair("a", 2)));
  s.finish();
  EXPECT_THAT(s.lines(), ElementsAre(Pair("a", 2), Pair("partial", 9)));
  // Nothing pending: finish emits nothing, even twice.
  s.finish().finish();
  EXPECT_EQ(s.lines().size(), 2u);
  // The splitter goes on after finish.
  s.feed("more\n");
  EXPECT_THAT(s.lines().back(), Pair("more", 14));
}

TEST(LineSplitter, FinishWithoutAPartialLineEmitsNothing) {
  Splitter s(100, OverlongLine::truncate);
  s.finish();
  s.feed("a\n").finish();
  EXPECT_THAT(s.lines(), ElementsAre(Pair("a", 2)));
}

// ---- Over-long lines ----

TEST(LineSplitter, OverlongLineInOneFeed) {
  Splitter t(4, OverlongLine::truncate);
  t.feed("abcdefg\nok\n");
  EXPECT_THAT(t.lines(), ElementsAre(Pair("abcd", 8), Pair("ok", 11)));
  EXPECT_EQ(t.splitter().stats().truncated, 1u);
  EXPECT_EQ(t.splitter().stats().dropped, 0u);

  Splitter d(4, OverlongLine::drop);
  d.feed("abcdefg\nok\n");
  EXPECT_THAT(d.lines(), ElementsAre(Pair("ok", 11)));
  EXPECT_EQ(d.splitter().stats().dropped, 1u);
  EXPECT_EQ(d.splitter().stats().truncated, 0u);
}

TEST(LineSplitter, LineOfExactlyTheLimitIsKept) {
  for (auto mode : {OverlongLine::truncate, OverlongLine::drop}) {
    Splitter s(4, mode);
    s.feed("abcd\n");           // in one feed
    s.feed("ef").feed("gh\n");  // across feeds
    s.feed("ijkl").feed("\n");  // the newline in the next feed
    s.feed("mnop").finish();    // at the end of the stream
    EXPECT_THAT(s.lines(),
                ElementsAre(Pair("abcd", 5), Pair("efgh", 10), Pair("ijkl", 15), Pair("mnop", 19)));
    EXPECT_EQ(s.splitter().stats().truncated + s.splitter().stats().dropped, 0u);
  }
}

TEST(LineSplitter, LineOneOverTheLimit) {
  Splitter t(4, OverlongLine::truncate);
  t.feed("abcde\n").feed("fg").feed("hij\n").feed("klmn").feed("o\n");
  EXPECT_THAT(t.lines(), ElementsAre(Pair("abcd", 6), Pair("fghi", 12), Pair("klmn", 18)));
  EXPECT_EQ(t.splitter().stats().truncated, 3u);

  Splitter d(4, OverlongLine::drop);
  d.feed("abcde\n").feed("fg").feed("hij\n").feed("klmn").feed("o\n").feed("x\n");
  EXPECT_THAT(d.lines(), ElementsAre(Pair("x", 20)));
  EXPECT_EQ(d.splitter().stats().dropped, 3u);
}

TEST(LineSplitter, OverlongLineThatStartsInOneFeedAndEndsInAnother) {
  // Truncated: the kept part waits for the newline, and is emitted with the offset just past it.
  Splitter t(4, OverlongLine::truncate);
  t.feed("ok\nabcdef");
  EXPECT_THAT(t.lines(), ElementsAre(Pair("ok", 3)));
  EXPECT_EQ(t.splitter().stats().truncated, 1u);
  EXPECT_EQ(t.splitter().pending_bytes(), 4u);  // bounded by the limit
  t.feed("ghij").feed("klm");
  EXPECT_EQ(t.splitter().pending_bytes(), 4u);
  t.feed("no\nnext\n");
  EXPECT_THAT(t.lines(), ElementsAre(Pair("ok", 3), Pair("abcd", 19), Pair("next", 24)));
  EXPECT_EQ(t.splitter().stats().truncated, 1u);

  Splitter d(4, OverlongLine::drop);
  d.feed("ok\nabcdef").feed("ghij").feed("klm");
  EXPECT_EQ(d.splitter().pending_bytes(), 0u);
  d.feed("no\nnext\n");
  EXPECT_THAT(d.lines(), ElementsAre(Pair("ok", 3), Pair("next", 24)));
  EXPECT_EQ(d.splitter().stats().dropped, 1u);
}

TEST(LineSplitter, OverlongOnlyOnceTheSecondFeedArrives) {
  Splitter t(4, OverlongLine::truncate);
  t.feed("abc").feed("def\n");
  EXPECT_THAT(t.lines(), ElementsAre(Pair("abcd", 7)));
  Splitter d(4, OverlongLine::drop);
  d.feed("abc").feed("def\n").feed("g\n");
  EXPECT_THAT(d.lines(), ElementsAre(Pair("g", 9)));
}

TEST(LineSplitter, OverlongLineByteByByte) {
  Splitter t(3, OverlongLine::truncate);
  t.feed_bytewise("abcdefgh\nxyz\n");
  EXPECT_THAT(t.lines(), ElementsAre(Pair("abc", 9), Pair("xyz", 13)));
  Splitter d(3, OverlongLine::drop);
  d.feed_bytewise("abcdefgh\nxyz\n");
  EXPECT_THAT(d.lines(), ElementsAre(Pair("xyz", 13)));
}

TEST(LineSplitter, FinishWithAnOverlongPartialLine) {
  Splitter t(4, OverlongLine::truncate);
  t.feed("a\nbcdefgh").finish();
  EXPECT_THAT(t.lines(), ElementsAre(Pair("a", 2), Pair("bcde", 9)));
  EXPECT_EQ(t.splitter().stats().truncated, 1u);

  Splitter d(4, OverlongLine::drop);
  d.feed("a\nbcdefgh").finish();
  EXPECT_THAT(d.lines(), ElementsAre(Pair("a", 2)));
  EXPECT_EQ(d.splitter().stats().dropped, 1u);
  // After finish, the next bytes start a new line.
  d.feed("ij\n");
  EXPECT_THAT(d.lines().back(), Pair("ij", 12));
}

TEST(LineSplitter, ZeroLimitKeepsOnlyEmptyLines) {
  Splitter t(0, OverlongLine::truncate);
  t.feed("a\n\nbc").feed("d\n");
  EXPECT_THAT(t.lines(), ElementsAre(Pair("", 2), Pair("", 3), Pair("", 7)));
  Splitter d(0, OverlongLine::drop);
  d.feed("a\n\nbc").feed("d\n");
  EXPECT_THAT(d.lines(), ElementsAre(Pair("", 3)));
}

TEST(LineSplitter, MatchesAReferenceSplitterForRandomChunkings) {
  std::mt19937 rng(99);
  for (int round = 0; round < 1500; ++round) {
    const std::size_t max = rng() % 12;
    const auto mode = rng() % 2 ? OverlongLine::truncate : OverlongLine::drop;
    // Lines around the limit, some empty, some with CR.
    std::string stream;
    for (int n = static_cast<int>(rng() % 12); n > 0; --n) {
      const std::size_t len = rng() % 4 == 0 ? max + rng() % 3 : rng() % (max + 6);
      for (std::size_t i = 0; i < len; ++i)
        stream += "ab\rc"[rng() % 4];
      stream += '\n';
    }
    if (rng() % 2) {
      for (std::size_t i = rng() % (max + 8); i > 0; --i)
        stream += 'z';  // a last line without a newline
    }
    const bool finish = rng() % 2;

    Splitter s(max, mode);
    std::size_t pos = 0;
    while (pos < stream.size()) {
      const std::size_t n = std::min<std::size_t>(stream.size() - pos, rng() % 3 == 0 ? 1 : rng() % 9);
      s.feed(std::string_view(stream).substr(pos, n));
      pos += n;
    }
    if (finish) s.finish();

    const Reference ref = reference_split(stream, max, mode, finish);
    SCOPED_TRACE(::testing::Message() << "max " << max << (mode == OverlongLine::drop ? " drop" : " truncate")
                                      << (finish ? " finish" : "") << ", stream '" << stream << "'");
    ASSERT_EQ(s.lines(), ref.lines);
    ASSERT_EQ(s.splitter().stats().truncated, ref.stats.truncated);
    ASSERT_EQ(s.splitter().stats().dropped, ref.stats.dropped);
    ASSERT_EQ(s.splitter().offset(), stream.size());
    ASSERT_LE(s.splitter().pending_bytes(), max);
  }
}

TEST(LineSplitter, LinesInOneFeedAreViewsIntoOneCopy) {
  // The lines wholly inside a feed are stored once and handed out as views of that copy.
  Batch batch;
  LineSplitter splitter(100, OverlongLine::truncate);
  std::vector<std::string_view> lines;
  splitter.feed("one\ntwo\nthree\n", batch,
                [&](std::string_view line, std::uint64_t) { lines.push_back(line); });
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1].data(), lines[0].data() + 4);
  EXPECT_EQ(lines[2].data(), lines[1].data() + 4);
  EXPECT_EQ(batch.raw_bytes(), 0u);  // the splitter stores bytes; adding events is the caller's
  EXPECT_THAT(lines, ElementsAre("one", "two", "three"));
}

}  // namespace
}  // namespace pyrolog
