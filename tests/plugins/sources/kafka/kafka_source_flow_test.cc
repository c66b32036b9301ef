// The Kafka source against librdkafka's mock cluster: events and their fields, offsets committed only after
// the channel acknowledged, never past a batch it did not, and a restart that goes on from the commit.
#include <chrono>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "fake_source_context.h"
#include "kafka_source.h"
#include "mock_cluster.h"

namespace pyrolog {
namespace {

using testing::FakeSourceContext;
using testing::MockCluster;
using testing::SourceRunner;
using testing::TempDir;
using namespace std::chrono_literals;

std::vector<std::string> values(std::size_t first, std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = first; i < first + n; ++i)
    out.push_back(fmt::format("message {:05d}", i));
  return out;
}

class KafkaSourceFlow : public ::testing::Test {
 protected:
  KafkaSourceConfig config() {
    KafkaSourceConfig c;
    c.brokers = cluster_.bootstrap();
    c.topics = {"logs"};
    c.group_id = "archive";
    c.commit_interval = std::chrono::milliseconds(50);
    c.max_batch_events = 100;
    c.ack_timeout = 1s;
    c.librdkafka["log_level"] = "3";
    c.librdkafka["session.timeout.ms"] = "6000";  // the mock cluster forgets a member only after this
    return c;
  }
  // Polls until the group's committed offsets are `want` (the commit is asynchronous).
  bool committed_becomes(const std::vector<std::int64_t>& want, std::chrono::seconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (cluster_.committed("archive", "logs", static_cast<int>(want.size())) == want) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  MockCluster cluster_{1};
  TempDir dir_;
};

TEST_F(KafkaSourceFlow, EventsCarryTheMessageAndItsPlace) {
  cluster_.create_topic("logs", 1);
  cluster_.produce("logs", values(0, 3), 0, "k1");
  FakeSourceContext ctx(dir_.path());
  KafkaSource source(config());
  SourceRunner runner(source, ctx);
  ASSERT_TRUE(ctx.wait_for_lines(3, 30s));
  EXPECT_EQ(ctx.lines(), values(0, 3));
  ASSERT_TRUE(runner.stop());
}

TEST_F(KafkaSourceFlow, OffsetsAreCommittedOnlyForWhatTheChannelAcknowledged) {
  cluster_.create_topic("logs", 2);
  cluster_.produce("logs", values(0, 150), 0);
  cluster_.produce("logs", values(150, 50), 1);
  FakeSourceContext ctx(dir_.path());
  ctx.hold_acks(true);
  KafkaSource source(config());
  SourceRunner runner(source, ctx);
  ASSERT_TRUE(ctx.wait_for_lines(200, 30s));
  std::this_thread::sleep_for(300ms);  // several commit intervals: nothing may be committed yet
  EXPECT_EQ(cluster_.committed("archive", "logs", 2), (std::vector<std::int64_t>{-1001, -1001}));
  ctx.ack_all(true);
  EXPECT_TRUE(committed_becomes({150, 50}));
  ASSERT_TRUE(runner.stop());
}

TEST_F(KafkaSourceFlow, NothingPastAFailedBatchIsCommittedAndARestartReadsItAgain) {
  cluster_.create_topic("logs", 1);
  cluster_.produce("logs", values(0, 300), 0);
  std::int64_t first_batch = 0;
  {
    FakeSourceContext ctx(dir_.path());
    ctx.hold_acks(true);
    KafkaSource source(config());
    SourceRunner runner(source, ctx);
    ASSERT_TRUE(ctx.wait_for_lines(300, 30s));
    ASSERT_GE(ctx.held(), 3u);
    ctx.ack(0, true);   // the first batch is stored
    ctx.ack(0, false);  // the second is not
    ctx.ack_all(true);  // the rest are
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (first_batch <= 0 && std::chrono::steady_clock::now() < deadline) {
      first_batch = cluster_.committed("archive", "logs", 1)[0];
      std::this_thread::sleep_for(100ms);
    }
    ASSERT_GT(first_batch, 0);
    ASSERT_TRUE(runner.stop());
    // The stop commits too, and still not past the failed batch.
    EXPECT_EQ(cluster_.committed("archive", "logs", 1), (std::vector<std::int64_t>{first_batch}));
  }
  // Started again, the same group goes on from the commit: everything after the first batch comes again.
  const auto rest = static_cast<std::size_t>(300 - first_batch);
  FakeSourceContext again(dir_.path());
  KafkaSource source(config());
  SourceRunner runner(source, again);
  ASSERT_TRUE(again.wait_for_lines(rest, 30s));
  EXPECT_EQ(again.lines(), values(static_cast<std::size_t>(first_batch), rest));
  EXPECT_TRUE(committed_becomes({300}));
  ASSERT_TRUE(runner.stop());
}

TEST_F(KafkaSourceFlow, AStopCommitsWhatIsAcknowledged) {
  cluster_.create_topic("logs", 1);
  cluster_.produce("logs", values(0, 50), 0);
  auto c = config();
  c.commit_interval = std::chrono::hours(1);  // only the stop commits
  FakeSourceContext ctx(dir_.path());
  KafkaSource source(c);
  SourceRunner runner(source, ctx);
  ASSERT_TRUE(ctx.wait_for_lines(50, 30s));
  ASSERT_TRUE(runner.stop());
  EXPECT_EQ(cluster_.committed("archive", "logs", 1), (std::vector<std::int64_t>{50}));
}

}  // namespace
}  // namespace pyrolog
