// The Kafka sink end to end against librdkafka's mock cluster: acknowledgements, retries, isolation, dead
// letters, a fatal error, an outage and a stop with a deadline.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "fake_sink_context.h"
#include "kafka_sink.h"
#include "mock_cluster.h"

namespace pyrolog {
namespace {

using testing::FakeSinkContext;
using testing::MockCluster;
using namespace std::chrono_literals;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pyrolog-kafka-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string line(std::size_t i) {
  return fmt::format("line {:07d}", i);
}

Batch batch_of(std::size_t first, std::size_t count, std::size_t extra_bytes_at = SIZE_MAX) {
  Batch b;
  for (std::size_t i = first; i < first + count; ++i) {
    std::string text = line(i);
    if (i == extra_bytes_at) text += std::string(5000, 'x');
    b.add_event(1700000000000000000 + static_cast<std::int64_t>(i), b.store(text));
  }
  return b;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class KafkaSinkFlow : public ::testing::Test {
 protected:
  KafkaSinkConfig config(const std::string& topic) {
    KafkaSinkConfig c;
    c.brokers = cluster_.bootstrap();
    c.topic = topic;
    c.encoding = KafkaEncoding::raw;
    c.linger = 5ms;
    c.flush_timeout = 5s;
    c.librdkafka["log_level"] = "3";
    return c;
  }
  // Values read back, in partition order.
  std::vector<std::string> values(const std::string& topic, std::size_t expected, int partitions = 1) {
    std::vector<std::string> out;
    for (auto& m : cluster_.read(topic, partitions, expected))
      out.push_back(m.value);
    return out;
  }
  static std::vector<std::string> lines(std::size_t n) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i)
      out.push_back(line(i));
    return out;
  }

  MockCluster cluster_{1};
  TempDir dir_;
};

TEST_F(KafkaSinkFlow, DeliversEverythingInOrderAndAcknowledgesEachBatchOnce) {
  cluster_.create_topic("logs");
  FakeSinkContext ctx(dir_.path());
  KafkaSink sink(config("logs"));
  sink.open(ctx);
  ctx.start(sink);
  for (std::size_t b = 0; b < 50; ++b)
    ctx.push(batch_of(b * 100, 100));
  ASSERT_TRUE(ctx.wait_acked(50));
  ctx.close();
  ASSERT_TRUE(ctx.wait_done());
  EXPECT_FALSE(ctx.duplicate_acks());
  EXPECT_EQ(values("logs", 5000), lines(5000));
  EXPECT_EQ(ctx.counter("pyrolog_component_sent_events_total"), 5000u);
  EXPECT_EQ(ctx.counter("pyrolog_kafka_producer_rebuilds_total"), 0u);
}

TEST_F(KafkaSinkFlow, RetriableErrorsAreRetriedWithoutLossOrDuplicates) {
  cluster_.create_topic("logs");
  cluster_.fail_produce({RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
                         RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION});
  FakeSinkContext ctx(dir_.path());
  KafkaSink sink(config("logs"));
  sink.open(ctx);
  ctx.start(sink);
  for (std::size_t b = 0; b < 20; ++b)
    ctx.push(batch_of(b * 50, 50));
  ASSERT_TRUE(ctx.wait_acked(20));
  ctx.close();
  ASSERT_TRUE(ctx.wait_done());
  EXPECT_EQ(values("logs", 1000), lines(1000));  // idempotence: once each, in order
}

TEST_F(KafkaSinkFlow, ARequestRefusedWholeIsSentAgainMessageByMessage) {
  cluster_.create_topic("logs");
  cluster_.fail_produce({RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE});  // the first request, whatever it holds
  FakeSinkContext ctx(dir_.path());
  KafkaSink sink(config("logs"));
  sink.open(ctx);
  ctx.start(sink);
  for (std::size_t b = 0; b < 10; ++b)
    ctx.push(batch_of(b * 20, 20));
  ASSERT_TRUE(ctx.wait_acked(10));
  ctx.close();
  ASSERT_TRUE(ctx.wait_done());
  auto got = values("logs", 200);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, lines(200));  // every message, alone this time; none was too large
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "dead-letter.jsonl") &&
               !read_file(dir_.path() / "dead-letter.jsonl").empty());
}

TEST_F(KafkaSinkFlow, AMessageTooLargeGoesToTheDeadLetterFileAndTheRestFlows) {
  cluster_.create_topic("logs");
  auto c = config("logs");
  c.message_max_bytes = ByteSize{1024};
  const auto dead = dir_.path() / "dead.jsonl";
  c.dead_letter.path = dead.string();
  FakeSinkContext ctx(dir_.path());
  KafkaSink sink(c);
  sink.open(ctx);
  ctx.start(sink);
  ctx.push(batch_of(0, 100, 42));
  ctx.push(batch_of(100, 100));
  ASSERT_TRUE(ctx.wait_acked(2));
  ctx.close();
  ASSERT_TRUE(ctx.wait_done());
  auto expected = lines(200);
  expected.erase(expected.begin() + 42);
  EXPECT_EQ(values("logs", 199), expected);
  const auto text = read_file(dead);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
  EXPECT_NE(text.find(R"("error":"MSG_SIZE_TOO_LARGE")"), std::string::npos) << text;
  EXPECT_NE(text.find(line(42) + "xxxx"), std::string::npos);
  EXPECT_EQ(global_metrics().counter_sum("pyrolog_kafka_dead_letters_total", {{"component", "kafka_out"}}),
            1u);
}

