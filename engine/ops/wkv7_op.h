// The WKV7 recurrence as a differentiable LibTorch operation.
//
//   r, z, k, v, a, b : [B, T, H, N]   receptance, decay logit (w = exp(-e^{-0.5}σ(z))), key, value,
//                                     and the state transition vectors (model: a = -kk, b = kk·iclr)
//   s0               : [B, H, N, N]   initial state, value-major (undefined = zeros)
//   → y              : [B, T, H, N]   in the inputs' dtype
//   → state          : [B, H, N, N]   final state, fp32 (fp64 when the inputs are fp64)
//
// CPU: the kernels/ twin (fp32 state; fp64 for fp64 inputs so gradient checks in double run through
// the same code), parallel over (b, h) with at::parallel_for. Gradients reach all seven inputs
// (s0 included: state tuning) and a gradient on the final state is honoured (chunked training).
// CUDA tensors go to the CUDA kernels (ops/wkv7_cuda_binding.h) when LibTorch has CUDA; other
// devices fall back to wkv7Naive.
#pragma once

#include <torch/torch.h>

namespace pm::ops {

struct Wkv7Result {
    torch::Tensor y;       // [B, T, H, N]
    torch::Tensor state;   // [B, H, N, N]
};

Wkv7Result wkv7(const torch::Tensor& r, const torch::Tensor& z, const torch::Tensor& k,
                const torch::Tensor& v, const torch::Tensor& a, const torch::Tensor& b,
                const torch::Tensor& s0 = {});

// The same recurrence as plain per-timestep LibTorch ops (autograd through every step): the
// independent reference in tests, the "naive" side of the benchmark, the fallback off-CPU.
// Computes in the inputs' dtype, or fp32 when they are 16-bit.
Wkv7Result wkv7Naive(const torch::Tensor& r, const torch::Tensor& z, const torch::Tensor& k,
                     const torch::Tensor& v, const torch::Tensor& a, const torch::Tensor& b,
                     const torch::Tensor& s0 = {});

}  // namespace pm::ops
