#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wake_pipe.h"

// librdkafka's handles, declared here so that only kafka_consumer.cc includes <librdkafka/rdkafka.h>.
struct rd_kafka_s;
struct rd_kafka_queue_s;
struct rd_kafka_message_s;

namespace pyrolog::kafka {

using ConsumerProperties = std::map<std::string, std::string>;

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;
  friend auto operator<=>(const TopicPartition&, const TopicPartition&) = default;
};

// An offset to commit: the next offset to read in the partition (last processed + 1), as Kafka expects.
struct PartitionOffset {
  TopicPartition tp;
  std::int64_t offset = 0;
};

struct MessageHeader {
  std::string_view name;
  std::optional<std::string_view> value;
};

// One message from the consumer; the views stay valid until the next `poll` or until the message is
// destroyed.
class ConsumedMessage {
 public:
  ConsumedMessage() = default;
  explicit ConsumedMessage(rd_kafka_message_s* message);
  ~ConsumedMessage();
  ConsumedMessage(ConsumedMessage&& other) noexcept;
  ConsumedMessage& operator=(ConsumedMessage&& other) noexcept;

  int error() const;  // 0 for a message; else a consumer error (librdkafka code) and `error_text`
  std::string error_text() const;
  std::string_view topic() const;
  std::int32_t partition() const;
  std::int64_t offset() const;
  std::optional<std::string_view> key() const;
  std::string_view payload() const;
  // Milliseconds since the epoch, or nullopt when the message has none.
  std::optional<std::int64_t> timestamp_ms() const;
  std::vector<MessageHeader> headers() const;

 private:
  rd_kafka_message_s* message_ = nullptr;
};

enum class RebalanceEvent { assigned, revoked, failed };

struct ConsumerCallbacks {
  // Partitions assigned to or taken from this consumer, on the thread calling `poll` (or `close`), before the
  // assignment changes: a revocation is the last chance to commit for `partitions` (`lost`: they are already
  // someone else's, so committing is pointless). The consumer changes the assignment after this returns.
  std::function<void(RebalanceEvent event, const std::vector<TopicPartition>& partitions, bool lost)>
      on_rebalance;
  std::function<void(int error, std::string_view reason, bool fatal)> on_error;
  // The result of an asynchronous commit: per partition the offset and error (0 when committed).
  std::function<void(const std::vector<std::pair<PartitionOffset, int>>& results)> on_commit;
  // From librdkafka's threads: must only log.
  std::function<void(int syslog_level, std::string_view facility, std::string_view message)> on_log;
};

// One librdkafka high-level consumer (RAII) in a consumer group, committing only what it is told to (no auto
// commit, no offset store). Everything runs on the caller's thread through `poll`: messages, rebalances,
// commit results and errors. `wake_fd` becomes readable when there is something to poll.
//
// Not thread-safe: one owner (one strand) calls everything.
class KafkaConsumer {
 public:
  KafkaConsumer(const ConsumerProperties& properties, ConsumerCallbacks callbacks);
  ~KafkaConsumer();
  KafkaConsumer(const KafkaConsumer&) = delete;
  KafkaConsumer& operator=(const KafkaConsumer&) = delete;

  // A message for an invalid property (unknown name, bad value), or nullopt.
  static std::optional<std::string> check_properties(const ConsumerProperties& properties);
  // librdkafka's name of an error code.
  static std::string_view error_name(int error);

  // Topic names, or regular expressions starting with `^`. Throws std::runtime_error.
  void subscribe(const std::vector<std::string>& topics);
  // The next message or consumer error without waiting; nullopt when there is none now. Serves rebalances and
  // commit results on the way.
  std::optional<ConsumedMessage> poll();
  int wake_fd() const { return wake_.read_fd(); }
  void clear_wake();

  // Commits the offsets; `wait`: synchronously (returns librdkafka's error code, 0 on success). Else the
  // result goes to `on_commit`.
  int commit(const std::vector<PartitionOffset>& offsets, bool wait);

  // Leaves the group: revokes the assignment (through `on_rebalance`) as `poll` keeps being called, until
  // `closed()`.
  void start_close();
  bool closed() const;

  std::optional<std::string> fatal_error() const;

 private:
  struct HandleDeleter {
    void operator()(rd_kafka_s* rk) const;
  };
  struct QueueDeleter {
    void operator()(rd_kafka_queue_s* q) const;
  };
  friend struct ConsumerTrampolines;

  ConsumerCallbacks callbacks_;
  std::exception_ptr callback_error_;
  WakePipe wake_;
  bool closing_ = false;
  bool closing_failed_ = false;
  std::unique_ptr<rd_kafka_s, HandleDeleter> handle_;
  std::unique_ptr<rd_kafka_queue_s, QueueDeleter> queue_;
};

}  // namespace pyrolog::kafka
