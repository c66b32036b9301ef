#include "support/test_plugins.h"

#include <atomic>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "plugin/plugin_registry.h"
#include "runtime/wait_queue.h"

namespace pyrolog::testing {

ProbeState Probe::snapshot() const {
  std::lock_guard lock(mutex_);
  return state_;
}

bool Probe::wait(const std::function<bool(const ProbeState&)>& pred,
                 std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return pred(state_); });
}

std::size_t Probe::release_held() {
  std::vector<std::pair<Delivery, SinkContext*>> held;
  {
    std::lock_guard lock(mutex_);
    held.swap(held_);
    state_.held = 0;
    changed_.notify_all();
  }
  for (auto& [delivery, ctx] : held)
    ctx->ack(std::move(delivery));
  return held.size();
}

void Probe::update(const std::function<void(ProbeState&)>& change) {
  std::lock_guard lock(mutex_);
  change(state_);
  changed_.notify_all();
}

void Probe::hold(Delivery delivery, SinkContext& ctx) {
  std::lock_guard lock(mutex_);
  held_.emplace_back(std::move(delivery), &ctx);
  state_.held = held_.size();
  changed_.notify_all();
}

Probe& probe(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<Probe>> probes;
  std::lock_guard lock(mutex);
  auto& slot = probes[name];
  if (!slot) slot = std::make_unique<Probe>();
  return *slot;
}

std::string unique_probe_name(const std::string& suffix) {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return fmt::format("{}.{}.{}{}", info ? info->test_suite_name() : "", info ? info->name() : "", counter++,
                     suffix);
}

namespace {

// ---- test_source ----

class TestSource final : public Source {
 public:
  explicit TestSource(const TestSourceConfig& config) : config_(config) {
    if (!config.build_error.empty()) throw ComponentConfigError(config.build_error);
  }
  void open(SourceContext&) override {
    if (!config_.open_error.empty()) throw std::runtime_error(config_.open_error);
  }

  Awaitable<void> run(SourceContext& ctx) override {
    Probe& p = probe(config_.probe);
    for (std::uint32_t b = 0; b < config_.batches; ++b) {
      Batch batch;
      if (config_.lines.empty()) {
        for (std::uint32_t e = 0; e < config_.events; ++e) {
          batch.add_event(1'000'000'000LL * (b + 1) + e,
                          batch.store(fmt::format("{}-{}-{}", ctx.name(), b, e)));
        }
      } else {
        for (const auto& line : config_.lines)
          batch.add_event(0, batch.store(line));
      }
      const std::size_t index = b;
      batch.set_ack(AckGroup::make(
          [&p, index](bool ok) { p.update([&](ProbeState& s) { s.acks.emplace_back(index, ok); }); }));
      ctx.metrics().received_events.add(batch.size());
      co_await ctx.submit(std::move(batch));
      p.update([](ProbeState& s) { ++s.submitted; });
    }
    co_await stopped_.wait(mutex_, [this] { return stopping_; });
    p.update([](ProbeState& s) { s.source_stopped = true; });
  }

  void stop() override {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    stopped_.notify_all();
  }

 private:
  TestSourceConfig config_;
  std::mutex mutex_;
  bool stopping_ = false;
  WaitQueue stopped_;
};

// ---- test_typed_source ----

class TestTypedSource final : public Source {
 public:
  explicit TestTypedSource(const TestTypedSourceConfig&) {}
  void open(SourceContext&) override {}
  Awaitable<void> run(SourceContext&) override { co_return; }
  void stop() override {}
};

// ---- test_passthrough ----

class TestPassthrough final : public InPlaceTransform {
 public:
  explicit TestPassthrough(const TestPassthroughConfig& config) : config_(config) {}
  void transform(Batch& batch) override {
    for (Event& e : batch.events()) {
      if (!config_.fail_on.empty() && e.raw == config_.fail_on)
        throw std::runtime_error("test_passthrough failed");
      if (!config_.tag.empty()) batch.set(e, "tag", Value::string(batch.store(config_.tag)));
    }
  }

 private:
  TestPassthroughConfig config_;
};

// ---- test_router ----

class TestRouter final : public Transform {
 public:
  explicit TestRouter(const TestRouterConfig& config) : config_(config) {}
  void process(Batch batch, TransformOutputs& out) override {
    auto route_of = [&](const Event& e) -> std::size_t {
      for (std::size_t i = 0; i < config_.routes.size(); ++i) {
        const std::string prefix = config_.routes[i] + ":";
        if (e.raw.substr(0, prefix.size()) == prefix) return i + 1;
      }
      return 0;
    };
    for (std::size_t i = 1; i <= config_.routes.size(); ++i) {
      Batch part = batch.clone();
      part.retain([&](const Event& e) { return route_of(e) == i; });
      if (!part.empty()) out.emit(std::move(part), i);
    }
    batch.retain([&](const Event& e) { return route_of(e) == 0; });
    if (!batch.empty()) out.emit(std::move(batch), 0);
  }

 private:
  TestRouterConfig config_;
};

// ---- test_sink ----

class TestSink final : public Sink {
 public:
  explicit TestSink(const TestSinkConfig& config) : config_(config) {
    if (!config_.probe.empty()) probe(config_.probe).update([](ProbeState& s) { ++s.sinks_made; });
  }
  void open(SinkContext&) override {}

