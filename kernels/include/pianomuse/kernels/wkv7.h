// WKV7: the RWKV-7 state recurrence, behind a plain interface (pointers, shapes).
//
// Per batch b and head h the state S is N×N, value-major (S[i][j], i = value, j = key), fp32:
//     w_t  = exp(-e^{-0.5} · sigmoid(z_t))              decay from its logit z (computed here, so
//                                                        low-precision callers never round w≈1)
//     sa   = S a_t                                       sa_i = Σ_j S[i][j] a_j
//     S    = S diag(w_t) + sa b_tᵀ + v_t k_tᵀ            S[i][j] = S[i][j] w_j + sa_i b_j + v_i k_j
//     y_t  = S r_t                                       y_i = Σ_j S[i][j] r_j
// Layout of r, z, k, v, a, b, y: [B, T, H, N] contiguous; states: [B, H, N, N].
// See ../shared/spec/rwkv7.md §2 and docs in ARCHITECTURE.md.
#pragma once

#include <cstdint>

namespace pm::kernels {

struct Wkv7Shape {
    int64_t B = 0, T = 0, H = 0, N = 0;
};

// The CPU twin: the plainest per-timestep loop. The fallback without CUDA and the oracle the
// CUDA kernels are tested against. s0 may be null (zero initial state); sT may be null.
void wkv7ForwardCpu(const Wkv7Shape& shape, const float* r, const float* z, const float* k,
                    const float* v, const float* a, const float* b, const float* s0, float* y,
                    float* sT);

// The decay factor for a logit, exactly as every WKV7 implementation here computes it.
float wkv7Decay(float z);

}  // namespace pm::kernels
