// The fused step's kernels without LibTorch (binary step_kernel_tests; also built with
// ThreadSanitizer by scripts/tsan-step.sh): int8 quantisation and its products against float64
// sums written here, thread counts against one thread, and bad inputs. The whole-model int8
// checks against LibTorch live in fast_step_test.cpp.
#include "pianomuse/kernels/rwkv7_step_cpu.h"

#include "../../kernels/cpu/rwkv7_step_ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <thread>
#include <chrono>
#include <vector>

namespace {

using namespace pm::kernels;

std::vector<float> randomVec(size_t n, std::mt19937& rng, float sd = 1.0f) {
    std::normal_distribution<float> d(0.0f, sd);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}

Rwkv7StepMatrix fp32Matrix(int64_t rows, int64_t cols, std::mt19937& rng, float sd) {
    Rwkv7StepMatrix m;
    m.rows = rows;
    m.cols = cols;
    m.f32 = randomVec(size_t(rows * cols), rng, sd);
    return m;
}

// A random model in the step's own layouts (no LibTorch): values of the scale a trained model has.
Rwkv7StepWeights randomWeights(const Rwkv7StepShape& s, uint32_t seed) {
    std::mt19937 rng(seed);
    const int64_t C = s.embd, V = s.vocab, F = s.ffn;
    const float wsd = 1.0f / std::sqrt(float(C));
    Rwkv7StepWeights w;
    w.shape = s;
    w.emb = randomVec(size_t(V * C), rng, 0.5f);
    w.lnOutW = randomVec(size_t(C), rng, 0.2f);
    for (auto& x : w.lnOutW) x += 1;
    w.lnOutB = randomVec(size_t(C), rng, 0.1f);
    w.head = fp32Matrix(V, C, rng, wsd);
    for (int64_t l = 0; l < s.layers; ++l) {
        Rwkv7StepLayer L;
        const auto vec = [&](float mean, float sd) {
            auto v = randomVec(size_t(C), rng, sd);
            for (auto& x : v) x += mean;
            return v;
        };
        if (l == 0) {
            L.ln0w = vec(1, 0.1f);
            L.ln0b = vec(0, 0.1f);
        }
        L.ln1w = vec(1, 0.1f);
        L.ln1b = vec(0, 0.1f);
        L.ln2w = vec(1, 0.1f);
        L.ln2b = vec(0, 0.1f);
        for (auto* v : {&L.xr, &L.xw, &L.xk, &L.xv, &L.xa, &L.xg, &L.ffnXk}) *v = vec(0.5f, 0.2f);
        L.w0 = vec(-1, 0.5f);
        L.a0 = vec(0, 0.5f);
        L.kK = vec(1, 0.1f);
        L.kA = vec(1, 0.1f);
        L.rK = vec(0, 0.1f);
        L.lnxw = vec(1, 0.1f);
        L.lnxb = vec(0, 0.1f);
        L.w1t = randomVec(size_t(s.loraW * C), rng, 0.1f);
        L.w2t = randomVec(size_t(s.loraW * C), rng, 0.1f);
        L.a1t = randomVec(size_t(s.loraA * C), rng, 0.1f);
        L.a2t = randomVec(size_t(s.loraA * C), rng, 0.1f);
        if (l > 0) {
            L.v0 = vec(0, 0.5f);
            L.v1t = randomVec(size_t(s.loraV * C), rng, 0.1f);
            L.v2t = randomVec(size_t(s.loraV * C), rng, 0.1f);
        }
        L.g1t = randomVec(size_t(s.loraG * C), rng, 0.1f);
        L.g2t = randomVec(size_t(s.loraG * C), rng, 0.1f);
        for (auto* m : {&L.wr, &L.wk, &L.wv, &L.wo}) *m = fp32Matrix(C, C, rng, wsd);
        L.ffnKey = fp32Matrix(F, C, rng, wsd);
        L.ffnValueT = fp32Matrix(F, C, rng, 1.0f / std::sqrt(float(F)));
        if (s.deepEmbed) L.enn = vec(1, 0.1f), L.enn.resize(size_t(V * C), 1.0f);
        w.layers.push_back(std::move(L));
    }
    return w;
}

Rwkv7StepShape shape(int64_t V, int64_t C, int64_t L, int64_t N, int64_t F) {
    Rwkv7StepShape s;
    s.vocab = V;
    s.embd = C;
    s.layers = L;
    s.headSize = N;
    s.ffn = F;
    s.loraW = 8;
    s.loraA = 8;
    s.loraV = 4;
    s.loraG = 12;
    return s;
}

std::vector<std::vector<float>> run(Rwkv7StepCpu& step, int tokens, uint32_t seed) {
    std::mt19937 rng(seed);
    Rwkv7StepState st = step.zeroState();
    std::vector<std::vector<float>> out;
    for (int t = 0; t < tokens; ++t) {
        const float* l = step.step(int64_t(rng() % uint32_t(step.shape().vocab)), st);
        out.emplace_back(l, l + step.shape().vocab);
    }
    return out;
}

const step::Ops* tables(int i) { return i == 0 ? &step::plainOps() : step::avx2Ops(); }

// Quantisation: s = max|row|/127, codes in [-127, 127], |W - s·q| ≤ s/2 (round to nearest), the
// row maximum hits ±127 exactly; zero rows get s = 0.
TEST(StepInt8, QuantisationIsSymmetricPerRow) {
    std::mt19937 rng(1);
    Rwkv7StepMatrix m = fp32Matrix(9, 37, rng, 0.3f);
    std::fill(m.f32.begin() + 3 * 37, m.f32.begin() + 4 * 37, 0.0f);   // row 3: zeros
    const std::vector<float> orig = m.f32;
    ASSERT_TRUE(rwkv7QuantizeInt8(m));
    ASSERT_TRUE(m.f32.empty());
    ASSERT_EQ(m.i8.size(), orig.size());
    ASSERT_EQ(m.scale.size(), 9u);
    EXPECT_EQ(m.scale[3], 0.0f);
    for (int64_t r = 0; r < 9; ++r) {
        double amax = 0;
        for (int64_t c = 0; c < 37; ++c) amax = std::max(amax, std::fabs(double(orig[size_t(r * 37 + c)])));
        EXPECT_NEAR(m.scale[size_t(r)], amax / 127, 1e-7 * amax);
        bool hit = amax == 0;
        for (int64_t c = 0; c < 37; ++c) {
            const int q = m.i8[size_t(r * 37 + c)];
            EXPECT_GE(q, -127);
            EXPECT_LE(q, 127);
            hit = hit || std::abs(q) == 127;
            EXPECT_LE(std::fabs(double(m.scale[size_t(r)]) * q - orig[size_t(r * 37 + c)]),
                      0.5 * m.scale[size_t(r)] * (1 + 1e-5) + 1e-12);
        }
        EXPECT_TRUE(hit) << "row " << r;
    }
}

TEST(StepInt8, NonFiniteAndEmptyMatrices) {
    std::mt19937 rng(2);
    Rwkv7StepMatrix m = fp32Matrix(4, 8, rng, 1.0f);
    m.f32[5] = std::numeric_limits<float>::quiet_NaN();
    const std::vector<float> before = m.f32;
    EXPECT_FALSE(rwkv7QuantizeInt8(m));   // unchanged, still fp32
    EXPECT_TRUE(m.i8.empty());
    EXPECT_EQ(std::memcmp(before.data(), m.f32.data(), before.size() * 4), 0);
    m.f32[5] = std::numeric_limits<float>::infinity();
    EXPECT_FALSE(rwkv7QuantizeInt8(m));
    Rwkv7StepMatrix empty;
    EXPECT_TRUE(rwkv7QuantizeInt8(empty));
    EXPECT_TRUE(empty.i8.empty());
    // A subnormal row's scale would underflow: it counts as zeros.
    Rwkv7StepMatrix tiny;
    tiny.rows = 1;
    tiny.cols = 2;
    tiny.f32 = {std::numeric_limits<float>::denorm_min(), -std::numeric_limits<float>::denorm_min()};
    ASSERT_TRUE(rwkv7QuantizeInt8(tiny));
    EXPECT_EQ(tiny.scale[0], 0.0f);
}

// The int8 products against float64 sums over the dequantised values (s·q), and against the
// original fp32 matrix within the rounding bound Σ_c |x_c| · s_r / 2.
TEST(StepInt8, ProductsMatchFloat64AndTheQuantisationBound) {
    std::mt19937 rng(3);
    for (const int64_t cols : {5, 8, 64, 77, 256}) {
        const int64_t rows = 13;
        Rwkv7StepMatrix m = fp32Matrix(rows, cols, rng, 0.2f);
        const std::vector<float> orig = m.f32;
        ASSERT_TRUE(rwkv7QuantizeInt8(m));
        const std::vector<float> x = randomVec(size_t(cols), rng);
        for (int ti = 0; ti < 2; ++ti) {
            const step::Ops* op = tables(ti);
            if (!op) continue;
            std::vector<float> y(static_cast<size_t>(rows));
            op->matvecI8(rows, cols, m.i8.data(), m.scale.data(), x.data(), y.data());
            for (int64_t r = 0; r < rows; ++r) {
                double deq = 0, ref = 0, absSum = 0;
                for (int64_t c = 0; c < cols; ++c) {
                    deq += double(m.scale[size_t(r)]) * m.i8[size_t(r * cols + c)] * x[size_t(c)];
                    ref += double(orig[size_t(r * cols + c)]) * x[size_t(c)];
                    absSum += std::fabs(x[size_t(c)]);
                }
                EXPECT_NEAR(y[size_t(r)], deq, 1e-5 * (1 + absSum * m.scale[size_t(r)] * 127)) << cols;
                EXPECT_LE(std::fabs(y[size_t(r)] - ref), 0.5 * m.scale[size_t(r)] * absSum * (1 + 1e-4) + 1e-5);
            }
            // The sparse sum (scales folded into h by the caller), over a column block.
            const std::vector<int32_t> idx = {0, 2, 3, 7, 8, 12};
            std::vector<float> h = randomVec(size_t(rows), rng), hs(h.size());
            for (size_t f = 0; f < h.size(); ++f) hs[f] = h[f] * m.scale[f];
            const int64_t c0 = cols > 8 ? 8 : 0, n = cols - c0;
            std::vector<float> ys(static_cast<size_t>(n));
            op->sparseRowsSumI8(idx.data(), int64_t(idx.size()), n, cols, m.i8.data() + c0, hs.data(), ys.data());
            for (int64_t c = 0; c < n; ++c) {
                double deq = 0, mag = 0;
                for (const int32_t f : idx) {
                    deq += double(h[size_t(f)]) * m.scale[size_t(f)] * m.i8[size_t(f * cols + c0 + c)];
                    mag += std::fabs(h[size_t(f)]) * m.scale[size_t(f)] * 127;
                }
                EXPECT_NEAR(ys[size_t(c)], deq, 1e-5 * (1 + mag));
            }
        }
    }
}

// The fp32/bf16 sparse sum's new row-streaming order against float64 (issue 15's AVX2 fix).
TEST(StepKernels, SparseRowsSumMatchesFloat64) {
    std::mt19937 rng(4);
    const int64_t F = 50, cols = 300;
    const std::vector<float> WT = randomVec(size_t(F * cols), rng), h = randomVec(size_t(F), rng);
    std::vector<int32_t> idx;
    for (int32_t f = 0; f < F; f += 1 + int32_t(rng() % 3)) idx.push_back(f);
    for (int ti = 0; ti < 2; ++ti) {
        const step::Ops* op = tables(ti);
        if (!op) continue;
        std::vector<float> y(size_t(cols), 99.0f);
        op->sparseRowsSum(idx.data(), int64_t(idx.size()), cols, cols, WT.data(), h.data(), y.data());
        for (int64_t c = 0; c < cols; ++c) {
            double ref = 0, mag = 0;
            for (const int32_t f : idx) {
                ref += double(h[size_t(f)]) * WT[size_t(f * cols + c)];
                mag += std::fabs(double(h[size_t(f)]) * WT[size_t(f * cols + c)]);
            }
            EXPECT_NEAR(y[size_t(c)], ref, 1e-6 * mag + 1e-7) << "table " << ti << " column " << c;
        }
    }
}

// Splitting over threads computes every output with the same instructions in the same order:
// the logits are bit-identical to one thread (plain and AVX2; fp32, bf16 and int8 storage; an
// odd shape; every region split, with 2 and 3 threads).
TEST(StepThreads, ResultsAreBitIdenticalToOneThread) {
    for (const Rwkv7StepShape& sh : {shape(70, 128, 2, 32, 512), shape(37, 36, 3, 12, 100)}) {
        for (const auto mode : {Rwkv7WeightMode::Exact, Rwkv7WeightMode::Bf16, Rwkv7WeightMode::Int8}) {
            for (const bool simd : {true, false}) {
                rwkv7StepSetSimdEnabled(simd);
                Rwkv7StepWeights w = randomWeights(sh, 5);
                ASSERT_EQ(rwkv7StepConvertWeights(w, mode), 0);
                Rwkv7StepOptions o1;
                o1.loraBf16 = mode == Rwkv7WeightMode::Int8;
                Rwkv7StepCpu one(w, o1);
                const auto ref = run(one, 40, 6);
                for (const int threads : {2, 3}) {
                    Rwkv7StepOptions o = o1;
                    o.threads = threads;
                    o.minParallelBytes = 0;
                    Rwkv7StepCpu many(w, o);
                    EXPECT_EQ(many.threads(), threads);
                    const auto got = run(many, 40, 6);
                    for (size_t t = 0; t < got.size(); ++t)
                        ASSERT_EQ(std::memcmp(got[t].data(), ref[t].data(), got[t].size() * sizeof(float)), 0)
                            << "C" << sh.embd << " mode " << int(mode) << (simd ? " avx2" : " plain") << " threads "
                            << threads << " token " << t;
                }
                rwkv7StepSetSimdEnabled(true);
            }
        }
    }
}

// Many steps objects and steps in a row: the pool starts, sleeps between tokens and stops cleanly.
TEST(StepThreads, PoolSurvivesIdleGapsAndDestruction) {
    Rwkv7StepWeights w = randomWeights(shape(50, 64, 1, 16, 128), 7);
    Rwkv7StepOptions o;
    o.threads = 2;
    o.minParallelBytes = 0;
    for (int rep = 0; rep < 5; ++rep) {
        Rwkv7StepCpu step(w, o);
        Rwkv7StepState st = step.zeroState();
        for (int t = 0; t < 3; ++t) {
            step.step(t, st);
            if (rep == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));   // workers asleep
        }
    }
    Rwkv7StepCpu never(w, o);   // built and destroyed without a step
}

