#include "kafka_consumer.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>
#include <utility>

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include "kafka_conf.h"
#include "tsan_c11_threads.h"  // ThreadSanitizer builds only

namespace pyrolog::kafka {

namespace {

struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using ListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter>;

std::vector<TopicPartition> to_vector(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> out;
  if (list == nullptr) return out;
  out.reserve(static_cast<std::size_t>(list->cnt));
  for (int i = 0; i < list->cnt; ++i)
    out.push_back({list->elems[i].topic, list->elems[i].partition});
  return out;
}

void report(rd_kafka_error_t* error, const ConsumerCallbacks& callbacks) {
  if (error == nullptr) return;
  if (callbacks.on_error) callbacks.on_error(rd_kafka_error_code(error), rd_kafka_error_string(error), false);
  rd_kafka_error_destroy(error);
}

}  // namespace

// ---- messages ----

ConsumedMessage::ConsumedMessage(rd_kafka_message_s* message) : message_(message) {}
ConsumedMessage::~ConsumedMessage() {
  if (message_ != nullptr) rd_kafka_message_destroy(message_);
}
ConsumedMessage::ConsumedMessage(ConsumedMessage&& other) noexcept
    : message_(std::exchange(other.message_, nullptr)) {}
ConsumedMessage& ConsumedMessage::operator=(ConsumedMessage&& other) noexcept {
  if (this != &other) {
    if (message_ != nullptr) rd_kafka_message_destroy(message_);
    message_ = std::exchange(other.message_, nullptr);
  }
  return *this;
}

int ConsumedMessage::error() const {
  return message_->err;
}
std::string ConsumedMessage::error_text() const {
  return rd_kafka_message_errstr(message_);
}
std::string_view ConsumedMessage::topic() const {
  return message_->rkt != nullptr ? std::string_view(rd_kafka_topic_name(message_->rkt)) : std::string_view();
}
std::int32_t ConsumedMessage::partition() const {
  return message_->partition;
}
std::int64_t ConsumedMessage::offset() const {
  return message_->offset;
}
std::optional<std::string_view> ConsumedMessage::key() const {
  if (message_->key == nullptr) return std::nullopt;
  return std::string_view(static_cast<const char*>(message_->key), message_->key_len);
}
std::string_view ConsumedMessage::payload() const {
  if (message_->payload == nullptr) return {};
  return std::string_view(static_cast<const char*>(message_->payload), message_->len);
}
std::optional<std::int64_t> ConsumedMessage::timestamp_ms() const {
  rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  const std::int64_t ts = rd_kafka_message_timestamp(message_, &type);
  if (type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || ts < 0) return std::nullopt;
  return ts;
}
std::vector<MessageHeader> ConsumedMessage::headers() const {
  std::vector<MessageHeader> out;
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(message_, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR || headers == nullptr)
    return out;
  const char* name = nullptr;
  const void* value = nullptr;
  std::size_t size = 0;
  for (std::size_t i = 0;
       rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
    MessageHeader h;
    h.name = name;
    if (value != nullptr) h.value = std::string_view(static_cast<const char*>(value), size);
    out.push_back(h);
  }
  return out;
}

// ---- callbacks ----

struct ConsumerTrampolines {
  template <class F>
  static void guarded(KafkaConsumer* self, F&& f) {
    try {
      f();
    } catch (...) {
      if (!self->callback_error_) self->callback_error_ = std::current_exception();
    }
  }

  static void rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
                        void* opaque) {
    auto* self = static_cast<KafkaConsumer*>(opaque);
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    const auto list = to_vector(partitions);
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      if (self->callbacks_.on_rebalance) {
        guarded(self, [&] { self->callbacks_.on_rebalance(RebalanceEvent::assigned, list, false); });
      }
      if (cooperative) {
        guarded(self, [&] { report(rd_kafka_incremental_assign(rk, partitions), self->callbacks_); });
      } else {
        rd_kafka_assign(rk, partitions);
      }
      return;
    }
    const bool lost = rd_kafka_assignment_lost(rk) != 0;
    if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
      if (self->callbacks_.on_rebalance) {
        guarded(self, [&] { self->callbacks_.on_rebalance(RebalanceEvent::revoked, list, lost); });
      }
      if (cooperative) {
        guarded(self, [&] { report(rd_kafka_incremental_unassign(rk, partitions), self->callbacks_); });
      } else {
        rd_kafka_assign(rk, nullptr);
      }
      return;
    }
    // A failed rebalance: give everything up, as librdkafka asks.
    if (self->callbacks_.on_error) {
      guarded(self, [&] { self->callbacks_.on_error(err, rd_kafka_err2str(err), false); });
    }
    if (self->callbacks_.on_rebalance) {
      guarded(self, [&] { self->callbacks_.on_rebalance(RebalanceEvent::failed, list, true); });
    }
    rd_kafka_assign(rk, nullptr);
  }

  static void commit(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* offsets,
                     void* opaque) {
    auto* self = static_cast<KafkaConsumer*>(opaque);
    if (!self->callbacks_.on_commit || err == RD_KAFKA_RESP_ERR__NO_OFFSET) return;
    std::vector<std::pair<PartitionOffset, int>> results;
    if (offsets != nullptr) {
      for (int i = 0; i < offsets->cnt; ++i) {
        const auto& e = offsets->elems[i];
        results.push_back({{{e.topic, e.partition}, e.offset}, e.err != 0 ? e.err : err});
      }
    }
    guarded(self, [&] { self->callbacks_.on_commit(results); });
  }

  static void error(rd_kafka_t* rk, int code, const char* reason, void* opaque) {
    auto* self = static_cast<KafkaConsumer*>(opaque);
    if (!self->callbacks_.on_error) return;
    if (code == RD_KAFKA_RESP_ERR__FATAL) {
      std::array<char, 512> text{};
      const auto fatal = rd_kafka_fatal_error(rk, text.data(), text.size());
      guarded(self, [&] { self->callbacks_.on_error(fatal, text.data(), true); });
      return;
    }
    guarded(self, [&] { self->callbacks_.on_error(code, reason != nullptr ? reason : "", false); });
  }

  static void log(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
    auto* self = static_cast<KafkaConsumer*>(rd_kafka_opaque(rk));
    if (self == nullptr || !self->callbacks_.on_log) return;
    try {
      self->callbacks_.on_log(level, facility, message);
    } catch (...) {  // librdkafka's thread: nothing to do about it
    }
  }
};

