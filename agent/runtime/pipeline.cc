#include "runtime/pipeline.h"

#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "base/units.h"
#include "log/log.h"
#include "plugin/plugin_registry.h"
#include "runtime/disk_channel.h"
#include "runtime/memory_channel.h"

namespace pyrolog {

namespace {

class ContextBase {
 public:
  ContextBase(const ComponentConfig& config, ComponentMetrics& metrics, asio::io_context& io,
              std::filesystem::path data_dir)
      : config_(config),
        metrics_(metrics),
        io_(io),
        strand_(asio::make_strand(io)),
        data_dir_(std::move(data_dir)) {}

  const std::string& name_impl() const { return config_.name; }
  std::filesystem::path state_dir_impl() {
    auto dir = data_dir_ / fmt::format("{}s", kind_name(config_.kind)) / config_.name;
    std::filesystem::create_directories(dir);
    return dir;
  }

  const ComponentConfig& config_;
  ComponentMetrics& metrics_;
  asio::io_context& io_;
  asio::strand<asio::io_context::executor_type> strand_;
  std::filesystem::path data_dir_;
};

}  // namespace

class Pipeline::SourceContextImpl final : public SourceContext, private ContextBase {
 public:
  SourceContextImpl(Pipeline& pipeline, Node& node, asio::io_context& io, std::filesystem::path data_dir)
      : ContextBase(*node.config, *node.metrics, io, std::move(data_dir)), pipeline_(pipeline), node_(node) {}

  const std::string& name() const override { return name_impl(); }
  ComponentMetrics& metrics() override { return metrics_; }
  std::filesystem::path state_dir() override { return state_dir_impl(); }
  Executor executor() override { return strand_; }
  asio::io_context& io_context() override { return io_; }
  Awaitable<void> submit(Batch batch) override { return pipeline_.submit(node_, std::move(batch)); }

 private:
  Pipeline& pipeline_;
  Node& node_;
};

class Pipeline::SinkContextImpl final : public SinkContext, private ContextBase {
 public:
  SinkContextImpl(Node& node, asio::io_context& io, std::filesystem::path data_dir)
      : ContextBase(*node.config, *node.metrics, io, std::move(data_dir)), channel_(*node.channel) {}

  const std::string& name() const override { return name_impl(); }
  ComponentMetrics& metrics() override { return metrics_; }
  std::filesystem::path state_dir() override { return state_dir_impl(); }
  Executor executor() override { return strand_; }
  asio::io_context& io_context() override { return io_; }
  Awaitable<std::optional<Delivery>> next() override {
    auto delivery = co_await channel_.pop();
    if (delivery) delivery->taken = std::chrono::steady_clock::now();
    co_return delivery;
  }
  // Batch latency of a sink: from taking the batch off the channel to its acknowledgement.
  void ack(Delivery delivery) override {
    if (delivery.taken != std::chrono::steady_clock::time_point{})
      metrics_.batch_latency.observe(std::chrono::steady_clock::now() - delivery.taken);
    channel_.ack(std::move(delivery));
  }

 private:
  Channel& channel_;
};

// What a batch turns into on its way through the transforms: a batch for each sink channel it reaches.
class Pipeline::Outbox {
 public:
  std::vector<std::pair<Node*, Batch>> items;
};

namespace {
class Emitter final : public TransformOutputs {
 public:
  using RouteFn = std::function<void(std::size_t, Batch)>;
  explicit Emitter(RouteFn route) : route_(std::move(route)) {}
  void emit(Batch batch, std::size_t output) override { route_(output, std::move(batch)); }

