#include "runtime/memory_channel.h"

#include <atomic>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/io_wait.h"

namespace pyrolog {
namespace {

using testing::run_ready;
using testing::run_until;
using testing::spawn;

// Counts how an AckGroup finished; safe to read from another thread than the one that finished it.
struct AckRecord {
  std::atomic<int> calls{0};
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};

  std::shared_ptr<AckGroup> make() {
    return AckGroup::make([this](bool result) {
      ++(result ? ok : failed);
      ++calls;
    });
  }
};

// A batch of `events` events of `bytes` bytes each, with a finalizer that reports to `record`.
Batch make_batch(std::size_t events, std::size_t bytes, AckRecord* record = nullptr, char fill = 'x') {
  Batch batch;
  for (std::size_t i = 0; i < events; ++i)
    batch.add_event(0, batch.store(std::string(bytes, fill)));
  if (record != nullptr) batch.set_ack(record->make());
  return batch;
}

class MemoryChannelTest : public ::testing::Test {
 protected:
  void make_channel(std::uint64_t max_bytes, WhenFull when_full) {
    ChannelConfig config;
    config.max_bytes = ByteSize{max_bytes};
    config.when_full = when_full;
    channel_ = std::make_unique<MemoryChannel>(config, metrics_, "out");
  }
  // Pushes and runs what is ready; true when the push completed.
  bool push_now(Batch batch) {
    auto push = spawn(io_, channel_->push(std::move(batch)));
    run_ready(io_);
    return push->done();
  }
  std::optional<Delivery> pop_now() {
    auto pop = spawn(io_, channel_->pop());
    run_ready(io_);
    EXPECT_TRUE(pop->done()) << "pop is waiting";
    auto value = pop->take();
    return value ? std::move(*value) : std::nullopt;
  }
  std::uint64_t dropped_full() const {
    return registry_.counter_value(
        "pyrolog_component_discarded_events_total",
        {{"component", "out"}, {"kind", "sink"}, {"type", "test"}, {"reason", "channel_full"}});
  }

  // A record that outlives the channel: batches still queued at the end report when the channel goes.
  AckRecord& record() { return records_.emplace_back(); }

