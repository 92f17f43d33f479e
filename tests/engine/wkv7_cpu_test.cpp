// The WKV7 CPU twin against an independent float64 implementation written in the paper's
// row-vector form (S ← S (diag(w) + aᵀb) + vᵀk on the transposed state), so a transposition
// or index mistake in either one shows up.
#include "pianomuse/kernels/wkv7.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace {

using pm::kernels::Wkv7Shape;

struct Inputs {
    std::vector<float> r, z, k, v, a, b, s0;
};

Inputs randomInputs(const Wkv7Shape& s, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const size_t n = size_t(s.B * s.T * s.H * s.N);
    Inputs in;
    for (auto* vec : {&in.r, &in.z, &in.k, &in.v}) {
        vec->resize(n);
        for (float& x : *vec) x = normal(rng);
    }
    // As in the model: a = -kk, b = kk·iclr with kk unit-norm per head, iclr ∈ (0,1).
    in.a.resize(n);
    in.b.resize(n);
    std::uniform_real_distribution<float> unit(0.0f, 1.0f);
    for (size_t base = 0; base < n; base += size_t(s.N)) {
        double norm = 0;
        std::vector<float> kk(size_t(s.N));
        for (auto& x : kk) { x = normal(rng); norm += double(x) * x; }
        norm = std::sqrt(norm);
        for (int64_t j = 0; j < s.N; ++j) {
            const float unitKk = float(kk[size_t(j)] / norm);
            in.a[base + size_t(j)] = -unitKk;
            in.b[base + size_t(j)] = unitKk * unit(rng);
        }
    }
    in.s0.resize(size_t(s.B * s.H * s.N * s.N));
    for (float& x : in.s0) x = 0.1f * normal(rng);
    return in;
}

// h[j][i] = S[i][j] (key-major), row-vector recurrence, all in double.
void referenceForward(const Wkv7Shape& s, const Inputs& in, bool useS0, std::vector<double>& y,
                      std::vector<double>& sT) {
    const int64_t N = s.N;
    y.assign(size_t(s.B * s.T * s.H * N), 0.0);
    sT.assign(size_t(s.B * s.H * N * N), 0.0);
    for (int64_t bi = 0; bi < s.B; ++bi)
        for (int64_t h = 0; h < s.H; ++h) {
            std::vector<double> hs(size_t(N * N), 0.0), next(size_t(N * N));
            const int64_t so = (bi * s.H + h) * N * N;
            if (useS0)
                for (int64_t i = 0; i < N; ++i)
                    for (int64_t j = 0; j < N; ++j) hs[size_t(j * N + i)] = in.s0[size_t(so + i * N + j)];
            for (int64_t t = 0; t < s.T; ++t) {
                const int64_t o = ((bi * s.T + t) * s.H + h) * N;
                // transition M = diag(w) + a bᵀ (key × key); h ← Mᵀ-applied: h' = (diag(w)+a bᵀ)ᵀ... in
                // row form: S' = S (diag(w) + aᵀ b) ⇒ h'[j][i] = Σ_m (diag(w)+aᵀb)[m][j] h[m][i].
                for (int64_t j = 0; j < N; ++j)
                    for (int64_t i = 0; i < N; ++i) {
                        const double w = std::exp(-std::exp(-0.5) / (1.0 + std::exp(-double(in.z[size_t(o + j)]))));
                        double acc = w * hs[size_t(j * N + i)];
                        for (int64_t m = 0; m < N; ++m)
                            acc += double(in.a[size_t(o + m)]) * in.b[size_t(o + j)] * hs[size_t(m * N + i)];
                        acc += double(in.k[size_t(o + j)]) * in.v[size_t(o + i)];
                        next[size_t(j * N + i)] = acc;
                    }
                hs.swap(next);
                for (int64_t i = 0; i < N; ++i) {
                    double acc = 0;
                    for (int64_t j = 0; j < N; ++j) acc += hs[size_t(j * N + i)] * in.r[size_t(o + j)];
                    y[size_t(o + i)] = acc;
                }
            }
            for (int64_t i = 0; i < N; ++i)
                for (int64_t j = 0; j < N; ++j) sT[size_t(so + i * N + j)] = hs[size_t(j * N + i)];
        }
}

