#include "runtime/loop_watchdog.h"

namespace pyrolog {

LoopWatchdog::LoopWatchdog(Executor timer_executor, std::chrono::microseconds interval, Executors executors,
                           Ping ping)
    : timer_executor_(std::move(timer_executor)),
      interval_(interval),
      executors_(std::move(executors)),
      ping_(std::move(ping)) {}

Awaitable<void> LoopWatchdog::run() {
  asio::steady_timer timer(timer_executor_);
  std::shared_ptr<Round> round;
  auto stopped = stopped_;
  // The first ping goes out as soon as the first round came back.
  auto last_ping = std::chrono::steady_clock::now() - interval_;
  while (!stopped->load()) {
    const auto now = std::chrono::steady_clock::now();
    // A ping is sent only when the previous round came back whole: every loop ran its probe.
    if (!round || round->outstanding.load() == 0) {
      if (round && now - last_ping >= interval_) {
        ping_();
        pings_.fetch_add(1, std::memory_order_relaxed);
        last_ping = now;
        round.reset();
      }
      if (!round) {
        round = std::make_shared<Round>();
        auto executors = executors_();
        executors.push_back(timer_executor_);
        round->outstanding.store(executors.size());
        for (auto& e : executors)
          asio::post(e, [round] { round->outstanding.fetch_sub(1); });
      }
    }
    // Looked at more often than pings are due, so a ping follows a completed round promptly.
    timer.expires_after(std::max<std::chrono::microseconds>(interval_ / 8, std::chrono::milliseconds(1)));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace pyrolog
