// pm::ops::wkv7 on CUDA tensors (the binding in engine/ops/wkv7_cuda_binding.cpp) vs the same op on
// CPU, operator level and whole model. Built only with a CUDA LibTorch; skipped without a device.
//
// The CUDA path computes from bf16 inputs; the CPU reference gets the same bf16-rounded values
// (converted to fp32), so at operator level the only differences are summation order and the
// bf16 rounding of y and the input gradients:
//   fp32 (final state, ds0): |d| ≤ 1e-4·max|ref|;  bf16 (y, dr … db): |d| ≤ 1e-2·|ref| + 2e-3·max|ref|.
// The whole-model check runs an fp32 model on both devices: there the CUDA WKV sees bf16-rounded
// activations, so logits agree to 3e-2·max|logits| and each parameter gradient to a relative norm of 5e-2.
#include "model/rwkv7_model.h"
#include "ops/wkv7_op.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace pm::ops {
namespace {

using torch::Tensor;

#define SKIP_WITHOUT_CUDA() \
    if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device: WKV7 CUDA binding built but not run"

void expectClose(const char* name, const Tensor& got, const Tensor& ref, double rtol, double atolOfMax) {
    const Tensor g = got.detach().to(torch::kCPU, torch::kDouble), r = ref.detach().to(torch::kCPU, torch::kDouble);
    ASSERT_EQ(g.sizes(), r.sizes()) << name;
    const double maxRef = r.abs().max().item<double>();
    const Tensor tol = atolOfMax * maxRef + 1e-30 + rtol * r.abs();
    const Tensor bad = ((g - r).abs() > tol) | g.isnan();
    const int64_t nBad = bad.sum().item<int64_t>();
    if (nBad) {
        const Tensor idx = bad.flatten().nonzero().flatten().slice(0, 0, 5);
        for (int64_t e = 0; e < idx.size(0); ++e) {
            const int64_t i = idx[e].item<int64_t>();
            ADD_FAILURE() << name << " mismatch at flat index " << i << ": cuda " << g.flatten()[i].item<double>()
                          << " cpu " << r.flatten()[i].item<double>();
        }
    }
    EXPECT_EQ(nBad, 0) << name << ": " << nBad << " of " << r.numel() << " outside tolerance (max|ref| " << maxRef
                       << ")";
}

struct OpCase {
    int64_t B, T, H, N;
    bool s0;
};

void runOpCase(const OpCase& c) {
    SCOPED_TRACE("B=" + std::to_string(c.B) + " T=" + std::to_string(c.T) + " H=" + std::to_string(c.H) +
                 " N=" + std::to_string(c.N) + " s0=" + std::to_string(c.s0));
    torch::manual_seed(42 + c.T);
    const auto bf = [&](Tensor t) { return t.to(torch::kBFloat16).to(torch::kFloat); };
    const std::vector<int64_t> shape{c.B, c.T, c.H, c.N};
    Tensor kk = torch::randn(shape);
    kk = kk / kk.norm(2, -1, true);
    std::vector<Tensor> in = {bf(torch::rand(shape) * 2 - 1), bf(torch::randn(shape) * 2), bf(torch::rand(shape) * 2 - 1),
                              bf(torch::rand(shape) * 2 - 1), bf(-kk), bf(kk * torch::rand(shape))};
    Tensor s0 = c.s0 ? torch::rand({c.B, c.H, c.N, c.N}) - 0.5 : Tensor();
    const Tensor dy = bf(torch::rand(shape) * 2 - 1), dsT = torch::rand({c.B, c.H, c.N, c.N}) * 0.2 - 0.1;

    const auto run = [&](torch::Device dev, torch::Dtype dtype) {
        std::vector<Tensor> x;
        for (const Tensor& t : in) x.push_back(t.to(dev, dtype).detach().requires_grad_(true));
        Tensor s = c.s0 ? s0.to(dev).detach().requires_grad_(true) : Tensor();
        Wkv7Result out = wkv7(x[0], x[1], x[2], x[3], x[4], x[5], s);
        const Tensor loss = (out.y.to(torch::kFloat) * dy.to(dev)).sum() + (out.state * dsT.to(dev)).sum();
        loss.backward();
        std::vector<Tensor> res = {out.y, out.state};
        for (const Tensor& t : x) res.push_back(t.grad());
        if (c.s0) res.push_back(s.grad());
        return res;
    };
    const std::vector<Tensor> ref = run(torch::kCPU, torch::kFloat);
    const std::vector<Tensor> got = run(torch::Device(torch::kCUDA, 0), torch::kBFloat16);
    const char* names[] = {"y", "state", "dr", "dz", "dk", "dv", "da", "db", "ds0"};
    for (size_t e = 0; e < ref.size(); ++e) {
        const bool fp32 = e == 1 || e == 8;
        expectClose(names[e], got[e], ref[e], fp32 ? 0.0 : 1e-2, fp32 ? 1e-4 : 2e-3);
    }
    EXPECT_EQ(got[0].scalar_type(), torch::kBFloat16);
    EXPECT_EQ(got[1].scalar_type(), torch::kFloat);
}

TEST(Wkv7CudaOp, MatchesCpuOperator) {
    SKIP_WITHOUT_CUDA();
    for (const OpCase& c : {OpCase{1, 1, 1, 64, false}, OpCase{2, 37, 3, 64, true}, OpCase{1, 50, 2, 32, true},
                            OpCase{2, 20, 1, 128, false}})
        runOpCase(c);
}

TEST(Wkv7CudaOp, RejectsUnsupportedHeadSize) {
    SKIP_WITHOUT_CUDA();
    const Tensor x = torch::zeros({1, 4, 1, 48}, torch::TensorOptions(torch::kCUDA).dtype(torch::kBFloat16));
    EXPECT_THROW(wkv7(x, x, x, x, x, x), c10::Error);
}

TEST(Wkv7CudaOp, WholeModelLogitsAndGradients) {
    SKIP_WITHOUT_CUDA();
    torch::manual_seed(7);
    model::Rwkv7Model cpu(model::Rwkv7Config::preset("tiny", 256));
    cpu->initWeights(3);
    model::Rwkv7Model gpu(model::Rwkv7Config::preset("tiny", 256));
    {
        torch::NoGradGuard ng;
        auto src = cpu->named_parameters();
        for (auto& p : gpu->named_parameters()) p.value().copy_(src[p.key()]);
    }
    gpu->to(torch::kCUDA);
    const Tensor tokens = torch::randint(0, 256, {2, 45}, torch::kLong);
    const auto lossOf = [&](model::Rwkv7Model& m, torch::Device dev, Tensor* logitsOut) {
        const Tensor logits = m->forward(tokens.to(dev));
        *logitsOut = logits;
        return torch::nn::functional::cross_entropy(logits.slice(1, 0, -1).reshape({-1, 256}),
                                                    tokens.slice(1, 1).reshape({-1}).to(dev));
    };
    Tensor lc, lg;
    lossOf(cpu, torch::kCPU, &lc).backward();
    lossOf(gpu, torch::Device(torch::kCUDA, 0), &lg).backward();
    const double logitErr = ((lg.cpu() - lc).abs().max() / lc.abs().max()).item<double>();
    EXPECT_LT(logitErr, 3e-2) << "max |logits difference| / max |logits|";
    auto gp = gpu->named_parameters();
    for (const auto& p : cpu->named_parameters()) {
        const Tensor gc = p.value().grad(), gg = gp[p.key()].grad();
        if (!gc.defined()) continue;
        ASSERT_TRUE(gg.defined()) << p.key();
        const double ref = gc.norm().item<double>();
        if (ref == 0) continue;
        EXPECT_LT((gg.cpu() - gc).norm().item<double>() / ref, 5e-2) << p.key();
    }
}

}  // namespace
}  // namespace pm::ops
