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
