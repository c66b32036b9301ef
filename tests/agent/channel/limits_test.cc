// max_bytes: the `full` answer, the space-available hook, and readers that are down.

#include <atomic>

#include <gtest/gtest.h>

#include "channel/channel.h"
#include "test_util.h"

namespace pyrolog::channel {
namespace {

using testing::as_bytes;
using testing::open_channel;
using testing::read_all;
using testing::record;
using testing::small_options;
using testing::TempDir;
using testing::wait_until;

// Appends until the channel answers `full`; returns how many were accepted.
int fill(Channel& channel, std::size_t size = 200) {
  for (int i = 1;; ++i) {
    auto seq = channel.append_and_wait(as_bytes(record(static_cast<std::uint64_t>(i), size)));
    if (!seq) {
      EXPECT_EQ(seq.error(), Errc::full);
      return i - 1;
    }
  }
}

TEST(Limits, FullThenAcknowledgementsFreeSpaceAndNotify) {
  TempDir dir;
  auto options = small_options(dir.path());
  options.max_bytes = 16 << 10;
  auto channel = open_channel(options);
  std::atomic<int> space{0};
  channel->set_space_available_callback([&] { ++space; });
  const int accepted = fill(*channel);
  ASSERT_GT(accepted, 40);
  auto stats = channel->stats();
  EXPECT_LE(stats.retained_bytes, options.max_bytes);
  EXPECT_EQ(stats.full_rejections, 1u);
  EXPECT_EQ(channel->try_append(as_bytes(record(1000, 200)), [](std::error_code, std::uint64_t) { FAIL(); }),
            Errc::full);
  EXPECT_EQ(space.load(), 0);

  auto reader = channel->open_reader("main");
  const auto frames = read_all(**reader);
  ASSERT_EQ(frames.size(), static_cast<std::size_t>(accepted));
  ASSERT_FALSE((*reader)->ack(frames[10].seq));  // inside the first segment: nothing freed yet
  EXPECT_EQ(space.load(), 0);
  ASSERT_FALSE((*reader)->ack(frames.back().seq));
  ASSERT_TRUE(wait_until([&] { return space.load() == 1; }));
  EXPECT_TRUE(channel->append_and_wait(as_bytes("after")).ok());
  EXPECT_LT(channel->stats().retained_bytes, options.max_bytes);
}

TEST(Limits, ChannelOfOneSegmentRecyclesItOnceEverythingIsAcknowledged) {
  TempDir dir;
  auto options = small_options(dir.path());
  options.max_bytes = options.segment_bytes;
  auto channel = open_channel(options);
  std::atomic<int> space{0};
  channel->set_space_available_callback([&] { ++space; });
  auto reader = channel->open_reader("main");
  for (int round = 0; round < 3; ++round) {
    const int accepted = fill(*channel, 100);
    ASSERT_GT(accepted, 10);
    const auto frames = read_all(**reader);
    ASSERT_EQ(frames.size(), static_cast<std::size_t>(accepted));
    ASSERT_FALSE((*reader)->ack(frames.back().seq));
    ASSERT_TRUE(wait_until([&] { return space.load() == round + 1; }));
  }
}

TEST(Limits, ReaderThatIsDownHoldsDataOnlyUntilTheLimit) {
  TempDir dir;
  auto options = small_options(dir.path());
  options.readers = {"up", "down"};
  options.max_bytes = 32 << 10;
  auto channel = open_channel(options);
  auto up = channel->open_reader("up");
  // "up" keeps delivering while "down" never reads: appends go on until the limit.
  int accepted = 0;
  for (int i = 1;; ++i) {
    auto seq = channel->append_and_wait(as_bytes(record(static_cast<std::uint64_t>(i), 200)));
    if (!seq) {
      EXPECT_EQ(seq.error(), Errc::full);
      break;
    }
    ++accepted;
    auto frame = (*up)->read();
    ASSERT_TRUE(frame.ok() && frame->has_value());
    ASSERT_FALSE((*up)->ack((*frame)->seq));
  }
  EXPECT_GT(accepted, 100);
  const auto stats = channel->stats();
  EXPECT_EQ(stats.readers[1].name, "up");
  EXPECT_EQ(stats.readers[1].lag_frames, 0u);
  EXPECT_EQ(stats.readers[0].name, "down");
  EXPECT_EQ(stats.readers[0].lag_frames, static_cast<std::uint64_t>(accepted));
  // When the stalled reader catches up, space comes back.
  std::atomic<int> space{0};
  channel->set_space_available_callback([&] { ++space; });
  auto down = channel->open_reader("down");
  const auto frames = read_all(**down);
  ASSERT_EQ(frames.size(), static_cast<std::size_t>(accepted));
  ASSERT_FALSE((*down)->ack(frames.back().seq));
  ASSERT_TRUE(wait_until([&] { return space.load() == 1; }));
  EXPECT_TRUE(channel->append_and_wait(as_bytes("again")).ok());
}

}  // namespace
}  // namespace pyrolog::channel