  Awaitable<void> run(SinkContext& ctx) override {
    Probe& p = probe(config_.probe);
    while (auto delivery = co_await ctx.next()) {
      ReceivedBatch received;
      const Batch& batch = *delivery->batch;
      for (const Event& e : batch.events()) {
        received.lines.emplace_back(e.raw);
        const Value* tag = batch.find(e, "tag");
        received.tags.emplace_back(tag ? tag->as_string() : std::string_view());
        if (!config_.fail_on.empty() && e.raw == config_.fail_on) {
          bool fail = true;
          p.update([&](ProbeState& s) {
            fail = config_.fail_times == 0 || s.failures < config_.fail_times;
            if (fail) ++s.failures;
          });
          if (fail) throw std::runtime_error("test_sink failed");
        }
      }
      ctx.metrics().sent_events.add(batch.size());
      p.update([&](ProbeState& s) { s.batches.push_back(std::move(received)); });
      if (config_.hold_acks) {
        p.hold(std::move(*delivery), ctx);
      } else {
        ctx.ack(std::move(*delivery));
      }
      if (config_.return_early) break;
    }
    p.update([](ProbeState& s) { s.sink_finished = true; });
  }

 private:
  TestSinkConfig config_;
};

}  // namespace

const config::OptionTable<TestSourceConfig>& TestSourceConfig::options() {
  static const auto table = [] {
    config::OptionTable<TestSourceConfig> t;
    t.add("probe", &TestSourceConfig::probe, "Probe to report to.");
    t.add("batches", &TestSourceConfig::batches, "Batches to submit.").range(0, 100000);
    t.add("events", &TestSourceConfig::events, "Events per batch.").range(1, 100000);
    t.add("lines", &TestSourceConfig::lines, "The lines of each batch, instead of generated ones.");
    t.add("build_error", &TestSourceConfig::build_error, "Building fails with this message.");
    t.add("open_error", &TestSourceConfig::open_error, "Opening fails with this message.");
    return t;
  }();
  return table;
}

const config::OptionTable<TestTlsConfig>& TestTlsConfig::options() {
  static const auto table = [] {
    config::OptionTable<TestTlsConfig> t;
    t.add("enabled", &TestTlsConfig::enabled, "Use TLS.");
    t.add("ca_file", &TestTlsConfig::ca_file, "CA bundle.");
    t.check([](const TestTlsConfig& c) -> std::optional<std::string> {
      if (c.enabled && c.ca_file.empty()) return "ca_file is required when enabled is true";
      return std::nullopt;
    });
    return t;
  }();
  return table;
}

const config::OptionTable<TestTypedSourceConfig>& TestTypedSourceConfig::options() {
  static const auto table = [] {
    using C = TestTypedSourceConfig;
    config::OptionTable<C> t;
    t.add("port", &C::port, "A 16-bit port.");
    t.add("workers", &C::workers, "Both bounds.").range(1, 64);
    t.add("retries", &C::retries, "A minimum only.").range(0, std::nullopt);
    t.add("max_events", &C::max_events, "A maximum only.").range(std::nullopt, 1'000'000);
    t.add("ratio", &C::ratio, "A fraction.").range(0, 1);
    t.add("buffer", &C::buffer, "A byte size.").range(1024, 1024 * 1024);
    t.add("timeout", &C::timeout, "A duration.").range(10, 60 * 60 * 1000);
    t.add("compress", &C::compress, "A bool.");
    t.add("codec", &C::codec, "A choice.")
        .choices<TestCodec>(
            {{"plain", TestCodec::plain}, {"gzip", TestCodec::gzip}, {"zstd", TestCodec::zstd}});
    t.add("label", &C::label, "A string.");
    t.add("tags", &C::tags, "A list of strings.");
    t.add("headers", &C::headers, "A map of strings.");
    t.add("tls", &C::tls, "A section.");
    return t;
  }();
  return table;
}

const config::OptionTable<TestPassthroughConfig>& TestPassthroughConfig::options() {
  static const auto table = [] {
    config::OptionTable<TestPassthroughConfig> t;
    t.add("tag", &TestPassthroughConfig::tag, "Value of the `tag` field set on every event.");
    t.add("fail_on", &TestPassthroughConfig::fail_on, "Throw on an event with this line.");
    return t;
  }();
  return table;
}

const config::OptionTable<TestRouterConfig>& TestRouterConfig::options() {
  static const auto table = [] {
    config::OptionTable<TestRouterConfig> t;
    t.add("routes", &TestRouterConfig::routes, "Named outputs.").required();
    return t;
  }();
  return table;
}

const config::OptionTable<TestSinkConfig>& TestSinkConfig::options() {
  static const auto table = [] {
    config::OptionTable<TestSinkConfig> t;
    t.add("probe", &TestSinkConfig::probe, "Probe to report to.");
    t.add("hold_acks", &TestSinkConfig::hold_acks, "Hold deliveries until the test releases them.");
    t.add("fail_on", &TestSinkConfig::fail_on, "Throw on a batch with this line.");
    t.add("fail_times", &TestSinkConfig::fail_times, "Throw only this many times (0: always).");
    t.add("return_early", &TestSinkConfig::return_early, "Return after the first batch.");
    return t;
  }();
  return table;
}

namespace {
[[maybe_unused]] const bool registered = [] {
  register_source<TestSourceConfig, TestSource>("test_source", "Test source.");
  register_source<TestTypedSourceConfig, TestTypedSource>("test_typed_source",
                                                          "Test source with typed options.");
  register_transform<TestPassthroughConfig, TestPassthrough>("test_passthrough", "Test transform.");
  register_transform<TestRouterConfig, TestRouter>("test_router", "Test transform with named outputs.", "",
                                                   [](const TestRouterConfig& c) { return c.routes; });
  register_sink<TestSinkConfig, TestSink>("test_sink", "Test sink.");
  return true;
}();
}  // namespace

}  // namespace pyrolog::testing
