// Mixed precision for the trainer's forward pass: inside the guard LibTorch's autocast runs
// matrix products in bf16 and keeps reductions, norms and the loss in fp32 (the WKV state is
// fp32 whatever the inputs, see ops/wkv7_op.h). Leaving the guard restores the previous state.
//
// LibTorch changed this API in 2.4 (per-device functions); both spellings are handled here so
// the rest of the trainer does not care which LibTorch it was built against.
#pragma once

#include <c10/core/DeviceType.h>
#include <c10/core/ScalarType.h>

#include <string>

namespace pm::train {

class AutocastGuard {
public:
    // enabled = false: a no-op guard (fp32 training).
    AutocastGuard(c10::DeviceType device, bool enabled);
    ~AutocastGuard();
    AutocastGuard(const AutocastGuard&) = delete;
    AutocastGuard& operator=(const AutocastGuard&) = delete;

    // Whether autocast is on for `device` right now (tests).
    static bool active(c10::DeviceType device);

private:
    c10::DeviceType device_;
    bool enabled_;
    bool previous_ = false;
    c10::ScalarType previousType_ = c10::ScalarType::Undefined;
};

// "auto", "fp32" or "bf16" for a device: whether the trainer autocasts to bf16. "auto" means bf16
// on CUDA devices of compute capability 8.0 or newer (bf16 tensor cores) and fp32 elsewhere.
// Throws std::invalid_argument for an unknown name.
bool useBf16Autocast(const std::string& precision, c10::DeviceType device, int cudaOrdinal = 0);

}  // namespace pm::train
