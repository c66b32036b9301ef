#pragma once

#include <chrono>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <stdlib.h>
#include <string>
#include <thread>
#include <vector>

#include "metrics/metrics.h"
#include "plugin/source.h"
#include "runtime/asio.h"
#include "runtime/wait_queue.h"

namespace pyrolog::testing {

// One event as a test sees it.
struct Record {
  std::string raw;
  std::string path;
  std::int64_t offset = -1;
};

// A SourceContext on a real io_context (two threads), whose `submit` records the events. Batches are
// acknowledged at once (ok), or held until the test acknowledges or fails them, in any order.
class FakeSourceContext final : public SourceContext {
 public:
  explicit FakeSourceContext(std::filesystem::path state_dir, std::string name = "src")
      : name_(std::move(name)),
        metrics_(registry_, name_, "source", "test"),
        state_dir_(std::move(state_dir)),
        strand_(asio::make_strand(io_)),
        work_(asio::make_work_guard(io_)) {
    for (int i = 0; i < 2; ++i)
      threads_.emplace_back([this] { io_.run(); });
  }
  ~FakeSourceContext() override {
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

  Awaitable<void> submit(Batch batch) override {
    std::vector<Record> records;
    for (const Event& e : batch.events()) {
      Record r;
      r.raw = std::string(e.raw);
      for (const Field& f : batch.fields(e)) {
        if (f.name == "file.path") r.path = std::string(f.value.as_string());
        if (f.name == "file.offset") r.offset = f.value.as_integer();
      }
      records.push_back(std::move(r));
    }
    co_await gate_.wait(gate_mutex_, [this] { return gate_open_; });
    {
      std::lock_guard lock(mutex_);
      for (auto& r : records)
        records_.push_back(std::move(r));
      ++batches_;
      if (hold_acks_) held_.push_back(std::move(batch));
      changed_.notify_all();
    }
    co_return;  // `batch`, if not held, is destroyed here: acknowledged ok
  }

  // Backpressure: while the gate is closed, `submit` does not complete.
  void close_gate() {
    std::lock_guard lock(gate_mutex_);
    gate_open_ = false;
  }
  void open_gate() {
    std::lock_guard lock(gate_mutex_);
    gate_open_ = true;
    gate_.notify_all();
  }
  bool someone_waits_at_the_gate() {
    std::lock_guard lock(gate_mutex_);
    return gate_.has_waiters();
  }

  // Acknowledgements.
  void hold_acks(bool hold) {
    std::lock_guard lock(mutex_);
    hold_acks_ = hold;
  }
  std::size_t held() const {
    std::lock_guard lock(mutex_);
    return held_.size();
  }
  // Acknowledges (or fails) held batch `i` (in submission order among those still held).
  void ack(std::size_t i, bool ok = true) {
    std::optional<Batch> b;
    {
      std::lock_guard lock(mutex_);
      b.emplace(std::move(held_.at(i)));
      held_.erase(held_.begin() + static_cast<std::ptrdiff_t>(i));
    }
    if (!ok && b->ack()) b->ack()->fail();
  }
  void ack_all(bool ok = true) {
    std::vector<Batch> all;
    {
      std::lock_guard lock(mutex_);
      all = std::move(held_);
      held_.clear();
    }
    if (!ok) {
      for (auto& b : all) {
        if (b.ack()) b.ack()->fail();
      }
    }
  }

  // The string value of field `name` of the first event of held batch `i` ("" when missing).
  std::string held_field(std::size_t i, std::string_view name) const {
    std::lock_guard lock(mutex_);
    const Batch& b = held_.at(i);
    for (const Field& f : b.fields(b.events()[0])) {
      if (f.name == name) return std::string(f.value.as_string());
    }
    return {};
  }

  std::vector<Record> records() const {
    std::lock_guard lock(mutex_);
    return records_;
  }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& r : records_)
      out.push_back(r.raw);
    return out;
  }
  std::size_t batches() const {
    std::lock_guard lock(mutex_);
    return batches_;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    records_.clear();
  }

  // Waits until `pred(records)` holds; false after `timeout`.
  bool wait_for(const std::function<bool(const std::vector<Record>&)>& pred,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return pred(records_); });
  }
  bool wait_for_lines(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return wait_for([n](const std::vector<Record>& r) { return r.size() >= n; }, timeout);
  }

  std::uint64_t counter(const std::string& family) const {
    return registry_.counter_sum(family, {{"component", name_}});
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

  std::mutex gate_mutex_;
  bool gate_open_ = true;
  WaitQueue gate_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Record> records_;
  std::size_t batches_ = 0;
  bool hold_acks_ = false;
  std::vector<Batch> held_;
};

// Runs a source's `run` on the context's strand and waits for it to return.
template <class SourceT>
class SourceRunner {
 public:
  SourceRunner(SourceT& source, FakeSourceContext& ctx) : source_(source), ctx_(ctx) {
    source_.open(ctx_);
    asio::co_spawn(ctx_.executor(), source_.run(ctx_), [this](std::exception_ptr e) {
      std::lock_guard lock(mutex_);
      error_ = e;
      done_ = true;
      cv_.notify_all();
    });
  }
  ~SourceRunner() {
    try {
      stop();
    } catch (...) {
    }
  }

  // Stops the source; true when `run` returned within the deadline.
  bool stop(std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    source_.stop();
    std::unique_lock lock(mutex_);
    const bool done = cv_.wait_for(lock, deadline, [this] { return done_; });
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    return done;
  }

 private:
  SourceT& source_;
  FakeSourceContext& ctx_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  std::exception_ptr error_;
};

// A fresh directory under the system's temporary directory, removed at the end.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pyrolog-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace pyrolog::testing
