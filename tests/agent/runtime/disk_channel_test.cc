#include "runtime/disk_channel.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "support/io_wait.h"

namespace pyrolog {
namespace {

using testing::run_ready;
using testing::run_until;
using testing::spawn;

// How a source's AckGroups finished.
struct AckRecord {
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::shared_ptr<AckGroup> make() {
    return AckGroup::make([this](bool result) { ++(result ? ok : failed); });
  }
};

// A batch of one event whose line is `line`; with `record`, from a source that can read it again (it
// carries an AckGroup).
Batch batch_of(const std::string& line, AckRecord* record = nullptr) {
  Batch batch;
  batch.add_event(0, batch.store(line));
  if (record != nullptr) batch.set_ack(record->make());
  return batch;
}

// Waits until `d` has passed on the steady clock (what a `hold` deadline is measured on).
void let_pass(std::chrono::milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until)
    std::this_thread::yield();
}

// Waits until `done()` holds, for what other threads do (the ticker, the channel's sync thread); false after
// `limit`.
template <class Pred>
bool eventually(Pred done, std::chrono::seconds limit = std::chrono::seconds(20)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::yield();
  }
  return true;
}

class DiskChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::remove_all(directory_);
    ChannelConfig config;
    config.sync = ChannelSync::never;
    open(config);
  }
  void open(const ChannelConfig& config) {
    channel_.reset();
    channel_ = std::make_unique<DiskChannel>(config, directory_, metrics_, "out");
    channel_->open();
  }
  void TearDown() override {
    channel_.reset();
    std::filesystem::remove_all(directory_);
  }
  void push(const std::string& line, AckRecord* record = nullptr) {
    auto pushed = spawn(io_, channel_->push(batch_of(line, record)));
    ASSERT_TRUE(run_until(io_, [&] { return pushed->done(); }));
  }
  void push(Batch batch) {
    auto pushed = spawn(io_, channel_->push(std::move(batch)));
    ASSERT_TRUE(run_until(io_, [&] { return pushed->done(); }));
  }
  std::uint64_t counter(const std::string& name) const {
    return registry_.counter_value("pyrolog_" + name + "_total",
                                   {{"component", "out"}, {"kind", "sink"}, {"type", "test"}});
  }
  // The line of the next batch.
  std::string pop(std::optional<Delivery>& delivery) {
    auto popped = spawn(io_, channel_->pop());
    EXPECT_TRUE(run_until(io_, [&] { return popped->done(); })) << "pop is waiting";
    delivery = popped->take().value_or(std::nullopt);
    if (!delivery) return "<none>";
    return std::string(delivery->batch->events()[0].raw);
  }
  // Closes the channel and checks that the reader passes every frame, each acknowledged (with its held batch,
  // for one written through): nothing pending, and nothing found after a restart.
  void expect_every_frame_passed(const ChannelConfig& config) {
    channel_->close();
    std::optional<Delivery> none;
    EXPECT_EQ(pop(none), "<none>");
    EXPECT_EQ(channel_->pending_batches(), 0u);
    EXPECT_TRUE(on_disk_after_restart(config).empty());
  }
  std::uint64_t redelivered() const { return counter("channel_redelivered_batches"); }
  std::uint64_t held() const { return counter("channel_batches_held"); }
  std::uint64_t spilled() const { return counter("channel_batches_spilled"); }
  // The lines a new channel on the same directory finds there (a restart).
  std::vector<std::string> on_disk_after_restart(const ChannelConfig& config) {
    channel_->close();
    open(config);
    channel_->close();
    std::vector<std::string> lines;
    for (;;) {
      std::optional<Delivery> d;
      std::string line = pop(d);
      if (!d) break;
      lines.push_back(line);
      channel_->ack(std::move(*d));
    }
    return lines;
  }

  const std::filesystem::path directory_ =
      std::filesystem::temp_directory_path() / ("pyrolog-disk-channel-test-" + std::to_string(::getpid()));
  asio::io_context io_;
  MetricsRegistry registry_;
  ComponentMetrics metrics_{registry_, "out", "sink", "test"};
  AckRecord source_;  // outlives the channel, which fails what it still holds when it goes
  std::unique_ptr<DiskChannel> channel_;
};

