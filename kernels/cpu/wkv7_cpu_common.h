// Internals shared by the WKV7 CPU forward and backward: the decay, one recurrence step, and
// the compile-time switches that let the inner loops vectorise.
#pragma once

#include <cmath>
#include <cstdint>

// The kernels are built for the x86-64 baseline (SSE2) so packages run everywhere; on x86 GCC and
// Clang also emit an AVX2+FMA copy of each slice function and pick one at load time (ifunc).
// That gives 8-wide fused multiply-adds where the CPU has them (≈3× on the recurrence) without
// compiling whole translation units with -mavx2 (which would leak AVX2 into shared inline code).
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__) && defined(__linux__)
#define PM_WKV7_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define PM_WKV7_CLONES
#endif

// Reductions over j only vectorise when the compiler may reorder the sum; `omp simd` grants that
// per loop (built with -fopenmp-simd: no OpenMP runtime is linked). Without it the loops stay
// correct, just scalar.
#if defined(_OPENMP) || defined(PM_HAVE_OPENMP_SIMD)
#define PM_SIMD_REDUCE_ACC _Pragma("omp simd reduction(+:acc)")
#define PM_SIMD_REDUCE_2 _Pragma("omp simd reduction(+:acc1, acc2)")
#define PM_SIMD _Pragma("omp simd")
#else
#define PM_SIMD_REDUCE_ACC
#define PM_SIMD_REDUCE_2
#define PM_SIMD
#endif

#if defined(__GNUC__) || defined(__clang__)
#define PM_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define PM_ALWAYS_INLINE inline
#endif

namespace pm::kernels::detail {

// e^{-0.5}; the RWKV-LM training kernels use the same constant.
constexpr double kExpMinusHalf = 0.6065306597126334;

template <typename F>
inline F sigmoid(F z) { return F(1) / (F(1) + std::exp(-z)); }

template <typename F>
inline F decay(F z) { return std::exp(F(-kExpMinusHalf) * sigmoid(z)); }

// One step on one (b, h) slice: S ← S diag(w) + (S a) bᵀ + v kᵀ, then y = S r when y is given.
// S: [N, N] value-major; the other pointers are N-vectors of this step. sa receives S_{t-1} a.
template <typename F>
PM_ALWAYS_INLINE void stepForward(int64_t N, F* S, const F* w, const F* r,
                                                       const F* k, const F* v, const F* a,
                                                       const F* b, F* sa, F* y) {
    for (int64_t i = 0; i < N; ++i) {
        F* row = S + i * N;
        F acc = 0;
        PM_SIMD_REDUCE_ACC
        for (int64_t j = 0; j < N; ++j) acc += row[j] * a[j];
        const F sai = acc, vi = v[i];
        sa[i] = sai;
        if (y) {
            acc = 0;
            PM_SIMD_REDUCE_ACC
            for (int64_t j = 0; j < N; ++j) {
                row[j] = row[j] * w[j] + sai * b[j] + vi * k[j];
                acc += row[j] * r[j];
            }
            y[i] = acc;
        } else {
            PM_SIMD
            for (int64_t j = 0; j < N; ++j) row[j] = row[j] * w[j] + sai * b[j] + vi * k[j];
        }
    }
}

}  // namespace pm::kernels::detail
