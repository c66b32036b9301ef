#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace pyrolog {

// Bytes that grow without being zeroed. `std::string::resize` writes every new byte, so room made for the
// most an encoder can write costs a `memset` of it; here room is only allocated, and a buffer kept between
// uses costs nothing at all after its first growth.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(ByteBuffer&&) noexcept = default;
  ByteBuffer& operator=(ByteBuffer&&) noexcept = default;

  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {data_.get(), size_}; }

  void clear() { size_ = 0; }
  // Makes at least `n` bytes of room after the current size. The bytes kept are kept; the new ones are not
  // set.
  void reserve_more(std::size_t n) {
    if (capacity_ - size_ >= n) return;
    const std::size_t capacity = std::max(size_ + n, 2 * capacity_);
    auto grown = std::make_unique_for_overwrite<char[]>(capacity);
    if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
    data_ = std::move(grown);
    capacity_ = capacity;
  }
  // Sets the size to `n`, which must be within the capacity: what was written through data() is kept.
  void set_size(std::size_t n) { size_ = std::min(n, capacity_); }
  void append(std::string_view s) {
    reserve_more(s.size());
    if (!s.empty()) std::memcpy(data_.get() + size_, s.data(), s.size());
    size_ += s.size();
  }
  void push_back(char c) {
    reserve_more(1);
    data_[size_++] = c;
  }
  // Gives the memory back.
  void release() {
    data_.reset();
    size_ = capacity_ = 0;
  }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace pyrolog
