// Internals shared by the WKV7 CUDA forward and backward (private to kernels/cuda).
#pragma once

#include "pianomuse/kernels/wkv7_cuda.h"

#include <cuda_bf16.h>      // __float2bfloat16_rn, __bfloat16_as_ushort
#include <cuda_runtime.h>   // cudaError_t, cudaGetLastError

#include <stdexcept>   // std::runtime_error
#include <string>      // std::string

namespace pm::kernels::wkv7cuda {

// Steps per saved state; the CPU twin's checkpoint layout, so both share one definition.
constexpr int kChunk = static_cast<int>(kWkv7CheckpointEvery);
static_assert(kChunk == 16, "the tile loops below assume 16-step chunks");

// e^{-0.5}: w = exp(-e^{-0.5}·σ(z)) ∈ [0.545, 1].
constexpr float kExpMinusHalf = 0.60653065971263342f;

[[noreturn]] inline void fail(const char* file, int line, const std::string& what) {
    throw std::runtime_error(std::string(file) + ":" + std::to_string(line) + ": wkv7 CUDA: " + what);
}

inline void check(cudaError_t err, const char* file, int line, const char* expr) {
    if (err != cudaSuccess) fail(file, line, std::string(expr) + ": " + cudaGetErrorString(err));
}

#define PM_WKV7_CUDA_CHECK(expr) ::pm::kernels::wkv7cuda::check((expr), __FILE__, __LINE__, #expr)
#define PM_WKV7_REQUIRE(cond, msg) \
    do { if (!(cond)) ::pm::kernels::wkv7cuda::fail(__FILE__, __LINE__, msg); } while (0)

// A bf16 bit pattern → float (exact: bf16 is the top half of a float).
__device__ __forceinline__ float loadBf16(const Wkv7Bf16* p, size_t idx) {
    return __uint_as_float(static_cast<unsigned>(__ldg(p + idx)) << 16);
}

// float → bf16 bit pattern, round to nearest even (as torch's .to(kBFloat16)).
__device__ __forceinline__ void storeBf16(Wkv7Bf16* p, size_t idx, float x) {
    p[idx] = __bfloat16_as_ushort(__float2bfloat16_rn(x));
}

// σ(z) with the accurate expf (no fast-math here: w close to 1 must not lose its last bits).
__device__ __forceinline__ float sigmoid(float z) { return 1.0f / (1.0f + expf(-z)); }
__device__ __forceinline__ float decayFromSigmoid(float sig) { return expf(-kExpMinusHalf * sig); }

// Σ_j x[j]·y[j] over N elements with x in registers and y in shared memory (read as float4:
// every thread of the block reads the same address, a broadcast).
template <int N>
__device__ __forceinline__ float dotShared(const float (&x)[N], const float* __restrict__ y) {
    const float4* y4 = reinterpret_cast<const float4*>(y);
    float acc0 = 0.f, acc1 = 0.f;
#pragma unroll
    for (int j = 0; j < N / 4; ++j) {
        const float4 q = y4[j];
        acc0 = fmaf(x[4 * j + 0], q.x, acc0);
        acc1 = fmaf(x[4 * j + 1], q.y, acc1);
        acc0 = fmaf(x[4 * j + 2], q.z, acc0);
        acc1 = fmaf(x[4 * j + 3], q.w, acc1);
    }
    return acc0 + acc1;
}

// Kernel launch helpers, defined in the .cu files (one explicit instantiation per head size).
template <int N>
void launchForward(const Wkv7Shape& s, const Wkv7CudaInputs& in, const float* s0, Wkv7Bf16* y,
                   float* sT, float* ckpt, float* sa, cudaStream_t stream);
template <int N>
void launchBackward(const Wkv7Shape& s, const Wkv7CudaInputs& in, const float* sT, const float* ckpt,
                    const float* sa, const Wkv7Bf16* dy, const float* dsT, const Wkv7CudaGrads& g,
                    cudaStream_t stream);

// Argument checks shared by both launchers.
inline void checkShape(const Wkv7Shape& s, const char* file, int line) {
    if (s.B < 0 || s.T < 0 || s.H < 0) fail(file, line, "negative B, T or H");
    if (!wkv7CudaSupportsHeadSize(s.N))
        fail(file, line, "head size N=" + std::to_string(s.N) + " has no kernel (32, 64 or 128)");
    if (s.B * s.H > 0x7fffffffLL) fail(file, line, "B·H exceeds the grid limit");
}

}  // namespace pm::kernels::wkv7cuda
