#include "runtime/runtime.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/asio/signal_set.hpp>
#include <fmt/format.h>

#include "base/units.h"
#include "config/agent_config.h"
#include "http/endpoints.h"
#include "http/http_server.h"
#include "log/log.h"
#include "metrics/metrics.h"
#include "runtime/agent_status.h"
#include "runtime/asio.h"
#include "runtime/health.h"
#include "runtime/loop_watchdog.h"
#include "runtime/pipeline.h"
#include "runtime/systemd_notify.h"
#include "version.h"

namespace pyrolog {
namespace {

unsigned worker_threads(const AgentConfig& config) {
  if (config.global.threads > 0) return config.global.threads;
  return std::max(2u, std::thread::hardware_concurrency());
}

void apply_log_level(const AgentConfig& config) {
  log::Level level{};
  if (log::parse_level(config.global.log_level, level)) log::set_level(level);
}

std::string thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Test-only (docs/operations.md): with PYROLOG_TEST_HOOKS=1, SIGUSR2 blocks the strand of the first sink
// (or source) for good, as a hung component would, so tests can see the watchdog pings stop.
bool test_hooks_enabled() {
  const char* v = std::getenv("PYROLOG_TEST_HOOKS");
  return v != nullptr && std::string_view(v) == "1";
}

std::uint64_t monotonic_usec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000 + static_cast<std::uint64_t>(ts.tv_nsec) / 1000;
}

constexpr auto kMonitorInterval = std::chrono::seconds(1);
constexpr int kStatusEveryTicks = 5;

class Agent {
 public:
  Agent(const RunOptions& options, AgentConfig config)
      : options_(options),
        config_(std::move(config)),
        strand_(asio::make_strand(io_)),
        signals_(strand_, SIGINT, SIGTERM, SIGHUP),
        health_(config_.global.http.sink_stall_timeout) {
    if (test_hooks_enabled()) signals_.add(SIGUSR2);
  }

  int run() {
    apply_log_level(config_);
    global_metrics()
        .gauge("pyrolog_build_info", "Always 1; the agent's version is in the label.",
               {{"version", kVersion}})
        .set(1);
    start_http();
    try {
      pipeline_ = std::make_unique<Pipeline>(config_, io_, global_metrics());
      pipeline_->open();
    } catch (const std::exception& e) {
      log::error("agent", "cannot start: {}", e.what());
      return 1;
    }
    pipeline_->start();
    log::info("agent", "started with {} ({} components, {} threads)", options_.config_path,
              config_.components.size(), worker_threads(config_));
    status_.set_state("running");
    // The configuration is loaded, the channels recovered, every source open: systemd may go on.
    systemd::notify(fmt::format("READY=1\nSTATUS=started: {} components", config_.components.size()));
    // The supervisor, the monitor, the summary and the watchdog share a strand: all touch `pipeline_`.
    asio::co_spawn(strand_, supervise(), asio::detached);
    asio::co_spawn(strand_, monitor(), asio::detached);
    if (options_.summary_interval.count() > 0) asio::co_spawn(strand_, print_summaries(), asio::detached);
    if (auto interval = systemd::watchdog_ping_interval()) {
      watchdog_ = std::make_unique<LoopWatchdog>(
          strand_, *interval, [this] { return pipeline_ ? pipeline_->executors() : std::vector<Executor>{}; },
          [] { systemd::notify("WATCHDOG=1"); });
      asio::co_spawn(strand_, watchdog_->run(), asio::detached);
      log::info("agent", "systemd watchdog: a ping every {} while the event loops answer",
                format_duration(std::chrono::duration_cast<Duration>(*interval)));
    }

    std::vector<std::thread> threads;
    const unsigned n = worker_threads(config_);
    for (unsigned i = 1; i < n; ++i)
      threads.emplace_back([this] { io_.run(); });
    io_.run();
    for (auto& t : threads)
      t.join();
    return exit_code_;
  }

 private:
  void start_http() {
    const HttpOptions& http = config_.global.http;
    if (http.enabled) listen_http(http.address);
  }

  // Serves /metrics and /health on `address`; false, and logged, when it cannot listen there. The agent's
  // job is the logs: without its endpoint it still delivers them.
  bool listen_http(const std::string& address) {
    auto server = std::make_unique<HttpServer>(io_, [this](std::string_view, std::string_view target) {
      return serve_observability(target, global_metrics(), status_);
    });
    try {
      server->listen(address);
    } catch (const std::exception& e) {
      log::error("agent", "http: {}; /metrics and /health are off", e.what());
      return false;
    }
    server->start();
    http_ = std::move(server);
    const auto colon = address.rfind(':');
    log::info("http", "listening on {}:{} (/metrics, /health)", address.substr(0, colon), http_->port());
    return true;
  }

