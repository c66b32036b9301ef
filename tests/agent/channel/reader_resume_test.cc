// One reader stops while another keeps delivering; after a reopen both resume from their own cursors.

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "channel/channel.h"
#include "test_util.h"

namespace pyrolog::channel {
namespace {

using namespace std::chrono_literals;
using testing::as_bytes;
using testing::as_string;
using testing::open_channel;
using testing::read_all;
using testing::record;
using testing::small_options;
using testing::TempDir;
using testing::wait_until;

TEST(ReaderResume, StoppedReaderDoesNotHoldUpTheOtherAndBothResume) {
  TempDir dir;
  auto options = small_options(dir.path(), SyncPolicy::interval);
  options.sync_interval = 2ms;
  options.readers = {"fast", "slow"};
  constexpr std::uint64_t kFirstBatch = 300;
  {
    auto channel = open_channel(options);
    auto slow = channel->open_reader("slow");
    std::atomic<std::uint64_t> fast_acked{0};
    std::thread fast_thread([&] {
      auto fast = channel->open_reader("fast");
      ASSERT_TRUE(fast.ok());
      Frame frame;
      while (fast_acked < kFirstBatch) {
        auto got = (*fast)->read(frame);
        ASSERT_TRUE(got.ok());
        if (!*got) {
          (*fast)->wait_for_data(100ms);
          continue;
        }
        ASSERT_EQ(as_string(frame.payload), record(frame.seq));
        ASSERT_FALSE((*fast)->ack(frame.seq));
        fast_acked = frame.seq;
      }
    });
    for (std::uint64_t i = 1; i <= kFirstBatch; ++i) {
      ASSERT_TRUE(channel->append_and_wait(as_bytes(record(i))).ok());
      if (i == 20) {
        // The slow reader takes 20 frames, acknowledges 12 of them, and stops.
        ASSERT_EQ(read_all(**slow).size(), 20u);
        ASSERT_FALSE((*slow)->ack(12));
        slow->reset();
      }
    }
    fast_thread.join();
    EXPECT_EQ(fast_acked.load(), kFirstBatch);
    const auto stats = channel->stats();
    EXPECT_EQ(stats.readers[0].name, "fast");
    EXPECT_EQ(stats.readers[0].lag_frames, 0u);
    EXPECT_EQ(stats.readers[1].name, "slow");
    EXPECT_EQ(stats.readers[1].lag_frames, kFirstBatch - 12);
    EXPECT_FALSE(stats.readers[1].open);
  }
  auto channel = open_channel(options);
  auto fast = channel->open_reader("fast");
  auto slow = channel->open_reader("slow");
  EXPECT_TRUE(read_all(**fast).empty());
  const auto resumed = read_all(**slow);
  ASSERT_EQ(resumed.size(), kFirstBatch - 12);
  EXPECT_EQ(resumed.front().seq, 13u);
  EXPECT_EQ(as_string(resumed.front().payload), record(13));
  // New frames reach both.
  ASSERT_TRUE(channel->append_and_wait(as_bytes(record(kFirstBatch + 1))).ok());
  ASSERT_TRUE(wait_until([&] { return (*fast)->wait_for_data(10ms); }));
  EXPECT_EQ(read_all(**fast).size(), 1u);
  EXPECT_EQ(read_all(**slow).size(), 1u);
}

}  // namespace
}  // namespace pyrolog::channel
