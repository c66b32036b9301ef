#include "base/byte_buffer.h"

#include <cstring>
#include <string>

#include <gtest/gtest.h>

namespace pyrolog {
namespace {

TEST(ByteBuffer, GrowingKeepsWhatWasWritten) {
  ByteBuffer b;
  EXPECT_TRUE(b.empty());
  b.append("head");
  b.push_back('!');
  for (int i = 0; i < 10; ++i) {
    b.reserve_more(1000 << i);  // each growth moves the bytes
    EXPECT_GE(b.capacity() - b.size(), std::size_t{1000} << i);
    EXPECT_EQ(b.view().substr(0, 5), "head!");
  }
  EXPECT_EQ(b.size(), 5u);
}

TEST(ByteBuffer, BytesWrittenThroughDataCountOnceTheSizeIsSet) {
  ByteBuffer b;
  b.append("ab");
  b.reserve_more(3);
  std::memcpy(b.data() + b.size(), "cde", 3);
  b.set_size(b.size() + 3);
  EXPECT_EQ(b.view(), "abcde");
  b.set_size(b.capacity() + 100);  // beyond the room: held to it, never past it
  EXPECT_EQ(b.size(), b.capacity());
}

TEST(ByteBuffer, ClearKeepsTheRoomAndReleaseGivesItBack) {
  ByteBuffer b;
  b.append(std::string(5000, 'x'));
  const std::size_t capacity = b.capacity();
  b.clear();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.capacity(), capacity);
  b.append("y");
  EXPECT_EQ(b.view(), "y");
  ByteBuffer moved = std::move(b);
  EXPECT_EQ(moved.view(), "y");
  moved.release();
  EXPECT_EQ(moved.capacity(), 0u);
  EXPECT_TRUE(moved.empty());
}

}  // namespace
}  // namespace pyrolog
