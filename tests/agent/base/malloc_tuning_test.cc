#include "base/malloc_tuning.h"

#include <cstdlib>

#include <gtest/gtest.h>

#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

namespace pyrolog {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;  // the sanitizers bring their own allocator: mallopt does nothing there
#else
constexpr bool kSanitized = false;
#endif

TEST(MallocTuning, BatchSizedBuffersComeFromTheHeapNotFromMmap) {
#if defined(M_MMAP_THRESHOLD) && defined(__GLIBC__)
  if (kSanitized) GTEST_SKIP() << "the sanitizer's allocator ignores mallopt";
  tune_malloc();
  // 3 MiB, like a large batch's field pool: glibc's default threshold (128 KiB at first) would mmap it.
  const std::size_t mapped_before = mallinfo2().hblks;
  void* buffer = std::malloc(3 * 1024 * 1024);
  ASSERT_NE(buffer, nullptr);
  EXPECT_EQ(mallinfo2().hblks, mapped_before) << "a 3 MiB block was mmap'ed: tune_malloc had no effect";
  std::free(buffer);
#else
  GTEST_SKIP() << "not glibc";
#endif
}

}  // namespace
}  // namespace pyrolog
