// WKV7 CUDA kernels vs the CPU twin (kernels level: links pianomuse_kernels and cudart only).
//
// Every case runs the CPU twin on the same bf16-rounded inputs, poisons every GPU output with NaN
// (0xFF bytes) so an unwritten element fails, runs forward and backward on the GPU and compares:
//   fp32 values (final state, checkpoints, ds0):        |gpu - cpu| ≤ 1e-4 · max|cpu|
//   bf16 values (y, dr, dz, dk, dv, da, db):            |gpu - cpu| ≤ 1e-2 · |cpu| + 2e-3 · max|cpu|
// (bf16 keeps 8 significant bits: one rounding is ≤ 2^-9 ≈ 2e-3 relative; the absolute part
// covers elements that are sums with cancellation, small next to the tensor's scale.)
// Without a CUDA device the GPU cases are skipped with a visible message.
#include "pianomuse/kernels/cuda_info.h"   // cudaDeviceCount
#include "pianomuse/kernels/wkv7.h"        // CPU twin
#include "pianomuse/kernels/wkv7_cuda.h"   // launchers

#include <cuda_runtime.h>   // cudaMalloc, cudaMemcpy
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace pm::kernels {
namespace {

#define CUDA_OK(expr) ASSERT_EQ((expr), cudaSuccess) << #expr << ": " << cudaGetErrorString(cudaGetLastError())

uint16_t toBf16(float x) {   // round to nearest even, as the GPU and torch do
    uint32_t u;
    std::memcpy(&u, &x, 4);
    if (std::isnan(x)) return 0x7fc0;
    u += 0x7fff + ((u >> 16) & 1);
    return uint16_t(u >> 16);
}
float fromBf16(uint16_t h) {
    const uint32_t u = uint32_t(h) << 16;
    float x;
    std::memcpy(&x, &u, 4);
    return x;
}

// Device buffer poisoned with NaN bytes.
template <typename T>
struct DeviceBuffer {
    T* p = nullptr;
    size_t n = 0;
    explicit DeviceBuffer(size_t count) : n(count) {
        if (n && cudaMalloc(&p, n * sizeof(T)) != cudaSuccess) throw std::runtime_error("cudaMalloc");
        if (n) cudaMemset(p, 0xff, n * sizeof(T));
    }
    ~DeviceBuffer() { if (p) cudaFree(p); }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    void upload(const std::vector<T>& h) { ASSERT_EQ(cudaMemcpy(p, h.data(), n * sizeof(T), cudaMemcpyHostToDevice), cudaSuccess); }
    std::vector<T> download() const {
        std::vector<T> h(n);
        if (n) {
            EXPECT_EQ(cudaMemcpy(h.data(), p, n * sizeof(T), cudaMemcpyDeviceToHost), cudaSuccess);
        }
        return h;
    }
};

// Compares and prints the first mismatches as (b, t, h, n) or flat indices.
void expectClose(const char* name, const std::vector<float>& got, const std::vector<float>& ref, double rtol,
                 double atolOfMax, const Wkv7Shape* perToken = nullptr) {
    ASSERT_EQ(got.size(), ref.size()) << name;
    double maxRef = 0;
    for (float x : ref) maxRef = std::max(maxRef, double(std::fabs(x)));
    const double atol = atolOfMax * maxRef + 1e-30;
    size_t bad = 0;
    double worst = 0;
    for (size_t e = 0; e < ref.size(); ++e) {
        const double d = std::fabs(double(got[e]) - double(ref[e]));
        const double tol = atol + rtol * std::fabs(double(ref[e]));
        worst = std::max(worst, std::isnan(d) ? INFINITY : d / tol);
        if (!(d <= tol)) {
            if (bad < 5) {
                std::string where = std::to_string(e);
                if (perToken) {
                    const auto& s = *perToken;
                    const size_t n = e % s.N, h = e / s.N % s.H, t = e / (s.N * s.H) % s.T,
                                 b = e / (s.N * s.H * s.T);
                    where = "(b " + std::to_string(b) + ", t " + std::to_string(t) + ", h " + std::to_string(h) +
                            ", n " + std::to_string(n) + ")";
                }
                ADD_FAILURE() << name << " mismatch at " << where << ": gpu " << got[e] << " cpu " << ref[e]
                              << " |d| " << d << " tol " << tol;
            }
            ++bad;
        }
    }
    EXPECT_EQ(bad, 0u) << name << ": " << bad << " of " << ref.size() << " outside tolerance (max|ref| " << maxRef
                       << ", worst |d|/tol " << worst << ")";
}

struct Case {
    int64_t B, T, H, N;
    bool s0, dsT;
};

std::string describe(const Case& c) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "B=%lld T=%lld H=%lld N=%lld s0=%d dsT=%d", (long long)c.B, (long long)c.T,
                  (long long)c.H, (long long)c.N, int(c.s0), int(c.dsT));
    return buf;
}

