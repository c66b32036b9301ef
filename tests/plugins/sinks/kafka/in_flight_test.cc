#include "in_flight.h"

#include <algorithm>
#include <memory>
#include <random>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

namespace pyrolog {
namespace {

std::unique_ptr<InFlightBatch> batch(std::uint64_t id, std::size_t messages, std::size_t bytes = 100) {
  auto b = std::make_unique<InFlightBatch>();
  b->id = id;
  b->delivery.sequence = id;
  b->messages.resize(messages);
  for (std::uint32_t i = 0; i < messages; ++i) {
    b->messages[i].batch = b.get();
    b->messages[i].index = i;
  }
  b->bytes = bytes;
  return b;
}

TEST(InFlightWindow, ABatchLeavesWhenItsLastMessageIsDone) {
  InFlightWindow w(10, 1 << 20);
  InFlightBatch& b = w.add(batch(1, 3));
  EXPECT_EQ(w.pending_messages(), 3u);
  EXPECT_EQ(w.finish(b.messages[2]), nullptr);
  EXPECT_EQ(w.finish(b.messages[0]), nullptr);
  auto done = w.finish(b.messages[1]);
  ASSERT_NE(done, nullptr);
  EXPECT_EQ(done->delivery.sequence, 1u);
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(w.bytes(), 0u);
  EXPECT_EQ(w.pending_messages(), 0u);
}

TEST(InFlightWindow, FinishingAMessageTwiceIsABug) {
  InFlightWindow w(10, 1 << 20);
  InFlightBatch& b = w.add(batch(1, 2));
  w.finish(b.messages[0]);
  EXPECT_THROW(w.finish(b.messages[0]), std::logic_error);
}

TEST(InFlightWindow, RoomIsBoundedByBatchesAndBytes) {
  InFlightWindow w(2, 1000);
  EXPECT_TRUE(w.has_room());
  w.add(batch(1, 1, 10));
  EXPECT_TRUE(w.has_room());
  InFlightBatch& second = w.add(batch(2, 1, 10));
  EXPECT_FALSE(w.has_room());  // two batches
  w.finish(second.messages[0]);
  EXPECT_TRUE(w.has_room());

  InFlightWindow bytes(100, 1000);
  bytes.add(batch(1, 1, 999));
  EXPECT_TRUE(bytes.has_room());
  bytes.add(batch(2, 1, 1));
  EXPECT_FALSE(bytes.has_room());  // 1000 bytes

  InFlightWindow huge(100, 1000);
  EXPECT_TRUE(huge.has_room());
  huge.add(batch(1, 1, 5000));  // larger than the bound: goes, alone
  EXPECT_FALSE(huge.has_room());
}

TEST(InFlightWindow, OutOfOrderCompletionAcknowledgesEachBatchOnce) {
  InFlightWindow w(1000, 1 << 30);
  std::vector<OutgoingMessage*> all;
  for (std::uint64_t id = 0; id < 50; ++id) {
    InFlightBatch& b = w.add(batch(id, 1 + id % 7));
    for (auto& m : b.messages)
      all.push_back(&m);
  }
  std::mt19937 rng(42);
  std::shuffle(all.begin(), all.end(), rng);
  std::vector<std::uint64_t> acked;
  for (auto* m : all) {
    if (auto done = w.finish(*m)) {
      EXPECT_EQ(done->pending, 0u);
      acked.push_back(done->delivery.sequence);
    }
  }
  EXPECT_EQ(acked.size(), 50u);
  std::sort(acked.begin(), acked.end());
  EXPECT_EQ(std::unique(acked.begin(), acked.end()), acked.end());
  EXPECT_TRUE(w.empty());
}

TEST(InFlightWindow, TakeAllEmptiesTheWindow) {
  InFlightWindow w(10, 1 << 20);
  w.add(batch(1, 2));
  w.add(batch(2, 2));
  auto left = w.take_all();
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0]->id, 1u);
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(w.pending_messages(), 0u);
}

}  // namespace
}  // namespace pyrolog
