#include "runtime/memory_channel.h"

#include <algorithm>

namespace pyrolog {

MemoryChannel::MemoryChannel(const ChannelConfig& config, ComponentMetrics& sink_metrics,
                             std::string sink_name)
    : max_bytes_(config.max_bytes.bytes),
      when_full_(config.when_full),
      metrics_(sink_metrics),
      sink_name_(std::move(sink_name)),
      bytes_gauge_(sink_metrics.gauge("channel_bytes", "Bytes held in the channel in front of a sink.")),
      records_gauge_(sink_metrics.gauge("channel_lag_batches",
                                        "Batches in the channel that the sink has not acknowledged.")),
      redelivered_(redelivered_batches(sink_metrics)),
      home_(std::make_shared<Home>()) {
  home_->channel = this;
  sink_metrics.gauge("channel_max_bytes", "Capacity of the channel in front of a sink, in bytes.")
      .set(static_cast<std::int64_t>(max_bytes_));
}

MemoryChannel::~MemoryChannel() {
  std::lock_guard lock(home_->mutex);
  home_->channel = nullptr;
}

MemoryChannel::InFlight::~InFlight() {
  if (acked) return;  // the finalizer runs as `item.ack` goes
  {
    std::lock_guard lock(home->mutex);
    if (home->channel && home->channel->take_back(item)) return;
  }
  if (item.ack) item.ack->fail();
}

bool MemoryChannel::take_back(Item& item) {
  std::lock_guard lock(mutex_);
  if (abandoned_) return false;
  // Before every batch queued after it: the sink sees batches in the order they came, as far as it can.
  auto at = std::upper_bound(queue_.begin(), queue_.end(), item.sequence,
                             [](std::uint64_t seq, const Item& queued) { return seq < queued.sequence; });
  queue_.insert(at, std::move(item));
  redelivered_.add();
  data_waiters_.notify_all();
  return true;
}

Awaitable<void> MemoryChannel::push(Batch batch) {
  const std::size_t size = batch.byte_size();
  const std::size_t events = batch.size();
  auto has_room = [&] { return closed_ || bytes_ == 0 || bytes_ + size <= max_bytes_; };
  for (;;) {
    std::unique_lock lock(mutex_);
    if (closed_) {
      if (auto ack = batch.take_ack()) ack->fail();
      co_return;
    }
    if (has_room()) {
      // Checked and taken under one lock: another pusher cannot take the room in between.
      Item item;
      item.ack = batch.take_ack();
      item.bytes = size;
      item.sequence = next_sequence_++;
      item.batch = std::make_shared<const Batch>(std::move(batch));
      bytes_ += size;
      events_ += events;
      ++batches_;
      bytes_gauge_.set(static_cast<std::int64_t>(bytes_));
      records_gauge_.set(static_cast<std::int64_t>(batches_));
      queue_.push_back(std::move(item));
      metrics_.received_events.add(events);
      data_waiters_.notify_all();
      co_return;
    }
    if (when_full_ == WhenFull::drop_newest) {
      lock.unlock();
      metrics_.dropped("channel_full").add(events);
      std::uint64_t suppressed = 0;
      if (full_log_.allow(suppressed)) {
        log::warn(sink_name_,
                  "channel full ({} bytes): dropped a batch of {} events ({} more batches since last said)",
                  max_bytes_, events, suppressed);
      }
      co_return;
    }
    lock.unlock();
    co_await space_waiters_.wait(mutex_, has_room);
  }
}

Awaitable<std::optional<Delivery>> MemoryChannel::pop() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (!queue_.empty()) {
        Item item = std::move(queue_.front());
        queue_.pop_front();
        Delivery d;
        d.sequence = item.sequence;
        d.batch = item.batch;
        d.token = std::make_shared<InFlight>(home_, std::move(item));
        co_return d;
      }
      if (closed_) co_return std::nullopt;  // closed and drained
    }
    // Another popper may take what woke us: the loop looks again.
    co_await data_waiters_.wait(mutex_, [&] { return closed_ || !queue_.empty(); });
  }
}

void MemoryChannel::ack(Delivery delivery) {
  auto* in_flight = static_cast<InFlight*>(delivery.token.get());
  std::lock_guard lock(mutex_);
  in_flight->acked = true;
  bytes_ -= in_flight->item.bytes;
  events_ -= in_flight->item.batch->size();
  --batches_;
  bytes_gauge_.set(static_cast<std::int64_t>(bytes_));
  records_gauge_.set(static_cast<std::int64_t>(batches_));
  space_waiters_.notify_all();
  // The finalizer is released as `delivery` goes out of scope, after the lock.
}

void MemoryChannel::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  space_waiters_.notify_all();
  data_waiters_.notify_all();
}

std::size_t MemoryChannel::abandon() {
  std::deque<Item> dropped;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    abandoned_ = true;
    dropped.swap(queue_);
    space_waiters_.notify_all();
    data_waiters_.notify_all();
  }
  std::size_t events = 0;
  for (auto& item : dropped) {
    events += item.batch->size();
    if (item.ack) item.ack->fail();
  }
  return events;
}

std::uint64_t MemoryChannel::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::uint64_t MemoryChannel::pending_batches() const {
  std::lock_guard lock(mutex_);
  return batches_;
}

std::uint64_t MemoryChannel::pending_events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

}  // namespace pyrolog
