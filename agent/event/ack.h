#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <utility>

namespace pyrolog {

// The finalizer of one source batch. Every holder of the batch (a clone on a route, a channel that has not
// yet made it durable, a sink that has not delivered it) keeps a reference; when the last reference goes, the
// callback runs once with `true` when every holder succeeded, `false` when any marked it failed (the source
// must then not move its position past this batch). It runs on the thread that dropped the last reference.
class AckGroup {
 public:
  using Callback = std::function<void(bool ok)>;

  static std::shared_ptr<AckGroup> make(Callback callback) {
    return std::shared_ptr<AckGroup>(new AckGroup(std::move(callback)));
  }

  AckGroup(const AckGroup&) = delete;
  AckGroup& operator=(const AckGroup&) = delete;
  ~AckGroup() {
    if (callback_) callback_(!failed_.load(std::memory_order_acquire));
  }

  void fail() { failed_.store(true, std::memory_order_release); }
  bool failed() const { return failed_.load(std::memory_order_acquire); }

 private:
  explicit AckGroup(Callback callback) : callback_(std::move(callback)) {}
  Callback callback_;
  std::atomic<bool> failed_{false};
};

}  // namespace pyrolog
