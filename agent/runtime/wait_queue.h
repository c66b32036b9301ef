#pragma once

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

  // Call with the guarding mutex held.
  void notify_all() {
    auto waiters = std::move(waiters_);
    waiters_.clear();
    for (auto& w : waiters)
      w();
  }

  bool has_waiters() const { return !waiters_.empty(); }

 private:
  std::vector<UniqueFunction> waiters_;
};

}  // namespace pyrolog
