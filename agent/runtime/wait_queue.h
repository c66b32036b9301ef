#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "base/unique_function.h"
#include "runtime/asio.h"

namespace pyrolog {

// Coroutines waiting for a condition guarded by a caller's mutex: the async twin of a condition variable.
// `wait` checks the condition and parks the coroutine under the same lock, so no wake-up is lost;
// `notify_all` (with the lock held) resumes every parked coroutine on its own executor, where it checks
// again.
class WaitQueue {
 public:
  template <class Pred>
  Awaitable<void> wait(std::mutex& mutex, Pred ready) {
    for (;;) {
      bool done = false;
      co_await asio::async_initiate<decltype(asio::use_awaitable), void()>(
          [&](auto handler) {
            std::unique_lock lock(mutex);
            auto ex = asio::get_associated_executor(handler);
            if (ready()) {
              done = true;
              asio::post(ex, std::move(handler));
              return;
            }
            waiters_.emplace_back(
                UniqueFunction([ex, h = std::move(handler)]() mutable { asio::post(ex, std::move(h)); }));
          },
          asio::use_awaitable);
      if (done) co_return;
      std::unique_lock lock(mutex);
      if (ready()) co_return;
    }
  }

  // As `wait`, but gives up at `deadline`: true when `ready` held, false when the deadline passed first.
  template <class Pred>
  Awaitable<bool> wait_until(std::mutex& mutex, std::chrono::steady_clock::time_point deadline, Pred ready) {
    asio::steady_timer timer(co_await asio::this_coro::executor, deadline);
    for (;;) {
      {
        std::unique_lock lock(mutex);
        if (ready()) co_return true;
      }
      if (std::chrono::steady_clock::now() >= deadline) co_return false;
      // Resumed once, by whichever comes first: a notify, or the timer. The other finds it done. Both hold
      // the state, not the queue, so a late timer never touches the queue or its mutex.
      auto state = std::make_shared<TimedResume>();
      co_await asio::async_initiate<decltype(asio::use_awaitable), void()>(
          [&](auto handler) {
            std::unique_lock lock(mutex);
            auto ex = asio::get_associated_executor(handler);
            if (ready()) {
              asio::post(ex, std::move(handler));
              return;
            }
            state->resume =
                UniqueFunction([ex, h = std::move(handler)]() mutable { asio::post(ex, std::move(h)); });
            waiters_.emplace_back(UniqueFunction([state] { state->fire(); }));
            timer.async_wait([state](const boost::system::error_code&) { state->fire(); });
          },
          asio::use_awaitable);
    }
  }

  // Call with the guarding mutex held.
  void notify_all() {
    auto waiters = std::move(waiters_);
    waiters_.clear();
    for (auto& w : waiters)
      w();
  }

  bool has_waiters() const { return !waiters_.empty(); }

 private:
  struct TimedResume {
    UniqueFunction resume;
    std::atomic<bool> done{false};
    void fire() {
      if (!done.exchange(true, std::memory_order_acq_rel)) resume();
    }
  };
  std::vector<UniqueFunction> waiters_;
};

}  // namespace pyrolog