// A failed sink's replacement gets again what the failed one read and did not acknowledge, from the oldest;
// what it acknowledged out of order is not delivered twice.
TEST_F(DiskChannelTest, RedeliverReadsAgainWhatWasNotAcknowledged) {
  for (const char* line : {"a", "b", "c", "d"})
    push(line);
  std::optional<Delivery> a, b, c, d;
  EXPECT_EQ(pop(a), "a");
  EXPECT_EQ(pop(b), "b");
  EXPECT_EQ(pop(c), "c");
  channel_->ack(std::move(*b));  // out of order: the cursor stays before `a`
  a.reset();
  c.reset();
  channel_->redeliver();
  EXPECT_EQ(redelivered(), 2u);
  EXPECT_EQ(pop(a), "a");
  EXPECT_EQ(pop(c), "c");  // not `b`
  EXPECT_EQ(pop(d), "d");
  channel_->ack(std::move(*c));
  channel_->ack(std::move(*a));
  channel_->ack(std::move(*d));
  EXPECT_EQ(channel_->pending_batches(), 0u);
  channel_->close();
  std::optional<Delivery> none;
  EXPECT_EQ(pop(none), "<none>");
}

ChannelConfig holding(std::chrono::milliseconds hold, std::uint64_t max_bytes = 1024 * 1024 * 1024) {
  ChannelConfig config;
  config.sync = ChannelSync::never;
  config.hold = hold;
  config.max_bytes = ByteSize{max_bytes};
  return config;
}

// A batch of a source that can read it again is delivered from memory and never written; its source is
// acknowledged when the sink acknowledges it, not before.
TEST_F(DiskChannelTest, AHeldBatchIsDeliveredWithoutBeingWritten) {
  const auto config = holding(std::chrono::seconds(60));
  open(config);
  AckRecord& source = source_;
  push("a", &source);
  EXPECT_EQ(held(), 1u);
  EXPECT_EQ(channel_->pending_batches(), 1u);
  std::optional<Delivery> a;
  EXPECT_EQ(pop(a), "a");
  EXPECT_EQ(source.ok, 0);
  channel_->ack(std::move(*a));
  EXPECT_EQ(source.ok, 1);
  EXPECT_EQ(channel_->pending_batches(), 0u);
  EXPECT_EQ(spilled(), 0u);
  EXPECT_TRUE(on_disk_after_restart(config).empty());
}

// Batches of network sources (no AckGroup) are written at once; while their frames are unread, a batch that
// could be held is written behind them, so the sink gets them in order. Once the reader caught up, batches
// are held again.
TEST_F(DiskChannelTest, BatchesQueueBehindUnreadFrames) {
  open(holding(std::chrono::seconds(60)));
  AckRecord& source = source_;
  push("network");
  push("tail", &source);
  EXPECT_EQ(held(), 0u);
  EXPECT_EQ(source.ok, 1);  // written, and durable (sync: never): acknowledged
  std::optional<Delivery> first, second, third;
  EXPECT_EQ(pop(first), "network");
  EXPECT_EQ(pop(second), "tail");
  push("tail again", &source);
  EXPECT_EQ(held(), 1u);
  EXPECT_EQ(pop(third), "tail again");
  channel_->ack(std::move(*third));
  EXPECT_EQ(source.ok, 2);
}

// A held batch the sink has not taken within `hold` is written before the next batch, in order, and its
// source is acknowledged once its frame is durable.
TEST_F(DiskChannelTest, AHeldBatchNotTakenWithinHoldIsWrittenFirst) {
  const auto config = holding(std::chrono::milliseconds(1));
  open(config);
  AckRecord& source = source_;
  push("a", &source);
  EXPECT_EQ(held(), 1u);
  let_pass(std::chrono::milliseconds(2));
  push("b", &source);
  EXPECT_EQ(spilled(), 1u);
  EXPECT_EQ(source.ok, 2);
  EXPECT_EQ(on_disk_after_restart(config), (std::vector<std::string>{"a", "b"}));
}

