#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "runtime/asio.h"

namespace pyrolog {

// Proves that the event loops are alive before telling systemd so. Every interval it posts a probe to each
// executor it is given (the strand of every source and sink, and the supervisor's); the next ping is sent
// only once every probe of the previous round has run. A strand stuck in a blocking call (or a pool with
// every thread stuck) never runs its probe, so the pings stop and systemd's watchdog fires.
class LoopWatchdog {
 public:
  using Executors = std::function<std::vector<Executor>()>;
  using Ping = std::function<void()>;

  LoopWatchdog(Executor timer_executor, std::chrono::microseconds interval, Executors executors, Ping ping);

  // Runs on `timer_executor` until `stop`.
  Awaitable<void> run();
  void stop() { stopped_->store(true); }

  std::uint64_t pings() const { return pings_; }

 private:
  struct Round {
    std::atomic<std::size_t> outstanding{0};
  };

  Executor timer_executor_;
  std::chrono::microseconds interval_;
  Executors executors_;
  Ping ping_;
  std::shared_ptr<std::atomic<bool>> stopped_ = std::make_shared<std::atomic<bool>>(false);
  std::atomic<std::uint64_t> pings_{0};
};

}  // namespace pyrolog