  // After a reload: the endpoint follows a changed `http.address` or `http.enabled`. The old listener is
  // closed first (the new address may share its port); if the new one cannot listen, the old address is
  // taken again.
  Awaitable<void> apply_http_change(const HttpOptions& before) {
    const HttpOptions& now = config_.global.http;
    if (now.enabled == before.enabled && (!now.enabled || now.address == before.address)) co_return;
    if (http_) {
      co_await http_->close();
      co_await asio::post(strand_, asio::use_awaitable);
      retired_http_.push_back(std::move(http_));  // its open connections end on their own
    }
    if (!now.enabled) {
      log::info("http", "off (http.enabled: false)");
      co_return;
    }
    if (!listen_http(now.address) && before.enabled && listen_http(before.address))
      log::warn("http", "still on the previous address, {}", before.address);
  }

  // Every second: the channels' timed work, health from the pipeline's state; every few seconds the systemd
  // STATUS line.
  Awaitable<void> monitor() {
    asio::steady_timer timer(strand_);
    std::uint64_t last_in = 0, last_out = 0;
    const Pipeline* seen = nullptr;
    auto last = std::chrono::steady_clock::now();
    bool was_healthy = true;
    for (int tick = 0; !stopped_; ++tick) {
      if (pipeline_) {
        if (pipeline_.get() != seen) {  // a new pipeline: counts and stall clocks start again
          seen = pipeline_.get();
          health_.reset();
          last_in = last_out = 0;
        }
        pipeline_->tick_channels();
        const auto now = std::chrono::steady_clock::now();
        HealthReport report = health_.update(pipeline_->snapshot(), now);
        for (const auto& c : report.components) {
          global_metrics()
              .gauge("pyrolog_component_healthy", "1 when the component is healthy (see /health), else 0.",
                     {{"component", c.name}, {"kind", c.kind}, {"type", c.type}})
              .set(c.healthy ? 1 : 0);
        }
        if (report.healthy != was_healthy) {
          if (report.healthy)
            log::info("agent", "healthy again");
          else
            log::warn("agent", "unhealthy: {}", fmt::join(report.unhealthy_names(), ", "));
          was_healthy = report.healthy;
        }
        const std::vector<std::string> unhealthy = report.unhealthy_names();
        status_.set_health(std::move(report));
        if (tick % kStatusEveryTicks == 0 && systemd::notify_socket_set()) {
          // Over less than half a second (the first line) a rate means nothing: it says 0.
          const double elapsed = std::chrono::duration<double>(now - last).count();
          const double secs = elapsed < 0.5 ? 1e300 : elapsed;
          const std::uint64_t in = pipeline_->events_in(), out = pipeline_->events_out();
          const std::uint64_t capacity = std::max<std::uint64_t>(1, pipeline_->channel_capacity());
          std::string line = fmt::format(
              "STATUS=in {}/s, out {}/s, channel {:.1f}% of {}",
              thousands(static_cast<std::uint64_t>(static_cast<double>(in - std::min(in, last_in)) / secs)),
              thousands(
                  static_cast<std::uint64_t>(static_cast<double>(out - std::min(out, last_out)) / secs)),
              100.0 * static_cast<double>(pipeline_->channel_bytes()) / static_cast<double>(capacity),
              format_byte_size(ByteSize{pipeline_->channel_capacity()}));
          if (!unhealthy.empty()) line += fmt::format("; unhealthy: {}", fmt::join(unhealthy, ", "));
          systemd::notify(line);
          last_in = in;
          last_out = out;
          last = now;
        }
      }
      timer.expires_after(kMonitorInterval);
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  // Test-only: blocks one component's strand (and so one worker thread) for good, as a hung plugin would.
  void block_a_loop_for_tests() {
    if (!pipeline_) return;
    auto executors = pipeline_->executors();
    if (executors.empty()) return;
    log::warn("agent", "SIGUSR2 with PYROLOG_TEST_HOOKS=1: blocking a component's strand for good");
    asio::post(executors.back(), [] {
      for (;;)
        std::this_thread::sleep_for(std::chrono::hours(1));
    });
  }

  Awaitable<void> supervise() {
    for (;;) {
      const int signal = co_await signals_.async_wait(asio::use_awaitable);
      if (signal == SIGUSR2) {
        block_a_loop_for_tests();
        continue;
      }
      if (signal == SIGHUP) {
        status_.set_state("reloading");
        systemd::notify(fmt::format("RELOADING=1\nMONOTONIC_USEC={}\nSTATUS=reloading {}", monotonic_usec(),
                                    options_.config_path));
        co_await reload();
        if (stopped_) co_return;
        status_.set_state("running");
        systemd::notify(fmt::format("READY=1\nSTATUS=running: {} components", config_.components.size()));
        continue;
      }
      status_.set_state("stopping");
      systemd::notify("STOPPING=1\nSTATUS=stopping: delivering what was accepted");
      log::info("agent", "{}: stopping; delivering what was accepted (deadline {})",
                signal == SIGINT ? "SIGINT" : "SIGTERM", format_duration(options_.shutdown_deadline));
      const auto result = co_await pipeline_->stop(options_.shutdown_deadline);
      log::info("agent", "stopped: {} events in, {} out", thousands(pipeline_->events_in()),
                thousands(pipeline_->events_out()));
      if (!result.drained) {
        // Components may still hold references into the pipeline: leave it to the process exit.
        [[maybe_unused]] auto* leaked = pipeline_.release();
      }
      // Only a loss is a failure: what waits in a disk channel is delivered after the next start.
      if (result.lost_events > 0) exit_code_ = 1;
      stopped_ = true;
      signals_.cancel();
      if (watchdog_) watchdog_->stop();
      if (http_) http_->stop();
      io_.stop();
      co_return;
    }
  }

  Awaitable<void> reload() {
    log::info("agent", "SIGHUP: reloading {}", options_.config_path);
    auto loaded = load_config_file(options_.config_path, options_.env);
    if (!loaded.config) {
      for (const auto& d : loaded.diagnostics.items())
        log::error("config", "{}", d.to_string());
      log::error("agent",
                 "reload rejected: the configuration has {} problem(s); the running pipeline goes on",
                 loaded.diagnostics.size());
      co_return;
    }
    std::unique_ptr<Pipeline> next;
    try {
      next = std::make_unique<Pipeline>(*loaded.config, io_, global_metrics());
    } catch (const std::exception& e) {
      log::error("agent", "reload rejected: {}; the running pipeline goes on", e.what());
      co_return;
    }
    const auto stopped = co_await pipeline_->stop(options_.shutdown_deadline);
    if (!stopped.drained) [[maybe_unused]]
      auto* leaked = pipeline_.release();
    pipeline_.reset();
    try {
      next->open();
    } catch (const std::exception& e) {
      log::error("agent", "reload failed: {}; going back to the previous configuration", e.what());
      try {
        next.reset();
        next = std::make_unique<Pipeline>(config_, io_, global_metrics());
        next->open();
      } catch (const std::exception& again) {
        log::error("agent", "the previous configuration cannot start again either: {}", again.what());
        exit_code_ = 1;
        stopped_ = true;
        systemd::notify("STOPPING=1");
        io_.stop();
        co_return;
      }
      pipeline_ = std::move(next);
      pipeline_->start();
      co_return;
    }
    const HttpOptions http_before = config_.global.http;
    config_ = std::move(*loaded.config);
    apply_log_level(config_);
    health_ = HealthTracker(config_.global.http.sink_stall_timeout);
    pipeline_ = std::move(next);
    pipeline_->start();
    co_await apply_http_change(http_before);
    log::info("agent", "reloaded: {} components", config_.components.size());
  }

  Awaitable<void> print_summaries() {
    const bool tty = ::isatty(STDERR_FILENO) == 1;
    asio::steady_timer timer(strand_);
    std::uint64_t last_in = 0, last_out = 0;
    auto last = std::chrono::steady_clock::now();
    const Pipeline* shown = nullptr;
    while (!stopped_) {
      timer.expires_after(options_.summary_interval);
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (stopped_ || !pipeline_) break;
      if (pipeline_.get() != shown) {  // a reload starts the counts again
        shown = pipeline_.get();
        last_in = last_out = 0;
      }
      const auto now = std::chrono::steady_clock::now();
      const double secs = std::chrono::duration<double>(now - last).count();
      const std::uint64_t in = pipeline_->events_in();
      const std::uint64_t out = pipeline_->events_out();
      const std::string line = fmt::format(
          "in {} ({}/s)  out {} ({}/s)  channel {} of {}", thousands(in),
          thousands(static_cast<std::uint64_t>(static_cast<double>(in - last_in) / secs)), thousands(out),
          thousands(static_cast<std::uint64_t>(static_cast<double>(out - last_out) / secs)),
          format_byte_size(ByteSize{pipeline_->channel_bytes() / 1024 * 1024}),
          format_byte_size(ByteSize{pipeline_->channel_capacity()}));
      const std::string text = tty ? fmt::format("\r\033[K{}", line) : line + "\n";
      [[maybe_unused]] auto n = ::write(STDERR_FILENO, text.data(), text.size());
      last_in = in;
      last_out = out;
      last = now;
    }
    if (tty) [[maybe_unused]]
      auto n = ::write(STDERR_FILENO, "\n", 1);
  }

  const RunOptions& options_;
  AgentConfig config_;
  asio::io_context io_;
  asio::strand<asio::io_context::executor_type> strand_;
  asio::signal_set signals_;
  std::unique_ptr<Pipeline> pipeline_;
  int exit_code_ = 0;
  std::atomic<bool> stopped_{false};
  AgentStatus status_;
  HealthTracker health_;  // on strand_
  std::unique_ptr<HttpServer> http_;
  std::vector<std::unique_ptr<HttpServer>> retired_http_;  // closed by a reload that moved the endpoint
  std::unique_ptr<LoopWatchdog> watchdog_;
};

}  // namespace

int run_agent(const RunOptions& options) {
  auto loaded = load_config_file(options.config_path, options.env);
  if (!loaded.config) {
    std::fputs(loaded.diagnostics.to_string().c_str(), stderr);
    return 2;
  }
  Agent agent(options, std::move(*loaded.config));
  return agent.run();
}

}  // namespace pyrolog
