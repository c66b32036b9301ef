// inspect, verify and repair.

#include "channel/operations.h"

#include <gtest/gtest.h>

#include "channel/channel.h"
#include "channel/directory_layout.h"
#include "test_util.h"

namespace pyrolog::channel {
namespace {

using testing::as_bytes;
using testing::open_channel;
using testing::read_all;
using testing::read_file;
using testing::record;
using testing::segment_files;
using testing::small_options;
using testing::TempDir;
using testing::write_file;

void make_channel(const std::filesystem::path& dir, std::uint64_t frames, std::uint64_t ack) {
  auto options = small_options(dir);
  options.segment_bytes = 1024;
  options.readers = {"a", "b"};
  auto channel = open_channel(options);
  for (std::uint64_t i = 1; i <= frames; ++i)
    ASSERT_TRUE(channel->append_and_wait(as_bytes(record(i, 60))).ok());
  auto a = channel->open_reader("a");
  ASSERT_EQ(read_all(**a).size(), frames);
  ASSERT_FALSE((*a)->ack(ack));
}

TEST(Operations, InspectDescribesSegmentsReadersAndLag) {
  TempDir dir;
  make_channel(dir.path(), 30, 30);
  write_file(dir / "README", as_bytes("hello"));
  auto report = inspect_channel(dir.path());
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->in_use);
  EXPECT_EQ(report->total_frames, 30u);
  ASSERT_GE(report->segments.size(), 3u);
  EXPECT_EQ(report->segments.front().first_frame_seq, 1u);
  EXPECT_EQ(report->segments.back().last_frame_seq, 30u);
  for (const auto& s : report->segments)
    EXPECT_TRUE(s.header_ok);
  ASSERT_EQ(report->readers.size(), 2u);
  EXPECT_EQ(report->readers[0].name, "a");
  EXPECT_EQ(report->readers[0].lag_frames, 0u);
  EXPECT_EQ(report->readers[1].name, "b");
  EXPECT_EQ(report->readers[1].lag_frames, 30u);
  EXPECT_EQ(report->readers[1].lag_bytes, 30u * (24 + 60));
  EXPECT_EQ(report->unknown_files, std::vector<std::string>{"README"});

  auto options = small_options(dir.path());
  auto channel = open_channel(options);
  EXPECT_TRUE(inspect_channel(dir.path())->in_use);
  EXPECT_EQ(repair_channel(dir.path()).error(), Errc::locked);
}

TEST(Operations, VerifyFindsDamageAndRepairKeepsEverythingReadable) {
  TempDir dir;
  make_channel(dir.path(), 30, 0);
  auto segments = segment_files(dir.path());
  ASSERT_GE(segments.size(), 3u);
  // A bit flip in a payload of the first segment, a torn tail on the last one, a bad header in the middle,
  // and a garbage cursor.
  auto first = read_file(segments[0]);
  first[40 + 24 + 5] ^= std::byte{4};
  write_file(segments[0], first);
  auto last = read_file(segments.back());
  last.resize(last.size() - 10);
  write_file(segments.back(), last);
  auto middle = read_file(segments[1]);
  middle[3] = std::byte{'X'};
  write_file(segments[1], middle);
  write_file(dir / "b.cursor", as_bytes("garbage"));

  auto verified = verify_channel(dir.path());
  ASSERT_TRUE(verified.ok());
  EXPECT_FALSE(verified->clean);
  ASSERT_EQ(verified->problems.size(), 4u);
  EXPECT_EQ(verified->inspect.total_frames, 28u);

  auto repaired = repair_channel(dir.path());
  ASSERT_TRUE(repaired.ok());
  EXPECT_TRUE(repaired->changed);
  EXPECT_EQ(repaired->dropped.size(), 4u);
  EXPECT_TRUE(repaired->after.clean);
  EXPECT_EQ(repaired->after.inspect.total_frames, 28u);

  // The repaired channel opens without complaint and yields the 28 frames.
  auto options = small_options(dir.path());
  options.readers = {"a", "b"};
  auto channel = open_channel(options);
  EXPECT_TRUE(channel->recovery_events().empty());
  auto b = channel->open_reader("b");
  const auto frames = read_all(**b);
  ASSERT_EQ(frames.size(), 28u);
  EXPECT_EQ(frames.front().seq, 2u);
  EXPECT_EQ(channel->stats().corrupt_frames_skipped, 0u);
}

TEST(Operations, MissingDirectoryIsNotAChannel) {
  EXPECT_EQ(verify_channel("/nonexistent/channel").error(), Errc::not_a_channel);
  EXPECT_EQ(repair_channel("/nonexistent/channel").error(), Errc::not_a_channel);
}

}  // namespace
}  // namespace pyrolog::channel
