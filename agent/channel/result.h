#pragma once

#include <cassert>
#include <optional>
#include <system_error>
#include <utility>

namespace pyrolog::channel {

// A value or an error code: the channel's stand-in for C++23 `std::expected<T, std::error_code>`.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}                     // NOLINT(google-explicit-constructor)
  Result(std::error_code error) : error_(error) { assert(error); }  // NOLINT(google-explicit-constructor)
  template <class E>
  requires std::is_error_code_enum_v<E> Result(E error)
      : Result(std::error_code(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return !error_; }
  explicit operator bool() const noexcept { return ok(); }
  std::error_code error() const noexcept { return error_; }

  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T&& operator*() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  std::error_code error_;
};

}  // namespace pyrolog::channel
