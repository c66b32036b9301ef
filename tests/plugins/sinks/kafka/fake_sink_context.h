#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "metrics/metrics.h"
#include "plugin/sink.h"
#include "runtime/asio.h"
#include "runtime/wait_queue.h"

namespace pyrolog::testing {

// A SinkContext on a real io_context (two threads) whose channel is a queue the test fills: `next` hands out
// what was pushed, in order, and nullopt once `close` was called and everything was taken; `ack` records the
// sequence numbers. A sink's `run` is started with `start` and joined with `wait_done`.
class FakeSinkContext final : public SinkContext {
 public:
  explicit FakeSinkContext(std::filesystem::path state_dir, std::string name = "kafka_out")
      : name_(std::move(name)),
        metrics_(registry_, name_, "sink", "kafka"),
        state_dir_(std::move(state_dir)),
        strand_(asio::make_strand(io_)),
        work_(asio::make_work_guard(io_)) {
    for (int i = 0; i < 2; ++i)
      threads_.emplace_back([this] { io_.run(); });
  }
  ~FakeSinkContext() override {
    work_.reset();
    io_.stop();
    for (auto& t : threads_)
      t.join();
  }

  const std::string& name() const override { return name_; }
  ComponentMetrics& metrics() override { return metrics_; }
  std::filesystem::path state_dir() override {
    std::filesystem::create_directories(state_dir_);
    return state_dir_;
  }
  Executor executor() override { return strand_; }
  asio::io_context& io_context() override { return io_; }

  Awaitable<std::optional<Delivery>> next() override {
    co_await data_.wait(mutex_, [this] { return closed_ || !queue_.empty(); });
    std::lock_guard lock(mutex_);
    if (queue_.empty()) co_return std::nullopt;
    Delivery d = std::move(queue_.front());
    queue_.pop_front();
    ++taken_;
    changed_.notify_all();
    co_return d;
  }
  void ack(Delivery delivery) override {
    std::lock_guard lock(mutex_);
    if (!acked_.insert(delivery.sequence).second) duplicate_acks_ = true;
    changed_.notify_all();
  }

  // The test's side of the channel.
  void push(Batch batch) {
    std::lock_guard lock(mutex_);
    Delivery d;
    d.sequence = next_sequence_++;
    d.batch = std::make_shared<const Batch>(std::move(batch));
    queue_.push_back(std::move(d));
    data_.notify_all();
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    data_.notify_all();
  }
  std::size_t pushed() const {
    std::lock_guard lock(mutex_);
    return next_sequence_;
  }
  std::size_t taken() const {
    std::lock_guard lock(mutex_);
    return taken_;
  }
  std::size_t acked() const {
    std::lock_guard lock(mutex_);
    return acked_.size();
  }
  bool duplicate_acks() const {
    std::lock_guard lock(mutex_);
    return duplicate_acks_;
  }
  bool wait_acked(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return acked_.size() >= n; });
  }
  bool wait_taken(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return taken_ >= n; });
  }

  // Runs `sink.run(*this)` on the strand.
  template <class SinkT>
  void start(SinkT& sink) {
    asio::co_spawn(strand_, sink.run(*this), [this](std::exception_ptr e) {
      std::lock_guard lock(mutex_);
      error_ = e;
      done_ = true;
      changed_.notify_all();
    });
  }
  // True when `run` returned within `timeout`; rethrows what it threw.
  bool wait_done(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex_);
    const bool done = changed_.wait_for(lock, timeout, [&] { return done_; });
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    return done;
  }

  std::uint64_t counter(const std::string& family, const Labels& filter = {}) const {
    Labels labels{{"component", name_}};
    labels.insert(labels.end(), filter.begin(), filter.end());
    return registry_.counter_sum(family, labels);
  }

 private:
  std::string name_;
  MetricsRegistry registry_;
  ComponentMetrics metrics_;
  std::filesystem::path state_dir_;
  asio::io_context io_;
  asio::strand<asio::io_context::executor_type> strand_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  WaitQueue data_;
  std::deque<Delivery> queue_;
  std::uint64_t next_sequence_ = 0;
  std::size_t taken_ = 0;
  std::set<std::uint64_t> acked_;
  bool duplicate_acks_ = false;
  bool closed_ = false;
  bool done_ = false;
  std::exception_ptr error_;
};

}  // namespace pyrolog::testing
