// Host emulation of the few CUDA runtime and device features the WKV7 kernels use, so that
// scripts/wkv7-cuda-emu.sh can run the real kernel source on a machine without a GPU: every block
// runs in turn, its threads as std::threads, __syncthreads as a pthread barrier, __shared__ as a
// function-static (one block at a time). It checks the algorithm, indexing, tails and barrier
// placement; not GPU-only matters (launch limits, shared-memory sizes, alignment, speed).
// Not a CUDA implementation: only what kernels/cuda/wkv7_*.cu need.
#pragma once
#include <pthread.h>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstddef>
#include <thread>
#include <vector>
struct dim3 { unsigned x = 1, y = 1, z = 1; dim3() = default; dim3(unsigned a, unsigned b = 1, unsigned c = 1) : x(a), y(b), z(c) {} };
struct float4 { float x, y, z, w; };
inline float4 make_float4(float a, float b, float c, float d) { return {a, b, c, d}; }
using cudaStream_t = void*;
using cudaError_t = int;
constexpr int cudaSuccess = 0;
enum cudaFuncAttribute { cudaFuncAttributeMaxDynamicSharedMemorySize };
inline const char* cudaGetErrorString(int) { return "emu"; }
inline int cudaGetLastError() { return 0; }
template <typename F> int cudaFuncSetAttribute(F, cudaFuncAttribute, int) { return 0; }
inline thread_local dim3 threadIdx, blockIdx;
inline pthread_barrier_t emuBarrier;
inline void __syncthreads() { pthread_barrier_wait(&emuBarrier); }
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))
using std::min;
template <typename T> T __ldg(const T* p) { return *p; }
inline float __uint_as_float(unsigned u) { float f; std::memcpy(&f, &u, 4); return f; }
template <typename K, typename... A>
void emuLaunch(K kernel, dim3 grid, dim3 block, size_t, cudaStream_t, A... args) {
    for (unsigned bx = 0; bx < grid.x; ++bx) {
        pthread_barrier_init(&emuBarrier, nullptr, block.x);
        std::vector<std::thread> th;
        for (unsigned tx = 0; tx < block.x; ++tx)
            th.emplace_back([=] { threadIdx = dim3(tx); blockIdx = dim3(bx); kernel(args...); });
        for (auto& t : th) t.join();
        pthread_barrier_destroy(&emuBarrier);
    }
}
