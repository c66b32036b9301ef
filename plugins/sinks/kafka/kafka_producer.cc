#include "kafka_producer.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include "kafka_conf.h"
#include "tsan_c11_threads.h"

namespace pyrolog::kafka {

ErrorAction classify_delivery_error(int error) {
  switch (static_cast<rd_kafka_resp_err_t>(error)) {
    // The broker refused the whole request, which may hold other messages: find out which one it was.
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_INVALID_TIMESTAMP:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_FOR_MESSAGE_FORMAT:
    case RD_KAFKA_RESP_ERR_POLICY_VIOLATION:
    case RD_KAFKA_RESP_ERR__BAD_MSG:
      return ErrorAction::isolate;
    // Refused for the topic's sake, or a setting of ours the broker will never take.
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_INVALID_REQUIRED_ACKS:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_COMPRESSION_TYPE:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR__BAD_COMPRESSION:
    case RD_KAFKA_RESP_ERR__KEY_SERIALIZATION:
    case RD_KAFKA_RESP_ERR__VALUE_SERIALIZATION:
      return ErrorAction::dead_letter;
    default:
      // Everything else passes: time-outs, purges, transport errors, leader changes, not enough replicas,
      // a fenced or fatal producer, sequence errors. Producing again risks a duplicate, never a loss.
      return ErrorAction::retry;
  }
}

std::string_view error_name(int error) {
  return rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(error));
}

std::string error_description(int error) {
  return rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(error));
}

bool ProduceResult::queue_full() const {
  return error == RD_KAFKA_RESP_ERR__QUEUE_FULL;
}

// librdkafka's C callbacks, turned into calls of the owner's std::functions.
struct ProducerTrampolines {
  static void delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    auto* self = static_cast<KafkaProducer*>(opaque);
    if (!self->callbacks_.on_delivery) return;
    DeliveryReport report;
    report.opaque = message->_private;
    report.error = message->err;
    // Not rd_kafka_message_errstr: for a delivery report it returns the payload, which is no C string.
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) report.reason = rd_kafka_err2str(message->err);
    switch (rd_kafka_message_status(message)) {
      case RD_KAFKA_MSG_STATUS_PERSISTED:
        report.persistence = Persistence::persisted;
        break;
      case RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED:
        report.persistence = Persistence::possibly_persisted;
        break;
      case RD_KAFKA_MSG_STATUS_NOT_PERSISTED:
        report.persistence = Persistence::not_persisted;
        break;
    }
    report.partition = message->partition;
    report.offset = message->offset;
    guarded(self, [&] { self->callbacks_.on_delivery(report); });
  }

  // No exception may unwind through librdkafka's C frames: keep it for `poll` to rethrow.
  template <class F>
  static void guarded(KafkaProducer* self, F&& f) {
    try {
      f();
    } catch (...) {
      if (!self->callback_error_) self->callback_error_ = std::current_exception();
    }
  }

  static void error(rd_kafka_t* rk, int code, const char* reason, void* opaque) {
    auto* self = static_cast<KafkaProducer*>(opaque);
    if (!self->callbacks_.on_error) return;
    if (code == RD_KAFKA_RESP_ERR__FATAL) {
      std::array<char, 512> text{};
      const auto fatal = rd_kafka_fatal_error(rk, text.data(), text.size());
      guarded(self, [&] { self->callbacks_.on_error(fatal, text.data(), true); });
      return;
    }
    guarded(self, [&] { self->callbacks_.on_error(code, reason != nullptr ? reason : "", false); });
  }

  static int statistics(rd_kafka_t*, char* json, size_t length, void* opaque) {
    auto* self = static_cast<KafkaProducer*>(opaque);
    if (self->callbacks_.on_statistics) {
      guarded(self, [&] { self->callbacks_.on_statistics(std::string_view(json, length)); });
    }
    return 0;  // librdkafka frees `json`
  }

  static void log(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
    auto* self = static_cast<KafkaProducer*>(rd_kafka_opaque(rk));
    if (self == nullptr || !self->callbacks_.on_log) return;
    try {
      self->callbacks_.on_log(level, facility, message);
    } catch (...) {  // logging from librdkafka's threads: nothing to do about a failure here
    }
  }
};

void KafkaProducer::HandleDeleter::operator()(rd_kafka_s* rk) const {
  rd_kafka_destroy(rk);
}
void KafkaProducer::TopicDeleter::operator()(rd_kafka_topic_s* rkt) const {
  rd_kafka_topic_destroy(rkt);
}
void KafkaProducer::QueueDeleter::operator()(rd_kafka_queue_s* q) const {
  rd_kafka_queue_destroy(q);
}

std::optional<std::string> KafkaProducer::check_properties(const Properties& properties) {
  ConfPtr conf(rd_kafka_conf_new());
  return apply_properties(conf.get(), properties);
}

