// What the engine runs on: compute devices, the BLAS behind LibTorch, thread counts.
// Plain structs so the CLI prints them and the GUI shows them without touching torch.
#pragma once

#include <string>
#include <vector>

namespace pm {

enum class DeviceKind { Cpu, Cuda };

struct ComputeDevice {
    DeviceKind kind = DeviceKind::Cpu;
    int index = 0;            // CUDA ordinal; 0 for the CPU
    std::string id;           // "cpu", "cuda:0": what --device and the settings store
    std::string displayName;  // "CPU (2 threads)", "NVIDIA H100 80GB HBM3"
};

// Which BLAS library LibTorch's matrix products end up in. Debian's LibTorch links the generic
// libblas.so.3, so the real implementation depends on the alternatives system: the reference
// BLAS makes training ~20x slower than OpenBLAS, so we detect it and say so.
struct BlasInfo {
    std::string library;   // "OpenBLAS (pthread)", "reference BLAS", "MKL", or the file name
    std::string path;      // resolved shared object, when known
    bool slow = false;     // true for the reference BLAS: show a warning with the fix
    std::string advice;    // what to install when slow
};

struct SystemInfo {
    std::string version;           // PianoMuse version
    std::string torchVersion;      // LibTorch version it was built against
    int intraOpThreads = 1;
    bool cudaAvailable = false;
    std::vector<ComputeDevice> devices;   // CPU first, then every CUDA device
    BlasInfo blas;
};

// Fills everything above. Cheap (no benchmark); safe to call from any thread.
SystemInfo querySystemInfo();

// True when `s` is a device request in the one syntax every front end accepts: auto, cpu, cuda or
// cuda:N (case-insensitive). Syntax only, for validating options; resolveDevice says whether it exists.
bool isDeviceSpec(const std::string& s);

// Resolves "auto", "cpu", "cuda", "cuda:N" against what exists. Returns false with a message
// (naming the devices that do exist) when the request cannot be met.
bool resolveDevice(const std::string& request, ComputeDevice* out, std::string* error);

// The BLAS detection alone; exposed for tests and the `info` command.
BlasInfo detectBlas();

// Measures matrix-product throughput (GFLOP/s) of an n×n float product on the CPU,
// so users can see whether the BLAS is healthy. Takes ~0.1–1 s.
double measureMatmulGflops(int n = 512);

// Sets LibTorch's intra-op thread count (LibTorch's default differs between 1.13 and 2.x,
// and on laptops we leave one core to the GUI). threads <= 0 means "all hardware threads".
void configureThreads(int threads);

}  // namespace pm