// Largest error relative to the largest reference magnitude: fp32 sums of N products with
// cancellation lose relative precision on small outputs, so per-element relative error would
// test rounding luck rather than correctness.
double maxRelError(const std::vector<float>& got, const std::vector<double>& want) {
    double worst = 0, scale = 1e-12;
    for (size_t i = 0; i < got.size(); ++i) {
        worst = std::max(worst, std::abs(double(got[i]) - want[i]));
        scale = std::max(scale, std::abs(want[i]));
    }
    return worst / scale;
}

class Wkv7CpuTest : public ::testing::TestWithParam<std::tuple<Wkv7Shape, bool>> {};

TEST_P(Wkv7CpuTest, MatchesFloat64Reference) {
    const auto [shape, useS0] = GetParam();
    const Inputs in = randomInputs(shape, 1234);
    std::vector<float> y(in.r.size()), sT(in.s0.size());
    pm::kernels::wkv7ForwardCpu(shape, in.r.data(), in.z.data(), in.k.data(), in.v.data(), in.a.data(),
                                in.b.data(), useS0 ? in.s0.data() : nullptr, y.data(), sT.data());
    std::vector<double> yRef, sRef;
    referenceForward(shape, in, useS0, yRef, sRef);
    EXPECT_LT(maxRelError(y, yRef), 2e-6);
    EXPECT_LT(maxRelError(sT, sRef), 2e-6);
}

INSTANTIATE_TEST_SUITE_P(Shapes, Wkv7CpuTest,
                         ::testing::Values(std::make_tuple(Wkv7Shape{1, 1, 1, 4}, false),
                                           std::make_tuple(Wkv7Shape{2, 17, 3, 8}, false),
                                           std::make_tuple(Wkv7Shape{2, 17, 3, 8}, true),
                                           std::make_tuple(Wkv7Shape{1, 40, 2, 64}, true)));

// The fp32 kernels (the AVX2 row-register loops for N = 16/32/64 on a capable CPU, the general AVX2
// loops for other multiples of 16, the plain loops otherwise) against the float64 kernels (checked against LibTorch autograd in wkv7_op_test):
// forward, final state, checkpoints and every gradient, over chunk tails (T not a multiple of 16),
// T = 0 and 1, with and without s0 / dsT, B > 1.
struct GradCase {
    Wkv7Shape shape;
    bool useS0, useDsT;
};

class Wkv7CpuGradTest : public ::testing::TestWithParam<GradCase> {};

template <typename T>
std::vector<T> cast(const std::vector<float>& x) { return std::vector<T>(x.begin(), x.end()); }

double maxRelErrD(const std::vector<float>& got, const std::vector<double>& want) {
    if (got.empty()) return 0.0;
    return maxRelError(got, want);
}