void runCase(const Case& c, uint32_t seed) {
    SCOPED_TRACE(describe(c));
    const Wkv7Shape s{c.B, c.T, c.H, c.N};
    const size_t nTok = size_t(s.B * s.T * s.H * s.N), nState = size_t(s.B * s.H * s.N * s.N);
    const size_t nCk = size_t(s.B * s.H * wkv7CheckpointCount(s)) * size_t(s.N * s.N);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> uni(-1.f, 1.f), pos(0.f, 1.f);
    std::normal_distribution<float> gauss(0.f, 2.f);

    // Model-like inputs: a = -kk, b = kk·iclr with kk unit-norm per head (spec §2.1), rounded to bf16.
    std::vector<uint16_t> hr(nTok), hz(nTok), hk(nTok), hv(nTok), ha(nTok), hb(nTok), hdy(nTok);
    std::vector<float> kk(size_t(s.N));
    for (size_t o = 0; o < nTok; o += size_t(s.N)) {
        double norm = 0;
        for (int64_t n = 0; n < s.N; ++n) { kk[n] = uni(rng); norm += double(kk[n]) * kk[n]; }
        const float inv = float(1.0 / std::sqrt(norm + 1e-12));
        for (int64_t n = 0; n < s.N; ++n) {
            const float kn = kk[n] * inv;
            hr[o + n] = toBf16(uni(rng));
            hz[o + n] = toBf16(gauss(rng));
            hk[o + n] = toBf16(uni(rng));
            hv[o + n] = toBf16(uni(rng));
            ha[o + n] = toBf16(-kn);
            hb[o + n] = toBf16(kn * pos(rng));
            hdy[o + n] = toBf16(uni(rng));
        }
    }
    std::vector<float> hs0(c.s0 ? nState : 0), hdsT(c.dsT ? nState : 0);
    for (float& x : hs0) x = 0.5f * uni(rng);
    for (float& x : hdsT) x = 0.1f * uni(rng);

    // CPU twin on the same values.
    const auto f = [](const std::vector<uint16_t>& h) {
        std::vector<float> out(h.size());
        for (size_t e = 0; e < h.size(); ++e) out[e] = fromBf16(h[e]);
        return out;
    };
    const std::vector<float> r = f(hr), z = f(hz), k = f(hk), v = f(hv), a = f(ha), b = f(hb), dy = f(hdy);
    std::vector<float> yRef(nTok), sTRef(nState), ckRef(nCk);
    wkv7ForwardCpu(s, r.data(), z.data(), k.data(), v.data(), a.data(), b.data(), c.s0 ? hs0.data() : nullptr,
                   yRef.data(), sTRef.data(), ckRef.data());
    std::vector<float> drR(nTok), dzR(nTok), dkR(nTok), dvR(nTok), daR(nTok), dbR(nTok), ds0R(nState);
    wkv7BackwardCpu(s, r.data(), z.data(), k.data(), v.data(), a.data(), b.data(), ckRef.data(), dy.data(),
                    c.dsT ? hdsT.data() : nullptr,
                    Wkv7Grads<float>{drR.data(), dzR.data(), dkR.data(), dvR.data(), daR.data(), dbR.data(),
                                     ds0R.data()});

    // GPU.
    DeviceBuffer<uint16_t> dR(nTok), dZ(nTok), dK(nTok), dV(nTok), dA(nTok), dB(nTok), dDy(nTok), dY(nTok);
    DeviceBuffer<float> dS0(hs0.size()), dDsT(hdsT.size()), dST(nState), dCk(nCk), dSa(nTok), dDs0(nState);
    DeviceBuffer<uint16_t> gR(nTok), gZ(nTok), gK(nTok), gV(nTok), gA(nTok), gB(nTok);
    dR.upload(hr); dZ.upload(hz); dK.upload(hk); dV.upload(hv); dA.upload(ha); dB.upload(hb); dDy.upload(hdy);
    if (c.s0) dS0.upload(hs0);
    if (c.dsT) dDsT.upload(hdsT);
    const Wkv7CudaInputs in{dR.p, dZ.p, dK.p, dV.p, dA.p, dB.p};
    ASSERT_NO_THROW(wkv7ForwardCuda(s, in, c.s0 ? dS0.p : nullptr, dY.p, dST.p, dCk.p, dSa.p));
    ASSERT_NO_THROW(wkv7BackwardCuda(s, in, dST.p, dCk.p, dSa.p, dDy.p, c.dsT ? dDsT.p : nullptr,
                                     Wkv7CudaGrads{gR.p, gZ.p, gK.p, gV.p, gA.p, gB.p, dDs0.p}));
    CUDA_OK(cudaDeviceSynchronize());

    constexpr double kBfRel = 1e-2, kBfAbs = 2e-3, kF32 = 1e-4;
    const auto g = [&](const DeviceBuffer<uint16_t>& d) { return f(d.download()); };
    expectClose("y", g(dY), yRef, kBfRel, kBfAbs, &s);
    expectClose("sT", dST.download(), sTRef, 0, kF32);
    expectClose("checkpoints", dCk.download(), ckRef, 0, kF32);
    expectClose("dr", g(gR), drR, kBfRel, kBfAbs, &s);
    expectClose("dz", g(gZ), dzR, kBfRel, kBfAbs, &s);
    expectClose("dk", g(gK), dkR, kBfRel, kBfAbs, &s);
    expectClose("dv", g(gV), dvR, kBfRel, kBfAbs, &s);
    expectClose("da", g(gA), daR, kBfRel, kBfAbs, &s);
    expectClose("db", g(gB), dbR, kBfRel, kBfAbs, &s);
    expectClose("ds0", dDs0.download(), ds0R, 0, kF32);
}

