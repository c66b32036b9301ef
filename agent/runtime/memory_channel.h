#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

#include "config/channel_config.h"
#include "log/log.h"
#include "metrics/metrics.h"
#include "plugin/sink.h"
#include "runtime/channel.h"
#include "runtime/wait_queue.h"

namespace pyrolog {

// The bounded queue in front of one sink, in memory. A batch counts against `max_bytes` from the moment it is
// pushed until the sink acknowledges it, so a sink that takes batches but never delivers them still fills it.
// The batch's finalizer is released at the sink's acknowledgement: only then may the source move its
// position. A batch the sink took and let go without acknowledging it is queued again, ahead of the others.
class MemoryChannel final : public Channel {
 public:
  MemoryChannel(const ChannelConfig& config, ComponentMetrics& sink_metrics, std::string sink_name);
  ~MemoryChannel() override;
  MemoryChannel(const MemoryChannel&) = delete;
  MemoryChannel& operator=(const MemoryChannel&) = delete;

  // Takes the batch; with `block`, waits while the channel is full. After `close`, the batch is refused and
  // its finalizer fails, so its source keeps its position.
  Awaitable<void> push(Batch batch) override;
  // The next batch, or nullopt once closed and drained.
  Awaitable<std::optional<Delivery>> pop() override;
  void ack(Delivery delivery) override;

  // No more pushes; `pop` drains what is queued.
  void close() override;
  // Drops what is queued, failing their finalizers (the shutdown deadline passed, or the stop found batches
  // a failed sink gave back); a delivery released without `ack` from then on fails its finalizer too.
  std::size_t abandon() override;

  std::uint64_t bytes() const override;
  std::uint64_t max_bytes() const override { return max_bytes_; }
  std::uint64_t pending_batches() const override;
  bool durable() const override { return false; }
  std::uint64_t pending_events() const;

 private:
  struct Item {
    std::shared_ptr<const Batch> batch;
    std::shared_ptr<AckGroup> ack;
    std::size_t bytes = 0;
    std::uint64_t sequence = 0;
  };
  // What an InFlight knows of its channel: the channel may be gone before the last delivery is released.
  struct Home {
    std::mutex mutex;
    MemoryChannel* channel = nullptr;  // under mutex; null once the channel is destroyed
  };
  // What the channel keeps of a batch the sink took. A delivery released without `ack` (a sink that threw)
  // goes back to the queue, to be delivered again; once the channel has been abandoned, or is gone, its
  // finalizer fails instead: the source must not move past data nobody delivered.
  struct InFlight {
    InFlight(std::shared_ptr<Home> h, Item i) : home(std::move(h)), item(std::move(i)) {}
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;
    ~InFlight();
    std::shared_ptr<Home> home;
    Item item;
    bool acked = false;
  };

  // Puts a released delivery back in the queue, in sequence order; false once abandoned.
  bool take_back(Item& item);

  const std::uint64_t max_bytes_;
  const WhenFull when_full_;
  ComponentMetrics& metrics_;
  std::string sink_name_;
  Gauge& bytes_gauge_;
  Gauge& records_gauge_;
  Counter& redelivered_;
  log::RateLimit full_log_;
  std::shared_ptr<Home> home_;

  mutable std::mutex mutex_;
  std::deque<Item> queue_;
  std::uint64_t bytes_ = 0;
  std::uint64_t events_ = 0;
  std::uint64_t batches_ = 0;  // queued or in flight, until acknowledged
  std::uint64_t next_sequence_ = 0;
  bool closed_ = false;
  bool abandoned_ = false;
  WaitQueue space_waiters_;
  WaitQueue data_waiters_;
};

}  // namespace pyrolog
