#include "kafka_sink.h"

#include <algorithm>
#include <array>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "plugin/plugin_registry.h"

namespace pyrolog {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kIdleTick{1000};
constexpr std::chrono::milliseconds kMaxBackoff{5000};
constexpr std::chrono::milliseconds kReplaceWait{5000};
constexpr std::chrono::seconds kLatencyWindow{5};

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

KafkaSink::KafkaSink(const KafkaSinkConfig& config)
    : config_(config),
      renderer_(config),
      window_(config.max_in_flight_batches, config.max_in_flight_bytes.bytes) {
  main_.name = "producer";
  main_.properties = producer_properties(config);
  main_.in_flight_state = MessageState::with_main;
  isolation_.name = "isolation producer";
  isolation_.properties = main_.properties;
  // One message per request: the broker's answer is about that message alone.
  isolation_.properties["batch.num.messages"] = "1";
  isolation_.properties["linger.ms"] = "0";
  isolation_.in_flight_state = MessageState::with_isolation;
}

KafkaSink::~KafkaSink() {
  // `run` closed everything; this is for a sink that was opened and never run. Producers before messages.
  for (Slot* slot : {&main_, &isolation_}) {
    if (slot->wake) slot->wake->release();
    slot->producer.reset();
  }
}

void KafkaSink::open(SinkContext& ctx) {
  ctx_ = &ctx;
  metrics_ = std::make_unique<KafkaSinkMetrics>(ctx.metrics());
  const bool to_file = config_.dead_letter.topic.empty();
  if (to_file) {
    const std::filesystem::path path = config_.dead_letter.path.empty()
                                           ? ctx.state_dir() / "dead-letter.jsonl"
                                           : std::filesystem::path(config_.dead_letter.path);
    dead_letter_file_.emplace(path);
    if (auto ec = dead_letter_file_->open()) {
      throw std::runtime_error(
          fmt::format("cannot open the dead-letter file {}: {}", path.string(), ec.message()));
    }
    log_dead_letter_cut();
  } else {
    // The file behind the dead-letter topic, for what that topic refuses too.
    dead_letter_file_.emplace(ctx.state_dir() / "dead-letter.jsonl");
  }
  if (!create(main_)) {
    throw std::runtime_error(fmt::format("cannot create the Kafka producer for {}", config_.brokers));
  }
  log::info(ctx.name(), "producing to {} (topic {}, {} compression, acks {}, idempotence {})",
            config_.brokers, config_.topic, main_.properties["compression.codec"], main_.properties["acks"],
            config_.idempotence ? "on" : "off");
}

// ---- producers ----

bool KafkaSink::create(Slot& slot) {
  kafka::ProducerCallbacks callbacks;
  callbacks.on_delivery = [this](const kafka::DeliveryReport& r) { on_delivery(r); };
  callbacks.on_error = [this, &slot](int error, std::string_view reason, bool fatal) {
    on_error(slot, error, reason, fatal);
  };
  callbacks.on_statistics = [this](std::string_view json) { on_statistics(json); };
  // librdkafka's threads: log only, and only through what outlives the sink (the rate limit is shared).
  callbacks.on_log = [name = ctx_->name(), limit = librdkafka_log_](int level, std::string_view facility,
                                                                    std::string_view text) {
    if (level >= 7) {
      log::debug(name, "librdkafka {}: {}", facility, text);
      return;
    }
    if (level >= 5) {
      log::info(name, "librdkafka {}: {}", facility, text);
      return;
    }
    std::uint64_t suppressed = 0;
    if (!limit->allow(suppressed)) return;
    if (level == 4) {
      log::warn(name, "librdkafka {}: {} ({} similar lines held back)", facility, text, suppressed);
    } else {
      log::error(name, "librdkafka {}: {} ({} similar lines held back)", facility, text, suppressed);
    }
  };
  try {
    slot.producer = std::make_unique<kafka::KafkaProducer>(slot.properties, std::move(callbacks));
  } catch (const std::exception& e) {
    log::error(ctx_->name(), "cannot create the {}: {}", slot.name, e.what());
    return false;
  }
  slot.fatal = false;
  return true;
}

void KafkaSink::arm(Slot& slot) {
  if (!slot.producer || slot.armed || !timer_) return;
  if (!slot.wake) slot.wake.emplace(ctx_->executor(), slot.producer->wake_fd());
  slot.armed = true;
  slot.wake->async_wait(asio::posix::stream_descriptor::wait_read, [this, &slot](boost::system::error_code) {
    slot.armed = false;
    kick();
    notify();
  });
}

Awaitable<void> KafkaSink::disarm(Slot& slot) {
  if (!slot.wake) co_return;
  boost::system::error_code ec;
  slot.wake->cancel(ec);
  co_await changed_.wait(mutex_, [&] { return !slot.armed; });
  slot.wake->release();  // the producer owns the descriptor
  slot.wake.reset();
}

Awaitable<void> KafkaSink::close(Slot& slot) {
  co_await disarm(slot);
  slot.producer.reset();
}

void KafkaSink::serve(Slot& slot) {
  if (!slot.producer) return;
  slot.producer->clear_wake();
  slot.producer->poll();
  if (delivered_.events > 0) {
    metrics_->component.sent_events.add(delivered_.events);
    metrics_->component.sent_bytes.add(delivered_.bytes);
    metrics_->latency_pending.flush();
    delivered_ = {};
  }
}

Awaitable<void> KafkaSink::replace(Slot& slot) {
  const auto reason = slot.producer ? slot.producer->fatal_error() : std::nullopt;
  if (slot.producer) {
    metrics_->rebuilds.add();
    log::error(ctx_->name(),
               "fatal librdkafka error in the {}: {}; replacing it, nothing is lost (messages it had not "
               "delivered are produced again)",
               slot.name, reason.value_or("unknown"));
    // Whatever it still holds comes back as purged (or delivered, if the broker answered first).
    slot.producer->purge();
    const auto give_up = Clock::now() + kReplaceWait;
    while (slot.producer->outstanding() > 0 && Clock::now() < give_up) {
      now_ = Clock::now();
      serve(slot);
      asio::steady_timer pause(ctx_->executor(), std::chrono::milliseconds(20));
      boost::system::error_code ec;
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    // Messages it never reported on: produce them again (the broker may have them: a duplicate, not a loss).
    window_.for_each([&](InFlightBatch& batch) {
      for (auto& m : batch.messages) {
        if (m.state != slot.in_flight_state &&
            !(m.state == MessageState::with_dead_letter_topic && &slot == &main_)) {
          continue;
        }
        if (m.state == MessageState::with_dead_letter_topic) {
          m.state = MessageState::dead_letter;
          dead_letter_topic_queue_.push_back(&m);
        } else if (&slot == &main_) {
          m.state = MessageState::unsent;
          resend_.insert(&m);
        } else {
          m.state = MessageState::isolating;
          isolate_.insert(&m);
        }
      }
    });
    co_await close(slot);
  }
  slot.fatal = false;
  resend_at_ = Clock::now();
  if (&slot == &isolation_) co_return;  // created again when needed
  if (!create(slot)) {
    slot.fatal = true;
    slot.retry_at = Clock::now() + kMaxBackoff;
  }
}

// ---- the service loop ----

void KafkaSink::kick() {
  kicked_ = true;
  if (timer_) timer_->cancel();
}

void KafkaSink::notify() {
  std::lock_guard lock(mutex_);
  changed_.notify_all();
}

Clock::time_point KafkaSink::next_wake() const {
  auto at = now_ + kIdleTick;
  if (!resend_.empty()) at = std::min(at, resend_at_);
  if (!dead_letter_file_queue_.empty()) at = std::min(at, dead_letter_file_retry_at_);
  if (main_.fatal || (!main_.producer)) at = std::min(at, main_.retry_at);
  if (draining_) at = std::min(at, flush_deadline_);
  return std::max(at, now_);
}

Awaitable<void> KafkaSink::service(SinkContext& ctx) {
  for (;;) {
    now_ = Clock::now();
    kicked_ = false;
    if (test_fatal_.exchange(false) && main_.producer) main_.producer->raise_fatal_error_for_testing("test");
    serve(main_);
    serve(isolation_);
    if (main_.fatal && now_ >= main_.retry_at) co_await replace(main_);
    if (isolation_.fatal) co_await replace(isolation_);
    now_ = Clock::now();
    pump();
    pump_dead_letter_file();
    update_gauges();
    if (draining_ && (window_.empty() || now_ >= flush_deadline_)) break;
    arm(main_);
    arm(isolation_);
    if (kicked_) continue;
    timer_->expires_at(next_wake());
    boost::system::error_code ec;
    co_await timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  co_await close(isolation_);
  co_await disarm(main_);  // `run` destroys the main producer once this loop is gone
  (void)ctx;
}

void KafkaSink::update_gauges() {
  metrics_->in_flight_batches.set(static_cast<std::int64_t>(window_.batches()));
  metrics_->in_flight_bytes.set(static_cast<std::int64_t>(window_.bytes()));
  metrics_->in_flight_messages.set(static_cast<std::int64_t>(window_.pending_messages()));
  if (now_ >= latency_window_end_) {
    metrics_->latency_max_ms.set(static_cast<std::int64_t>(latency_max_us_ / 1000));
    latency_max_us_ = 0;
    latency_window_end_ = now_ + kLatencyWindow;
  }
}

// ---- handing messages over ----

KafkaSink::Sent KafkaSink::send(Slot& slot, OutgoingMessage& m) {
  kafka::ProduceRequest request;
  request.topic = m.topic;
  request.payload = m.payload;
  request.key = m.key;
  request.headers = m.batch->headers_of(m);
  request.timestamp_ms = m.timestamp_ms;
  request.opaque = &m;
  auto result = slot.producer->produce(request);
  if (result.queued()) {
    m.state = slot.in_flight_state;
    ++m.attempts;
    return Sent::ok;
  }
  if (result.queue_full()) return Sent::queue_full;
  // Refused at once (too large for `message_max_bytes`, an unknown partition, a fatal producer).
  if (slot.producer->fatal_error()) slot.fatal = true;
  // So that `failed` knows which way it went. A message refused at once for its size (`message_max_bytes`)
  // was refused alone: it needs no isolation.
  const bool alone = kafka::classify_delivery_error(result.error) == kafka::ErrorAction::isolate;
  m.state = alone ? MessageState::with_isolation : slot.in_flight_state;
  failed(m, result.error, result.reason);
  return Sent::failed;
}

KafkaSink::Sent KafkaSink::send_dead_letter_topic(OutgoingMessage& m) {
  std::vector<kafka::Header> headers(m.batch->headers_of(m).begin(), m.batch->headers_of(m).end());
  headers.push_back({"pyrolog.error", m.failure->error_name});
  headers.push_back({"pyrolog.reason", m.failure->reason});
  headers.push_back({"pyrolog.topic", m.topic});
  kafka::ProduceRequest request;
  request.topic = config_.dead_letter.topic;
  request.payload = m.payload;
  request.key = m.key;
  request.headers = headers;
  request.timestamp_ms = m.timestamp_ms;
  request.opaque = &m;
  auto result = main_.producer->produce(request);
  if (result.queued()) {
    m.state = MessageState::with_dead_letter_topic;
    return Sent::ok;
  }
  if (result.queue_full()) return Sent::queue_full;
  if (main_.producer->fatal_error()) main_.fatal = true;
  if (kafka::classify_delivery_error(result.error) == kafka::ErrorAction::retry) {
    dead_letter_topic_queue_.push_back(&m);  // after the others; `pump` stops when the producer is fatal
    return Sent::failed;
  }
  // The dead-letter topic refuses it too: the file keeps it.
  m.failure->reason += fmt::format("; the dead-letter topic refused it too: {}", result.reason);
  m.state = MessageState::dead_letter;
  dead_letter_file_queue_.push_back(&m);
  return Sent::failed;
}

// Sends the messages of `queue` in order until the producer's queue is full or one fails at once (it may
// have come back into `queue`: it waits for the next round).
KafkaSink::Sent KafkaSink::send_all(Slot& slot, std::set<OutgoingMessage*, MessageOrder>& queue) {
  while (!queue.empty()) {
    OutgoingMessage* m = *queue.begin();
    queue.erase(queue.begin());
    const Sent sent = send(slot, *m);
    if (sent == Sent::queue_full) queue.insert(m);
    if (sent != Sent::ok) return sent;
  }
  return Sent::ok;
}

void KafkaSink::pump() {
  // Messages refused by a whole request, sent alone.
  if (!isolate_.empty()) {
    if (!isolation_.producer && now_ >= isolation_.retry_at && !create(isolation_)) {
      isolation_.retry_at = now_ + kMaxBackoff;
    }
    if (isolation_.producer && !isolation_.fatal) send_all(isolation_, isolate_);
  }
  if (!main_.producer || main_.fatal) return;
  for (std::size_t n = dead_letter_topic_queue_.size(); n > 0 && !main_.fatal; --n) {
    OutgoingMessage* m = dead_letter_topic_queue_.front();
    dead_letter_topic_queue_.pop_front();
    if (send_dead_letter_topic(*m) == Sent::queue_full) {
      dead_letter_topic_queue_.push_front(m);
      return;
    }
  }
  if (main_.fatal) return;
  // Messages to produce again go first, and new ones wait for them, so that the order holds.
  if (!resend_.empty()) {
    if (now_ < resend_at_ || send_all(main_, resend_) != Sent::ok) return;
  }
  while (!unsent_.empty()) {
    InFlightBatch& batch = *unsent_.front();
    if (send(main_, batch.messages[batch.next_unsent]) == Sent::queue_full) return;
    // Off the list at once when its last message is handed over: from then on it may finish, and go, with
    // the next delivery report.
    if (++batch.next_unsent == batch.messages.size()) unsent_.pop_front();
    if (!resend_.empty() || main_.fatal) return;
  }
}

void KafkaSink::pump_dead_letter_file() {
  while (!dead_letter_file_queue_.empty() && now_ >= dead_letter_file_retry_at_) {
    OutgoingMessage& m = *dead_letter_file_queue_.front();
    DeadLetterRecord record;
    record.topic = m.topic;
    record.key = m.key;
    record.headers = m.batch->headers_of(m);
    record.payload = m.payload;
    record.error = m.failure->error_name;
    record.reason = m.failure->reason;
    record.time_ns = now_ns();
    if (auto ec = dead_letter_file_->append(record)) {
      metrics_->component.errors.add();
      std::uint64_t suppressed = 0;
      if (dead_letter_log_.allow(suppressed)) {
        log::error(ctx_->name(),
                   "cannot write the dead-letter file {}: {}; retrying (the batch stays in flight)",
                   dead_letter_file_->path().string(), ec.message());
      }
      dead_letter_file_retry_at_ = now_ + std::chrono::seconds(1);
      return;
    }
    log_dead_letter_cut();  // opened on first use when a dead-letter topic is configured
    dead_letter_file_queue_.pop_front();
    metrics_->dead_letters("file").add();
    finish(m);
  }
}

void KafkaSink::log_dead_letter_cut() {
  const std::uint64_t cut = dead_letter_file_->cut_at_open();
  if (cut == dead_letter_cut_logged_) return;
  log::warn(ctx_->name(),
            "cut {} bytes off the end of the dead-letter file {}: a line being written when the agent "
            "stopped (a crash); its message was not acknowledged, so it is refused and written again",
            cut - dead_letter_cut_logged_, dead_letter_file_->path().string());
  dead_letter_cut_logged_ = cut;
}

// ---- what comes back ----

void KafkaSink::on_delivery(const kafka::DeliveryReport& report) {
  auto& m = *static_cast<OutgoingMessage*>(report.opaque);
  if (report.error != 0) {
    failed(m, report.error, report.reason);
    return;
  }
  if (m.state == MessageState::with_dead_letter_topic) {
    metrics_->dead_letters("topic").add();
  } else {
    const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(now_ - m.batch->taken).count();
    const auto us = static_cast<std::uint64_t>(std::max<std::int64_t>(0, latency));
    // Counted here, added to the shared counters once per poll (three atomic additions per message add up).
    delivered_.events += 1;
    delivered_.bytes += m.payload.size();
    metrics_->latency_pending.observe(us);
    latency_max_us_ = std::max(latency_max_us_, us);
    if (m.state == MessageState::with_main) resend_backoff_ = std::chrono::milliseconds(100);
  }
  finish(m);
}

void KafkaSink::failed(OutgoingMessage& m, int error, std::string_view reason) {
  const std::string_view name = kafka::error_name(error);
  metrics_->error(name).add();
  metrics_->component.errors.add();
  const MessageState was = m.state;
  const auto action = kafka::classify_delivery_error(error);
  if (was == MessageState::with_dead_letter_topic) {
    m.state = MessageState::dead_letter;
    if (action == kafka::ErrorAction::retry) {
      dead_letter_topic_queue_.push_back(&m);
      return;
    }
    m.failure->reason += fmt::format("; the dead-letter topic {} refused it too: {} ({})",
                                     config_.dead_letter.topic, reason, name);
    dead_letter_file_queue_.push_back(&m);
    return;
  }
  if (action == kafka::ErrorAction::retry) {
    metrics_->retries.add();
    std::uint64_t suppressed = 0;
    if (failure_log_.allow(suppressed)) {
      log::warn(ctx_->name(),
                "delivery to {} failed: {} ({}); producing it again ({} more failures held back)", m.topic,
                reason, name, suppressed);
    }
    if (was == MessageState::with_isolation) {
      m.state = MessageState::isolating;
      isolate_.insert(&m);
      return;
    }
    m.state = MessageState::unsent;
    if (resend_.empty()) {
      resend_at_ = now_ + resend_backoff_;
      resend_backoff_ = std::min(resend_backoff_ * 2, kMaxBackoff);
    }
    resend_.insert(&m);
    return;
  }
  if (action == kafka::ErrorAction::isolate && was != MessageState::with_isolation) {
    // The broker refused the request this message was in; send each of them alone to find the culprit.
    std::uint64_t suppressed = 0;
    if (failure_log_.allow(suppressed)) {
      log::warn(ctx_->name(),
                "the broker refused a request to {}: {} ({}); sending its messages one by one to find which "
                "({} more held back)",
                m.topic, reason, name, suppressed);
    }
    m.state = MessageState::isolating;
    isolate_.insert(&m);
    return;
  }
  dead_letter(m, error, reason);
}

void KafkaSink::dead_letter(OutgoingMessage& m, int error, std::string_view reason) {
  if (!m.failure) m.failure = std::make_unique<MessageFailure>();
  m.failure->error = error;
  m.failure->error_name = std::string(kafka::error_name(error));
  m.failure->reason = std::string(reason);
  const bool to_topic = !config_.dead_letter.topic.empty();
  std::uint64_t suppressed = 0;
  if (dead_letter_log_.allow(suppressed)) {
    log::error(ctx_->name(),
               "a message for topic {} ({} bytes) was refused: {} ({}); it goes to the dead-letter {} {} ({} "
               "more held back)",
               m.topic, m.payload.size(), reason, m.failure->error_name, to_topic ? "topic" : "file",
               to_topic ? config_.dead_letter.topic : dead_letter_file_->path().string(), suppressed);
  }
  m.state = MessageState::dead_letter;
  if (to_topic) {
    dead_letter_topic_queue_.push_back(&m);
  } else {
    dead_letter_file_queue_.push_back(&m);
  }
}

void KafkaSink::finish(OutgoingMessage& m) {
  auto done = window_.finish(m);
  if (!done) return;
  ctx_->ack(std::move(done->delivery));
  notify();  // room in the window
}

void KafkaSink::on_error(Slot& slot, int error, std::string_view reason, bool fatal) {
  const std::string_view name = kafka::error_name(error);
  metrics_->error(name).add();
  if (fatal) {
    slot.fatal = true;
    kick();
    return;
  }
  std::uint64_t suppressed = 0;
  if (broker_log_.allow(suppressed)) {
    log::warn(ctx_->name(),
              "{}: {} ({}); {} messages wait in flight, the channel holds the rest ({} more held back)",
              slot.name, reason, name, window_.pending_messages(), suppressed);
  }
}

void KafkaSink::on_statistics(std::string_view text) {
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.contains("brokers")) return;
  std::uint64_t retries = 0;
  std::int64_t up = 0;
  for (const auto& [name, broker] : json["brokers"].items()) {
    retries += broker.value("txretries", std::uint64_t{0});
    if (broker.value("nodeid", -1) >= 0 && broker.value("state", std::string()) == "UP") ++up;
  }
  metrics_->brokers_up.set(up);
  if (retries > librdkafka_retries_seen_) metrics_->retries.add(retries - librdkafka_retries_seen_);
  librdkafka_retries_seen_ = retries;
}

// ---- taking batches ----

void KafkaSink::take(SinkContext& ctx, Delivery delivery) {
  if (delivery.batch->empty()) {
    ctx.ack(std::move(delivery));
    return;
  }
  auto batch = std::make_unique<InFlightBatch>();
  batch->id = next_batch_id_++;
  batch->delivery = std::move(delivery);
  batch->taken = Clock::now();
  const auto stats = renderer_.render(*batch);
  if (stats.fallback_topic > 0) metrics_->fallback_topic.add(stats.fallback_topic);
  InFlightBatch& added = window_.add(std::move(batch));
  unsent_.push_back(&added);
  kick();
}

Awaitable<void> KafkaSink::run(SinkContext& ctx) {
  timer_.emplace(ctx.executor());
  latency_window_end_ = Clock::now() + kLatencyWindow;
  {
    std::lock_guard lock(mutex_);
    service_running_ = true;
  }
  asio::co_spawn(ctx.executor(), service(ctx), [this](std::exception_ptr e) {
    std::lock_guard lock(mutex_);
    service_error_ = e;
    service_running_ = false;
    changed_.notify_all();
  });

  for (;;) {
    co_await changed_.wait(mutex_, [&] { return !service_running_ || window_.has_room(); });
    if (!service_running_) break;
    auto delivery = co_await ctx.next();
    if (!delivery) break;
    take(ctx, std::move(*delivery));
  }

  draining_ = true;
  flush_deadline_ = Clock::now() + config_.flush_timeout;
  kick();
  co_await changed_.wait(mutex_, [&] { return !service_running_; });

  // The producers go first: they purge what they still hold, run no callback any more, and no librdkafka
  // thread reads a message body after this.
  main_.producer.reset();
  isolation_.producer.reset();
  std::exception_ptr failed;
  {
    std::lock_guard lock(mutex_);
    failed = service_error_;
  }
  if (!window_.empty()) {
    // Let go unacknowledged, their batches go back to the channel: delivered again by the sink that
    // replaces this one, or kept for the next start (a disk channel, or a source that reads them again).
    if (!failed) {
      log::warn(
          ctx.name(),
          "{} messages in {} batches were not acknowledged by Kafka within {}; they stay in the channel",
          window_.pending_messages(), window_.batches(), format_duration(config_.flush_timeout));
    }
    window_.take_all();
  }
  unsent_.clear();
  resend_.clear();
  isolate_.clear();
  dead_letter_topic_queue_.clear();
  dead_letter_file_queue_.clear();
  timer_.reset();
  update_gauges();
  if (failed) std::rethrow_exception(failed);
}

namespace {
[[maybe_unused]] const bool registered = register_sink<KafkaSinkConfig, KafkaSink>(
    "kafka",
    "Produces events to Apache Kafka topics; a batch counts as delivered only once the brokers acknowledged "
    "it.",
    "Uses librdkafka, idempotent with `acks: all` by default, so retries neither lose, duplicate nor "
    "reorder messages within a partition. A batch taken from the channel is acknowledged only when every "
    "message in it has a successful delivery report from the brokers; until then it stays in the channel, "
    "and after a crash it is sent again. Many batches are in flight at once (`max_in_flight_batches`, "
    "`max_in_flight_bytes`); when they are all waiting, for instance while the brokers are unreachable, the "
    "sink takes nothing more, the channel absorbs, and once it is full the sources stop reading. When the "
    "brokers come back everything is delivered.\n\nErrors that pass (time-outs, leader changes, not enough "
    "replicas, lost connections) are retried by librdkafka and, if it gives up (`delivery_timeout`), by the "
    "sink. A message the brokers refuse for good (too large, an invalid or unknown topic, not authorized) "
    "is logged with the reason, counted, and written to the dead-letter file or topic (`dead_letter`); it "
    "is never dropped silently. When the brokers refuse a whole request, its messages are sent again one by "
    "one, so only the culprit is set aside. A fatal librdkafka error replaces the producer; what it had not "
    "delivered is produced again. On stop the sink waits up to `flush_timeout` for the brokers; what they "
    "did not acknowledge stays in the channel for the next start. See [the Kafka sink's "
    "page](../../sinks/kafka.md) for how it works.\n\nMetrics: `pyrolog_kafka_delivery_latency_seconds` (a "
    "histogram), `pyrolog_kafka_delivery_latency_max_seconds`, `pyrolog_kafka_retries_total`, "
    "`pyrolog_kafka_errors_total{reason}`, `pyrolog_kafka_dead_letters_total{destination}`, "
    "`pyrolog_kafka_in_flight_messages`, `pyrolog_kafka_in_flight_batches`, "
    "`pyrolog_kafka_in_flight_bytes`, `pyrolog_kafka_producer_rebuilds_total`, `pyrolog_kafka_brokers_up`, "
    "`pyrolog_kafka_fallback_topic_total`.");
}  // namespace

}  // namespace pyrolog