TEST_P(Wkv7CpuGradTest, Fp32MatchesFloat64Kernel) {
    const auto [s, useS0, useDsT] = GetParam();
    Inputs in = randomInputs(s, 99);
    std::mt19937 rng(5);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const size_t n = size_t(s.B * s.T * s.H * s.N), ns = size_t(s.B * s.H * s.N * s.N);
    std::vector<float> dy(n), dsT(ns);
    for (float& x : dy) x = normal(rng);
    for (float& x : dsT) x = normal(rng);
    const size_t nc = size_t(s.B * s.H * pm::kernels::wkv7CheckpointCount(s) * s.N * s.N);
    // float64 run
    const auto rD = cast<double>(in.r), zD = cast<double>(in.z), kD = cast<double>(in.k), vD = cast<double>(in.v),
               aD = cast<double>(in.a), bD = cast<double>(in.b), s0D = cast<double>(in.s0), dyD = cast<double>(dy),
               dsTD = cast<double>(dsT);
    std::vector<double> yD(n), sTD(ns), ckD(nc), gD[7];
    for (auto& g : gD) g.assign(n, 0.0);
    gD[6].assign(ns, 0.0);
    pm::kernels::wkv7ForwardCpu(s, rD.data(), zD.data(), kD.data(), vD.data(), aD.data(), bD.data(),
                                useS0 ? s0D.data() : nullptr, yD.data(), sTD.data(), ckD.data());
    pm::kernels::wkv7BackwardCpu(s, rD.data(), zD.data(), kD.data(), vD.data(), aD.data(), bD.data(), ckD.data(),
                                 dyD.data(), useDsT ? dsTD.data() : nullptr,
                                 {gD[0].data(), gD[1].data(), gD[2].data(), gD[3].data(), gD[4].data(),
                                  gD[5].data(), gD[6].data()});
    // fp32 runs (NaN-poisoned outputs: every element must be written), with the forward's sa handed
    // to the backward (the training path) and without (the backward recomputes it).
    const float nan = std::nanf("");
    for (const bool withSa : {true, false}) {
        std::vector<float> y(n, nan), sT(ns, nan), ck(nc, nan), sa(n, nan), g[7];
        for (auto& x : g) x.assign(n, nan);
        g[6].assign(ns, nan);
        pm::kernels::wkv7ForwardCpu(s, in.r.data(), in.z.data(), in.k.data(), in.v.data(), in.a.data(), in.b.data(),
                                    useS0 ? in.s0.data() : nullptr, y.data(), sT.data(), ck.data(), {},
                                    withSa ? sa.data() : nullptr);
        pm::kernels::wkv7BackwardCpu(s, in.r.data(), in.z.data(), in.k.data(), in.v.data(), in.a.data(), in.b.data(),
                                     ck.data(), dy.data(), useDsT ? dsT.data() : nullptr,
                                     {g[0].data(), g[1].data(), g[2].data(), g[3].data(), g[4].data(), g[5].data(),
                                      g[6].data()},
                                     {}, withSa ? sa.data() : nullptr);
        SCOPED_TRACE(withSa ? "with the forward's sa" : "sa recomputed");
        EXPECT_LT(maxRelErrD(y, yD), 2e-6) << "y";
        EXPECT_LT(maxRelErrD(sT, sTD), 2e-6) << "sT";
        EXPECT_LT(maxRelErrD(ck, ckD), 2e-6) << "checkpoints";
        if (withSa) {   // sa_t = S_{t-1} a_t against the float64 states
            std::vector<double> saD(n, 0.0);
            for (int64_t bi = 0; bi < s.B; ++bi)
                for (int64_t h = 0; h < s.H; ++h) {
                    std::vector<double> S(size_t(s.N * s.N), 0.0);
                    if (useS0)
                        for (int64_t e = 0; e < s.N * s.N; ++e) S[size_t(e)] = s0D[size_t((bi * s.H + h) * s.N * s.N + e)];
                    for (int64_t t = 0; t < s.T; ++t) {
                        const int64_t o = ((bi * s.T + t) * s.H + h) * s.N;
                        std::vector<double> sav(size_t(s.N), 0.0);
                        for (int64_t i = 0; i < s.N; ++i)
                            for (int64_t j = 0; j < s.N; ++j) sav[size_t(i)] += S[size_t(i * s.N + j)] * aD[size_t(o + j)];
                        for (int64_t i = 0; i < s.N; ++i) {
                            saD[size_t(o + i)] = sav[size_t(i)];
                            for (int64_t j = 0; j < s.N; ++j)
                                S[size_t(i * s.N + j)] = S[size_t(i * s.N + j)] * pm::kernels::wkv7Decay(zD[size_t(o + j)]) +
                                                         sav[size_t(i)] * bD[size_t(o + j)] + vD[size_t(o + i)] * kD[size_t(o + j)];
                        }
                    }
                }
            EXPECT_LT(maxRelErrD(sa, saD), 2e-6) << "sa";
        }
        const char* names[] = {"dr", "dz", "dk", "dv", "da", "db", "ds0"};
        for (int i = 0; i < 7; ++i) EXPECT_LT(maxRelErrD(g[i], gD[i]), 1e-5) << names[i];
        if (s.T == 0) {   // nothing to run: sT = s0 (or 0), ds0 = dsT (or 0)
            for (size_t i = 0; i < ns; ++i) {
                ASSERT_EQ(sT[i], useS0 ? in.s0[i] : 0.0f);
                ASSERT_EQ(g[6][i], useDsT ? dsT[i] : 0.0f);
            }
        }
    }
}

