#include "base/malloc_tuning.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace pyrolog {

void tune_malloc() {
#if defined(__GLIBC__)
  constexpr int kMmapThreshold = 4 * 1024 * 1024;  // above the largest batch buffer of the default settings
  constexpr int kTrimThreshold = 16 * 1024 * 1024;
  mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
  mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
#endif
}

}  // namespace pyrolog
