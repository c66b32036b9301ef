#include "event/arena.h"

#include <cstring>

namespace pyrolog {

char* Arena::allocate(std::size_t n) {
  used_ += n;
  if (n > remaining_) {
    if (n > block_size_ / 4) {
      // A large piece gets a block of its own, so the current block's tail is not wasted.
      blocks_.push_back(Block{std::make_unique_for_overwrite<char[]>(n), n});
      reserved_ += n;
      return blocks_.back().data.get();
    }
    const std::size_t size = std::max(next_block_, n);
    next_block_ = std::min(next_block_ * 2, block_size_);
    blocks_.push_back(Block{std::make_unique_for_overwrite<char[]>(size), size});
    reserved_ += size;
    cursor_ = blocks_.back().data.get();
    remaining_ = size;
  }
  char* p = cursor_;
  cursor_ += n;
  remaining_ -= n;
  return p;
}

std::string_view Arena::copy(std::string_view bytes) {
  if (bytes.empty()) return {};
  char* p = allocate(bytes.size());
  std::memcpy(p, bytes.data(), bytes.size());
  return {p, bytes.size()};
}

void Arena::adopt(std::unique_ptr<char[]> buffer, std::size_t size) {
  used_ += size;
  reserved_ += size;
  blocks_.push_back(Block{std::move(buffer), size});
}

}  // namespace pyrolog
