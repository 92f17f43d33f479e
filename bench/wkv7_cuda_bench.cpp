// WKV7 CUDA kernels: forward and forward+backward time (CUDA events, warm-up, median of many runs)
// at the spec's anchor shape B=8, T=4096, C=4096 (H=64, N=64) and a few others, with the bytes-moved
// floor of each shape, plus the CPU twin (one thread) at a small shape for scale. A program, not a
// test: scripts/gpu-check.sh runs it. Spec §4 anchors, H100, fwd+bwd at the reference shape:
// official backstepping ≈ 17 ms, chunked bf16 (wind) ≈ 8 ms, fla chunk ≈ 64 ms; target ≤ 6 ms.
//
//   pianomuse-bench-wkv7-cuda [--quick]     (--quick: fewer repetitions, smaller shapes only)
#include "pianomuse/kernels/cuda_info.h"
#include "pianomuse/kernels/wkv7.h"
#include "pianomuse/kernels/wkv7_cuda.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace pm::kernels;

namespace {

#define CK(expr)                                                                                  \
    do {                                                                                          \
        const cudaError_t e_ = (expr);                                                            \
        if (e_ != cudaSuccess) {                                                                  \
            std::fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #expr, cudaGetErrorString(e_)); \
            std::exit(1);                                                                         \
        }                                                                                         \
    } while (0)

template <typename T>
T* dalloc(size_t n) {
    T* p = nullptr;
    CK(cudaMalloc(&p, std::max<size_t>(n, 1) * sizeof(T)));
    return p;
}

uint16_t bf16(float x) {
    uint32_t u;
    std::memcpy(&u, &x, 4);
    u += 0x7fff + ((u >> 16) & 1);
    return uint16_t(u >> 16);
}

template <typename F>
double medianMs(int reps, F&& f) {
    cudaEvent_t a, b;
    CK(cudaEventCreate(&a));
    CK(cudaEventCreate(&b));
    for (int i = 0; i < 3; ++i) f();   // warm-up
    std::vector<float> ms(static_cast<size_t>(reps));
    for (float& m : ms) {
        CK(cudaEventRecord(a));
        f();
        CK(cudaEventRecord(b));
        CK(cudaEventSynchronize(b));
        CK(cudaEventElapsedTime(&m, a, b));
    }
    CK(cudaEventDestroy(a));
    CK(cudaEventDestroy(b));
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

void benchShape(const Wkv7Shape& s, int reps) {
    const size_t nTok = size_t(s.B * s.T * s.H * s.N), nState = size_t(s.B * s.H * s.N * s.N);
    const size_t nCk = size_t(s.B * s.H * wkv7CheckpointCount(s) * s.N * s.N);
    std::vector<uint16_t> h(nTok);
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> uni(-1.f, 1.f);
    Wkv7Bf16* in[7];
    for (auto& p : in) {
        p = dalloc<Wkv7Bf16>(nTok);
        for (auto& x : h) x = bf16(0.1f * uni(rng));   // small a, b: a contractive transition
        CK(cudaMemcpy(p, h.data(), nTok * 2, cudaMemcpyHostToDevice));
    }
    Wkv7Bf16 *y = dalloc<Wkv7Bf16>(nTok), *g[6];
    for (auto& p : g) p = dalloc<Wkv7Bf16>(nTok);
    float *sT = dalloc<float>(nState), *ck = dalloc<float>(nCk), *sa = dalloc<float>(nTok), *ds0 = dalloc<float>(nState);
    const Wkv7CudaInputs ins{in[0], in[1], in[2], in[3], in[4], in[5]};
    const auto fwd = [&] { wkv7ForwardCuda(s, ins, nullptr, y, sT, ck, sa); };
    const auto bwd = [&] { wkv7BackwardCuda(s, ins, sT, ck, sa, in[6], nullptr, {g[0], g[1], g[2], g[3], g[4], g[5], ds0}); };
    const double msF = medianMs(reps, fwd);
    const double msFB = medianMs(reps, [&] { fwd(); bwd(); });
    CK(cudaDeviceSynchronize());
    // Bytes: the floor is the six bf16 inputs + y (fwd), inputs + dy + six gradients (bwd): 40 B per
    // element; this kernel adds sa (fp32 write + read) and the checkpoints (N²·4 B per 16 steps, both ways).
    const double elems = double(nTok);
    const double floorGB = 40.0 * elems / 1e9;
    const double oursGB = floorGB + (8.0 + 2.0 * 4.0 * double(s.N) / 16.0) * elems / 1e9;
    const double flops = elems / double(s.N) * (wkv7ForwardFlopsPerStep(s.N) + wkv7BackwardFlopsPerStep(s.N));
    std::printf("B=%-3lld T=%-5lld H=%-3lld N=%-4lld fwd %8.3f ms  fwd+bwd %8.3f ms  (%6.0f GFLOP/s)  bytes floor "
                "%.2f GB, this kernel %.2f GB (%.0f GB/s)\n",
                (long long)s.B, (long long)s.T, (long long)s.H, (long long)s.N, msF, msFB, flops / msFB / 1e6,
                floorGB, oursGB, oursGB / msFB * 1e3);
    for (auto p : in) cudaFree(p);
    for (auto p : g) cudaFree(p);
    cudaFree(y); cudaFree(sT); cudaFree(ck); cudaFree(sa); cudaFree(ds0);
}

void benchCpuTwin(const Wkv7Shape& s) {
    const size_t nTok = size_t(s.B * s.T * s.H * s.N), nState = size_t(s.B * s.H * s.N * s.N);
    std::vector<float> x(nTok), y(nTok), sT(nState), ck(size_t(s.B * s.H * wkv7CheckpointCount(s) * s.N * s.N));
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> uni(-0.1f, 0.1f);
    for (float& e : x) e = uni(rng);
    std::vector<float> g[6];
    for (auto& v : g) v.resize(nTok);
    std::vector<float> ds0(nState);
    const auto t0 = std::chrono::steady_clock::now();
    wkv7ForwardCpu(s, x.data(), x.data(), x.data(), x.data(), x.data(), x.data(), nullptr, y.data(), sT.data(),
                   ck.data());
    const auto t1 = std::chrono::steady_clock::now();
    wkv7BackwardCpu(s, x.data(), x.data(), x.data(), x.data(), x.data(), x.data(), ck.data(), x.data(), nullptr,
                    {g[0].data(), g[1].data(), g[2].data(), g[3].data(), g[4].data(), g[5].data(), ds0.data()});
    const auto t2 = std::chrono::steady_clock::now();
    const auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
    std::printf("CPU twin (1 thread) B=%lld T=%lld H=%lld N=%lld: fwd %.1f ms, fwd+bwd %.1f ms\n", (long long)s.B,
                (long long)s.T, (long long)s.H, (long long)s.N, ms(t0, t1), ms(t0, t2));
}

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const Wkv7Shape small{1, 512, 4, 64};
    benchCpuTwin(small);
    if (cudaDeviceCount() == 0) {
        std::printf("no CUDA device: CUDA kernels not timed\n");
        return 0;
    }
    std::string name;
    cudaDeviceName(0, &name);
    std::printf("device: %s\n", name.c_str());
    const int reps = quick ? 5 : 20;
    benchShape(small, reps);
    benchShape({4, 1024, 16, 64}, reps);
    if (!quick) {
        benchShape({8, 4096, 64, 64}, reps);    // the spec §4 reference shape (C = 4096)
        benchShape({8, 4096, 128, 32}, reps);
        benchShape({8, 4096, 32, 128}, reps);
    }
    return 0;
}
