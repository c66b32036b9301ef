#include "demo_source.h"

#include <chrono>

#include "access_log_generator.h"
#include "plugin/plugin_registry.h"

namespace pyrolog {

const config::OptionTable<DemoSourceConfig>& DemoSourceConfig::options() {
  static const auto table = [] {
    config::OptionTable<DemoSourceConfig> t;
    t.add("rate", &DemoSourceConfig::rate, "Events per second; 0 means as fast as the pipeline takes them.")
        .range(0, 100'000'000);
    t.add("count", &DemoSourceConfig::count, "Events to generate in all; 0 means no end.");
    t.add("batch_size", &DemoSourceConfig::batch_size, "Events per batch.").range(1, 100'000);
    t.add("seed", &DemoSourceConfig::seed, "Seed of the generator: the same seed gives the same lines.");
    return t;
  }();
  return table;
}

Awaitable<void> DemoSource::run(SourceContext& ctx) {
  using Clock = std::chrono::steady_clock;
  AccessLogGenerator generator(config_.seed);
  asio::steady_timer timer(ctx.executor());
  const auto start = Clock::now();
  std::uint64_t produced = 0;
  std::string line;
  while (!stopping_.load() && (config_.count == 0 || produced < config_.count)) {
    std::uint64_t n = config_.batch_size;
    if (config_.count > 0) n = std::min(n, config_.count - produced);
    if (config_.rate > 0) {
      // Pace by the schedule, not by sleeping a fixed time per batch, so the rate holds under load.
      const auto due = start + std::chrono::nanoseconds(produced * 1'000'000'000ULL / config_.rate);
      if (due > Clock::now()) {
        timer.expires_at(due);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping_.load()) break;
      }
      n = std::min<std::uint64_t>(n, std::max<std::uint64_t>(1, config_.rate / 10));
    }
    Batch batch;
    batch.reserve(n);
    const auto now = std::chrono::system_clock::now();
    const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    const std::time_t now_s = std::chrono::system_clock::to_time_t(now);
    std::uint64_t bytes = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      line.clear();
      generator.append_line(line, now_s);
      batch.add_event(now_ns, batch.store(line));
      bytes += line.size();
    }
    produced += n;
    ctx.metrics().received_events.add(n);
    ctx.metrics().received_bytes.add(bytes);
    co_await ctx.submit(std::move(batch));
  }
}

namespace {
[[maybe_unused]] const bool registered = register_source<DemoSourceConfig, DemoSource>(
    "demo", "Generates realistic web-server access lines (combined log format) at a steady rate.",
    "For trying Pyrolog without real logs, and for benchmarks. Lines are deterministic for a given `seed`.");
}  // namespace

}  // namespace pyrolog
