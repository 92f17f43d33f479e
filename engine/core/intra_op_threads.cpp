#include "core/intra_op_threads.h"

#include <ATen/Parallel.h>

#if defined(_OPENMP)
#include <omp.h>
#endif
#if defined(__linux__)
#include <dlfcn.h>
#endif

namespace pm {

void setThisThreadIntraOpThreads(int n) {
    if (n < 1) n = 1;
#if defined(_OPENMP)
    // LibTorch sets a thread's team size from its global default the first time the thread asks
    // (lazily): ask first, so that later lazy step cannot undo this.
    (void)at::get_num_threads();
    omp_set_num_threads(n);
#else
    if (at::get_num_threads() != n) at::set_num_threads(n);
#endif
}

int thisThreadIntraOpThreads() { return at::get_num_threads(); }

#if defined(__linux__)
namespace {
using SetThreads = void (*)(int);
using GetThreads = int (*)();
SetThreads openblasSet() {
    static const auto f = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    return f;
}
GetThreads openblasGet() {
    static const auto f = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    return f;
}
}  // namespace

void setBlasThreads(int n) {
    if (n >= 1 && openblasSet()) openblasSet()(n);
}
int blasThreads() { return openblasGet() ? openblasGet()() : 0; }
#else
void setBlasThreads(int) {}
int blasThreads() { return 0; }
#endif

}  // namespace pm
