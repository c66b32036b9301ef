#include "runtime/runtime.h"

#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/asio/signal_set.hpp>
#include <fmt/format.h>

#include "base/units.h"
#include "config/agent_config.h"
#include "log/log.h"
#include "metrics/metrics.h"
#include "runtime/asio.h"
#include "runtime/pipeline.h"

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

class Agent {
 public:
  Agent(const RunOptions& options, AgentConfig config)
      : options_(options),
        config_(std::move(config)),
        strand_(asio::make_strand(io_)),
        signals_(strand_, SIGINT, SIGTERM, SIGHUP) {}

  int run() {
    apply_log_level(config_);
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
    // The supervisor and the summary share a strand: both touch `pipeline_`.
    asio::co_spawn(strand_, supervise(), asio::detached);
    if (options_.summary_interval.count() > 0) asio::co_spawn(strand_, print_summaries(), asio::detached);

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
  Awaitable<void> supervise() {
    for (;;) {
      const int signal = co_await signals_.async_wait(asio::use_awaitable);
      if (signal == SIGHUP) {
        co_await reload();
        continue;
      }
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
        io_.stop();
        co_return;
      }
      pipeline_ = std::move(next);
      pipeline_->start();
      co_return;
    }
    config_ = std::move(*loaded.config);
    apply_log_level(config_);
    pipeline_ = std::move(next);
    pipeline_->start();
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
