#include "base/malloc_tuning.h"

// <malloc.h> where there is one; M_TRIM_THRESHOLD then says it is glibc's. (Testing __GLIBC__ here, before
// any C library header, is always false: that macro comes from <features.h>. It made this function a no-op.)
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

namespace pyrolog {

void tune_malloc() {
#if defined(M_TRIM_THRESHOLD) && defined(M_MMAP_THRESHOLD)
  constexpr int kMmapThreshold = 4 * 1024 * 1024;  // above the largest batch buffer of the default settings
  constexpr int kTrimThreshold = 16 * 1024 * 1024;
  mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
  mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
#endif
}

}  // namespace pyrolog
