#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "event/batch.h"
#include "plugin/component_context.h"
#include "runtime/asio.h"

namespace pyrolog {

// One batch taken from the sink's channel. The sink calls `SinkContext::ack` once the batch is really
// delivered (written and flushed to a file, acknowledged by a broker); only then may the channel let it go.
struct Delivery {
  std::shared_ptr<const Batch> batch;
  std::uint64_t sequence = 0;   // the channel's position of this batch, for in-order acknowledgement
  std::shared_ptr<void> token;  // the channel's bookkeeping
  std::chrono::steady_clock::time_point taken{};  // when the sink took it (the pipeline's batch latency)
};

class SinkContext : public ComponentContext {
 public:
  // The next batch, or nullopt once the pipeline is stopping and the channel is drained.
  virtual Awaitable<std::optional<Delivery>> next() = 0;
  // Acknowledges a delivery. Deliveries may be acknowledged in any order.
  virtual void ack(Delivery delivery) = 0;
};

// A sink delivers batches to their destination.
//
// Life cycle: `open` (create directories, connect; throw std::runtime_error with a clear message when it
// cannot), then `run` on the component's executor: take batches with `ctx.next()` until it returns nullopt,
// deliver them, acknowledge them, and return after flushing.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void open(SinkContext& ctx) = 0;
  virtual Awaitable<void> run(SinkContext& ctx) = 0;
};

}  // namespace pyrolog
