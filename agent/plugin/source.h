#pragma once

#include "event/batch.h"
#include "plugin/component_context.h"
#include "runtime/asio.h"

namespace pyrolog {

class SourceContext : public ComponentContext {
 public:
  // Runs `batch` through the transforms downstream of this source and hands the results to the channels of
  // the sinks. Completes when every channel has taken it; while a channel is full (with `when_full: block`)
  // it does not complete, and that is how backpressure reaches the source: it reads no more until then.
  // Safe to call from several coroutines of the source at once.
  virtual Awaitable<void> submit(Batch batch) = 0;
};

// A source reads from the outside world and submits batches.
//
// Life cycle: `open` (bind sockets, open files; throw std::runtime_error with a clear message when it
// cannot), then `run` on the component's executor until `stop` is called and everything already read has been
// submitted. `stop` may be called from any thread and returns at once.
class Source {
 public:
  virtual ~Source() = default;
  virtual void open(SourceContext& ctx) = 0;
  virtual Awaitable<void> run(SourceContext& ctx) = 0;
  virtual void stop() = 0;
};

}  // namespace pyrolog
