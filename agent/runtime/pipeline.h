#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/agent_config.h"
#include "metrics/metrics.h"
#include "plugin/sink.h"
#include "plugin/source.h"
#include "plugin/transform.h"
#include "runtime/asio.h"
#include "runtime/channel.h"
#include "runtime/health.h"
#include "runtime/wait_queue.h"

namespace pyrolog {

// One running topology: the components of a config, the routes between them, a channel per sink.
//
// Batches flow like this: a source submits a batch; on the submitting coroutine, the pipeline runs it through
// the transforms downstream (synchronously: transforms never block) and pushes what comes out into the
// channel of each sink it reaches. Each sink runs as its own coroutine, taking batches from its channel. A
// batch that reaches two branches is cloned (the bytes are shared).
class Pipeline {
 public:
  Pipeline(const AgentConfig& config, asio::io_context& io, MetricsRegistry& metrics);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Opens the channels (recovering what a crash left), the sinks, then the sources (binds sockets, opens
  // files). Throws std::runtime_error naming the component.
  void open();
  // Starts every component's coroutine.
  void start();
  struct StopResult {
    bool drained = true;  // every sink delivered everything and returned before the deadline
    std::size_t lost_events =
        0;  // events dropped from memory channels at the deadline (disk channels keep theirs)
  };
  // Stops sources, waits until everything they submitted is delivered, and every sink has returned. If
  // `deadline` passes first, the channels stop delivering: memory channels drop what they hold (its sources
  // keep their positions, so it is read again), disk channels keep it for the next start. A sink waiting to
  // be started again after a failure is started at once, to deliver what it can by the deadline.
  Awaitable<StopResult> stop(std::chrono::milliseconds deadline);

  // Events received by every source, and delivered by every sink, since this pipeline started.
  std::uint64_t events_in() const;
  std::uint64_t events_out() const;
  std::uint64_t channel_bytes() const;
  std::uint64_t channel_capacity() const;

  // Every component's state and counters, for health. Thread-safe.
  std::vector<ComponentSnapshot> snapshot();
  // Channel::tick() of every channel.
  void tick_channels();
  // The strand of every source and sink: the watchdog posts to each and waits for all to come back.
  std::vector<Executor> executors();

 private:
  struct Node;
  struct Target {
    Node* node = nullptr;  // a transform or a sink
  };
  struct Node {
    const ComponentConfig* config = nullptr;
    std::unique_ptr<ComponentMetrics> metrics;
    std::unique_ptr<Source> source;
    std::unique_ptr<Transform> transform;
    std::unique_ptr<Sink> sink;
    std::unique_ptr<Channel> channel;  // sinks
    std::unique_ptr<ComponentContext> context;
    std::vector<std::vector<Target>> outputs;          // per output index, the downstream nodes
    std::vector<std::string> output_names;             // "" for the main output
    std::string failure;                               // why its coroutine ended with an error (under mutex_)
    bool failed = false;                               // under mutex_; a sink: until it is running again
    Counter* restarts = nullptr;                       // sinks: `pyrolog_component_restarts_total`
    std::shared_ptr<asio::steady_timer> restart_wait;  // sinks: the wait before a start again (under mutex_)
  };
  class SourceContextImpl;
  class SinkContextImpl;
  class Outbox;

  void build();
  void route(Node& from, std::size_t output, Batch batch, Outbox& outbox);
  Awaitable<void> submit(Node& source, Batch batch);
  // A sink's coroutine: runs the sink, and while the pipeline is not stopping, starts a sink that failed
  // again, a new one of the same config, with backoff; what the failed one took and did not acknowledge is
  // delivered again.
  Awaitable<void> supervise_sink(Node& node);
  // Records why a component's coroutine ended with an error: counted, logged, shown by the health check.
  void record_failure(Node& node, const std::string& what);

  AgentConfig config_;
  asio::io_context& io_;
  MetricsRegistry& metrics_;
  std::vector<std::unique_ptr<Node>> nodes_;

  std::mutex mutex_;
  WaitQueue finished_waiters_;
  std::size_t running_sources_ = 0;
  std::size_t running_sinks_ = 0;
  bool started_ = false;
  bool stopping_ = false;
};

}  // namespace pyrolog
