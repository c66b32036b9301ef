#include "kafka_source.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "event/field_names.h"
#include "plugin/plugin_registry.h"

namespace pyrolog {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kIdleTick{500};
constexpr std::chrono::seconds kCloseTimeout{10};
constexpr std::chrono::seconds kRecreateBackoff{5};

struct Names {
  std::string_view topic = FieldNames::intern("kafka.topic");
  std::string_view partition = FieldNames::intern("kafka.partition");
  std::string_view offset = FieldNames::intern("kafka.offset");
  std::string_view key = FieldNames::intern("kafka.key");
  std::string_view timestamp = FieldNames::intern("kafka.timestamp");
};
const Names& names() {
  static const Names n;
  return n;
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// The batch being filled: its events, and per partition where it ends.
struct KafkaSource::BatchBuilder {
  Batch batch;
  std::size_t bytes = 0;
  std::vector<OffsetTracker::Range> ranges;
  std::string_view topic_in_batch;  // the last topic name stored in the batch
  std::string_view topic_of_message;
};

KafkaSource::KafkaSource(const KafkaSourceConfig& config) : config_(config) {}

KafkaSource::~KafkaSource() {
  if (wake_) wake_->release();  // the consumer owns the descriptor
}

std::unique_ptr<kafka::KafkaConsumer> KafkaSource::make_consumer(SourceContext& ctx) {
  kafka::ConsumerCallbacks callbacks;
  callbacks.on_rebalance = [this](kafka::RebalanceEvent e, const std::vector<kafka::TopicPartition>& p,
                                  bool lost) { on_rebalance(e, p, lost); };
  callbacks.on_error = [this](int error, std::string_view reason, bool fatal) {
    on_error(error, reason, fatal);
  };
  callbacks.on_commit = [this](const std::vector<std::pair<kafka::PartitionOffset, int>>& r) {
    on_commit(r);
  };
  callbacks.on_log = [name = ctx.name(), limit = librdkafka_log_](int level, std::string_view facility,
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
    log::warn(name, "librdkafka {}: {} ({} similar lines held back)", facility, text, suppressed);
  };
  auto consumer = std::make_unique<kafka::KafkaConsumer>(consumer_properties(config_), std::move(callbacks));
  consumer->subscribe(config_.topics);
  return consumer;
}

void KafkaSource::open(SourceContext& ctx) {
  ctx_ = &ctx;
  executor_ = ctx.executor();
  auto& m = ctx.metrics();
  commits_ = &m.counter("kafka_commits", "Offset commits sent to the group coordinator.");
  rebalances_ = &m.counter("kafka_rebalances", "Partition assignments and revocations.");
  assigned_ = &m.gauge("kafka_assigned_partitions", "Partitions this consumer reads.");
  try {
    consumer_ = make_consumer(ctx);
  } catch (const std::exception& e) {
    throw std::runtime_error(
        fmt::format("cannot start the Kafka consumer for {}: {}", config_.brokers, e.what()));
  }
  log::info(ctx.name(), "reading {} from {} as group {}", fmt::join(config_.topics, ", "), config_.brokers,
            config_.group_id);
}

void KafkaSource::stop() {
  if (stopping_.exchange(true)) return;
  asio::post(executor_, [this] {
    if (timer_) timer_->cancel();
  });
}

// ---- librdkafka's callbacks (on the strand, inside `poll`) ----

void KafkaSource::on_rebalance(kafka::RebalanceEvent event,
                               const std::vector<kafka::TopicPartition>& partitions, bool lost) {
  rebalances_->add();
  if (event == kafka::RebalanceEvent::assigned) {
    tracker_->assign(partitions);
    assigned_count_ += partitions.size();
    assigned_->set(static_cast<std::int64_t>(assigned_count_));
    log::info(ctx_->name(), "assigned {} partition(s) of group {}", partitions.size(), config_.group_id);
    return;
  }
  // Revoked (or a failed rebalance): a last commit of what the channel acknowledged, then let go.
  if (event == kafka::RebalanceEvent::revoked && !lost) {
    if (!tracker_->wait_acknowledged(partitions, config_.ack_timeout)) {
      log::warn(ctx_->name(),
                "giving up {} partition(s) with events the channel has not acknowledged within {}; their "
                "next owner reads those again",
                partitions.size(), format_duration(config_.ack_timeout));
    }
    commit(true, partitions);
  } else if (lost) {
    log::warn(ctx_->name(),
              "lost {} partition(s) (the group went on without this consumer); nothing more is committed for "
              "them, their next owner reads from the last commit",
              partitions.size());
  }
  if (event == kafka::RebalanceEvent::failed) {
    tracker_->revoke_all();
  } else {
    tracker_->revoke(partitions);
  }
  assigned_count_ = event == kafka::RebalanceEvent::failed || partitions.size() >= assigned_count_
                        ? 0
                        : assigned_count_ - partitions.size();
  assigned_->set(static_cast<std::int64_t>(assigned_count_));
  revoked_ = true;
  log::info(ctx_->name(), "gave up {} partition(s) of group {}", partitions.size(), config_.group_id);
}

void KafkaSource::on_error(int error, std::string_view reason, bool fatal) {
  ctx_->metrics().errors.add();
  if (fatal) {
    log::error(ctx_->name(), "fatal consumer error: {} ({}); starting a new consumer", reason,
               kafka::KafkaConsumer::error_name(error));
    fatal_ = true;
    return;
  }
  std::uint64_t suppressed = 0;
  if (error_log_.allow(suppressed)) {
    log::warn(ctx_->name(), "consumer: {} ({}) ({} more held back)", reason,
              kafka::KafkaConsumer::error_name(error), suppressed);
  }
}

void KafkaSource::on_commit(const std::vector<std::pair<kafka::PartitionOffset, int>>& results) {
  for (const auto& [offset, error] : results) {
    if (error == 0) continue;
    tracker_->commit_failed(offset);  // taken again at the next commit, if the partition is still ours
    ctx_->metrics().errors.add();
    std::uint64_t suppressed = 0;
    if (error_log_.allow(suppressed)) {
      log::warn(ctx_->name(), "committing {}[{}] at {} failed: {} ({} more held back)", offset.tp.topic,
                offset.tp.partition, offset.offset, kafka::KafkaConsumer::error_name(error), suppressed);
    }
  }
}

void KafkaSource::commit(bool wait, const std::vector<kafka::TopicPartition>& partitions) {
  if (!consumer_) return;
  auto offsets = tracker_->take_committable(partitions);
  if (offsets.empty()) return;
  commits_->add();
  const int error = consumer_->commit(offsets, wait);
  if (error != 0) {
    for (const auto& o : offsets)
      tracker_->commit_failed(o);
    ctx_->metrics().errors.add();
    std::uint64_t suppressed = 0;
    if (error_log_.allow(suppressed)) {
      log::warn(ctx_->name(), "committing offsets failed: {} ({} more held back)",
                kafka::KafkaConsumer::error_name(error), suppressed);
    }
  }
}

// ---- the loop ----

void KafkaSource::arm() {
  if (armed_ || !consumer_) return;
  if (!wake_) wake_.emplace(executor_, consumer_->wake_fd());
  armed_ = true;
  wake_->async_wait(asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code) {
    armed_ = false;
    woke_ = true;
    if (timer_) timer_->cancel();
    std::lock_guard lock(mutex_);
    handler_done_.notify_all();
  });
}

Awaitable<void> KafkaSource::disarm() {
  if (!wake_) co_return;
  boost::system::error_code ec;
  wake_->cancel(ec);
  co_await handler_done_.wait(mutex_, [this] { return !armed_; });
  wake_->release();
  wake_.reset();
}

// Until `when`, librdkafka's queue wakes it, or `stop` cancels the timer.
Awaitable<void> KafkaSource::sleep_until(Clock::time_point when) {
  arm();
  if (woke_) {
    woke_ = false;
    co_return;
  }
  timer_->expires_at(when);
  boost::system::error_code ec;
  co_await timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  woke_ = false;
}

void KafkaSource::add_event(BatchBuilder& b, const kafka::ConsumedMessage& m) {
  const Names& n = names();
  const std::string_view topic = m.topic();
  if (topic != b.topic_of_message) {
    b.topic_in_batch = b.batch.store(topic);
    b.topic_of_message = b.topic_in_batch;
  }
  const auto ts_ms = m.timestamp_ms();
  const TimestampNs ts = ts_ms ? *ts_ms * 1000000 : now_ns();
  const std::string_view payload = m.payload();
  Event& e = b.batch.add_event(ts, b.batch.store(payload));
  b.batch.append(e, n.topic, Value::string(b.topic_in_batch));
  b.batch.append(e, n.partition, Value::integer(m.partition()));
  b.batch.append(e, n.offset, Value::integer(m.offset()));
  if (auto key = m.key()) b.batch.append(e, n.key, Value::string(b.batch.store(*key)));
  if (ts_ms) b.batch.append(e, n.timestamp, Value::timestamp(ts));
  if (config_.headers) {
    for (const auto& h : m.headers()) {
      const std::string name = fmt::format("kafka.headers.{}", h.name);
      b.batch.set(e, b.batch.store(name),
                  Value::string(h.value ? b.batch.store(*h.value) : std::string_view()));
    }
  }
  b.bytes += payload.size();
  const std::int64_t next = m.offset() + 1;
  for (auto& r : b.ranges) {
    if (r.tp.partition == m.partition() && r.tp.topic == topic) {
      r.next_offset = std::max(r.next_offset, next);
      return;
    }
  }
  b.ranges.push_back({{std::string(topic), m.partition()}, next});
}

Awaitable<void> KafkaSource::run(SourceContext& ctx) {
  timer_.emplace(ctx.executor());
  auto next_commit = Clock::now() + config_.commit_interval;
  Clock::time_point recreate_at{};

  while (!stopping_.load()) {
    if (fatal_) {
      // A fatal consumer error: what was submitted and not committed is read again by whoever owns it next.
      co_await disarm();
      consumer_.reset();
      tracker_ =
          std::make_shared<OffsetTracker>();  // acknowledgements of the old consumer's batches go nowhere
      assigned_count_ = 0;
      assigned_->set(0);
      fatal_ = false;
      recreate_at = Clock::now() + kRecreateBackoff;
    }
    if (!consumer_) {
      if (Clock::now() < recreate_at) {
        co_await sleep_until(recreate_at);
        continue;
      }
      try {
        consumer_ = make_consumer(ctx);
      } catch (const std::exception& e) {
        log::error(ctx.name(), "cannot start a new Kafka consumer: {}; trying again in {}s", e.what(),
                   kRecreateBackoff.count());
        recreate_at = Clock::now() + kRecreateBackoff;
        continue;
      }
    }

    consumer_->clear_wake();
    BatchBuilder b;
    bool drained = false;
    revoked_ = false;
    while (b.batch.size() < config_.max_batch_events && b.bytes < config_.max_batch_bytes.bytes && !fatal_) {
      auto m = consumer_->poll();
      if (!m) {
        drained = true;
        break;
      }
      if (m->error() != 0) {
        on_error(m->error(), m->error_text(), false);
        continue;
      }
      add_event(b, *m);
    }
    if (revoked_ && !b.batch.empty()) {
      // Partitions were given up while this batch was filled: their events are the next owner's.
      const Names& n = names();
      b.batch.retain([&](const Event& e) {
        const Value* topic = b.batch.find(e, n.topic);
        const Value* partition = b.batch.find(e, n.partition);
        return topic != nullptr && partition != nullptr &&
               tracker_->owns(
                   {std::string(topic->as_string()), static_cast<std::int32_t>(partition->as_integer())});
      });
      std::erase_if(b.ranges, [&](const OffsetTracker::Range& r) { return !tracker_->owns(r.tp); });
    }
    if (!b.batch.empty()) {
      ctx.metrics().received_events.add(b.batch.size());
      ctx.metrics().received_bytes.add(b.bytes);
      const auto id = tracker_->add(b.ranges);
      b.batch.set_ack(AckGroup::make([tracker = tracker_, id](bool ok) { tracker->complete(id, ok); }));
      co_await ctx.submit(std::move(b.batch));
    }
    if (Clock::now() >= next_commit) {
      commit(false);
      next_commit = Clock::now() + config_.commit_interval;
    }
    if (drained && !stopping_.load()) co_await sleep_until(std::min(next_commit, Clock::now() + kIdleTick));
  }

  // Stopping: everything read was submitted. Commit what the channel acknowledges, then leave the group.
  if (consumer_) {
    const auto give_up = Clock::now() + config_.ack_timeout;
    while (tracker_->pending_batches() > 0 && Clock::now() < give_up) {
      asio::steady_timer pause(ctx.executor(), std::chrono::milliseconds(20));
      boost::system::error_code ec;
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    commit(true);
    consumer_->start_close();
    const auto close_by = Clock::now() + kCloseTimeout;
    while (!consumer_->closed() && Clock::now() < close_by) {
      consumer_->clear_wake();
      while (auto m = consumer_->poll()) {
        // Messages fetched before the close are not submitted: they were never committed.
      }
      if (consumer_->closed()) break;
      co_await sleep_until(std::min(close_by, Clock::now() + std::chrono::milliseconds(100)));
    }
    if (!consumer_->closed())
      log::warn(ctx.name(), "the consumer did not leave its group within {}s", kCloseTimeout.count());
  }
  co_await disarm();
  consumer_.reset();
  timer_.reset();
}

namespace {
[[maybe_unused]] const bool registered = register_source<KafkaSourceConfig, KafkaSource>(
    "kafka",
    "Reads Kafka topics as a member of a consumer group, committing offsets only once the events are stored.",
    "Each message becomes an event: the payload is the raw line, the message's timestamp the event's time "
    "(the time it was read when it has none), and the fields `kafka.topic`, `kafka.partition`, "
    "`kafka.offset`, `kafka.key` (when the message has one) and `kafka.timestamp` (when it has one); with "
    "`headers: true`, each header as `kafka.headers.NAME`.\n\nOffsets are never committed automatically. "
    "Every `commit_interval` the source commits, per partition, the offset after the longest run of batches "
    "the channel has acknowledged (for a disk channel: once they are durable; for a memory channel: once "
    "the sink delivered them). A crash therefore reads again at most what was not yet committed, and loses "
    "nothing. On a rebalance, the partitions being taken away get a last commit (after waiting up to "
    "`ack_timeout` for their acknowledgements) before they are let go, and nothing is committed for them "
    "afterwards, so two consumers never commit the same partition. Run more agents with the same `group_id` "
    "to spread the partitions over them. See [the Kafka source's page](../../sources/kafka.md).\n\nMetrics: "
    "`pyrolog_kafka_commits_total`, `pyrolog_kafka_rebalances_total`, `pyrolog_kafka_assigned_partitions`.");
}  // namespace

}  // namespace pyrolog
