#include "file_input/position_tracker.h"

#include <algorithm>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "../support/fake_source_context.h"

namespace pyrolog::files {
namespace {

using testing::TempDir;

std::shared_ptr<PositionTracker> make(const TempDir& dir) {
  return PositionTracker::make(PositionStore(dir.path() / "positions.json"), "test");
}

FilePosition at(std::uint64_t offset, std::string path = "/a.log") {
  return FilePosition{std::move(path), FileIdentity{1, 2, 0, 0}, offset};
}

TEST(PositionTracker, MovesOnlyContiguouslyInBatchOrder) {
  TempDir dir;
  auto t = make(dir);
  const auto s = t->add(at(100));
  auto b1 = t->track(s, 200);
  auto b2 = t->track(s, 300);
  auto b3 = t->track(s, 400);
  b3(true);
  b2(true);
  EXPECT_EQ(t->status(s).committed, 100u);  // batch 1 not acknowledged yet
  EXPECT_FALSE(t->status(s).all_acknowledged);
  b1(true);
  EXPECT_EQ(t->status(s).committed, 400u);
  EXPECT_TRUE(t->status(s).all_acknowledged);
}

TEST(PositionTracker, AFailedBatchHoldsThePositionForGood) {
  TempDir dir;
  auto t = make(dir);
  const auto s = t->add(at(0));
  auto b1 = t->track(s, 10);
  auto b2 = t->track(s, 20);
  auto b3 = t->track(s, 30);
  b1(true);
  b2(false);
  b3(true);
  EXPECT_EQ(t->status(s).committed, 10u);
  EXPECT_TRUE(t->status(s).failed);
  t->track(s, 40)(true);
  EXPECT_EQ(t->status(s).committed, 10u);
  // A released stream with a failure is kept: the next run must read from 10 again.
  t->release(s);
  ASSERT_EQ(t->snapshot().size(), 1u);
  EXPECT_EQ(t->snapshot()[0].offset, 10u);
}

TEST(PositionTracker, SettleCommitsInOrderWithoutABatch) {
  TempDir dir;
  auto t = make(dir);
  const auto s = t->add(at(0));
  auto b1 = t->track(s, 10);
  t->settle(s, 15);
  EXPECT_EQ(t->status(s).committed, 0u);
  b1(true);
  EXPECT_EQ(t->status(s).committed, 15u);
}

TEST(PositionTracker, AReleasedStreamIsForgottenOnceEverythingIsAcknowledged) {
  TempDir dir;
  auto t = make(dir);
  const auto s = t->add(at(0));
  auto b1 = t->track(s, 10);
  t->release(s);
  EXPECT_TRUE(t->status(s).exists);
  b1(true);
  EXPECT_FALSE(t->status(s).exists);
  EXPECT_TRUE(t->snapshot().empty());
}

TEST(PositionTracker, PersistWritesOnlyWhatWasAcknowledged) {
  TempDir dir;
  auto t = make(dir);
  const auto s = t->add(at(0));
  auto b1 = t->track(s, 10);
  auto b2 = t->track(s, 20);
  b1(true);
  ASSERT_FALSE(t->persist());
  PositionStore store(dir.path() / "positions.json");
  EXPECT_EQ(store.load().positions.at(0).offset, 10u);
  // Nothing changed: no write (the file is not rewritten).
  const auto before = std::filesystem::last_write_time(dir.path() / "positions.json");
  ASSERT_FALSE(t->persist());
  EXPECT_EQ(std::filesystem::last_write_time(dir.path() / "positions.json"), before);
  // After close, an acknowledgement that moves a position writes the file itself.
  t->close();
  b2(true);
  EXPECT_EQ(store.load().positions.at(0).offset, 20u);
}

TEST(PositionTracker, CallbacksOutliveTheSourcesReference) {
  TempDir dir;
  AckGroup::Callback cb;
  {
    auto t = make(dir);
    const auto s = t->add(at(0));
    cb = t->track(s, 50);
    t->close();
  }  // the source let go of the tracker; the callback keeps it
  cb(true);
  PositionStore store(dir.path() / "positions.json");
  EXPECT_EQ(store.load().positions.at(0).offset, 50u);
}

// Acknowledgements from several threads, in random order: the position ends at the last batch and never
// passes a batch that is not acknowledged (checked by TSan for races, and by the final value).
TEST(PositionTracker, ConcurrentOutOfOrderAcknowledgements) {
  TempDir dir;
  auto t = make(dir);
  t->persist_every(std::chrono::milliseconds(1));
  constexpr std::size_t kStreams = 4;
  constexpr std::uint64_t kBatches = 2000;
  std::vector<PositionTracker::StreamId> streams;
  std::vector<std::vector<AckGroup::Callback>> callbacks(kStreams);
  for (std::size_t s = 0; s < kStreams; ++s) {
    streams.push_back(t->add(at(0, "/f" + std::to_string(s))));
    for (std::uint64_t b = 1; b <= kBatches; ++b)
      callbacks[s].push_back(t->track(streams[s], b));
  }
  std::vector<std::thread> threads;
  for (std::size_t s = 0; s < kStreams; ++s) {
    threads.emplace_back([&, s] {
      std::mt19937 rng(static_cast<unsigned>(s));
      auto& cbs = callbacks[s];
      std::shuffle(cbs.begin(), cbs.end(), rng);
      for (auto& cb : cbs)
        cb(true);
    });
  }
  std::thread reader([&] {
    for (int i = 0; i < 200; ++i) {
      for (auto s : streams) {
        const auto st = t->status(s);
        ASSERT_LE(st.committed, kBatches);
      }
    }
  });
  for (auto& th : threads)
    th.join();
  reader.join();
  for (auto s : streams)
    EXPECT_EQ(t->status(s).committed, kBatches);
  ASSERT_FALSE(t->persist());
  PositionStore store(dir.path() / "positions.json");
  for (const auto& p : store.load().positions)
    EXPECT_EQ(p.offset, kBatches);
}

}  // namespace
}  // namespace pyrolog::files