TEST(StepWeights, BadMatricesAreRefusedOrKept) {
    const Rwkv7StepShape sh = shape(30, 32, 1, 16, 64);
    Rwkv7StepWeights w = randomWeights(sh, 8);
    // An int8 matrix whose scales are missing is refused at construction.
    Rwkv7StepWeights bad = w;
    ASSERT_TRUE(rwkv7QuantizeInt8(bad.layers[0].wr));
    bad.layers[0].wr.scale.pop_back();
    EXPECT_THROW(Rwkv7StepCpu{bad}, std::invalid_argument);
    // Two storages at once are refused.
    bad = w;
    bad.layers[0].wk.i8.assign(size_t(32 * 32), 0);
    bad.layers[0].wk.scale.assign(32, 0.0f);
    EXPECT_THROW(Rwkv7StepCpu{bad}, std::invalid_argument);
    // All-zero matrices (scale 0 everywhere) and a NaN weight: converted where possible, then steps
    // without a crash; the zero matrix gives exactly the fp32 model's logits.
    Rwkv7StepWeights zero = w;
    std::fill(zero.layers[0].ffnValueT.f32.begin(), zero.layers[0].ffnValueT.f32.end(), 0.0f);
    std::fill(zero.layers[0].wo.f32.begin(), zero.layers[0].wo.f32.end(), 0.0f);
    Rwkv7StepWeights zeroI8 = zero;
    ASSERT_EQ(rwkv7StepConvertWeights(zeroI8, Rwkv7WeightMode::Int8), 0);
    EXPECT_EQ(zeroI8.layers[0].wo.scale, std::vector<float>(32, 0.0f));
    Rwkv7StepCpu a(zero), b(zeroI8);
    Rwkv7StepState sa = a.zeroState(), sb = b.zeroState();
    for (int t = 0; t < 5; ++t) {
        const float* la = a.step(t, sa);
        const std::vector<float> ra(la, la + sh.vocab);
        const float* lb = b.step(t, sb);
        for (int64_t v = 0; v < sh.vocab; ++v) EXPECT_TRUE(std::isfinite(lb[v]));
        // Only the head and r/k/v/key are quantised here; the logits stay close.
        double worst = 0, scale = 0;
        for (int64_t v = 0; v < sh.vocab; ++v) {
            worst = std::max(worst, double(std::fabs(lb[v] - ra[size_t(v)])));
            scale = std::max(scale, double(std::fabs(ra[size_t(v)])));
        }
        EXPECT_LT(worst, 0.05 * scale + 1e-3);
    }
    Rwkv7StepWeights nan = w;
    nan.layers[0].wv.f32[3] = std::numeric_limits<float>::quiet_NaN();
    EXPECT_EQ(rwkv7StepConvertWeights(nan, Rwkv7WeightMode::Int8), 1);   // that matrix stays fp32
    EXPECT_FALSE(nan.layers[0].wv.f32.empty());
    Rwkv7StepOptions o;
    o.threads = 2;
    Rwkv7StepCpu c(nan, o);
    Rwkv7StepState sc = c.zeroState();
    EXPECT_NO_THROW(c.step(1, sc));
    Rwkv7StepState wrong;
    EXPECT_THROW(c.step(1, wrong), std::invalid_argument);
    EXPECT_THROW(c.step(sh.vocab, sc), std::out_of_range);
}

}  // namespace
