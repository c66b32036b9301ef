#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>

#include "kafka_consumer.h"
#include "kafka_source_config.h"
#include "log/log.h"
#include "offset_tracker.h"
#include "plugin/source.h"
#include "runtime/wait_queue.h"

namespace pyrolog {

// Reads topics as a member of a Kafka consumer group. Offsets are committed only for what the channel has
// acknowledged (the batches' AckGroups said ok), in offset order per partition, never automatically. On a
// rebalance, the partitions being taken away get a last commit of what is acknowledged (after waiting up to
// `ack_timeout` for the rest) and are then let go; nothing is committed for them afterwards. See
// docs/sources/kafka.md.
//
// Everything runs on the source's strand: librdkafka's callbacks (rebalances, commit results, errors) are
// served by `poll` there, woken through a pipe librdkafka writes to when its queue gets something.
class KafkaSource final : public Source {
 public:
  explicit KafkaSource(const KafkaSourceConfig& config);
  ~KafkaSource() override;

  void open(SourceContext& ctx) override;
  Awaitable<void> run(SourceContext& ctx) override;
  void stop() override;

 private:
  struct BatchBuilder;

  std::unique_ptr<kafka::KafkaConsumer> make_consumer(SourceContext& ctx);
  void on_rebalance(kafka::RebalanceEvent event, const std::vector<kafka::TopicPartition>& partitions,
                    bool lost);
  void on_error(int error, std::string_view reason, bool fatal);
  void on_commit(const std::vector<std::pair<kafka::PartitionOffset, int>>& results);
  void commit(bool wait, const std::vector<kafka::TopicPartition>& partitions = {});
  void add_event(BatchBuilder& b, const kafka::ConsumedMessage& m);
  void arm();
  Awaitable<void> sleep_until(std::chrono::steady_clock::time_point when);
  Awaitable<void> disarm();

  const KafkaSourceConfig config_;
  SourceContext* ctx_ = nullptr;
  Executor executor_;
  std::shared_ptr<OffsetTracker> tracker_ = std::make_shared<OffsetTracker>();
  std::unique_ptr<kafka::KafkaConsumer> consumer_;
  std::optional<asio::posix::stream_descriptor> wake_;
  std::optional<asio::steady_timer> timer_;
  bool armed_ = false;
  bool woke_ = false;
  bool revoked_ = false;  // partitions were taken away while a batch was being filled
  bool fatal_ = false;
  std::atomic<bool> stopping_{false};

  Counter* commits_ = nullptr;
  Counter* rebalances_ = nullptr;
  Gauge* assigned_ = nullptr;
  log::RateLimit error_log_{std::chrono::seconds(10)};
  std::shared_ptr<log::RateLimit> librdkafka_log_ =
      std::make_shared<log::RateLimit>(std::chrono::seconds(10));
  std::size_t assigned_count_ = 0;

  std::mutex mutex_;  // for `handler_done_` only (the strand serializes everything else)
  WaitQueue handler_done_;
};

}  // namespace pyrolog
