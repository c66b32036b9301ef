#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "wake_pipe.h"

// librdkafka's handles, declared here so that only kafka_producer.cc includes <librdkafka/rdkafka.h>.
struct rd_kafka_s;
struct rd_kafka_topic_s;
struct rd_kafka_queue_s;

namespace pyrolog::kafka {

// What the sink does with a message whose delivery failed for good (librdkafka retries what it can by itself,
// within `message.timeout.ms` and `retries`).
enum class ErrorAction {
  retry,    // not stored or maybe stored, for reasons that pass (timeouts, purges, a fatal producer): produce
            // again
  isolate,  // the broker refused the whole request it came in (too large, invalid record): try it alone
  dead_letter,  // refused for a reason of its own or of its topic (authorization, unknown topic): set aside
};
ErrorAction classify_delivery_error(int error);
// librdkafka's name of an error code (`MSG_SIZE_TOO_LARGE`, `_MSG_TIMED_OUT`) and its description.
std::string_view error_name(int error);
std::string error_description(int error);

// librdkafka properties (`bootstrap.servers`, `compression.codec`, ...), applied in order.
using Properties = std::map<std::string, std::string>;

// A message header; the name must be NUL-terminated (librdkafka takes a C string).
struct Header {
  const char* name = nullptr;
  std::string_view value;
};

struct ProduceRequest {
  std::string_view topic;
  std::string_view payload;  // not copied: must stay valid until the delivery report
  std::optional<std::string_view> key;
  std::span<const Header> headers;
  std::int64_t timestamp_ms = 0;  // 0: the producer's clock
  void* opaque = nullptr;         // handed back in the delivery report
};

// What `produce` says at once. `queue_full`: librdkafka's local queue is full; poll, then try again.
struct ProduceResult {
  int error = 0;  // 0: queued; a delivery report will follow
  std::string reason;
  bool queued() const { return error == 0; }
  bool queue_full() const;
};

// How sure librdkafka is that a failed message did or did not reach the topic.
enum class Persistence { not_persisted, possibly_persisted, persisted };

struct DeliveryReport {
  void* opaque = nullptr;
  int error = 0;  // 0: acknowledged by the broker (per `acks`)
  std::string_view reason;
  Persistence persistence = Persistence::not_persisted;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
};

// What librdkafka tells besides delivery reports. All callbacks run inside `poll`, on the caller's thread,
// except `on_log`, which librdkafka calls from its own threads (it must only log).
struct ProducerCallbacks {
  std::function<void(const DeliveryReport&)> on_delivery;
  // Errors that are not about one message: brokers down, authentication, a fatal error (`fatal`: the
  // producer is unusable and must be replaced; `reason` is the fatal error's own text).
  std::function<void(int error, std::string_view reason, bool fatal)> on_error;
  std::function<void(std::string_view json)> on_statistics;
  std::function<void(int syslog_level, std::string_view facility, std::string_view message)> on_log;
};

// One librdkafka producer handle (RAII). Delivery reports and errors are queued by librdkafka's threads and
// served by `poll`, which the owner calls from its own executor whenever `wake_fd` becomes readable: nothing
// of the owner runs on librdkafka's threads, and nothing runs after the owner stops polling.
//
// Not thread-safe: one owner (one strand) calls everything.
class KafkaProducer {
 public:
  // Throws std::runtime_error naming the bad property when librdkafka refuses the configuration.
  KafkaProducer(const Properties& properties, ProducerCallbacks callbacks);
  ~KafkaProducer();
  KafkaProducer(const KafkaProducer&) = delete;
  KafkaProducer& operator=(const KafkaProducer&) = delete;

  // A message for an invalid property (unknown name, bad value), or nullopt when librdkafka accepts each one.
  // Checks properties one by one; combinations are checked when a producer is built.
  static std::optional<std::string> check_properties(const Properties& properties);

  ProduceResult produce(const ProduceRequest& request);

  // Serves what librdkafka queued (delivery reports, errors, statistics). Returns the number served. An
  // exception thrown by a callback is kept from librdkafka's C frames and rethrown here, after them.
  int poll();
  // Becomes readable when librdkafka queued something for `poll` (edge: only when its queue was empty).
  // Call `clear_wake` before `poll`.
  int wake_fd() const { return wake_.read_fd(); }
  void clear_wake();

  // Messages librdkafka holds: queued, in flight, or with a delivery report not yet served.
  std::size_t outstanding() const;
  // Fails every message not yet acknowledged; their reports (`_PURGE_QUEUE`, `_PURGE_INFLIGHT`) come via
  // `poll`. A message in flight may still have reached the broker.
  void purge();
  // The fatal error, if one was raised: "CODE: reason".
  std::optional<std::string> fatal_error() const;
  // librdkafka's test hook: raises a fatal error as if the broker had fenced the producer.
  void raise_fatal_error_for_testing(std::string_view reason);

 private:
  struct HandleDeleter {
    void operator()(rd_kafka_s* rk) const;
  };
  struct TopicDeleter {
    void operator()(rd_kafka_topic_s* rkt) const;
  };
  struct QueueDeleter {
    void operator()(rd_kafka_queue_s* q) const;
  };
  friend struct ProducerTrampolines;

  rd_kafka_topic_s* topic(std::string_view name);

  ProducerCallbacks callbacks_;
  std::exception_ptr callback_error_;  // thrown by a callback inside rd_kafka_poll, rethrown by `poll`
  WakePipe wake_;
  // Declared after the callbacks and the pipe, so that it is destroyed before them.
  std::unique_ptr<rd_kafka_s, HandleDeleter> handle_;
  std::unique_ptr<rd_kafka_queue_s, QueueDeleter> main_queue_;
  std::unordered_map<std::string, std::unique_ptr<rd_kafka_topic_s, TopicDeleter>> topics_;
  std::string last_topic_name_;  // most messages go to the topic the one before went to
  rd_kafka_topic_s* last_topic_ = nullptr;
};

}  // namespace pyrolog::kafka
