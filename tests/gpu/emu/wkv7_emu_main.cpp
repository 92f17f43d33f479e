// Runs kernels/cuda/wkv7_{forward,backward}.cu under the host emulation (cuda_runtime.h here) and
// compares with the CPU twin, with the bounds of tests/gpu/wkv7_cuda_test.cpp. Built and run by
// scripts/wkv7-cuda-emu.sh; a no-GPU check of the kernel logic, not a replacement for the GPU tests.
#include "pianomuse/kernels/wkv7.h"
#include "pianomuse/kernels/wkv7_cuda.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

using namespace pm::kernels;

namespace {

uint16_t toBf16(float x) {
    uint32_t u;
    std::memcpy(&u, &x, 4);
    u += 0x7fff + ((u >> 16) & 1);
    return uint16_t(u >> 16);
}
float fromBf16(uint16_t h) {
    const uint32_t u = uint32_t(h) << 16;
    float x;
    std::memcpy(&x, &u, 4);
    return x;
}
std::vector<float> widen(const std::vector<uint16_t>& h) {
    std::vector<float> o(h.size());
    for (size_t e = 0; e < h.size(); ++e) o[e] = fromBf16(h[e]);
    return o;
}

int failures = 0;

void compare(const char* name, const std::vector<float>& got, const std::vector<float>& ref, double rtol,
             double atolOfMax) {
    double maxRef = 0, worst = 0;
    for (float x : ref) maxRef = std::max(maxRef, double(std::fabs(x)));
    int bad = 0;
    for (size_t e = 0; e < ref.size(); ++e) {
        const double d = std::fabs(double(got[e]) - ref[e]);
        const double tol = atolOfMax * maxRef + 1e-30 + rtol * std::fabs(ref[e]);
        worst = std::max(worst, std::isnan(d) ? 1e30 : d / tol);
        if (!(d <= tol)) {
            if (bad < 3) std::printf("  %s mismatch at %zu: kernel %g cpu %g\n", name, e, got[e], ref[e]);
            ++bad;
        }
    }
    std::printf("  %-11s max|ref| %9.3g  worst |d|/tol %.3f  %s\n", name, maxRef, worst, bad ? "FAIL" : "ok");
    failures += bad;
}

void runCase(int64_t B, int64_t T, int64_t H, int64_t N, bool hasS0, bool hasDsT, uint32_t seed) {
    std::printf("B=%lld T=%lld H=%lld N=%lld s0=%d dsT=%d\n", (long long)B, (long long)T, (long long)H,
                (long long)N, int(hasS0), int(hasDsT));
    const Wkv7Shape s{B, T, H, N};
    const size_t nTok = size_t(B * T * H * N), nState = size_t(B * H * N * N);
    const size_t nCk = size_t(B * H * wkv7CheckpointCount(s) * N * N);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> uni(-1, 1), pos(0, 1);
    std::normal_distribution<float> gauss(0, 2);
    std::vector<uint16_t> hr(nTok), hz(nTok), hk(nTok), hv(nTok), ha(nTok), hb(nTok), hdy(nTok);
    std::vector<float> kk(static_cast<size_t>(N));
    for (size_t o = 0; o < nTok; o += size_t(N)) {   // a = -kk, b = kk·iclr, kk unit-norm per head
        double norm = 0;
        for (int64_t n = 0; n < N; ++n) { kk[n] = uni(rng); norm += double(kk[n]) * kk[n]; }
        for (int64_t n = 0; n < N; ++n) {
            const float kn = float(kk[n] / std::sqrt(norm));
            hr[o + n] = toBf16(uni(rng)); hz[o + n] = toBf16(gauss(rng)); hk[o + n] = toBf16(uni(rng));
            hv[o + n] = toBf16(uni(rng)); ha[o + n] = toBf16(-kn); hb[o + n] = toBf16(kn * pos(rng));
            hdy[o + n] = toBf16(uni(rng));
        }
    }
    std::vector<float> s0(hasS0 ? nState : 0), dsT(hasDsT ? nState : 0);
    for (float& x : s0) x = 0.5f * uni(rng);
    for (float& x : dsT) x = 0.1f * uni(rng);
    const auto r = widen(hr), z = widen(hz), k = widen(hk), v = widen(hv), a = widen(ha), b = widen(hb),
               dy = widen(hdy);

    std::vector<float> y(nTok), sT(nState), ck(nCk), dr(nTok), dz(nTok), dk(nTok), dv(nTok), da(nTok), db(nTok),
        ds0(nState);
    wkv7ForwardCpu(s, r.data(), z.data(), k.data(), v.data(), a.data(), b.data(), hasS0 ? s0.data() : nullptr,
                   y.data(), sT.data(), ck.data());
    wkv7BackwardCpu(s, r.data(), z.data(), k.data(), v.data(), a.data(), b.data(), ck.data(), dy.data(),
                    hasDsT ? dsT.data() : nullptr,
                    {dr.data(), dz.data(), dk.data(), dv.data(), da.data(), db.data(), ds0.data()});

    // The kernels, poisoned outputs (0xffff bf16 and NaN fp32).
    std::vector<uint16_t> gy(nTok, 0xffff), g[6];
    for (auto& x : g) x.assign(nTok, 0xffff);
    std::vector<float> gsT(nState, NAN), gck(nCk, NAN), gsa(nTok, NAN), gds0(nState, NAN);
    const Wkv7CudaInputs in{hr.data(), hz.data(), hk.data(), hv.data(), ha.data(), hb.data()};
    wkv7ForwardCuda(s, in, hasS0 ? s0.data() : nullptr, gy.data(), gsT.data(), gck.data(), gsa.data());
    wkv7BackwardCuda(s, in, gsT.data(), gck.data(), gsa.data(), hdy.data(), hasDsT ? dsT.data() : nullptr,
                     {g[0].data(), g[1].data(), g[2].data(), g[3].data(), g[4].data(), g[5].data(), gds0.data()});

    compare("y", widen(gy), y, 1e-2, 2e-3);
    compare("sT", gsT, sT, 0, 1e-4);
    compare("checkpoints", gck, ck, 0, 1e-4);
    const char* names[] = {"dr", "dz", "dk", "dv", "da", "db"};
    const std::vector<float>* refs[] = {&dr, &dz, &dk, &dv, &da, &db};
    for (int q = 0; q < 6; ++q) compare(names[q], widen(g[q]), *refs[q], 1e-2, 2e-3);
    compare("ds0", gds0, ds0, 0, 1e-4);
}

}  // namespace

int main() {
    runCase(1, 1, 1, 32, false, false, 1);
    runCase(2, 17, 2, 32, true, true, 2);
    runCase(1, 37, 3, 64, true, false, 3);
    runCase(2, 16, 1, 64, false, true, 4);
    runCase(1, 100, 2, 64, true, true, 5);
    runCase(1, 20, 1, 128, true, true, 6);
    runCase(1, 300, 1, 64, true, true, 7);
    runCase(1, 0, 1, 64, true, true, 8);
    std::printf(failures ? "FAILED: %d mismatches\n" : "all ok\n", failures);
    return failures != 0;
}
