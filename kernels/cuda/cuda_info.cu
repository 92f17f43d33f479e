// Device queries through the CUDA runtime. No LibTorch headers here (they do not compile
// against a CPU-only LibTorch, and the kernels must build on machines without a GPU).
#include "pianomuse/kernels/cuda_info.h"

#include <cuda_runtime.h>

namespace pm::kernels {

bool builtWithCuda() { return true; }

int cudaDeviceCount() {
    int count = 0;
    // No driver or no device: an error code, not a crash. Clear it so later calls start clean.
    if (cudaGetDeviceCount(&count) != cudaSuccess) {
        cudaGetLastError();
        return 0;
    }
    return count;
}

bool cudaDeviceName(int ordinal, std::string* name) {
    if (ordinal < 0 || ordinal >= cudaDeviceCount()) return false;
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, ordinal) != cudaSuccess) {
        cudaGetLastError();
        return false;
    }
    *name = prop.name;
    return true;
}

bool cudaDeviceCapability(int ordinal, int* major, int* minor) {
    if (ordinal < 0 || ordinal >= cudaDeviceCount()) return false;
    if (cudaDeviceGetAttribute(major, cudaDevAttrComputeCapabilityMajor, ordinal) != cudaSuccess ||
        cudaDeviceGetAttribute(minor, cudaDevAttrComputeCapabilityMinor, ordinal) != cudaSuccess) {
        cudaGetLastError();
        return false;
    }
    return true;
}

}  // namespace pm::kernels