// A held batch the sink took but has not acknowledged within `hold` (a broker that is down) is written too,
// so its source can move on; the sink's acknowledgement then passes its frame, which is not delivered again.
TEST_F(DiskChannelTest, AHeldBatchInFlightPastHoldIsWrittenAndNotDeliveredTwice) {
  const auto config = holding(std::chrono::milliseconds(1));
  open(config);
  AckRecord& source = source_;
  push("a", &source);
  std::optional<Delivery> a, b;
  EXPECT_EQ(pop(a), "a");
  let_pass(std::chrono::milliseconds(2));
  push("b", &source);  // writes `a` through, then `b` behind it
  EXPECT_EQ(spilled(), 1u);
  EXPECT_EQ(source.ok, 2);
  EXPECT_EQ(pop(b), "b");  // `a`'s frame is passed
  channel_->ack(std::move(*b));
  channel_->ack(std::move(*a));
  EXPECT_EQ(channel_->pending_batches(), 0u);
  EXPECT_TRUE(on_disk_after_restart(config).empty());
}

// A source that has read everything pushes nothing more, so the agent's tick writes what is overdue: a held
// batch in flight past `hold` (the broker is down), so that its source is acknowledged and can move on.
TEST_F(DiskChannelTest, TheTickWritesAHeldBatchInFlightPastHoldWithoutAnotherPush) {
  const auto config = holding(std::chrono::milliseconds(1));
  open(config);
  AckRecord& source = source_;
  push("a", &source);
  std::optional<Delivery> a;
  EXPECT_EQ(pop(a), "a");
  channel_->tick();  // not yet overdue, perhaps: then a later tick writes it
  let_pass(std::chrono::milliseconds(2));
  channel_->tick();
  EXPECT_EQ(spilled(), 1u);
  EXPECT_TRUE(eventually([&] { return source.ok == 1; }));
  channel_->tick();  // written once
  EXPECT_EQ(spilled(), 1u);
  channel_->ack(std::move(*a));
  expect_every_frame_passed(config);
}

// And a held batch the sink has not taken within `hold`: it is written, and comes from disk, before what is
// pushed after it.
TEST_F(DiskChannelTest, TheTickWritesAHeldBatchNotTakenWithinHold) {
  const auto config = holding(std::chrono::milliseconds(1));
  open(config);
  AckRecord& source = source_;
  push("a", &source);
  let_pass(std::chrono::milliseconds(2));
  channel_->tick();
  EXPECT_EQ(spilled(), 1u);
  EXPECT_TRUE(eventually([&] { return source.ok == 1; }));
  push("b", &source);
  std::optional<Delivery> a, b;
  EXPECT_EQ(pop(a), "a");
  EXPECT_EQ(pop(b), "b");
  channel_->ack(std::move(*a));
  channel_->ack(std::move(*b));
  EXPECT_TRUE(on_disk_after_restart(config).empty());
}

TEST_F(DiskChannelTest, TheTickLeavesHeldBatchesWithinHoldAlone) {
  open(holding(std::chrono::seconds(60)));
  AckRecord& source = source_;
  push("a", &source);
  push("b", &source);
  std::optional<Delivery> a;
  EXPECT_EQ(pop(a), "a");
  channel_->tick();
  EXPECT_EQ(spilled(), 0u);
  EXPECT_EQ(source.ok, 0);
  channel_->ack(std::move(*a));
  EXPECT_EQ(source.ok, 1);
}

// Pushes write overdue batches in flight through too; a tick on another thread at the same time does not
// write any of them twice. (A batch written twice would leave a frame no acknowledgement passes: the channel
// would keep it, and deliver it again after a restart.)
TEST_F(DiskChannelTest, TicksBesidePushesWriteEachOverdueBatchOnce) {
  const auto config = holding(std::chrono::milliseconds(1));
  open(config);
  AckRecord& source = source_;
  std::atomic<bool> done{false};
  std::thread ticker([&] {
    while (!done)
      channel_->tick();
  });
  constexpr int kBatches = 200;
  std::vector<std::optional<Delivery>> taken(kBatches);
  for (int i = 0; i < kBatches; ++i) {
    push(std::to_string(i), &source);
    EXPECT_EQ(pop(taken[static_cast<std::size_t>(i)]), std::to_string(i));
  }
  // Held batches are all overdue, and none is acknowledged: each is written once. (While written ones are
  // unread, new batches are written at once, not held.)
  EXPECT_TRUE(eventually([&] { return spilled() == held(); })) << spilled() << " of " << held();
  done = true;
  ticker.join();
  EXPECT_GT(held(), 0u);
  EXPECT_EQ(spilled(), held());
  EXPECT_TRUE(eventually([&] { return source.ok == kBatches; }));
  for (auto& d : taken)
    channel_->ack(std::move(*d));
  expect_every_frame_passed(config);
}

