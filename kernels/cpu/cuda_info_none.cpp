// The CPU twin of cuda/cuda_info.cu: a build without CUDA sees no devices.
#include "pianomuse/kernels/cuda_info.h"

namespace pm::kernels {

bool builtWithCuda() { return false; }
int cudaDeviceCount() { return 0; }
bool cudaDeviceName(int, std::string*) { return false; }
bool cudaDeviceCapability(int, int*, int*) { return false; }

}  // namespace pm::kernels
