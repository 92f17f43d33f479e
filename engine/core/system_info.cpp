#include "core/system_info.h"

#include "core/version.h"
#include "pianomuse/kernels/cuda_info.h"

#include <ATen/ATen.h>             // at::mm, at::randn
#include <ATen/Parallel.h>         // at::get_num_threads, at::set_num_threads
#include <torch/cuda.h>            // torch::cuda::is_available, device_count

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#if defined(__linux__)
#include <climits>                 // PATH_MAX
#endif

namespace pm {
namespace {

#if defined(__linux__)
// Every shared object mapped into this process, from /proc/self/maps.
std::vector<std::string> mappedLibraries() {
    std::vector<std::string> libs;
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        const auto slash = line.find('/');
        if (slash == std::string::npos) continue;
        std::string path = line.substr(slash);
        if (path.find(".so") == std::string::npos) continue;
        if (std::find(libs.begin(), libs.end(), path) == libs.end()) libs.push_back(path);
    }
    return libs;
}

std::string resolved(const std::string& path) {
    char buf[PATH_MAX];
    if (realpath(path.c_str(), buf)) return buf;
    return path;
}
#endif

bool contains(const std::string& s, const char* needle) { return s.find(needle) != std::string::npos; }

}  // namespace

BlasInfo detectBlas() {
    BlasInfo info;
#if defined(__linux__)
    // Matrix products go to whichever BLAS is mapped. Look for implementations by name first
    // (they may be linked directly), then for the generic libblas.so.3 resolved through
    // /etc/alternatives.
    std::string generic;
    for (const std::string& lib : mappedLibraries()) {
        const std::string real = resolved(lib);
        if (contains(real, "libmkl")) {
            info.library = "Intel MKL";
            info.path = real;
            return info;
        }
        if (contains(real, "openblas")) {
            info.library = contains(real, "pthread") ? "OpenBLAS (pthread)"
                           : contains(real, "openmp") ? "OpenBLAS (OpenMP)"
                                                      : "OpenBLAS";
            info.path = real;
            return info;
        }
        if (contains(real, "blis")) {
            info.library = "BLIS";
            info.path = real;
            return info;
        }
        if (contains(real, "atlas")) {
            info.library = "ATLAS";
            info.path = real;
            return info;
        }
        if (contains(real, "/libblas.so")) generic = real;
    }
    if (!generic.empty()) {
        info.library = "reference BLAS";
        info.path = generic;
        info.slow = true;
        info.advice = "Matrix products run on the slow reference BLAS (about 20x slower). "
                      "Install OpenBLAS: sudo apt-get install libopenblas0-pthread";
        return info;
    }
#endif
    // Not on Linux, or LibTorch carries its own BLAS statically (pip wheels bundle MKL/OpenBLAS).
    const std::string config = at::show_config();
    if (contains(config, "BLAS_INFO=mkl")) info.library = "Intel MKL (built in)";
    else if (contains(config, "BLAS_INFO=open")) info.library = "OpenBLAS (built in)";
    else info.library = "built into LibTorch";
    return info;
}

double measureMatmulGflops(int n) {
    n = std::max(16, n);
    at::NoGradGuard noGrad;
    const at::Tensor a = at::randn({n, n});
    const at::Tensor b = at::randn({n, n});
    at::Tensor c = at::mm(a, b);  // warm-up: thread pool, page faults
    int reps = 0;
    const auto start = std::chrono::steady_clock::now();
    double seconds = 0.0;
    do {
        c = at::mm(a, b);
        ++reps;
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } while (seconds < 0.2 && reps < 1000);
    return 2.0 * n * double(n) * n * reps / seconds / 1e9;
}

void configureThreads(int threads) {
    if (threads <= 0) threads = int(std::max(1u, std::thread::hardware_concurrency()));
    at::set_num_threads(threads);
}

namespace {
std::string cudaDeviceName(int index) {
    // The kernels library asks the CUDA runtime directly (LibTorch only exposes device
    // properties in its CUDA build); a CPU-only build falls back to a generic name.
    std::string name;
    if (kernels::cudaDeviceName(index, &name)) return name;
    std::ostringstream generic;
    generic << "CUDA device " << index;
    return generic.str();
}
}  // namespace

SystemInfo querySystemInfo() {
    SystemInfo info;
    info.version = kVersion;
    info.torchVersion = kTorchVersion;
    info.intraOpThreads = at::get_num_threads();
    ComputeDevice cpu;
    cpu.kind = DeviceKind::Cpu;
    cpu.id = "cpu";
    cpu.displayName = "CPU (" + std::to_string(info.intraOpThreads) + " threads)";
    info.devices.push_back(cpu);
    info.cudaAvailable = torch::cuda::is_available();
    if (info.cudaAvailable) {
        const int count = int(torch::cuda::device_count());
        for (int i = 0; i < count; ++i) {
            ComputeDevice dev;
            dev.kind = DeviceKind::Cuda;
            dev.index = i;
            dev.id = "cuda:" + std::to_string(i);
            dev.displayName = cudaDeviceName(i);
            info.devices.push_back(dev);
        }
    }
    info.blas = detectBlas();
    return info;
}

bool isDeviceSpec(const std::string& s) {
    std::string req = s;
    std::transform(req.begin(), req.end(), req.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (req == "auto" || req == "cpu" || req == "cuda") return true;
    if (req.rfind("cuda:", 0) != 0 || req.size() == 5 || req.size() > 5 + 4) return false;   // at most 4 digits
    return std::all_of(req.begin() + 5, req.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool resolveDevice(const std::string& request, ComputeDevice* out, std::string* error) {
    const SystemInfo info = querySystemInfo();
    auto available = [&info]() {
        std::string list;
        for (const auto& d : info.devices) list += (list.empty() ? "" : ", ") + d.id;
        return list;
    };
    std::string req = request;
    std::transform(req.begin(), req.end(), req.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (req.empty() || req == "auto") {
        // Prefer the first GPU: training on it is what makes one-click fine-tuning practical.
        *out = info.devices.size() > 1 ? info.devices[1] : info.devices[0];
        return true;
    }
    if (req == "cuda") req = "cuda:0";
    for (const auto& d : info.devices) {
        if (d.id == req) {
            *out = d;
            return true;
        }
    }
    if (error) {
        if (req.rfind("cuda:", 0) == 0 && !info.cudaAvailable)
            *error = "device '" + request + "' is not available: no CUDA device in this build or machine; available: " +
                     available();
        else if (req.rfind("cuda:", 0) == 0)
            *error = "device '" + request + "' is not available; available: " + available();
        else
            *error = "unknown device '" + request + "'; available: " + available() + " (or 'auto')";
    }
    return false;
}

}  // namespace pm
