// Matrix-product throughput of the BLAS LibTorch is using, at the sizes our models multiply.
// A reference BLAS shows up here as ~4 GFLOP/s instead of ~100 (see README "Performance").
#include "core/system_info.h"

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
    const int threads = argc > 1 ? std::atoi(argv[1]) : 0;
    pm::configureThreads(threads);
    const pm::BlasInfo blas = pm::detectBlas();
    std::printf("BLAS: %s %s\n", blas.library.c_str(), blas.path.c_str());
    for (int n : {128, 256, 512, 1024})
        std::printf("n=%4d  %7.1f GFLOP/s\n", n, pm::measureMatmulGflops(n));
    return 0;
}