// When held batches fill their memory, the source waits; the sink taking one makes room, and nothing is
// written.
TEST_F(DiskChannelTest, HeldBatchesFullWaitForTheSink) {
  open(holding(std::chrono::seconds(60), 4 * 1024 * 1024));  // room for 128KiB of held batches
  AckRecord& source = source_;
  const std::string big(50 * 1024, 'x');
  push(batch_of("1" + big, &source));
  push(batch_of("2" + big, &source));
  auto third = spawn(io_, channel_->push(batch_of("3" + big, &source)));
  run_ready(io_);
  EXPECT_FALSE(third->done());
  std::optional<Delivery> one;
  EXPECT_EQ(pop(one).substr(0, 1), "1");
  // Taken by the sink, it no longer counts against the channel's memory (the sink's window bounds it): the
  // source goes on before the sink acknowledges it.
  EXPECT_TRUE(run_until(io_, [&] { return third->done(); }));
  EXPECT_EQ(held(), 3u);
  EXPECT_EQ(spilled(), 0u);
  EXPECT_EQ(source.ok, 0);
  channel_->ack(std::move(*one));
  EXPECT_EQ(source.ok, 1);
}

// ... and when the sink takes nothing within `hold`, what is held is written, in order, and the source goes
// on.
TEST_F(DiskChannelTest, HeldBatchesFullAreWrittenAfterHold) {
  const auto config = holding(std::chrono::milliseconds(20), 4 * 1024 * 1024);
  open(config);
  AckRecord& source = source_;
  const std::string big(50 * 1024, 'x');
  push(batch_of("1" + big, &source));
  push(batch_of("2" + big, &source));
  push(batch_of("3" + big, &source));  // waits up to `hold`, then writes all three
  EXPECT_EQ(spilled(), 2u);
  EXPECT_EQ(source.ok, 3);
  std::vector<std::string> firsts;
  for (const auto& line : on_disk_after_restart(config))
    firsts.push_back(line.substr(0, 1));
  EXPECT_EQ(firsts, (std::vector<std::string>{"1", "2", "3"}));
}

// A batch larger than the held batches' whole memory is held all the same when nothing else waits, or it
// could never be.
TEST_F(DiskChannelTest, ABatchLargerThanTheHeldMemoryIsHeldAlone) {
  open(holding(std::chrono::seconds(60), 4 * 1024 * 1024));  // room for 128KiB of held batches
  AckRecord& source = source_;
  push(batch_of("1" + std::string(600 * 1024, 'x'), &source));
  EXPECT_EQ(held(), 1u);
  EXPECT_EQ(spilled(), 0u);
  std::optional<Delivery> one;
  EXPECT_EQ(pop(one).substr(0, 1), "1");
  channel_->ack(std::move(*one));
  EXPECT_EQ(source.ok, 1);
}

// A failed sink's replacement gets the held batches the failed one took again, first.
TEST_F(DiskChannelTest, RedeliverHandsOutHeldBatchesAgain) {
  open(holding(std::chrono::seconds(60)));
  AckRecord& source = source_;
  push("a", &source);
  push("b", &source);
  std::optional<Delivery> a, b;
  EXPECT_EQ(pop(a), "a");
  a.reset();
  channel_->redeliver();
  EXPECT_EQ(redelivered(), 1u);
  EXPECT_EQ(pop(a), "a");
  EXPECT_EQ(pop(b), "b");
  channel_->ack(std::move(*b));
  channel_->ack(std::move(*a));
  EXPECT_EQ(source.ok, 2);
  EXPECT_EQ(source.failed, 0);
}

// Held batches not delivered by the stop deadline fail their AckGroups, so their sources read them again;
// so do those left when the channel goes away.
TEST_F(DiskChannelTest, UndeliveredHeldBatchesFailTheirSource) {
  open(holding(std::chrono::seconds(60)));
  AckRecord& source = source_;
  push("a", &source);
  push("b", &source);
  std::optional<Delivery> a;
  EXPECT_EQ(pop(a), "a");
  EXPECT_EQ(channel_->abandon(), 0u);
  a.reset();
  EXPECT_EQ(source.failed, 2);
  EXPECT_EQ(source.ok, 0);

  open(holding(std::chrono::seconds(60)));
  push("c", &source);
  channel_.reset();
  EXPECT_EQ(source.failed, 3);
}

}  // namespace
}  // namespace pyrolog