  asio::io_context io_;
  MetricsRegistry registry_;
  ComponentMetrics metrics_{registry_, "out", "sink", "test"};
  std::deque<AckRecord> records_;
  std::unique_ptr<MemoryChannel> channel_;
};

TEST_F(MemoryChannelTest, PushPopAck) {
  make_channel(1024 * 1024, WhenFull::block);
  EXPECT_EQ(channel_->max_bytes(), 1024u * 1024);
  AckRecord& a = record();
  AckRecord& b = record();
  Batch first = make_batch(3, 100, &a, 'a');
  const std::size_t first_size = first.byte_size();
  ASSERT_TRUE(push_now(std::move(first)));
  ASSERT_TRUE(push_now(make_batch(2, 100, &b, 'b')));
  EXPECT_EQ(channel_->pending_events(), 5u);
  EXPECT_GE(channel_->bytes(), first_size + 200);
  EXPECT_EQ(registry_.counter_value("pyrolog_component_received_events_total",
                                    {{"component", "out"}, {"kind", "sink"}, {"type", "test"}}),
            5u);

  auto d1 = pop_now();
  ASSERT_TRUE(d1.has_value());
  EXPECT_EQ(d1->sequence, 0u);
  ASSERT_EQ(d1->batch->size(), 3u);
  EXPECT_EQ(d1->batch->events()[0].raw, std::string(100, 'a'));
  EXPECT_EQ(d1->batch->ack(), nullptr);  // the channel keeps the finalizer, not the batch
  auto d2 = pop_now();
  ASSERT_TRUE(d2.has_value());
  EXPECT_EQ(d2->sequence, 1u);
  EXPECT_EQ(d2->batch->events()[0].raw, std::string(100, 'b'));

  // Taken is not delivered: the batches still count, and their finalizers wait for the acks.
  EXPECT_EQ(channel_->pending_events(), 5u);
  EXPECT_EQ(a.calls, 0);
  // Acks in any order.
  channel_->ack(std::move(*d2));
  EXPECT_EQ(b.calls, 1);
  EXPECT_EQ(b.ok, 1);
  EXPECT_EQ(a.calls, 0);
  EXPECT_EQ(channel_->pending_events(), 3u);
  EXPECT_EQ(channel_->bytes(), first_size);
  channel_->ack(std::move(*d1));
  EXPECT_EQ(a.calls, 1);
  EXPECT_EQ(a.ok, 1);
  EXPECT_EQ(channel_->bytes(), 0u);
  EXPECT_EQ(channel_->pending_events(), 0u);
}

TEST_F(MemoryChannelTest, BytesGaugeFollowsTheChannel) {
  make_channel(1024 * 1024, WhenFull::block);
  Gauge& gauge = metrics_.gauge("channel_bytes", "");
  Batch batch = make_batch(1, 1000);
  const auto size = static_cast<std::int64_t>(batch.byte_size());
  ASSERT_TRUE(push_now(std::move(batch)));
  EXPECT_EQ(gauge.value(), size);
  auto d = pop_now();
  EXPECT_EQ(gauge.value(), size);
  channel_->ack(std::move(*d));
  EXPECT_EQ(gauge.value(), 0);
}

TEST_F(MemoryChannelTest, PopWaitsForABatch) {
  make_channel(1024 * 1024, WhenFull::block);
  auto pop = spawn(io_, channel_->pop());
  run_ready(io_);
  EXPECT_FALSE(pop->done());
  ASSERT_TRUE(push_now(make_batch(1, 10)));
  ASSERT_TRUE(run_until(io_, [&] { return pop->done(); }));
  auto d = pop->take();
  ASSERT_TRUE(d && *d);
  EXPECT_EQ((*d)->batch->size(), 1u);
}

TEST_F(MemoryChannelTest, BlockWaitsUntilAnAckFreesRoom) {
  make_channel(100 * 1024, WhenFull::block);
  AckRecord& a = record();
  AckRecord& b = record();
  ASSERT_TRUE(push_now(make_batch(1, 60 * 1024, &a)));

  auto blocked = spawn(io_, channel_->push(make_batch(1, 60 * 1024, &b)));
  run_ready(io_);
  EXPECT_FALSE(blocked->done()) << "the second batch does not fit";
  EXPECT_EQ(channel_->pending_events(), 1u);

  // Taking the batch frees nothing: it counts until the sink acknowledges it.
  auto d = pop_now();
  ASSERT_TRUE(d.has_value());
  run_ready(io_);
  EXPECT_FALSE(blocked->done());

  channel_->ack(std::move(*d));
  EXPECT_EQ(a.ok, 1);
  ASSERT_TRUE(run_until(io_, [&] { return blocked->done(); }));
  EXPECT_EQ(channel_->pending_events(), 1u);
  EXPECT_EQ(b.calls, 0);
  EXPECT_EQ(dropped_full(), 0u);
}

TEST_F(MemoryChannelTest, ABatchLargerThanTheChannelGoesIntoAnEmptyOne) {
  make_channel(1024, WhenFull::block);
  ASSERT_TRUE(push_now(make_batch(1, 4096)));
  EXPECT_GT(channel_->bytes(), channel_->max_bytes());
  // But nothing more until it is delivered.
  auto blocked = spawn(io_, channel_->push(make_batch(1, 1)));
  run_ready(io_);
  EXPECT_FALSE(blocked->done());
  channel_->ack(std::move(*pop_now()));
  ASSERT_TRUE(run_until(io_, [&] { return blocked->done(); }));
}

TEST_F(MemoryChannelTest, DropNewestDropsAndCounts) {
  make_channel(100 * 1024, WhenFull::drop_newest);
  AckRecord& a = record();
  AckRecord& b = record();
  ASSERT_TRUE(push_now(make_batch(2, 30 * 1024, &a)));
  ASSERT_TRUE(push_now(make_batch(3, 20 * 1024, &b))) << "drop_newest never waits";
  EXPECT_EQ(dropped_full(), 3u);
  EXPECT_EQ(channel_->pending_events(), 2u);
  // The dropped batch is let go at once, dropped on purpose, so its source moves on.
  EXPECT_EQ(b.calls, 1);
  EXPECT_EQ(b.ok, 1);
  EXPECT_EQ(a.calls, 0);

  // Once there is room again, batches are taken.
  channel_->ack(std::move(*pop_now()));
  ASSERT_TRUE(push_now(make_batch(3, 20 * 1024)));
  EXPECT_EQ(channel_->pending_events(), 3u);
  EXPECT_EQ(dropped_full(), 3u);
}

TEST_F(MemoryChannelTest, CloseDrainsThenPopReturnsNothing) {
  make_channel(1024 * 1024, WhenFull::block);
  ASSERT_TRUE(push_now(make_batch(1, 10, nullptr, 'a')));
  ASSERT_TRUE(push_now(make_batch(1, 10, nullptr, 'b')));
  channel_->close();
  auto first = pop_now();
  auto second = pop_now();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->batch->events()[0].raw, std::string(10, 'a'));
  EXPECT_EQ(second->batch->events()[0].raw, std::string(10, 'b'));
  EXPECT_FALSE(pop_now().has_value());
  EXPECT_FALSE(pop_now().has_value());
  // Acks after close still release their batches.
  channel_->ack(std::move(*first));
  channel_->ack(std::move(*second));
  EXPECT_EQ(channel_->bytes(), 0u);
}

