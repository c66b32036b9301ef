// Opening a channel after crashes and damage: torn tails, bit flips, bad cursors, strange files.

#include <mutex>
#include <random>

#include <gtest/gtest.h>

#include "channel/channel.h"
#include "channel/cursor_store.h"
#include "channel/directory_layout.h"
#include "channel/operations.h"
#include "channel/segment_scan.h"
#include "test_util.h"

namespace pyrolog::channel {
namespace {

using testing::as_bytes;
using testing::as_string;
using testing::open_channel;
using testing::payloads;
using testing::read_all;
using testing::read_file;
using testing::record;
using testing::segment_files;
using testing::small_options;
using testing::TempDir;
using testing::write_file;

struct FramePos {
  std::uint64_t offset;
  std::uint64_t next;
  std::uint64_t seq;
};

std::vector<FramePos> frame_positions(const std::filesystem::path& segment) {
  std::vector<FramePos> out;
  auto reader = SegmentReader::open(segment);
  EXPECT_TRUE(reader.ok());
  auto scan = scan_segment(
      *reader, {.verify_payloads = true, .stop_at_first_frame = false, .on_frame = [&](const ScanItem& item) {
                  out.push_back({item.offset, item.next, item.header.seq});
                }});
  EXPECT_TRUE(scan.ok());
  return out;
}

void copy_dir(const std::filesystem::path& from, const std::filesystem::path& to) {
  for (const auto& e : std::filesystem::directory_iterator(from)) {
    std::filesystem::copy_file(e.path(), to / e.path().filename(),
                               std::filesystem::copy_options::overwrite_existing);
  }
}

std::size_t count_events(const std::vector<Event>& events, EventKind kind) {
  return static_cast<std::size_t>(
      std::count_if(events.begin(), events.end(), [&](const Event& e) { return e.kind == kind; }));
}

// Collects Options::on_event calls.
struct EventLog {
  std::mutex mu;
  std::vector<Event> events;
  EventCallback callback() {
    return [this](const Event& e) {
      std::lock_guard lock(mu);
      events.push_back(e);
    };
  }
};

TEST(Recovery, TornTailAtEveryByteOfTheLastTwoFrames) {
  TempDir pristine;
  auto options = small_options(pristine.path());
  options.segment_bytes = 1024;
  std::vector<std::string> records;
  {
    auto channel = open_channel(options);
    for (std::uint64_t i = 1; i <= 20; ++i) {
      records.push_back(record(i, 30 + 7 * (i % 5)));
      ASSERT_TRUE(channel->append_and_wait(as_bytes(records.back())).ok());
    }
  }
  const auto segments = segment_files(pristine.path());
  ASSERT_GE(segments.size(), 2u);
  const auto last = segments.back();
  const auto bytes = read_file(last);
  const auto frames = frame_positions(last);
  ASSERT_GE(frames.size(), 3u);
  const std::uint64_t first_cut = frames[frames.size() - 2].offset;
  ASSERT_EQ(frames.back().next, bytes.size());

  for (std::uint64_t cut = first_cut; cut <= bytes.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    TempDir dir(TempDir::Where::memory);
    copy_dir(pristine.path(), dir.path());
    write_file(dir / last.filename().string(), std::span(bytes).first(cut));
    std::size_t whole = 0;  // frames of the last segment that survive the cut
    bool boundary = cut == frames.front().offset;
    for (const auto& f : frames) {
      if (f.next <= cut) ++whole;
      if (f.next == cut) boundary = true;
    }
    const std::uint64_t expected_frames = frames.front().seq - 1 + whole;

    auto opts = options;
    opts.directory = dir.path();
    auto channel = open_channel(opts);
    ASSERT_TRUE(channel);
    const auto stats = channel->stats();
    EXPECT_EQ(stats.torn_tails_cut, boundary ? 0u : 1u);
    EXPECT_EQ(stats.corrupt_frames_skipped, 0u);
    EXPECT_EQ(count_events(channel->recovery_events(), EventKind::torn_tail_cut), boundary ? 0u : 1u);
    auto reader = channel->open_reader("main");
    const auto got = payloads(read_all(**reader));
    ASSERT_EQ(got.size(), expected_frames);
    for (std::size_t i = 0; i < got.size(); ++i)
      ASSERT_EQ(got[i], records[i]);
    // The channel appends cleanly after the cut, and the result verifies clean.
    auto seq = channel->append_and_wait(as_bytes("after"));
    ASSERT_TRUE(seq.ok());
    EXPECT_EQ(*seq, expected_frames + 1);
    auto again = read_all(**reader);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(as_string(again[0].payload), "after");
    reader->reset();
    channel.reset();
    auto verified = verify_channel(dir.path());
    ASSERT_TRUE(verified.ok());
    EXPECT_TRUE(verified->clean) << verified->problems.front().what;
  }
}

// Flips each bit of a frame header and a sample of payload bits, in a sealed segment and in the last one: the
// frame is detected, skipped and counted once with its segment and offset; every other frame is still read.
TEST(Recovery, SingleBitFlipsInHeadersAndPayloads) {
  TempDir pristine;
  auto options = small_options(pristine.path());
  options.segment_bytes = 1024;
  std::vector<std::string> records;
  {
    auto channel = open_channel(options);
    for (std::uint64_t i = 1; i <= 30; ++i) {
      records.push_back(record(i, 60));
      ASSERT_TRUE(channel->append_and_wait(as_bytes(records.back())).ok());
    }
  }
  const auto segments = segment_files(pristine.path());
  ASSERT_GE(segments.size(), 3u);
  struct Target {
    std::filesystem::path segment;
    FramePos frame;
  };
  std::vector<Target> targets;
  for (const auto& seg : {segments.front(), segments.back()}) {
    const auto frames = frame_positions(seg);
    ASSERT_GE(frames.size(), 3u);
    targets.push_back({seg, frames[frames.size() / 2]});
  }
  for (const auto& target : targets) {
    const auto original = read_file(target.segment);
    const std::uint64_t segment_id = *parse_segment_file_name(target.segment.filename().string());
    std::vector<std::uint64_t> bits;
    for (std::uint64_t b = 0; b < kFrameHeaderSize * 8; ++b)
      bits.push_back(b);
    for (std::uint64_t b = kFrameHeaderSize * 8; b < (target.frame.next - target.frame.offset) * 8; b += 7) {
      bits.push_back(b);
    }
    for (const std::uint64_t bit : bits) {
      SCOPED_TRACE(target.segment.filename().string() + " frame " + std::to_string(target.frame.seq) +
                   " bit " + std::to_string(bit));
      TempDir dir(TempDir::Where::memory);
      copy_dir(pristine.path(), dir.path());
      auto bytes = original;
      bytes[target.frame.offset + bit / 8] ^= static_cast<std::byte>(1u << (bit % 8));
      write_file(dir / target.segment.filename().string(), bytes);

      EventLog log;
      auto opts = options;
      opts.directory = dir.path();
      opts.on_event = log.callback();
      auto channel = open_channel(opts);
      ASSERT_TRUE(channel);
      auto reader = channel->open_reader("main");
      const auto frames = read_all(**reader);
      ASSERT_EQ(frames.size(), 29u);
      std::size_t i = 0;
      for (std::uint64_t seq = 1; seq <= 30; ++seq) {
        if (seq == target.frame.seq) continue;
        ASSERT_EQ(frames[i].seq, seq);
        ASSERT_EQ(as_string(frames[i].payload), records[seq - 1]);
        ++i;
      }
      const auto stats = channel->stats();
      EXPECT_EQ(stats.corrupt_frames_skipped, 1u);
      EXPECT_EQ(stats.torn_tails_cut, 0u);
      std::lock_guard lock(log.mu);
      ASSERT_EQ(count_events(log.events, EventKind::corrupt_frame_skipped), 1u);
      const auto it = std::find_if(log.events.begin(), log.events.end(),
                                   [](const Event& e) { return e.kind == EventKind::corrupt_frame_skipped; });
      EXPECT_EQ(it->segment_id, segment_id);
      EXPECT_EQ(it->offset, target.frame.offset);
      EXPECT_EQ(it->bytes, target.frame.next - target.frame.offset);
    }
  }
}

TEST(Recovery, DamagedSegmentHeaderStillYieldsItsFrames) {
  TempDir dir;
  auto options = small_options(dir.path());
  options.segment_bytes = 1024;
  {
    auto channel = open_channel(options);
    for (std::uint64_t i = 1; i <= 30; ++i)
      ASSERT_TRUE(channel->append_and_wait(as_bytes(record(i, 60))).ok());
  }
  for (const auto& seg : {segment_files(dir.path())[0], segment_files(dir.path()).back()}) {
    auto bytes = read_file(seg);
    bytes[20] ^= std::byte{0x10};
    write_file(seg, bytes);
  }
  auto channel = open_channel(options);
  EXPECT_EQ(count_events(channel->recovery_events(), EventKind::segment_header_corrupt), 2u);
  EXPECT_EQ(channel->stats().corrupt_segment_headers, 2u);
  auto reader = channel->open_reader("main");
  EXPECT_EQ(read_all(**reader).size(), 30u);
  // The last segment's header is bad, so appends go to a new segment.
  EXPECT_EQ(*channel->append_and_wait(as_bytes("x")), 31u);
  EXPECT_EQ(read_all(**reader).size(), 1u);
}

void damaged_cursor_falls_back_to_oldest(const std::vector<std::byte>& cursor_bytes) {
  TempDir dir;
  auto options = small_options(dir.path());
  {
    auto channel = open_channel(options);
    for (std::uint64_t i = 1; i <= 200; ++i)
      ASSERT_TRUE(channel->append_and_wait(as_bytes(record(i))).ok());
    auto reader = channel->open_reader("main");
    ASSERT_EQ(read_all(**reader).size(), 200u);
    ASSERT_FALSE((*reader)->ack(150));
  }
  ASSERT_EQ(load_cursor(dir.path(), "main").cursor.next_seq, 151u);
  write_file(dir / "main.cursor", cursor_bytes);
  auto channel = open_channel(options);
  ASSERT_EQ(count_events(channel->recovery_events(), EventKind::cursor_corrupt), 1u);
  auto reader = channel->open_reader("main");
  const auto frames = read_all(**reader);
  ASSERT_FALSE(frames.empty());
  EXPECT_GT(frames.front().seq, 1u);    // acknowledged segments were deleted...
  EXPECT_LE(frames.front().seq, 151u);  // ...but nothing unacknowledged is lost: duplicates only
  EXPECT_EQ(frames.back().seq, 200u);
  for (std::size_t i = 1; i < frames.size(); ++i)
    EXPECT_EQ(frames[i].seq, frames[i - 1].seq + 1);
}

TEST(Recovery, ZeroLengthCursorFallsBackToOldestFrame) {
  damaged_cursor_falls_back_to_oldest({});
}

TEST(Recovery, GarbageCursorFallsBackToOldestFrame) {
  std::vector<std::byte> garbage(48);
  std::mt19937 rng(7);
  for (auto& b : garbage)
    b = static_cast<std::byte>(rng() & 0xFFu);
  damaged_cursor_falls_back_to_oldest(garbage);
  auto valid_but_bitflipped = encode_cursor({151, 0, 0});
  valid_but_bitflipped[17] ^= std::byte{1};
  damaged_cursor_falls_back_to_oldest({valid_but_bitflipped.begin(), valid_but_bitflipped.end()});
  damaged_cursor_falls_back_to_oldest(std::vector<std::byte>(5000, std::byte{'x'}));
}

TEST(Recovery, DeclaredReaderWithoutCursorStartsAtOldest) {
  TempDir dir;
  auto options = small_options(dir.path());
  {
    auto channel = open_channel(options);
    ASSERT_TRUE(channel->append_and_wait(as_bytes("a")).ok());
  }
  options.readers = {"main", "late"};
  auto channel = open_channel(options);
  EXPECT_EQ(count_events(channel->recovery_events(), EventKind::cursor_missing), 1u);
  auto late = channel->open_reader("late");
  EXPECT_EQ(read_all(**late).size(), 1u);
}

TEST(Recovery, UnknownFilesAreReportedAndLeftAlone) {
  TempDir dir;
  const std::string notes = "operator notes";
  write_file(dir / "notes.txt", as_bytes(notes));
  write_file(dir / "00000000000000000001.seg.bak", as_bytes(notes));
  write_file(dir / "bad name.cursor", as_bytes(notes));
  std::filesystem::create_directory(dir / "stuff");
  auto options = small_options(dir.path());
  {
    auto channel = open_channel(options);
    EXPECT_EQ(count_events(channel->recovery_events(), EventKind::unknown_file), 4u);
    for (std::uint64_t i = 1; i <= 200; ++i)
      ASSERT_TRUE(channel->append_and_wait(as_bytes(record(i))).ok());
    auto reader = channel->open_reader("main");
    ASSERT_EQ(read_all(**reader).size(), 200u);
    ASSERT_FALSE((*reader)->ack(200));  // deletes segments
  }
  EXPECT_EQ(as_string(read_file(dir / "notes.txt")), notes);
  EXPECT_EQ(as_string(read_file(dir / "00000000000000000001.seg.bak")), notes);
  EXPECT_EQ(as_string(read_file(dir / "bad name.cursor")), notes);
  EXPECT_TRUE(std::filesystem::is_directory(dir / "stuff"));
}

TEST(Recovery, LeftoverTemporaryFilesAreRemoved) {
  TempDir dir;
  // A reader the channel does not know: its own reader's cursor writer makes `main.cursor.tmp` in the
  // background, which a check for that name would race with.
  write_file(dir / "retired.cursor.tmp", as_bytes("half a cursor"));
  write_file(dir / "00000000000000000003.seg.tmp", as_bytes("half a segment"));
  auto channel = open_channel(small_options(dir.path()));
  EXPECT_EQ(count_events(channel->recovery_events(), EventKind::temp_file_removed), 2u);
  EXPECT_FALSE(std::filesystem::exists(dir / "retired.cursor.tmp"));
  EXPECT_FALSE(std::filesystem::exists(dir / "00000000000000000003.seg.tmp"));
}

TEST(Recovery, EmptyHeaderOnlyAndGarbageSegments) {
  TempDir dir;
  auto options = small_options(dir.path());
  {
    auto channel = open_channel(options);
    for (std::uint64_t i = 1; i <= 5; ++i)
      ASSERT_TRUE(channel->append_and_wait(as_bytes(record(i))).ok());
  }
  // An interrupted segment creation: an empty file, and one holding only a header.
  write_file(dir / segment_file_name(2), {});
  {
    auto channel = open_channel(options);
    EXPECT_EQ(count_events(channel->recovery_events(), EventKind::segment_dropped), 1u);
    auto reader = channel->open_reader("main");
    EXPECT_EQ(read_all(**reader).size(), 5u);
  }
  const auto header = encode_segment_header({.version = kFormatVersion, .segment_id = 3, .first_seq = 6});
  write_file(dir / segment_file_name(3), header);
  {
    auto channel = open_channel(options);
    EXPECT_TRUE(channel->recovery_events().empty());
    EXPECT_EQ(*channel->append_and_wait(as_bytes("six")), 6u);
  }
  // A segment-named file full of random bytes.
  std::vector<std::byte> garbage(1 << 20);
  std::mt19937_64 rng(1);
  for (auto& b : garbage)
    b = static_cast<std::byte>(rng() & 0xFFu);
  write_file(dir / segment_file_name(9), garbage);
  auto channel = open_channel(options);
  EXPECT_EQ(count_events(channel->recovery_events(), EventKind::segment_dropped), 1u);
  EXPECT_FALSE(std::filesystem::exists(dir / segment_file_name(9)));
  auto reader = channel->open_reader("main");
  EXPECT_EQ(read_all(**reader).size(), 6u);
  EXPECT_EQ(*channel->append_and_wait(as_bytes("seven")), 7u);
}

// A header with a valid checksum that claims a huge payload must not cause a huge allocation or a hang.
TEST(Recovery, HugeLengthFieldIsSkippedWithoutAllocating) {
  TempDir dir;
  auto options = small_options(dir.path());
  options.segment_bytes = 1024;
  {
    auto channel = open_channel(options);
    for (std::uint64_t i = 1; i <= 30; ++i)
      ASSERT_TRUE(channel->append_and_wait(as_bytes(record(i, 60))).ok());
  }
  for (const auto& seg : {segment_files(dir.path()).front(), segment_files(dir.path()).back()}) {
    const auto frames = frame_positions(seg);
    auto bytes = read_file(seg);
    const auto& f = frames[1];
    const auto forged = encode_frame_header({.length = kMaxFramePayload, .seq = f.seq, .payload_crc = 0});
    std::copy(forged.begin(), forged.end(), bytes.begin() + static_cast<std::ptrdiff_t>(f.offset));
    write_file(seg, bytes);
  }
  auto channel = open_channel(options);
  auto reader = channel->open_reader("main");
  EXPECT_EQ(read_all(**reader).size(), 28u);
  EXPECT_EQ(channel->stats().corrupt_frames_skipped, 2u);
}

TEST(Recovery, CursorAheadOfDataKeepsNewFramesVisible) {
  TempDir dir;
  auto options = small_options(dir.path());
  {
    auto channel = open_channel(options);
    for (std::uint64_t i = 1; i <= 5; ++i)
      ASSERT_TRUE(channel->append_and_wait(as_bytes(record(i))).ok());
  }
  // As if frames 6..9 had been acknowledged, then lost in a power cut (`never` sync).
  ASSERT_FALSE(store_cursor(dir.path(), "main", {10, 0, 0}));
  auto channel = open_channel(options);
  EXPECT_EQ(count_events(channel->recovery_events(), EventKind::cursor_ahead), 1u);
  EXPECT_EQ(*channel->append_and_wait(as_bytes("new")), 10u);
  auto reader = channel->open_reader("main");
  const auto frames = read_all(**reader);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(as_string(frames[0].payload), "new");
}

}  // namespace
}  // namespace pyrolog::channel
