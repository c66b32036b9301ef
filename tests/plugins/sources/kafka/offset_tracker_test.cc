#include "offset_tracker.h"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

namespace pyrolog {
namespace {

using kafka::PartitionOffset;
using kafka::TopicPartition;
using namespace std::chrono_literals;

const TopicPartition p0{"logs", 0};
const TopicPartition p1{"logs", 1};

std::vector<std::pair<std::string, std::int64_t>> flat(const std::vector<PartitionOffset>& offsets) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (const auto& o : offsets)
    out.emplace_back(o.tp.topic + "/" + std::to_string(o.tp.partition), o.offset);
  return out;
}
using Flat = std::vector<std::pair<std::string, std::int64_t>>;

TEST(OffsetTracker, CommitsTheEndOfTheLongestAcknowledgedRun) {
  OffsetTracker t;
  t.assign({p0});
  const auto a = t.add({{p0, 10}});
  const auto b = t.add({{p0, 20}});
  const auto c = t.add({{p0, 30}});
  EXPECT_TRUE(t.take_committable().empty());
  t.complete(b, true);  // out of order: nothing yet, `a` is still pending
  EXPECT_TRUE(t.take_committable().empty());
  t.complete(a, true);
  EXPECT_EQ(flat(t.take_committable()), (Flat{{"logs/0", 20}}));
  EXPECT_TRUE(t.take_committable().empty());  // taken once
  t.complete(c, true);
  EXPECT_EQ(flat(t.take_committable()), (Flat{{"logs/0", 30}}));
  EXPECT_EQ(t.pending_batches(), 0u);
}

TEST(OffsetTracker, ABatchSpansPartitions) {
  OffsetTracker t;
  t.assign({p0, p1});
  const auto a = t.add({{p0, 5}, {p1, 7}});
  const auto b = t.add({{p1, 9}});
  t.complete(b, true);
  EXPECT_TRUE(t.take_committable().empty());
  t.complete(a, true);
  EXPECT_EQ(flat(t.take_committable()), (Flat{{"logs/0", 5}, {"logs/1", 9}}));
}

TEST(OffsetTracker, AFailedBatchHoldsItsPartitionBackForGood) {
  OffsetTracker t;
  t.assign({p0, p1});
  const auto a = t.add({{p0, 10}});
  const auto b = t.add({{p0, 20}, {p1, 3}});
  const auto c = t.add({{p0, 30}});
  t.complete(a, true);
  t.complete(b, false);
  t.complete(c, true);
  EXPECT_EQ(flat(t.take_committable()), (Flat{{"logs/0", 10}}));  // never past the failed batch
  EXPECT_TRUE(t.blocked(p0));
  EXPECT_TRUE(t.blocked(p1));
}

TEST(OffsetTracker, NothingIsCommittedForARevokedPartition) {
  OffsetTracker t;
  t.assign({p0, p1});
  const auto a = t.add({{p0, 10}, {p1, 10}});
  t.revoke({p0});
  t.complete(a, true);
  EXPECT_EQ(flat(t.take_committable()), (Flat{{"logs/1", 10}}));
  EXPECT_FALSE(t.owns(p0));
  // Assigned again: a fresh start; the old batch's acknowledgement does not count for it.
  const auto b = t.add({{p1, 20}});
  t.assign({p0});
  const auto c = t.add({{p0, 50}});
  t.complete(b, true);
  t.complete(c, true);
  EXPECT_EQ(flat(t.take_committable()), (Flat{{"logs/0", 50}, {"logs/1", 20}}));
}

TEST(OffsetTracker, RangesOfPartitionsNotOwnedAreIgnored) {
  OffsetTracker t;
  t.assign({p0});
  const auto a = t.add({{p0, 4}, {p1, 4}});
  t.complete(a, true);
  EXPECT_EQ(flat(t.take_committable()), (Flat{{"logs/0", 4}}));
}

TEST(OffsetTracker, AFailedCommitIsTakenAgain) {
  OffsetTracker t;
  t.assign({p0});
  t.complete(t.add({{p0, 10}}), true);
  const auto taken = t.take_committable();
  ASSERT_EQ(taken.size(), 1u);
  t.commit_failed(taken[0]);
  EXPECT_EQ(flat(t.take_committable()), (Flat{{"logs/0", 10}}));
  t.complete(t.add({{p0, 20}}), true);
  t.commit_failed({p0, 10});  // an older commit failing does not undo the newer one
  EXPECT_EQ(flat(t.take_committable()), (Flat{{"logs/0", 20}}));
  EXPECT_TRUE(t.take_committable().empty());
}

TEST(OffsetTracker, WaitsForAcknowledgementsOfTheGivenPartitions) {
  OffsetTracker t;
  t.assign({p0, p1});
  const auto a = t.add({{p0, 10}});
  t.add({{p1, 10}});
  EXPECT_FALSE(t.wait_acknowledged({p0}, 10ms));
  std::thread acker([&] {
    std::this_thread::sleep_for(50ms);
    t.complete(a, true);
  });
  EXPECT_TRUE(t.wait_acknowledged({p0}, 10s));
  acker.join();
  EXPECT_FALSE(t.wait_acknowledged({}, 10ms));  // p1 still waits
  EXPECT_TRUE(t.wait_acknowledged({TopicPartition{"other", 0}}, 10ms));
}

TEST(OffsetTracker, TakesOnlyTheGivenPartitions) {
  OffsetTracker t;
  t.assign({p0, p1});
  t.complete(t.add({{p0, 3}, {p1, 4}}), true);
  EXPECT_EQ(flat(t.take_committable({p1})), (Flat{{"logs/1", 4}}));
  EXPECT_EQ(flat(t.take_committable()), (Flat{{"logs/0", 3}}));
}

}  // namespace
}  // namespace pyrolog
