// WKV7 on CUDA: raw-pointer launchers for the forward and backward kernels (issue 10).
//
// Same recurrence, layouts and decay-from-logit as the CPU twins in wkv7.h (read that first):
//     w = exp(-e^{-0.5}·σ(z)),  sa = S a,  S = S diag(w) + sa bᵀ + v kᵀ,  y = S r
// with S value-major [B, H, N, N] fp32 and every per-token tensor [B, T, H, N] contiguous.
// Inputs r, z, k, v, a, b, dy and the outputs y, dr … db are bf16 (passed as their raw 16-bit
// patterns, Wkv7Bf16, so this header needs neither cuda_bf16.h nor torch); states, their
// gradients and the saved tensors are fp32, and all arithmetic accumulates in fp32.
//
// No CUDA header is needed to include this file: the stream is a cudaStream_t passed as void*
// (nullptr = the legacy default stream). Built only when PIANOMUSE_HAVE_CUDA is 1.
//
// Errors: invalid arguments and launch failures (cudaGetLastError after each launch) throw
// std::runtime_error whose message names the file and line. The launchers do not synchronise,
// so faults inside a running kernel surface at the caller's next synchronising CUDA call.
//
// Saved tensors for training (the "backstepping" organisation, see docs/kernels.md):
//     checkpoints [B, H, ceil(T/16), N, N] fp32: entry c = S_{16c} (the CPU twin's layout exactly)
//     sa          [B, T, H, N]             fp32: S_{t-1} a_t of every step
//     sT          [B, H, N, N]             fp32: the final state (also the forward's output)
// The backward walks t = T-1 … 0 reconstructing S_{t-1} from S_t by the inverse step
//     S_{t-1}[i][j] = (S_t[i][j] - v_i k_j - sa_i b_j) / w_j
// and reloads an exact state at every 16-step boundary (from sT for the last, partial chunk), so
// at most 15 inverse steps separate any state from an exact one; 1/w ≤ e^{e^{-0.5}} ≈ 1.83.
#pragma once

#include "pianomuse/kernels/wkv7.h"

#include <cstdint>

namespace pm::kernels {

using Wkv7Bf16 = uint16_t;   // a bfloat16's bit pattern (torch::kBFloat16, __nv_bfloat16)

// Head sizes with a compiled kernel. Others throw.
constexpr bool wkv7CudaSupportsHeadSize(int64_t N) { return N == 32 || N == 64 || N == 128; }

// Inputs of both directions, [B, T, H, N] bf16 (device pointers).
struct Wkv7CudaInputs {
    const Wkv7Bf16* r = nullptr;
    const Wkv7Bf16* z = nullptr;   // decay logit
    const Wkv7Bf16* k = nullptr;
    const Wkv7Bf16* v = nullptr;
    const Wkv7Bf16* a = nullptr;
    const Wkv7Bf16* b = nullptr;
};

// Gradients written by the backward (device pointers). dr … db are required; ds0 may be null.
struct Wkv7CudaGrads {
    Wkv7Bf16* dr = nullptr;   // [B, T, H, N] bf16
    Wkv7Bf16* dz = nullptr;   //   w.r.t. the decay logit z
    Wkv7Bf16* dk = nullptr;
    Wkv7Bf16* dv = nullptr;
    Wkv7Bf16* da = nullptr;
    Wkv7Bf16* db = nullptr;
    float* ds0 = nullptr;     // [B, H, N, N] fp32, w.r.t. the initial state (state tuning)
};

// Forward. s0 may be null (zero initial state). y is required. sT, checkpoints and sa may each be
// null when not wanted (inference); training needs all three for the backward.
// T may be any value ≥ 0 (no padding to 16 needed); B·H must fit a grid dimension (< 2^31).
void wkv7ForwardCuda(const Wkv7Shape& shape, const Wkv7CudaInputs& in, const float* s0, Wkv7Bf16* y,
                     float* sT, float* checkpoints, float* sa, void* stream = nullptr);

// Backward. sT, checkpoints and sa come from the forward with the same inputs and s0; dy is
// required, dsT (gradient w.r.t. the final state) may be null.
void wkv7BackwardCuda(const Wkv7Shape& shape, const Wkv7CudaInputs& in, const float* sT,
                      const float* checkpoints, const float* sa, const Wkv7Bf16* dy, const float* dsT,
                      const Wkv7CudaGrads& grads, void* stream = nullptr);

}  // namespace pm::kernels