KafkaProducer::KafkaProducer(const Properties& properties, ProducerCallbacks callbacks)
    : callbacks_(std::move(callbacks)) {
  ConfPtr conf(rd_kafka_conf_new());
  if (auto problem = apply_properties(conf.get(), properties)) throw std::runtime_error(*problem);
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &ProducerTrampolines::delivery);
  rd_kafka_conf_set_error_cb(conf.get(), &ProducerTrampolines::error);
  rd_kafka_conf_set_stats_cb(conf.get(), &ProducerTrampolines::statistics);
  rd_kafka_conf_set_log_cb(conf.get(), &ProducerTrampolines::log);

  std::array<char, 512> error{};
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), error.data(), error.size());
  if (rk == nullptr) {
    throw std::runtime_error(fmt::format("cannot create the Kafka producer: {}", error.data()));
  }
  conf.release();  // rd_kafka_new took it
  handle_.reset(rk);
  main_queue_.reset(rd_kafka_queue_get_main(rk));
  static constexpr char kWake = 1;
  rd_kafka_queue_io_event_enable(main_queue_.get(), wake_.write_fd(), &kWake, 1);
}

KafkaProducer::~KafkaProducer() {
  if (handle_) {
    // Nothing is waited for: what was not acknowledged stays in the owner's channel.
    rd_kafka_purge(handle_.get(),
                   RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT | RD_KAFKA_PURGE_F_NON_BLOCKING);
    callbacks_ = {};  // delivery reports served while destroying must not reach the owner
    last_topic_ = nullptr;
    topics_.clear();
    rd_kafka_queue_io_event_enable(main_queue_.get(), -1, nullptr, 0);
    main_queue_.reset();
    handle_.reset();
  }
}

rd_kafka_topic_s* KafkaProducer::topic(std::string_view name) {
  if (last_topic_ != nullptr && name == last_topic_name_) return last_topic_;
  std::string key(name);
  auto it = topics_.find(key);
  if (it == topics_.end()) {
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(handle_.get(), key.c_str(), nullptr);
    if (rkt == nullptr) return nullptr;
    it = topics_.emplace(key, std::unique_ptr<rd_kafka_topic_s, TopicDeleter>(rkt)).first;
  }
  last_topic_name_ = std::move(key);
  last_topic_ = it->second.get();
  return last_topic_;
}

ProduceResult KafkaProducer::produce(const ProduceRequest& request) {
  ProduceResult result;
  rd_kafka_topic_t* rkt = topic(request.topic);
  if (rkt == nullptr) {
    result.error = rd_kafka_last_error();
    result.reason = fmt::format("invalid topic '{}': {}", request.topic,
                                rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(result.error)));
    if (result.error == 0) result.error = RD_KAFKA_RESP_ERR__INVALID_ARG;
    return result;
  }
  std::array<rd_kafka_vu_t, 8> fixed{};
  std::vector<rd_kafka_vu_t> grown;
  const std::size_t needed = 6 + request.headers.size();
  rd_kafka_vu_t* vus = fixed.data();
  if (needed > fixed.size()) {
    grown.resize(needed);
    vus = grown.data();
  }
  std::size_t n = 0;
  vus[n].vtype = RD_KAFKA_VTYPE_RKT;
  vus[n++].u.rkt = rkt;
  vus[n].vtype = RD_KAFKA_VTYPE_PARTITION;
  vus[n++].u.i32 = RD_KAFKA_PARTITION_UA;
  vus[n].vtype = RD_KAFKA_VTYPE_VALUE;
  vus[n].u.mem.ptr =
      const_cast<char*>(request.payload.data());  // not copied (no RD_KAFKA_MSG_F_COPY), not changed
  vus[n++].u.mem.size = request.payload.size();
  if (request.key) {
    vus[n].vtype = RD_KAFKA_VTYPE_KEY;
    vus[n].u.mem.ptr = const_cast<char*>(request.key->data());
    vus[n++].u.mem.size = request.key->size();
  }
  vus[n].vtype = RD_KAFKA_VTYPE_OPAQUE;
  vus[n++].u.ptr = request.opaque;
  if (request.timestamp_ms > 0) {
    vus[n].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
    vus[n++].u.i64 = request.timestamp_ms;
  }
  for (const Header& h : request.headers) {
    vus[n].vtype = RD_KAFKA_VTYPE_HEADER;
    vus[n].u.header.name = h.name;
    vus[n].u.header.val = h.value.data();
    vus[n++].u.header.size = static_cast<ssize_t>(h.value.size());
  }
  if (rd_kafka_error_t* error = rd_kafka_produceva(handle_.get(), vus, n)) {
    result.error = rd_kafka_error_code(error);
    result.reason = rd_kafka_error_string(error);
    rd_kafka_error_destroy(error);
  }
  return result;
}

void KafkaProducer::clear_wake() {
  wake_.drain();
}

int KafkaProducer::poll() {
  const int served = rd_kafka_poll(handle_.get(), 0);
  if (callback_error_) std::rethrow_exception(std::exchange(callback_error_, nullptr));
  return served;
}

std::size_t KafkaProducer::outstanding() const {
  return static_cast<std::size_t>(rd_kafka_outq_len(handle_.get()));
}

void KafkaProducer::purge() {
  rd_kafka_purge(handle_.get(),
                 RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT | RD_KAFKA_PURGE_F_NON_BLOCKING);
}

std::optional<std::string> KafkaProducer::fatal_error() const {
  std::array<char, 512> text{};
  const auto code = rd_kafka_fatal_error(handle_.get(), text.data(), text.size());
  if (code == RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
  return fmt::format("{}: {}", rd_kafka_err2name(code), text.data());
}

void KafkaProducer::raise_fatal_error_for_testing(std::string_view reason) {
  rd_kafka_test_fatal_error(handle_.get(), RD_KAFKA_RESP_ERR_PRODUCER_FENCED, std::string(reason).c_str());
}

}  // namespace pyrolog::kafka
