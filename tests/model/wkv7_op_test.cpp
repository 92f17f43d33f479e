// The WKV7 operator (CPU kernels + autograd function) against the naive per-timestep recurrence
// run in float64 with LibTorch autograd: outputs, final state and all seven gradients.
#include "ops/wkv7_op.h"

#include "pianomuse/kernels/wkv7.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <vector>

namespace {

using torch::Tensor;

struct Case {
    int64_t B, T, H, N;
    bool withS0;
};

struct Inputs {
    std::vector<Tensor> x;   // r, z, k, v, a, b, s0 in float64
};

// Inputs shaped like the model's: a = -kk, b = kk·iclr with kk unit-norm per head, iclr ∈ (0,1).
Inputs makeInputs(const Case& c, uint64_t seed) {
    torch::manual_seed(seed);
    const auto o = torch::TensorOptions().dtype(torch::kDouble);
    Tensor r = torch::randn({c.B, c.T, c.H, c.N}, o), z = torch::randn({c.B, c.T, c.H, c.N}, o) * 2,
           k = torch::randn({c.B, c.T, c.H, c.N}, o), v = torch::randn({c.B, c.T, c.H, c.N}, o);
    Tensor kk = torch::randn({c.B, c.T, c.H, c.N}, o);
    kk = kk / kk.norm(2, -1, true);
    Tensor iclr = torch::sigmoid(torch::randn({c.B, c.T, c.H, c.N}, o));
    Tensor s0 = c.withS0 ? torch::randn({c.B, c.H, c.N, c.N}, o) * 0.3 : Tensor();
    return {{r, z, k, v, -kk, kk * iclr, s0}};
}

// max |got - want| / max |want|: fp32 sums of N products lose relative precision on small
// elements, so the error is measured against the tensor's scale.
double relErr(const Tensor& got, const Tensor& want) {
    const double scale = std::max(want.abs().max().item<double>(), 1e-30);
    return (got.to(torch::kDouble) - want).abs().max().item<double>() / scale;
}

struct OpRun {
    Tensor y, sT;
    std::vector<Tensor> grads;   // r, z, k, v, a, b, s0
};

template <typename Fn>
OpRun runWith(Fn fn, const Inputs& in, torch::ScalarType dt, const Tensor& dy, const Tensor& dsT) {
    std::vector<Tensor> leaves;
    for (const Tensor& t : in.x) leaves.push_back(t.defined() ? t.to(dt).detach().requires_grad_(true) : Tensor());
    auto res = fn(leaves[0], leaves[1], leaves[2], leaves[3], leaves[4], leaves[5], leaves[6]);
    Tensor loss = (res.y.to(torch::kDouble) * dy).sum() + (res.state.to(torch::kDouble) * dsT).sum();
    loss.backward();
    OpRun out{res.y.detach(), res.state.detach(), {}};
    for (const Tensor& l : leaves) out.grads.push_back(l.defined() ? l.grad() : Tensor());
    return out;
}

class Wkv7OpTest : public ::testing::TestWithParam<Case> {};

// Both the AVX2 loops (N a multiple of 16 on a capable CPU) and the plain loops.
TEST_P(Wkv7OpTest, Fp32KernelMatchesFloat64AutogradWithin1e5) {
    const Case c = GetParam();
    for (const bool simd : {true, false}) {
        pm::kernels::wkv7SetSimdEnabled(simd);
        const Inputs in = makeInputs(c, 7);
        const Tensor dy = torch::randn({c.B, c.T, c.H, c.N}, torch::kDouble);
        const Tensor dsT = torch::randn({c.B, c.H, c.N, c.N}, torch::kDouble);
        const OpRun ref = runWith(pm::ops::wkv7Naive, in, torch::kDouble, dy, dsT);
        const OpRun got = runWith(pm::ops::wkv7, in, torch::kFloat, dy, dsT);
        EXPECT_EQ(got.y.scalar_type(), torch::kFloat);
        EXPECT_LT(relErr(got.y, ref.y), 1e-5) << "y";
        EXPECT_LT(relErr(got.sT, ref.sT), 1e-5) << "final state";
        const char* names[] = {"dr", "dz", "dk", "dv", "da", "db", "ds0"};
        double worstGrad = 0;
        for (size_t i = 0; i < 7; ++i) {
            if (!ref.grads[i].defined()) {
                EXPECT_FALSE(got.grads[i].defined());
                continue;
            }
            ASSERT_TRUE(got.grads[i].defined()) << names[i];
            const double e = relErr(got.grads[i], ref.grads[i]);
            worstGrad = std::max(worstGrad, e);
            EXPECT_LT(e, 1e-5) << names[i];
        }
        std::printf("[wkv7 fp32 %s B=%lld T=%lld H=%lld N=%lld s0=%d] rel err y %.2e, state %.2e, worst grad %.2e\n",
                    simd ? "simd " : "plain", (long long)c.B, (long long)c.T, (long long)c.H, (long long)c.N, int(c.withS0),
                    relErr(got.y, ref.y), relErr(got.sT, ref.sT), worstGrad);
    }
    pm::kernels::wkv7SetSimdEnabled(true);
}

TEST_P(Wkv7OpTest, Fp64KernelMatchesFloat64AutogradExactly) {
    const Case c = GetParam();
    const Inputs in = makeInputs(c, 11);
    const Tensor dy = torch::randn({c.B, c.T, c.H, c.N}, torch::kDouble);
    const Tensor dsT = torch::randn({c.B, c.H, c.N, c.N}, torch::kDouble);
    const OpRun ref = runWith(pm::ops::wkv7Naive, in, torch::kDouble, dy, dsT);
    const OpRun got = runWith(pm::ops::wkv7, in, torch::kDouble, dy, dsT);
    EXPECT_LT(relErr(got.y, ref.y), 1e-12);
    EXPECT_LT(relErr(got.sT, ref.sT), 1e-12);
    for (size_t i = 0; i < 7; ++i) {
        if (ref.grads[i].defined()) {
            EXPECT_LT(relErr(got.grads[i], ref.grads[i]), 1e-12) << i;
        }
    }
}

// T values that are not multiples of the 16-step checkpoint interval, and ones that are.
INSTANTIATE_TEST_SUITE_P(Shapes, Wkv7OpTest,
                         ::testing::Values(Case{1, 1, 1, 4, true}, Case{2, 37, 3, 8, true},
                                           Case{2, 16, 1, 16, false}, Case{3, 5, 2, 32, true},
                                           Case{1, 50, 2, 64, true}, Case{2, 33, 1, 64, false}));

TEST(Wkv7Op, ThreadCountDoesNotChangeResults) {
    const Case c{3, 21, 2, 16, true};
    const Inputs in = makeInputs(c, 3);
    const Tensor dy = torch::randn({c.B, c.T, c.H, c.N}, torch::kDouble);
    const Tensor dsT = torch::randn({c.B, c.H, c.N, c.N}, torch::kDouble);
    const int before = torch::get_num_threads();
    torch::set_num_threads(1);
    const OpRun one = runWith(pm::ops::wkv7, in, torch::kFloat, dy, dsT);
    torch::set_num_threads(2);
    const OpRun two = runWith(pm::ops::wkv7, in, torch::kFloat, dy, dsT);
    torch::set_num_threads(before);
    EXPECT_TRUE(torch::equal(one.y, two.y));
    for (size_t i = 0; i < 7; ++i) EXPECT_TRUE(torch::equal(one.grads[i], two.grads[i])) << i;
}

TEST(Wkv7Op, Bf16InputsKeepTheirDtypeAndFp32State) {
    const Case c{1, 9, 2, 8, true};
    const Inputs in = makeInputs(c, 5);
    std::vector<Tensor> x;
    for (size_t i = 0; i < 6; ++i) x.push_back(in.x[i].to(torch::kBFloat16).requires_grad_(true));
    Tensor s0 = in.x[6].to(torch::kFloat).requires_grad_(true);
    auto res = pm::ops::wkv7(x[0], x[1], x[2], x[3], x[4], x[5], s0);
    EXPECT_EQ(res.y.scalar_type(), torch::kBFloat16);
    EXPECT_EQ(res.state.scalar_type(), torch::kFloat);
    (res.y.to(torch::kFloat).sum() + res.state.sum()).backward();
    EXPECT_EQ(x[1].grad().scalar_type(), torch::kBFloat16);
    EXPECT_EQ(s0.grad().scalar_type(), torch::kFloat);
    // Same values as the fp32 computation on the bf16-rounded inputs.
    std::vector<Tensor> xf;
    for (size_t i = 0; i < 6; ++i) xf.push_back(x[i].detach().to(torch::kFloat));
    auto ref = pm::ops::wkv7(xf[0], xf[1], xf[2], xf[3], xf[4], xf[5], s0.detach());
    EXPECT_TRUE(torch::allclose(res.state, ref.state));
}

TEST(Wkv7Op, RejectsMismatchedShapes) {
    Tensor r = torch::randn({1, 4, 2, 8}), bad = torch::randn({1, 4, 2, 7});
    EXPECT_THROW(pm::ops::wkv7(r, r, r, r, r, bad), c10::Error);
    EXPECT_THROW(pm::ops::wkv7(r, r, r, r, r, r, torch::zeros({1, 2, 8, 7})), c10::Error);
}

}  // namespace
