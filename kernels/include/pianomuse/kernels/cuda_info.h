// The CUDA runtime, asked directly (no LibTorch): device count and names for the status bar
// and `pianomuse-cli info`. In a build without CUDA every function answers "none".
#pragma once

#include <string>

namespace pm::kernels {

// True when this library was compiled with nvcc (the kernels exist), whatever the machine has.
bool builtWithCuda();

// Number of CUDA devices the runtime sees; 0 without CUDA, driver or device.
int cudaDeviceCount();

// Marketing name of device `ordinal` ("NVIDIA H100 80GB HBM3"). False when unavailable.
bool cudaDeviceName(int ordinal, std::string* name);

// Compute capability of device `ordinal` (8.0 for A100, 9.0 for H100). False when unavailable.
// bf16 tensor-core maths (the trainer's mixed precision) needs 8.0 or newer.
bool cudaDeviceCapability(int ordinal, int* major, int* minor);

}  // namespace pm::kernels
