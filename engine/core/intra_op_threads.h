// The calling thread's share of LibTorch's intra-op parallelism, without touching other threads.
//
// at::set_num_threads(n) sets a process-wide default as well as the caller's OpenMP team size:
// a thread that starts later (the app's generation worker) would inherit n. Training splits a
// batch over several threads that must each run single-threaded (train/shard_pool.h) while the
// rest of the process keeps its default, so it sets the team size of those threads only.
#pragma once

namespace pm {

// Intra-op threads of the calling thread from now on (n >= 1). With an OpenMP LibTorch (Debian's,
// pip's) this is the thread's own OpenMP team size; other builds have one global pool, and then
// it is at::set_num_threads(n).
void setThisThreadIntraOpThreads(int n);

// The calling thread's intra-op threads (at::get_num_threads()).
int thisThreadIntraOpThreads();

// OpenBLAS keeps its own pthread pool, process-wide (Debian's LibTorch multiplies matrices in
// whatever libblas.so.3 is). Looked up at run time: with another BLAS these do nothing / return 0.
void setBlasThreads(int n);
int blasThreads();

}  // namespace pm
