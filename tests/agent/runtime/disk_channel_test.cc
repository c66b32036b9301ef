#include "runtime/disk_channel.h"

#include <filesystem>
#include <optional>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#include "support/io_wait.h"

namespace pyrolog {
namespace {

using testing::run_until;
using testing::spawn;

// A batch of one event whose line is `line`.
Batch batch_of(const std::string& line) {
  Batch batch;
  batch.add_event(0, batch.store(line));
  return batch;
}

class DiskChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ChannelConfig config;
    config.sync = ChannelSync::never;
    channel_ = std::make_unique<DiskChannel>(config, directory_, metrics_, "out");
    channel_->open();
  }
  void TearDown() override {
    channel_.reset();
    std::filesystem::remove_all(directory_);
  }
  void push(const std::string& line) {
    auto pushed = spawn(io_, channel_->push(batch_of(line)));
    ASSERT_TRUE(run_until(io_, [&] { return pushed->done(); }));
  }
  // The line of the next batch.
  std::string pop(std::optional<Delivery>& delivery) {
    auto popped = spawn(io_, channel_->pop());
    EXPECT_TRUE(run_until(io_, [&] { return popped->done(); })) << "pop is waiting";
    delivery = popped->take().value_or(std::nullopt);
    if (!delivery) return "<none>";
    return std::string(delivery->batch->events()[0].raw);
  }
  std::uint64_t redelivered() const {
    return registry_.counter_value("pyrolog_channel_redelivered_batches_total",
                                   {{"component", "out"}, {"kind", "sink"}, {"type", "test"}});
  }

  const std::filesystem::path directory_ =
      std::filesystem::temp_directory_path() / ("pyrolog-disk-channel-test-" + std::to_string(::getpid()));
  asio::io_context io_;
  MetricsRegistry registry_;
  ComponentMetrics metrics_{registry_, "out", "sink", "test"};
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

}  // namespace
}  // namespace pyrolog
