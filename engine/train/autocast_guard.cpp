#include "train/autocast_guard.h"

#include "pianomuse/kernels/cuda_info.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include <stdexcept>

namespace pm::train {

namespace {

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool isEnabled(c10::DeviceType d) { return at::autocast::is_autocast_enabled(d); }
void setEnabled(c10::DeviceType d, bool on) { at::autocast::set_autocast_enabled(d, on); }
c10::ScalarType dtype(c10::DeviceType d) { return at::autocast::get_autocast_dtype(d); }
void setDtype(c10::DeviceType d, c10::ScalarType t) { at::autocast::set_autocast_dtype(d, t); }
#else
bool isEnabled(c10::DeviceType d) { return d == c10::DeviceType::CUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled(); }
void setEnabled(c10::DeviceType d, bool on) {
    if (d == c10::DeviceType::CUDA) at::autocast::set_enabled(on);
    else at::autocast::set_cpu_enabled(on);
}
c10::ScalarType dtype(c10::DeviceType d) {
    return d == c10::DeviceType::CUDA ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
}
void setDtype(c10::DeviceType d, c10::ScalarType t) {
    if (d == c10::DeviceType::CUDA) at::autocast::set_autocast_gpu_dtype(t);
    else at::autocast::set_autocast_cpu_dtype(t);
}
#endif

}  // namespace

AutocastGuard::AutocastGuard(c10::DeviceType device, bool enabled) : device_(device), enabled_(enabled) {
    if (!enabled_) return;
    previous_ = isEnabled(device_);
    previousType_ = dtype(device_);
    setEnabled(device_, true);
    setDtype(device_, c10::ScalarType::BFloat16);
    at::autocast::increment_nesting();
}

AutocastGuard::~AutocastGuard() {
    if (!enabled_) return;
    // The cast-weight cache lives for one outermost autocast region (one forward pass).
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    setEnabled(device_, previous_);
    setDtype(device_, previousType_);
}

bool AutocastGuard::active(c10::DeviceType device) { return isEnabled(device); }

bool useBf16Autocast(const std::string& precision, c10::DeviceType device, int cudaOrdinal) {
    if (precision == "fp32") return false;
    if (precision == "bf16") return true;
    if (precision != "auto") throw std::invalid_argument("unknown precision '" + precision + "' (auto, fp32 or bf16)");
    if (device != c10::DeviceType::CUDA) return false;
    int major = 0, minor = 0;
    return pm::kernels::cudaDeviceCapability(cudaOrdinal, &major, &minor) && major >= 8;
}

}  // namespace pm::train
