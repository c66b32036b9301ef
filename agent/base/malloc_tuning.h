#pragma once

namespace pyrolog {

// Sets glibc's allocator up for an agent that allocates and frees batch-sized buffers (a few hundred KiB:
// field pools, read buffers, encoded frames) at a high rate on several threads. By default glibc serves such
// sizes with mmap and returns them with munmap, so every batch pays page faults and page clearing (about 5 %
// of the CPU of a parse pipeline in perf); with a fixed threshold above them they are reused from the heap.
// The heap keeps at most `kTrimThreshold` free at its top before giving memory back. No-op on other C
// libraries. Call once, before the agent starts threads.
void tune_malloc();

}  // namespace pyrolog