TEST_F(MemoryChannelTest, CloseWakesAWaitingPop) {
  make_channel(1024 * 1024, WhenFull::block);
  auto pop = spawn(io_, channel_->pop());
  run_ready(io_);
  ASSERT_FALSE(pop->done());
  channel_->close();
  ASSERT_TRUE(run_until(io_, [&] { return pop->done(); }));
  auto value = pop->take();
  ASSERT_TRUE(value.has_value());
  EXPECT_FALSE(value->has_value());
}

TEST_F(MemoryChannelTest, PushAfterCloseFailsTheBatch) {
  make_channel(1024 * 1024, WhenFull::block);
  channel_->close();
  AckRecord& a = record();
  ASSERT_TRUE(push_now(make_batch(1, 10, &a)));
  EXPECT_EQ(a.calls, 1);
  EXPECT_EQ(a.failed, 1);
  EXPECT_EQ(channel_->pending_events(), 0u);
  EXPECT_FALSE(pop_now().has_value());
}

TEST_F(MemoryChannelTest, CloseReleasesABlockedPushAndFailsItsBatch) {
  make_channel(1024, WhenFull::block);
  AckRecord& a = record();
  AckRecord& b = record();
  ASSERT_TRUE(push_now(make_batch(1, 2048, &a)));
  auto blocked = spawn(io_, channel_->push(make_batch(1, 2048, &b)));
  run_ready(io_);
  ASSERT_FALSE(blocked->done());
  channel_->close();
  ASSERT_TRUE(run_until(io_, [&] { return blocked->done(); }));
  EXPECT_EQ(b.failed, 1);
  // What was queued before the close is still delivered.
  auto d = pop_now();
  ASSERT_TRUE(d.has_value());
  channel_->ack(std::move(*d));
  EXPECT_EQ(a.ok, 1);
}

TEST_F(MemoryChannelTest, AbandonFailsQueuedBatches) {
  make_channel(1024 * 1024, WhenFull::block);
  AckRecord& a = record();
  AckRecord& b = record();
  AckRecord& c = record();
  ASSERT_TRUE(push_now(make_batch(1, 10, &a)));
  ASSERT_TRUE(push_now(make_batch(2, 10, &b)));
  ASSERT_TRUE(push_now(make_batch(3, 10, &c)));
  auto in_flight = pop_now();
  ASSERT_TRUE(in_flight.has_value());

  EXPECT_EQ(channel_->abandon(), 5u);  // the queued events
  EXPECT_EQ(b.failed, 1);
  EXPECT_EQ(c.failed, 1);
  EXPECT_EQ(a.calls, 0);
  EXPECT_FALSE(pop_now().has_value());
  AckRecord& late = record();
  ASSERT_TRUE(push_now(make_batch(1, 10, &late)));
  EXPECT_EQ(late.failed, 1);
  // A batch the sink had taken is the sink's: acknowledged, it was delivered.
  channel_->ack(std::move(*in_flight));
  EXPECT_EQ(a.ok, 1);
}

