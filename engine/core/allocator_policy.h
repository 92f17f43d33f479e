// How PianoMuse's processes ask glibc's malloc to keep freed tensor memory (one source for the
// CLI, the app and the benchmarks).
//
// A training step allocates and frees the same large activation buffers every step. glibc hands
// buffers above its mmap threshold (128 KiB, adapting up to 32 MiB) straight back to the kernel
// and trims the heap top above 128 KiB, so every step faulted fresh zeroed pages in again:
// clear_page and the fault path were 4-8 % of a small-model step in perf, and the WKV7 op's
// forward+backward at B4 H8 T1024 fell from ~160 ms to ~105 ms with the thresholds raised
// (docs/performance.md). Raising them keeps freed buffers for reuse; the process's footprint
// stays at its peak instead of shrinking between steps.
#pragma once

namespace pm {

// Linux/glibc: mmap threshold 256 MiB, trim threshold 1 GiB (mallopt). Elsewhere nothing.
// Call early in main(), before large allocations. Values given in GLIBC_TUNABLES or
// MALLOC_*_ environment variables by the user win.
void keepFreedTensorMemory();

}  // namespace pm
