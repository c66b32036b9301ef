#include "syslog_framer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pyrolog::syslog {
namespace {

struct Framed {
  std::vector<std::string> frames;
  FramerStats stats;
};

// Feeds `input` in pieces of `piece` bytes (0: all at once), then ends the stream.
Framed frame(const std::string& input, FramerOptions options, std::size_t piece = 0, bool finish = true) {
  Framer framer(options);
  Framed run;
  auto on_frame = [&](std::string_view f) { run.frames.emplace_back(f); };
  if (piece == 0) {
    framer.feed(input, on_frame);
  } else {
    for (std::size_t i = 0; i < input.size(); i += piece)
      framer.feed(std::string_view(input).substr(i, piece), on_frame);
  }
  if (finish) framer.finish(on_frame);
  run.stats = framer.stats();
  return run;
}

FramerOptions with(Framing framing, std::size_t max = 1024, Overlong overlong = Overlong::truncate) {
  return FramerOptions{framing, max, overlong, false};
}

using Frames = std::vector<std::string>;

TEST(SyslogFramer, OctetCounting) {
  const std::string in = "11 <13>1 - - -12 <14>hello   x";
  const Framed r = frame(in, with(Framing::octet_counting));
  EXPECT_EQ(r.frames, (Frames{"<13>1 - - -", "<14>hello   "}));
  EXPECT_EQ(r.stats.framing_errors, 1u);  // the trailing `x` has no length
}

TEST(SyslogFramer, NewlineWithCrLfAndEmptyLines) {
  const std::string in = "<13>a\r\n\n\n<14>b\n<15>c";
  EXPECT_EQ(frame(in, with(Framing::newline)).frames, (Frames{"<13>a", "<14>b", "<15>c"}));
}

TEST(SyslogFramer, ExactLinesKeepEveryByte) {
  // The tcp source's newline framing: blanks, CR and empty lines kept, in every piece size.
  FramerOptions o = with(Framing::newline, 8);
  o.exact_lines = true;
  for (std::size_t piece : {std::size_t{0}, std::size_t{1}, std::size_t{3}}) {
    const Framed r = frame("  a\r\n\n\nlonger than eight\n\r\nend", o, piece);
    EXPECT_EQ(r.frames, (Frames{"  a\r", "", "", "longer t", "\r", "end"})) << piece;
    EXPECT_EQ(r.stats.truncated, 1u);
  }
  o.overlong = Overlong::drop;
  EXPECT_EQ(frame("ok\nlonger than eight\n\nlonger than eight", o, 2).frames, (Frames{"ok", ""}));
  // Octet counting ignores the option.
  o.framing = Framing::octet_counting;
  EXPECT_EQ(frame("3 abc\n2 de", o).frames, (Frames{"abc", "de"}));
}

TEST(SyslogFramer, AutomaticMixesBothPerFrame) {
  const std::string in = "5 <13>a<14>line\n6 <15>bc\n2024-01-01 starts with a digit\n";
  EXPECT_EQ(frame(in, with(Framing::automatic)).frames,
            (Frames{"<13>a", "<14>line", "<15>bc", "2024-01-01 starts with a digit"}));
}

TEST(SyslogFramer, NewlineModeNeverReadsLengths) {
  EXPECT_EQ(frame("5 <13>a\n", with(Framing::newline)).frames, (Frames{"5 <13>a"}));
}

TEST(SyslogFramer, NulDelimiter) {
  FramerOptions o = with(Framing::automatic);
  o.nul_delimiter = true;
  const std::string in("<13>a\0<14>b\n<15>c\0", 18);
  for (std::size_t piece : {0u, 1u, 2u, 5u, 7u})
    EXPECT_EQ(frame(in, o, piece).frames, (Frames{"<13>a", "<14>b", "<15>c"})) << piece;
  EXPECT_EQ(frame(in, with(Framing::newline)).frames,
            (Frames{std::string("<13>a\0<14>b", 11), std::string("<15>c\0", 6)}));
}

TEST(SyslogFramer, EveryPieceSizeGivesTheSameFrames) {
  const std::string in = "11 <13>1 - - -<14>line one\r\n26 <15>with\nnewline inside!!\n\n8 <16>last";
  const Frames expected{"<13>1 - - -", "<14>line one", "<15>with\nnewline inside!!\n", "<16>last"};
  for (std::size_t piece : {0u, 1u, 2u, 3u, 5u, 7u, 64u}) {
    SCOPED_TRACE(piece);
    EXPECT_EQ(frame(in, with(Framing::automatic), piece).frames, expected);
  }
}

TEST(SyslogFramer, FrameSplitIntoOneBytePieces) {
  std::string in;
  Frames expected;
  for (int i = 0; i < 100; ++i) {
    const std::string msg = "<13>1 - host app - - - message number " + std::to_string(i);
    in += std::to_string(msg.size()) + " " + msg;
    expected.push_back(msg);
  }
  const Framed r = frame(in, with(Framing::octet_counting), 1);
  EXPECT_EQ(r.frames, expected);
  EXPECT_EQ(r.stats.frames, 100u);
}

TEST(SyslogFramer, LengthPrefixOf2To31IsSkippedNotBuffered) {
  // 2^31: far over the limit; dropped, and what follows it (up to 2^31 bytes) belongs to that frame.
  Framer framer(with(Framing::octet_counting, 1024, Overlong::drop));
  Frames frames;
  auto on_frame = [&](std::string_view f) { frames.emplace_back(f); };
  framer.feed("2147483648 ", on_frame);
  const std::string chunk(1 << 20, 'x');
  for (int i = 0; i < 64; ++i)
    framer.feed(chunk, on_frame);  // 64 MiB of the huge frame
  EXPECT_TRUE(frames.empty());
  EXPECT_EQ(framer.pending_bytes(), 0u);  // nothing held
  EXPECT_EQ(framer.stats().dropped, 1u);
}

TEST(SyslogFramer, HugeLengthIsTruncatedWithinTheLimitAndTheStreamGoesOn) {
  // A declared length over the limit: the first max bytes are kept, the rest of the declared frame skipped.
  std::string in = "40 " + std::string(40, 'a') + "5 <13>b";
  const Framed r = frame(in, with(Framing::octet_counting, 16));
  EXPECT_EQ(r.frames, (Frames{std::string(16, 'a'), "<13>b"}));
  EXPECT_EQ(r.stats.truncated, 1u);
  const Framed d = frame(in, with(Framing::octet_counting, 16, Overlong::drop));
  EXPECT_EQ(d.frames, (Frames{"<13>b"}));
  EXPECT_EQ(d.stats.dropped, 1u);
}

TEST(SyslogFramer, MoreThanTenDigitsIsNotALength) {
  // automatic: read as the start of a line; octet_counting: a framing error, skipped to the next LF.
  const std::string in = "123456789012345 <13>x\n5 <13>y";
  EXPECT_EQ(frame(in, with(Framing::automatic)).frames, (Frames{"123456789012345 <13>x", "<13>y"}));
  const Framed r = frame(in, with(Framing::octet_counting));
  EXPECT_EQ(r.frames, (Frames{"<13>y"}));
  EXPECT_EQ(r.stats.framing_errors, 1u);
}

TEST(SyslogFramer, OctetCountingResynchronisesAfterGarbage) {
  const std::string in = "garbage here\n12abc\n5 <13>a";
  const Framed r = frame(in, with(Framing::octet_counting));
  EXPECT_EQ(r.frames, (Frames{"<13>a"}));
  EXPECT_EQ(r.stats.framing_errors, 2u);
}

TEST(SyslogFramer, LongLinesTruncatedOrDroppedInAnyPieces) {
  const std::string in = std::string(100, 'L') + "\n<13>next\n";
  for (std::size_t piece : {0u, 1u, 7u}) {
    const Framed t = frame(in, with(Framing::newline, 64), piece);
    EXPECT_EQ(t.frames, (Frames{std::string(64, 'L'), "<13>next"}));
    EXPECT_EQ(t.stats.truncated, 1u);
    const Framed d = frame(in, with(Framing::newline, 64, Overlong::drop), piece);
    EXPECT_EQ(d.frames, (Frames{"<13>next"}));
    EXPECT_EQ(d.stats.dropped, 1u);
  }
}

TEST(SyslogFramer, EndOfStream) {
  // A partial line is a frame; a partial octet-counted frame too, counted as truncated; lone digits a line.
  EXPECT_EQ(frame("<13>no newline", with(Framing::automatic)).frames, (Frames{"<13>no newline"}));
  const Framed r = frame("20 <13>short", with(Framing::automatic));
  EXPECT_EQ(r.frames, (Frames{"<13>short"}));
  EXPECT_EQ(r.stats.truncated, 1u);
  EXPECT_EQ(frame("123", with(Framing::automatic)).frames, (Frames{"123"}));
  EXPECT_TRUE(frame("<13>held", with(Framing::automatic), 0, false).frames.empty());
}

TEST(SyslogFramer, ALengthStartingWithZeroIsAFramingError) {
  const Framed r = frame("0 x\n5 <13>a", with(Framing::octet_counting));
  EXPECT_EQ(r.frames, (Frames{"<13>a"}));
  EXPECT_EQ(r.stats.framing_errors, 1u);
}

}  // namespace
}  // namespace pyrolog::syslog
