#pragma once

#include <cstdint>
#include <optional>

#include "event/batch.h"
#include "metrics/metrics.h"
#include "plugin/sink.h"
#include "runtime/asio.h"

namespace pyrolog {

// The bounded buffer between the pipeline and one sink. Two kinds: `MemoryChannel` and `DiskChannel`
// (durable).
//
// A batch's AckGroup (its source's finalizer) is released when the channel holds the batch safely: for the
// disk channel when its frame is durable per the sync policy; for the memory channel only when the sink has
// delivered it. Either way, no source moves its position past data that a crash could lose.
class Channel {
 public:
  virtual ~Channel() = default;

  // Opens what the channel stores (the disk channel recovers its directory). Throws std::runtime_error.
  virtual void open() {}
  // Takes a batch; with `when_full: block`, waits while the channel is full or cannot write.
  virtual Awaitable<void> push(Batch batch) = 0;
  // The next batch for the sink, or nullopt once closed and drained.
  virtual Awaitable<std::optional<Delivery>> pop() = 0;
  // The sink delivered this batch. Deliveries may be acknowledged in any order.
  virtual void ack(Delivery delivery) = 0;
  // A delivery released without `ack` (a sink that failed) was not delivered: it is delivered again. The
  // memory channel puts it back in its queue as it is released; the disk channel reads again, from the
  // oldest, every frame read and not acknowledged when `redeliver` is called, which the pipeline does before
  // it starts a failed sink again (no delivery of the old sink may be in progress then).
  virtual void redeliver() {}
  // Called about once a second by the agent, from none of the pipeline's strands: work that falls due with
  // time rather than with a push or a pop.
  virtual void tick() {}
  // No more pushes; `pop` drains what is there.
  virtual void close() = 0;
  // Stops delivering (shutdown deadline): returns how many events are left undelivered.
  virtual std::size_t abandon() = 0;

  virtual std::uint64_t bytes() const = 0;
  virtual std::uint64_t max_bytes() const = 0;
  // Batches in the channel that the sink has not acknowledged yet (queued or being delivered).
  virtual std::uint64_t pending_batches() const = 0;
  // True when what is left in the channel survives a restart.
  virtual bool durable() const = 0;
};

// `pyrolog_channel_redelivered_batches_total` of a sink's channel: batches delivered again after the sink
// let them go unacknowledged.
inline Counter& redelivered_batches(ComponentMetrics& sink_metrics) {
  return sink_metrics.counter(
      "channel_redelivered_batches",
      "Batches a sink took and let go without acknowledging them (a sink that failed), "
      "delivered again.");
}

}  // namespace pyrolog
