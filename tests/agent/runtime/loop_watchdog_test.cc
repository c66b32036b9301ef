#include "runtime/loop_watchdog.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace pyrolog {
namespace {

using namespace std::chrono_literals;

bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

class LoopWatchdogTest : public ::testing::Test {
 protected:
  void start(std::vector<Executor> probed) {
    watchdog_ = std::make_unique<LoopWatchdog>(
        asio::make_strand(io_), 20ms, [probed] { return probed; }, [this] { pings_.fetch_add(1); });
    asio::co_spawn(asio::make_strand(io_), watchdog_->run(), asio::detached);
    for (int i = 0; i < 3; ++i)
      threads_.emplace_back([this] { io_.run(); });
  }
  void TearDown() override {
    if (watchdog_) watchdog_->stop();
    release_ = true;
    io_.stop();
    for (auto& t : threads_)
      t.join();
  }

  asio::io_context io_;
  std::unique_ptr<LoopWatchdog> watchdog_;
  std::atomic<int> pings_{0};
  std::atomic<bool> release_{false};
  std::vector<std::thread> threads_;
};

TEST_F(LoopWatchdogTest, PingsWhileEveryStrandAnswers) {
  start({asio::make_strand(io_), asio::make_strand(io_)});
  EXPECT_TRUE(wait_for([&] { return pings_.load() >= 5; }, 5s));
}

TEST_F(LoopWatchdogTest, StopsPingingWhenOneStrandIsBlocked) {
  auto stuck = asio::make_strand(io_);
  start({asio::make_strand(io_), stuck});
  ASSERT_TRUE(wait_for([&] { return pings_.load() >= 2; }, 5s));
  std::atomic<bool> blocked{false};
  asio::post(stuck, [&] {
    blocked = true;
    while (!release_)
      std::this_thread::sleep_for(1ms);
  });
  ASSERT_TRUE(wait_for([&] { return blocked.load(); }, 5s));
  // At most the round already under way completes (one more ping); then none while the strand is stuck,
  // although two other threads are free to run the watchdog: 25 intervals pass without one.
  const int after_block = pings_.load();
  EXPECT_FALSE(wait_for([&] { return pings_.load() > after_block + 1; }, 500ms));
}

}  // namespace
}  // namespace pyrolog