 private:
  RouteFn route_;
};
}  // namespace

Pipeline::Pipeline(const AgentConfig& config, asio::io_context& io, MetricsRegistry& metrics)
    : config_(config), io_(io), metrics_(metrics) {
  build();
}

Pipeline::~Pipeline() = default;

void Pipeline::build() {
  std::map<std::string, Node*> by_name;
  const std::filesystem::path data_dir = config_.global.data_dir;
  for (const auto& c : config_.components) {
    auto node = std::make_unique<Node>();
    node->config = &c;
    node->metrics =
        std::make_unique<ComponentMetrics>(metrics_, c.name, std::string(kind_name(c.kind)), c.type);
    try {
      switch (c.kind) {
        case ComponentKind::source:
          node->source = c.plugin->make_source(c.options.get());
          node->context = std::make_unique<SourceContextImpl>(*this, *node, io_, data_dir);
          break;
        case ComponentKind::transform:
          node->transform = c.plugin->make_transform(c.options.get());
          break;
        case ComponentKind::sink:
          node->sink = c.plugin->make_sink(c.options.get());
          if (c.channel.type == ChannelType::disk) {
            node->channel = std::make_unique<DiskChannel>(c.channel, data_dir / "channels" / c.name,
                                                          *node->metrics, c.name);
          } else {
            node->channel = std::make_unique<MemoryChannel>(c.channel, *node->metrics, c.name);
          }
          node->context = std::make_unique<SinkContextImpl>(*node, io_, data_dir);
          break;
      }
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{} '{}': {}", kind_name(c.kind), c.name, e.what()));
    }
    node->output_names.emplace_back();
    if (c.kind == ComponentKind::transform && c.plugin->outputs) {
      for (auto& name : c.plugin->outputs(c.options.get()))
        node->output_names.push_back(std::move(name));
    }
    node->outputs.resize(node->output_names.size());
    by_name[c.name] = node.get();
    nodes_.push_back(std::move(node));
  }
  for (auto& node : nodes_) {
    for (const auto& input : node->config->inputs) {
      const auto dot = input.find('.');
      Node* from = by_name.at(input.substr(0, dot));
      std::size_t output = 0;
      if (dot != std::string::npos) {
        const std::string name = input.substr(dot + 1);
        for (std::size_t i = 1; i < from->output_names.size(); ++i) {
          if (from->output_names[i] == name) output = i;
        }
      }
      from->outputs[output].push_back(Target{node.get()});
    }
  }
}

void Pipeline::open() {
  for (auto& node : nodes_) {
    if (!node->channel) continue;
    try {
      node->channel->open();
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("sink '{}': {}", node->config->name, e.what()));
    }
  }
  for (auto kind : {ComponentKind::sink, ComponentKind::source}) {
    for (auto& node : nodes_) {
      if (node->config->kind != kind) continue;
      try {
        if (node->sink) node->sink->open(static_cast<SinkContext&>(*node->context));
        if (node->source) node->source->open(static_cast<SourceContext&>(*node->context));
      } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("{} '{}': {}", kind_name(kind), node->config->name, e.what()));
      }
    }
  }
}

namespace {
// The wait before a failed sink is started again: doubled at each failure in a row, up to the cap; a sink
// that ran for longer than the cap before it failed starts from the first step again.
constexpr std::chrono::milliseconds kFirstRestartWait{1000};
constexpr std::chrono::milliseconds kLongestRestartWait{60000};

std::string describe(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}
}  // namespace

void Pipeline::record_failure(Node& node, const std::string& what) {
  node.metrics->errors.add();
  std::lock_guard l(mutex_);
  node.failed = true;
  node.failure = what;
}

Awaitable<void> Pipeline::supervise_sink(Node& node) {
  auto& ctx = static_cast<SinkContext&>(*node.context);
  const std::string& name = node.config->name;
  auto wait = kFirstRestartWait;
  for (;;) {
    const auto started = std::chrono::steady_clock::now();
    std::string failure;
    try {
      co_await node.sink->run(ctx);
    } catch (...) {
      failure = describe(std::current_exception());
    }
    bool stopping = false;
    {
      std::lock_guard l(mutex_);
      stopping = stopping_;
    }
    if (failure.empty()) {
      if (stopping) co_return;  // drained
      failure = "it returned while the pipeline was running";
    }
    record_failure(node, failure);
    if (stopping) {
      log::error(name, "sink stopped on an error: {}", failure);
      co_return;
    }
    if (std::chrono::steady_clock::now() - started > kLongestRestartWait) wait = kFirstRestartWait;
    log::error(name, "sink stopped on an error: {}; starting it again in {}", failure, format_duration(wait));
    // A new sink of the same config, once the wait is over (or at once when the pipeline stops, to deliver
    // what it can by the deadline). The failed one goes first: what it took and did not acknowledge goes
    // back to the channel.
    for (;;) {
      auto timer = std::make_shared<asio::steady_timer>(ctx.executor(), wait);
      bool wait_now = false;
      {
        std::lock_guard l(mutex_);
        if (!stopping_) node.restart_wait = timer;
        wait_now = !stopping_;
      }
      if (wait_now) {
        boost::system::error_code ec;
        co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        std::lock_guard l(mutex_);
        node.restart_wait.reset();
      }
      wait = std::min(wait * 2, kLongestRestartWait);
      node.sink.reset();
      node.channel->redeliver();
      try {
        node.sink = node.config->plugin->make_sink(node.config->options.get());
        node.sink->open(ctx);
        break;
      } catch (const std::exception& e) {
        node.sink.reset();
        record_failure(node, e.what());
        std::lock_guard l(mutex_);
        if (stopping_) {
          log::error(name, "sink could not start again: {}", e.what());
          co_return;
        }
        log::error(name, "sink could not start again: {}; trying again in {}", e.what(),
                   format_duration(wait));
      }
    }
    node.restarts->add();
    log::info(name, "sink started again");
    std::lock_guard l(mutex_);
    node.failed = false;
  }
}

