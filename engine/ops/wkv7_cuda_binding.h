// The CUDA path of pm::ops::wkv7 (engine/ops/wkv7_op.h): checks, tensors → pointers for the
// kernels/ launchers (pianomuse/kernels/wkv7_cuda.h), and the autograd function around them.
// Compiled only when LibTorch has CUDA (PIANOMUSE_TORCH_HAS_CUDA); wkv7() dispatches here for
// CUDA tensors.
//
// Precision: r, z, k, v, a, b (and dy) go to the kernels as bf16 (other floating dtypes are
// converted: this is the bf16-autocast training path), the state, s0, ds0 and all accumulation
// are fp32. y and the input gradients come back in the inputs' dtype, ds0 in s0's.
#pragma once

#include "ops/wkv7_op.h"

#include <torch/torch.h>

namespace pm::ops {

Wkv7Result wkv7Cuda(const torch::Tensor& r, const torch::Tensor& z, const torch::Tensor& k,
                    const torch::Tensor& v, const torch::Tensor& a, const torch::Tensor& b,
                    const torch::Tensor& s0);

}  // namespace pm::ops
