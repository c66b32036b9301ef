#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/posix/stream_descriptor.hpp>

#include "dead_letter_file.h"
#include "in_flight.h"
#include "kafka_producer.h"
#include "kafka_sink_config.h"
#include "kafka_sink_metrics.h"
#include "log/log.h"
#include "message_renderer.h"
#include "plugin/sink.h"
#include "runtime/wait_queue.h"

namespace pyrolog {

// Produces events to Kafka with librdkafka, and acknowledges a batch to its channel only when the brokers
// have acknowledged every message of it (or it was set aside as a dead letter). See docs/sinks/kafka.md.
//
// Two coroutines on the sink's strand share all state, so nothing here needs a lock:
// - `run` takes batches from the channel while the in-flight window has room, renders them and queues them;
// - `service` hands queued messages to the producer, serves librdkafka's delivery reports and errors (it
// polls
//   whenever librdkafka's queue wakes it through a pipe), acknowledges finished batches, retries, isolates,
//   writes dead letters and replaces a producer after a fatal error.
// librdkafka's own threads never run sink code (except its log callback, which only logs).
class KafkaSink final : public Sink {
 public:
  explicit KafkaSink(const KafkaSinkConfig& config);
  ~KafkaSink() override;

  void open(SinkContext& ctx) override;
  Awaitable<void> run(SinkContext& ctx) override;

  // For tests: makes librdkafka raise a fatal error in the producer, as a broker fencing it would. The sink
  // notices within a second. Thread-safe.
  void raise_fatal_error_for_testing() { test_fatal_.store(true); }

 private:
  // One librdkafka producer and the descriptor that tells when it has something to serve.
  struct Slot {
    const char* name = "";
    kafka::Properties properties;
    MessageState in_flight_state = MessageState::with_main;
    std::unique_ptr<kafka::KafkaProducer> producer;
    std::optional<asio::posix::stream_descriptor> wake;
    bool armed = false;  // a wait on `wake` is pending
    bool fatal = false;  // the producer raised a fatal error and must be replaced
    std::chrono::steady_clock::time_point retry_at{};  // when to try creating it again after a failure
  };
  // Retries keep the order the messages had in the channel.
  struct MessageOrder {
    bool operator()(const OutgoingMessage* a, const OutgoingMessage* b) const {
      return a->batch->id != b->batch->id ? a->batch->id < b->batch->id : a->index < b->index;
    }
  };

  Awaitable<void> service(SinkContext& ctx);
  void take(SinkContext& ctx, Delivery delivery);

  // Producers.
  bool create(Slot& slot);
  void arm(Slot& slot);
  Awaitable<void> disarm(Slot& slot);
  Awaitable<void> close(Slot& slot);
  Awaitable<void> replace(Slot& slot);
  void serve(Slot& slot);

  // Handing messages over.
  void pump();
  void pump_dead_letter_file();
  // Logs what the dead-letter file cut off when it was opened (see DeadLetterFile::open), once.
  void log_dead_letter_cut();
  enum class Sent { ok, queue_full, failed };
  Sent send(Slot& slot, OutgoingMessage& m);
  Sent send_all(Slot& slot, std::set<OutgoingMessage*, MessageOrder>& queue);
  Sent send_dead_letter_topic(OutgoingMessage& m);

  // What comes back.
  void on_delivery(const kafka::DeliveryReport& report);
  void on_error(Slot& slot, int error, std::string_view reason, bool fatal);
  void on_statistics(std::string_view json);
  void failed(OutgoingMessage& m, int error, std::string_view reason);
  void dead_letter(OutgoingMessage& m, int error, std::string_view reason);
  void finish(OutgoingMessage& m);

  void kick();
  void notify();
  std::chrono::steady_clock::time_point next_wake() const;
  void update_gauges();

  const KafkaSinkConfig config_;
  MessageRenderer renderer_;
  SinkContext* ctx_ = nullptr;
  std::unique_ptr<KafkaSinkMetrics> metrics_;
  std::optional<DeadLetterFile> dead_letter_file_;
  std::uint64_t dead_letter_cut_logged_ = 0;  // of dead_letter_file_->cut_at_open()

  Slot main_;
  Slot isolation_;
  InFlightWindow window_;
  std::uint64_t next_batch_id_ = 0;
  std::deque<InFlightBatch*> unsent_;                     // batches with messages never handed over yet
  std::set<OutgoingMessage*, MessageOrder> resend_;       // to hand to the main producer again
  std::set<OutgoingMessage*, MessageOrder> isolate_;      // to send alone
  std::deque<OutgoingMessage*> dead_letter_topic_queue_;  // to produce to the dead-letter topic
  std::deque<OutgoingMessage*> dead_letter_file_queue_;   // to write to the dead-letter file
  std::chrono::steady_clock::time_point resend_at_{};
  std::chrono::milliseconds resend_backoff_{100};
  std::chrono::steady_clock::time_point dead_letter_file_retry_at_{};

  std::optional<asio::steady_timer> timer_;
  std::chrono::steady_clock::time_point now_{};
  bool kicked_ = false;  // work arrived while `service` was busy: do not sleep
  bool draining_ = false;
  std::chrono::steady_clock::time_point flush_deadline_{};
  std::atomic<bool> test_fatal_{false};

  // Statistics.
  struct Delivered {
    std::uint64_t events = 0;
    std::uint64_t bytes = 0;
  };
  Delivered delivered_;  // since the last poll
  std::uint64_t librdkafka_retries_seen_ = 0;
  std::uint64_t latency_max_us_ = 0;
  std::chrono::steady_clock::time_point latency_window_end_{};

  log::RateLimit failure_log_{std::chrono::seconds(10)};
  log::RateLimit dead_letter_log_{std::chrono::seconds(10)};
  log::RateLimit broker_log_{std::chrono::seconds(10)};
  std::shared_ptr<log::RateLimit> librdkafka_log_ =
      std::make_shared<log::RateLimit>(std::chrono::seconds(10));

  // Conditions the two coroutines wait for (the mutex is uncontended: both run on the sink's strand).
  std::mutex mutex_;
  WaitQueue changed_;
  bool service_running_ = false;
  std::exception_ptr service_error_;  // why the service coroutine ended, if it failed (under mutex_)
};

}  // namespace pyrolog