void Pipeline::start() {
  std::lock_guard lock(mutex_);
  started_ = true;
  for (auto& node : nodes_) {
    Node* n = node.get();
    if (n->sink) {
      ++running_sinks_;
      n->restarts = &n->metrics->counter(
          "component_restarts", "Times a sink that failed was started again (a new one of its config).");
      asio::co_spawn(n->context->executor(), supervise_sink(*n), [this](std::exception_ptr) {
        std::lock_guard l(mutex_);
        --running_sinks_;
        finished_waiters_.notify_all();
      });
    }
  }
  for (auto& node : nodes_) {
    Node* n = node.get();
    if (n->source) {
      ++running_sources_;
      auto& ctx = static_cast<SourceContext&>(*n->context);
      asio::co_spawn(ctx.executor(), n->source->run(ctx), [this, n](std::exception_ptr e) {
        if (e) {
          const std::string failure = describe(e);
          log::error(n->config->name, "source stopped on an error: {}", failure);
          record_failure(*n, failure);
        }
        std::lock_guard l(mutex_);
        --running_sources_;
        finished_waiters_.notify_all();
      });
    }
  }
}

void Pipeline::route(Node& from, std::size_t output, Batch batch, Outbox& outbox) {
  if (output >= from.outputs.size()) {
    // A transform emitted to an output it does not have: a bug in the transform. Count it, keep going.
    from.metrics->dropped("bad_output").add(batch.size());
    log::error(from.config->name, "emitted to output {} of {}; batch dropped", output, from.outputs.size());
    return;
  }
  const auto& targets = from.outputs[output];
  if (targets.empty()) {
    from.metrics->dropped("unrouted").add(batch.size());
    return;
  }
  for (std::size_t i = 0; i < targets.size(); ++i) {
    Node& to = *targets[i].node;
    Batch b = (i + 1 == targets.size()) ? std::move(batch) : batch.clone();
    if (to.sink) {
      outbox.items.emplace_back(&to, std::move(b));
      continue;
    }
    to.metrics->received_events.add(b.size());
    // Batch latency of a transform: its own processing time, without the transforms downstream that its
    // emits run.
    const auto started = std::chrono::steady_clock::now();
    std::chrono::steady_clock::duration downstream{};
    Emitter emitter([&](std::size_t out, Batch produced) {
      to.metrics->sent_events.add(produced.size());
      const auto emitted = std::chrono::steady_clock::now();
      route(to, out, std::move(produced), outbox);
      downstream += std::chrono::steady_clock::now() - emitted;
    });
    to.transform->process(std::move(b), emitter);
    to.metrics->batch_latency.observe(std::chrono::steady_clock::now() - started - downstream);
  }
}

Awaitable<void> Pipeline::submit(Node& source, Batch batch) {
  // Batch latency of a source: from handing the batch over (just read) to every channel having taken it,
  // transforms and backpressure included.
  const auto submitted = std::chrono::steady_clock::now();
  Outbox outbox;
  // Kept aside: if a transform throws, the batch may already be gone when the exception arrives here.
  const std::shared_ptr<AckGroup> ack = batch.ack();
  try {
    route(source, 0, std::move(batch), outbox);
  } catch (const std::exception& e) {
    // A transform threw: a bug, not bad input (transforms tag bad input). Keep the agent up; the batch's
    // finalizer fails, so the source does not move past it.
    source.metrics->errors.add();
    log::error(source.config->name, "a transform failed on a batch: {}", e.what());
    if (ack) ack->fail();
    co_return;
  }
  for (auto& [node, b] : outbox.items)
    co_await node->channel->push(std::move(b));
  source.metrics->batch_latency.observe(std::chrono::steady_clock::now() - submitted);
}