TEST_F(KafkaSinkFlow, RefusedMessagesGoToTheDeadLetterTopicWithTheReason) {
  cluster_.create_topic("logs");
  cluster_.create_topic("logs-dead");
  auto c = config("logs");
  c.dead_letter.topic = "logs-dead";
  c.idempotence = false;  // one refused request must not hold the others back
  c.acks = KafkaAcks::all;
  FakeSinkContext ctx(dir_.path());
  KafkaSink sink(c);
  sink.open(ctx);
  ctx.start(sink);
  ctx.push(batch_of(0, 10));
  ASSERT_TRUE(ctx.wait_acked(1));
  cluster_.fail_produce({RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED});
  ctx.push(batch_of(10, 10));
  ASSERT_TRUE(ctx.wait_acked(2));
  ctx.close();
  ASSERT_TRUE(ctx.wait_done());
  const auto dead = cluster_.read("logs-dead", 1, 10);
  ASSERT_EQ(dead.size(), 10u);
  EXPECT_EQ(dead[0].value, line(10));
  EXPECT_EQ(dead[0].headers.at("pyrolog.error"), "TOPIC_AUTHORIZATION_FAILED");
  EXPECT_EQ(dead[0].headers.at("pyrolog.topic"), "logs");
  EXPECT_FALSE(dead[0].headers.at("pyrolog.reason").empty());
  EXPECT_EQ(values("logs", 10).size(), 10u);
}

TEST_F(KafkaSinkFlow, AFatalErrorReplacesTheProducerAndLosesNothing) {
  cluster_.create_topic("logs");
  FakeSinkContext ctx(dir_.path());
  KafkaSink sink(config("logs"));
  sink.open(ctx);
  ctx.start(sink);
  for (std::size_t b = 0; b < 10; ++b)
    ctx.push(batch_of(b * 100, 100));
  sink.raise_fatal_error_for_testing();
  for (std::size_t b = 10; b < 20; ++b)
    ctx.push(batch_of(b * 100, 100));
  ASSERT_TRUE(ctx.wait_acked(20));
  for (int i = 0; i < 100 && ctx.counter("pyrolog_kafka_producer_rebuilds_total") == 0; ++i) {
    std::this_thread::sleep_for(50ms);  // the fatal error may land after the last acknowledgement
  }
  ctx.close();
  ASSERT_TRUE(ctx.wait_done());
  EXPECT_EQ(ctx.counter("pyrolog_kafka_producer_rebuilds_total"), 1u);
  auto got = values("logs", 2000);
  std::set<std::string> unique(got.begin(), got.end());
  const auto all = lines(2000);
  EXPECT_EQ(unique, std::set<std::string>(all.begin(), all.end()));  // at least once each
}

TEST_F(KafkaSinkFlow, WhileTheBrokerIsDownTheSinkStopsTakingThenDeliversEverything) {
  cluster_.create_topic("logs");
  auto c = config("logs");
  c.max_in_flight_batches = 4;
  FakeSinkContext ctx(dir_.path());
  KafkaSink sink(c);
  sink.open(ctx);
  ctx.start(sink);
  ctx.push(batch_of(0, 10));
  ASSERT_TRUE(ctx.wait_acked(1));
  cluster_.broker_down();
  for (std::size_t b = 1; b < 30; ++b)
    ctx.push(batch_of(b * 10, 10));
  ASSERT_TRUE(ctx.wait_taken(5));
  std::this_thread::sleep_for(1s);  // the window is full: nothing more may be taken meanwhile
  EXPECT_EQ(ctx.taken(), 5u);
  EXPECT_EQ(ctx.acked(), 1u);
  cluster_.broker_up();
  ASSERT_TRUE(ctx.wait_acked(30, 60s));
  ctx.close();
  ASSERT_TRUE(ctx.wait_done());
  EXPECT_EQ(values("logs", 300), lines(300));
}

TEST_F(KafkaSinkFlow, AStopWaitsForTheBrokersOnlyUntilTheFlushTimeout) {
  cluster_.create_topic("logs");
  auto c = config("logs");
  c.flush_timeout = 1s;
  FakeSinkContext ctx(dir_.path());
  KafkaSink sink(c);
  sink.open(ctx);
  ctx.start(sink);
  ctx.push(batch_of(0, 10));
  ASSERT_TRUE(ctx.wait_acked(1));
  cluster_.broker_down();
  ctx.push(batch_of(10, 10));
  ctx.push(batch_of(20, 10));
  ASSERT_TRUE(ctx.wait_taken(3));
  ctx.close();
  const auto began = std::chrono::steady_clock::now();
  ASSERT_TRUE(ctx.wait_done(10s));
  EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
  EXPECT_EQ(ctx.acked(), 1u);  // the other two stay in the channel
}

}  // namespace
}  // namespace pyrolog
