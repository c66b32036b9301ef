#pragma once

#include <memory>
#include <utility>

namespace pyrolog {

// A move-only `void()` callable: what Asio completion handlers need when they are stored for later.
class UniqueFunction {
 public:
  UniqueFunction() = default;
  template <class F>
  explicit UniqueFunction(F&& f) : impl_(std::make_unique<Impl<std::decay_t<F>>>(std::forward<F>(f))) {}

  explicit operator bool() const { return impl_ != nullptr; }
  void operator()() { impl_->call(); }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual void call() = 0;
  };
  template <class F>
  struct Impl final : Base {
    explicit Impl(F&& f) : fn(std::move(f)) {}
    explicit Impl(const F& f) : fn(f) {}
    void call() override { fn(); }
    F fn;
  };
  std::unique_ptr<Base> impl_;
};

}  // namespace pyrolog
