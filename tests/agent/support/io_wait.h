#pragma once

#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "runtime/asio.h"

namespace pyrolog::testing {

constexpr std::chrono::milliseconds kWaitLimit = std::chrono::seconds(20);

// Runs `io` on the calling thread until `done()` holds or `timeout` passes; true when `done()` holds. Never
// sleeps: it runs handlers one at a time, and returns as soon as `io` has nothing left to do.
template <class Pred>
bool run_until(asio::io_context& io, Pred done, std::chrono::milliseconds timeout = kWaitLimit) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    if (io.stopped()) io.restart();
    if (io.run_one_for(deadline - now) == 0 && io.stopped()) {
      io.restart();
      return done();  // no work left: nothing can change any more
    }
  }
  return true;
}

// Runs every handler that is ready now (and those they make ready), without waiting for timers.
inline void run_ready(asio::io_context& io) {
  if (io.stopped()) io.restart();
  io.poll();
  io.restart();
}

// The completion of a coroutine started with `spawn`, safe to wait for from another thread.
template <class T>
class Spawned {
 public:
  bool done() const {
    std::lock_guard lock(mutex_);
    return done_;
  }
  // Blocks until the coroutine completed or `timeout` passed (for io_contexts run by other threads).
  bool wait(std::chrono::milliseconds timeout = kWaitLimit) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return done_; });
  }
  std::exception_ptr error() const {
    std::lock_guard lock(mutex_);
    return error_;
  }
  std::optional<T> value() const {
    std::lock_guard lock(mutex_);
    return value_;
  }
  // Moves the value out (for values whose copies would keep something alive).
  std::optional<T> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(value_, std::nullopt);
  }

  void complete(std::exception_ptr e, std::optional<T> value) {
    std::lock_guard lock(mutex_);
    error_ = e;
    value_ = std::move(value);
    done_ = true;
    changed_.notify_all();
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  bool done_ = false;
  std::exception_ptr error_;
  std::optional<T> value_;
};

struct Nothing {};

// Starts `task` on `executor`; the returned state says when it completed, and with what.
template <class T, class Ex>
std::shared_ptr<Spawned<T>> spawn(Ex&& executor, Awaitable<T> task) {
  auto state = std::make_shared<Spawned<T>>();
  asio::co_spawn(std::forward<Ex>(executor), std::move(task),
                 [state](std::exception_ptr e, T value) { state->complete(e, std::move(value)); });
  return state;
}

template <class Ex>
std::shared_ptr<Spawned<Nothing>> spawn(Ex&& executor, Awaitable<void> task) {
  auto state = std::make_shared<Spawned<Nothing>>();
  asio::co_spawn(std::forward<Ex>(executor), std::move(task),
                 [state](std::exception_ptr e) { state->complete(e, Nothing{}); });
  return state;
}

}  // namespace pyrolog::testing