bool haveDevice() { return cudaDeviceCount() > 0; }

#define SKIP_WITHOUT_CUDA() \
    if (!haveDevice()) GTEST_SKIP() << "no CUDA device: WKV7 CUDA kernels compiled but not run"

void runGrid(int64_t N) {
    // (B, T, H): T = 1, below/at/above one 16-step chunk, several chunks with a tail.
    const int64_t shapes[][3] = {{1, 1, 1}, {2, 15, 3}, {1, 16, 2}, {2, 17, 1}, {1, 100, 2}, {2, 64, 1}};
    uint32_t seed = 1234;
    for (const auto& sh : shapes)
        for (bool s0 : {false, true})
            for (bool dsT : {false, true}) runCase({sh[0], sh[1], sh[2], N, s0, dsT}, seed++);
}

TEST(Wkv7Cuda, ForwardBackwardMatchCpuN64) { SKIP_WITHOUT_CUDA(); runGrid(64); }
TEST(Wkv7Cuda, ForwardBackwardMatchCpuN32) { SKIP_WITHOUT_CUDA(); runGrid(32); }
TEST(Wkv7Cuda, ForwardBackwardMatchCpuN128) { SKIP_WITHOUT_CUDA(); runGrid(128); }

// A long sequence: the exact reloads keep inverse-step error from compounding over chunks.
TEST(Wkv7Cuda, LongSequenceN64) { SKIP_WITHOUT_CUDA(); runCase({1, 1000, 2, 64, true, true}, 99); }

// Argument checks need no device: they throw before any CUDA call, with file:line.
TEST(Wkv7Cuda, RejectsUnsupportedHeadSize) {
    const Wkv7Shape s{1, 4, 1, 48};
    try {
        wkv7ForwardCuda(s, {}, nullptr, nullptr, nullptr, nullptr, nullptr);
        FAIL() << "expected a throw";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("N=48"), std::string::npos) << what;
        EXPECT_NE(what.find("wkv7_forward.cu:"), std::string::npos) << what;
    }
    EXPECT_THROW(wkv7BackwardCuda(s, {}, nullptr, nullptr, nullptr, nullptr, nullptr, {}), std::runtime_error);
}

TEST(Wkv7Cuda, RejectsNullPointers) {
    const Wkv7Shape s{1, 4, 1, 64};
    EXPECT_THROW(wkv7ForwardCuda(s, {}, nullptr, nullptr, nullptr, nullptr, nullptr), std::runtime_error);
    EXPECT_THROW(wkv7BackwardCuda(s, {}, nullptr, nullptr, nullptr, nullptr, nullptr, {}), std::runtime_error);
}

}  // namespace
}  // namespace pm::kernels