std::vector<GradCase> gradCases() {
    std::vector<GradCase> cases;
    for (int64_t N : {16, 32, 64})
        for (int64_t T : {0, 1, 15, 16, 17, 40}) cases.push_back({Wkv7Shape{2, T, 2, N}, T % 2 == 1, T != 16});
    cases.push_back({Wkv7Shape{1, 33, 1, 64}, true, true});
    cases.push_back({Wkv7Shape{3, 50, 3, 64}, false, false});
    // N a multiple of 16 outside 16/32/64: the general AVX2 loops (state in memory).
    cases.push_back({Wkv7Shape{2, 17, 1, 48}, true, true});
    cases.push_back({Wkv7Shape{1, 20, 2, 128}, true, false});
    return cases;
}

INSTANTIATE_TEST_SUITE_P(Shapes, Wkv7CpuGradTest, ::testing::ValuesIn(gradCases()));

TEST(Wkv7CpuGrad, SimdAndPlainAgree) {
    // The same checks through the plain fp32 loops, so both paths stay covered on AVX2 machines.
    const Wkv7Shape s{2, 37, 2, 64};
    const Inputs in = randomInputs(s, 3);
    const size_t n = size_t(s.B * s.T * s.H * s.N), ns = size_t(s.B * s.H * s.N * s.N);
    const size_t nc = size_t(s.B * s.H * pm::kernels::wkv7CheckpointCount(s) * s.N * s.N);
    std::vector<float> dy(in.r.begin(), in.r.end());
    std::vector<float> out[2][9];
    for (int simd = 0; simd < 2; ++simd) {
        pm::kernels::wkv7SetSimdEnabled(simd == 1);
        auto& o = out[simd];
        o[0].resize(n); o[1].resize(ns); o[2].resize(nc);
        for (int i = 3; i < 9; ++i) o[i].resize(n);
        std::vector<float> ds0(ns);
        pm::kernels::wkv7ForwardCpu(s, in.r.data(), in.z.data(), in.k.data(), in.v.data(), in.a.data(),
                                    in.b.data(), in.s0.data(), o[0].data(), o[1].data(), o[2].data());
        pm::kernels::wkv7BackwardCpu(s, in.r.data(), in.z.data(), in.k.data(), in.v.data(), in.a.data(),
                                     in.b.data(), o[2].data(), dy.data(), nullptr,
                                     {o[3].data(), o[4].data(), o[5].data(), o[6].data(), o[7].data(),
                                      o[8].data(), ds0.data()});
    }
    pm::kernels::wkv7SetSimdEnabled(true);
    for (int i = 0; i < 9; ++i) {
        const std::vector<double> ref(out[0][i].begin(), out[0][i].end());
        EXPECT_LT(maxRelError(out[1][i], ref), 1e-5) << i;
    }
}

TEST(Wkv7Decay, StaysInsideTheOpenInterval) {
    // w = exp(-e^{-1/2} σ(z)) ∈ (e^{-e^{-1/2}}, 1) ≈ (0.5453, 1).
    for (float z : {-30.0f, -1.0f, 0.0f, 1.0f, 30.0f}) {
        const float w = pm::kernels::wkv7Decay(z);
        EXPECT_GT(w, 0.5452f);
        EXPECT_LE(w, 1.0f);
    }
    EXPECT_NEAR(pm::kernels::wkv7Decay(0.0f), std::exp(-std::exp(-0.5) / 2), 1e-6);
}

}  // namespace