// A delivery the sink lets go without acknowledging it (a sink that threw while delivering) was not
// delivered: its batch goes back to the queue, ahead of those that came after it, for the sink that replaces
// the failed one. It still counts against max_bytes, and its finalizer waits.
TEST_F(MemoryChannelTest, ADeliveryReleasedWithoutAckIsQueuedAgainInOrder) {
  make_channel(1024 * 1024, WhenFull::block);
  AckRecord& acks = record();
  ASSERT_TRUE(push_now(make_batch(1, 10, &acks)));
  ASSERT_TRUE(push_now(make_batch(2, 10, &acks)));
  ASSERT_TRUE(push_now(make_batch(3, 10, &acks)));
  const auto bytes = channel_->bytes();
  {
    auto first = pop_now();
    auto second = pop_now();
    ASSERT_TRUE(first && second);
    second.reset();  // released out of order: still delivered in order again
  }
  EXPECT_EQ(acks.calls, 0);
  EXPECT_EQ(channel_->bytes(), bytes);
  EXPECT_EQ(channel_->pending_batches(), 3u);
  for (std::size_t events : {1u, 2u, 3u}) {
    auto again = pop_now();
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->batch->size(), events);
    channel_->ack(std::move(*again));
  }
  EXPECT_EQ(acks.ok, 3);
  EXPECT_EQ(channel_->bytes(), 0u);
  EXPECT_EQ(registry_.counter_value("pyrolog_channel_redelivered_batches_total",
                                    {{"component", "out"}, {"kind", "sink"}, {"type", "test"}}),
            2u);
}

// Once the channel was abandoned (the stop's deadline), or is gone, nobody will deliver it: the finalizer
// fails, so the source does not move past data nobody delivered.
TEST_F(MemoryChannelTest, ADeliveryReleasedAfterAbandonFailsItsBatch) {
  make_channel(1024 * 1024, WhenFull::block);
  AckRecord& a = record();
  ASSERT_TRUE(push_now(make_batch(1, 10, &a)));
  auto taken = pop_now();
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(channel_->abandon(), 0u);
  taken.reset();
  EXPECT_EQ(a.calls, 1);
  EXPECT_EQ(a.failed, 1);
}

TEST_F(MemoryChannelTest, ADeliveryReleasedAfterTheChannelIsGoneFailsItsBatch) {
  make_channel(1024 * 1024, WhenFull::block);
  AckRecord& a = record();
  ASSERT_TRUE(push_now(make_batch(1, 10, &a)));
  auto taken = pop_now();
  ASSERT_TRUE(taken.has_value());
  channel_.reset();
  taken.reset();
  EXPECT_EQ(a.calls, 1);
  EXPECT_EQ(a.failed, 1);
}

TEST_F(MemoryChannelTest, ProducerAndConsumerOnWorkerThreads) {
  // Small channel, many batches, two threads: exercises the locking (run under TSan).
  make_channel(8 * 1024, WhenFull::block);
  constexpr int kBatches = 300;
  AckRecord& acks = record();
  auto producer =
      spawn(asio::make_strand(io_), [](MemoryChannel& channel, AckRecord& counts) -> Awaitable<void> {
        for (int i = 0; i < kBatches; ++i) {
          co_await channel.push(make_batch(1, 1000 + static_cast<std::size_t>(i % 7), &counts));
        }
        channel.close();
      }(*channel_, acks));
  auto consumer = spawn(asio::make_strand(io_), [](MemoryChannel& channel) -> Awaitable<int> {
    int n = 0;
    std::uint64_t expected_sequence = 0;
    while (auto d = co_await channel.pop()) {
      if (d->sequence != expected_sequence++) throw std::runtime_error("out of order");
      ++n;
      channel.ack(std::move(*d));
    }
    co_return n;
  }(*channel_));
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i)
    threads.emplace_back([this] { io_.run(); });
  EXPECT_TRUE(producer->wait());
  EXPECT_TRUE(consumer->wait());
  for (auto& t : threads)
    t.join();
  EXPECT_FALSE(consumer->error());
  EXPECT_EQ(consumer->value(), kBatches);
  EXPECT_EQ(acks.ok, kBatches);
  EXPECT_EQ(acks.failed, 0);
  EXPECT_EQ(channel_->bytes(), 0u);
}

}  // namespace
}  // namespace pyrolog