// ---- the consumer ----

void KafkaConsumer::HandleDeleter::operator()(rd_kafka_s* rk) const {
  // The group was left by `start_close` (or cannot be, after a fatal error): do not block on it again.
  rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
}
void KafkaConsumer::QueueDeleter::operator()(rd_kafka_queue_s* q) const {
  rd_kafka_queue_destroy(q);
}

std::optional<std::string> KafkaConsumer::check_properties(const ConsumerProperties& properties) {
  ConfPtr conf(rd_kafka_conf_new());
  return apply_properties(conf.get(), properties);
}

std::string_view KafkaConsumer::error_name(int error) {
  return rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(error));
}

KafkaConsumer::KafkaConsumer(const ConsumerProperties& properties, ConsumerCallbacks callbacks)
    : callbacks_(std::move(callbacks)) {
  ConfPtr conf(rd_kafka_conf_new());
  if (auto problem = apply_properties(conf.get(), properties)) throw std::runtime_error(*problem);
  // Offsets move only when the source commits them, after the channel acknowledged the events.
  if (auto problem = apply_properties(
          conf.get(), {{"enable.auto.commit", "false"}, {"enable.auto.offset.store", "false"}})) {
    throw std::runtime_error(*problem);
  }
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_rebalance_cb(conf.get(), &ConsumerTrampolines::rebalance);
  rd_kafka_conf_set_offset_commit_cb(conf.get(), &ConsumerTrampolines::commit);
  rd_kafka_conf_set_error_cb(conf.get(), &ConsumerTrampolines::error);
  rd_kafka_conf_set_log_cb(conf.get(), &ConsumerTrampolines::log);

  std::array<char, 512> error{};
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), error.data(), error.size());
  if (rk == nullptr) {
    throw std::runtime_error(fmt::format("cannot create the Kafka consumer: {}", error.data()));
  }
  conf.release();  // rd_kafka_new took it
  handle_.reset(rk);
  rd_kafka_poll_set_consumer(rk);  // errors and callbacks come through the consumer queue as well
  queue_.reset(rd_kafka_queue_get_consumer(rk));
  static constexpr char kWake = 1;
  rd_kafka_queue_io_event_enable(queue_.get(), wake_.write_fd(), &kWake, 1);
}

KafkaConsumer::~KafkaConsumer() {
  if (handle_) {
    callbacks_ = {};
    rd_kafka_queue_io_event_enable(queue_.get(), -1, nullptr, 0);
    queue_.reset();
    handle_.reset();
  }
}

void KafkaConsumer::subscribe(const std::vector<std::string>& topics) {
  ListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const auto& t : topics)
    rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  const auto err = rd_kafka_subscribe(handle_.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error(fmt::format("cannot subscribe: {}", rd_kafka_err2str(err)));
  }
}

std::optional<ConsumedMessage> KafkaConsumer::poll() {
  rd_kafka_message_t* message = nullptr;
  if (closing_) {
    rd_kafka_queue_poll_callback(queue_.get(), 0);
  } else {
    message = rd_kafka_consumer_poll(handle_.get(), 0);
  }
  if (callback_error_) {
    if (message != nullptr) rd_kafka_message_destroy(message);
    std::rethrow_exception(std::exchange(callback_error_, nullptr));
  }
  if (message == nullptr) return std::nullopt;
  return ConsumedMessage(message);
}

void KafkaConsumer::clear_wake() {
  wake_.drain();
}

int KafkaConsumer::commit(const std::vector<PartitionOffset>& offsets, bool wait) {
  if (offsets.empty()) return 0;
  ListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& o : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), o.tp.topic.c_str(), o.tp.partition)->offset = o.offset;
  }
  return rd_kafka_commit(handle_.get(), list.get(), wait ? 0 : 1);
}

void KafkaConsumer::start_close() {
  if (closing_) return;
  closing_ = true;
  // The group's queue is forwarded to ours; its rebalance (revocation) is served by `poll`.
  rd_kafka_queue_io_event_enable(queue_.get(), -1, nullptr, 0);
  queue_.reset(rd_kafka_queue_new(handle_.get()));
  static constexpr char kWake = 1;
  rd_kafka_queue_io_event_enable(queue_.get(), wake_.write_fd(), &kWake, 1);
  if (rd_kafka_error_t* error = rd_kafka_consumer_close_queue(handle_.get(), queue_.get())) {
    if (callbacks_.on_error)
      callbacks_.on_error(rd_kafka_error_code(error), rd_kafka_error_string(error), false);
    rd_kafka_error_destroy(error);
    closing_failed_ = true;
  }
}

bool KafkaConsumer::closed() const {
  return closing_failed_ || rd_kafka_consumer_closed(handle_.get()) != 0;
}

std::optional<std::string> KafkaConsumer::fatal_error() const {
  std::array<char, 512> text{};
  const auto code = rd_kafka_fatal_error(handle_.get(), text.data(), text.size());
  if (code == RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
  return fmt::format("{}: {}", rd_kafka_err2name(code), text.data());
}

}  // namespace pyrolog::kafka
