#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace pyrolog {

// Bump allocator for the bytes of a batch: lines, field values, names copied from data.
// Pointers stay valid until the arena is destroyed; nothing is freed one at a time.
//
// Blocks start small and double up to `block_size`, so a batch of a few short lines does not hold a whole
// large block (a channel bounded in bytes would otherwise hold many times its bound in memory).
class Arena {
 public:
  static constexpr std::size_t kDefaultBlock = 64 * 1024;
  static constexpr std::size_t kFirstBlock = 4 * 1024;

  explicit Arena(std::size_t block_size = kDefaultBlock)
      : next_block_(std::min(kFirstBlock, block_size)), block_size_(block_size) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  char* allocate(std::size_t n);
  std::string_view copy(std::string_view bytes);
  // Adopts a buffer whose bytes must stay where they are (a frame read from the channel).
  void adopt(std::unique_ptr<char[]> buffer, std::size_t size);

  // Bytes handed out.
  std::size_t used() const { return used_; }
  // Bytes of the blocks held (what the arena costs in memory), for accounting against channel limits.
  std::size_t reserved() const { return reserved_; }

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    std::size_t size = 0;
  };
  std::vector<Block> blocks_;
  char* cursor_ = nullptr;
  std::size_t remaining_ = 0;
  std::size_t used_ = 0;
  std::size_t reserved_ = 0;
  std::size_t next_block_;  // the size of the next small-piece block: doubles up to block_size_
  std::size_t block_size_;
};

}  // namespace pyrolog