Awaitable<Pipeline::StopResult> Pipeline::stop(std::chrono::milliseconds deadline) {
  {
    std::lock_guard l(mutex_);
    stopping_ = true;
    // A sink waiting to be started again starts now: the stop wants what it can deliver.
    for (auto& node : nodes_) {
      if (auto timer = node->restart_wait) asio::post(timer->get_executor(), [timer] { timer->cancel(); });
    }
  }
  for (auto& node : nodes_) {
    if (node->source) node->source->stop();
  }
  asio::steady_timer timer(co_await asio::this_coro::executor, deadline);
  auto timed_out = std::make_shared<std::atomic<bool>>(false);
  auto lost = std::make_shared<std::atomic<std::size_t>>(0);
  timer.async_wait([this, timed_out, lost](boost::system::error_code ec) {
    if (ec) return;
    timed_out->store(true);
    bool kept = false;
    for (auto& node : nodes_) {
      if (!node->channel) continue;
      lost->fetch_add(node->channel->abandon());
      kept = kept || node->channel->durable();
    }
    log::error("pipeline",
               "shutdown deadline passed: {} events in memory channels not delivered (their sources keep "
               "their positions and read them again){}",
               lost->load(), kept ? "; what is in disk channels stays there for the next start" : "");
    std::lock_guard l(mutex_);
    finished_waiters_.notify_all();
  });
  co_await finished_waiters_.wait(mutex_, [&] { return running_sources_ == 0 || timed_out->load(); });
  for (auto& node : nodes_) {
    if (node->channel) node->channel->close();
  }
  co_await finished_waiters_.wait(mutex_, [&] { return running_sinks_ == 0 || timed_out->load(); });
  timer.cancel();
  if (!timed_out->load()) {
    // What a sink that failed on the way gave back and nobody delivered: memory channels drop it now.
    std::size_t left = 0;
    for (auto& node : nodes_) {
      if (node->channel && !node->channel->durable()) left += node->channel->abandon();
    }
    if (left > 0) {
      lost->fetch_add(left);
      log::error("pipeline",
                 "{} events in memory channels not delivered by a sink that failed (their sources keep their "
                 "positions and read them again)",
                 left);
      co_return StopResult{false, lost->load()};
    }
  }
  co_return StopResult{!timed_out->load(), lost->load()};
}

std::uint64_t Pipeline::events_in() const {
  std::uint64_t n = 0;
  for (const auto& node : nodes_) {
    if (node->source) n += node->metrics->received_events.value();
  }
  return n;
}

std::uint64_t Pipeline::events_out() const {
  std::uint64_t n = 0;
  for (const auto& node : nodes_) {
    if (node->sink) n += node->metrics->sent_events.value();
  }
  return n;
}

std::uint64_t Pipeline::channel_bytes() const {
  std::uint64_t n = 0;
  for (const auto& node : nodes_) {
    if (node->channel) n += node->channel->bytes();
  }
  return n;
}

void Pipeline::tick_channels() {
  for (const auto& node : nodes_) {
    if (node->channel) node->channel->tick();
  }
}

std::vector<ComponentSnapshot> Pipeline::snapshot() {
  std::vector<ComponentSnapshot> out;
  out.reserve(nodes_.size());
  for (const auto& node : nodes_) {
    ComponentSnapshot s;
    s.name = node->config->name;
    s.kind = std::string(kind_name(node->config->kind));
    s.type = node->config->type;
    s.sent_events = node->metrics->sent_events.value();
    s.errors = node->metrics->errors.value();
    if (node->channel) s.pending_batches = node->channel->pending_batches();
    {
      std::lock_guard lock(mutex_);
      s.failed = node->failed;
      s.failure = node->failure;
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<Executor> Pipeline::executors() {
  std::vector<Executor> out;
  for (const auto& node : nodes_) {
    if (node->context) out.push_back(node->context->executor());
  }
  return out;
}

std::uint64_t Pipeline::channel_capacity() const {
  std::uint64_t n = 0;
  for (const auto& node : nodes_) {
    if (node->channel) n += node->channel->max_bytes();
  }
  return n;
}

}  // namespace pyrolog
