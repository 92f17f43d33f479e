// The loss path against plain LibTorch references: chunked cross-entropy over sliced positions
// gives the same loss and the same gradients as cross_entropy on the full [B, T, V] logits;
// continuation-only equals the full loss restricted to the completion tokens; the chunk size
// changes nothing but memory; L2Wrap adds exactly factor·max to the arg-max logit's gradient.
#include "train/loss.h"

#include "train_fixture.h"

#include <gtest/gtest.h>

namespace {

using torch::Tensor;
namespace F = torch::nn::functional;

struct LossCase {
    pm::model::Rwkv7Model model{nullptr};
    Tensor inputs, targets, mask;
};

LossCase makeCase(bool lastHalfOnly) {
    torch::manual_seed(3);
    LossCase s;
    pm::model::Rwkv7Config c = pm::test::microConfig(40);
    s.model = pm::model::Rwkv7Model(c);
    s.model->initWeights(7);
    // Official init zeroes att.output and ffn.value; random weights make every gradient nonzero.
    {
        torch::NoGradGuard ng;
        for (auto& p : s.model->parameters()) p.add_(torch::randn_like(p) * 0.05);
    }
    const int64_t B = 3, T = 16;
    s.inputs = torch::randint(1, 40, {B, T}, torch::kLong);
    s.targets = torch::randint(1, 40, {B, T}, torch::kLong);
    s.mask = torch::ones({B, T});
    s.mask[2].narrow(0, 10, 6).zero_();   // padding at the end of the last row
    if (lastHalfOnly) s.mask.narrow(1, 0, 8).zero_();
    return s;
}

std::map<std::string, Tensor> grads(pm::model::Rwkv7Model& m) {
    std::map<std::string, Tensor> g;
    for (const auto& item : m->named_parameters()) g[item.key()] = item.value().grad().clone();
    return g;
}

// Plain reference: the full logits, per-position CE, masked mean.
double referenceLoss(LossCase& s) {
    for (auto& p : s.model->parameters()) p.mutable_grad() = Tensor();
    const Tensor logits = s.model->forward(s.inputs);
    const Tensor nll = F::cross_entropy(logits.reshape({-1, logits.size(-1)}), s.targets.reshape(-1),
                                        F::CrossEntropyFuncOptions().reduction(torch::kNone));
    const Tensor loss = (nll * s.mask.reshape(-1)).sum() / s.mask.sum();
    loss.backward();
    return loss.item<double>();
}

double chunkedLoss(LossCase& s, int64_t chunkRows, double l2wrap = 0) {
    for (auto& p : s.model->parameters()) p.mutable_grad() = Tensor();
    const Tensor hidden = s.model->forwardHidden(s.inputs);
    pm::train::LossOptions o;
    o.chunkRows = chunkRows;
    o.l2wrapCoef = l2wrap;
    return pm::train::lossBackward(s.model, hidden, s.targets, s.mask, 1.0, o).mean();
}

void expectSameGrads(const std::map<std::string, Tensor>& a, const std::map<std::string, Tensor>& b) {
    for (const auto& [name, g] : a) {
        ASSERT_TRUE(g.defined()) << name;
        ASSERT_TRUE(b.at(name).defined()) << name;
        const double scale = std::max(1e-6, g.abs().max().item<double>());
        EXPECT_LT((g - b.at(name)).abs().max().item<double>(), 1e-5 * scale + 1e-7) << name;
    }
}

TEST(TrainLoss, ChunkedCrossEntropyEqualsPlainIncludingGradients) {
    LossCase s = makeCase(false);
    const double ref = referenceLoss(s);
    const auto refGrads = grads(s.model);
    for (int64_t chunk : {5, 7, 4096}) {
        const double got = chunkedLoss(s, chunk);
        EXPECT_NEAR(got, ref, 1e-5 * std::abs(ref)) << "chunk " << chunk;
        expectSameGrads(refGrads, grads(s.model));
    }
    for (const auto& [name, g] : refGrads) EXPECT_GT(g.abs().sum().item<double>(), 0.0) << name << " got no gradient";
}

TEST(TrainLoss, ContinuationOnlyIsTheFullLossRestrictedToTheCompletion) {
    LossCase s = makeCase(true);
    const double ref = referenceLoss(s);
    const auto refGrads = grads(s.model);
    EXPECT_NEAR(chunkedLoss(s, 6), ref, 1e-5 * std::abs(ref));
    expectSameGrads(refGrads, grads(s.model));

    // And explicitly: the per-position NLL of the full model, averaged over completion positions.
    torch::NoGradGuard ng;
    const Tensor logits = s.model->forward(s.inputs);
    const Tensor nll = F::cross_entropy(logits.reshape({-1, 40}), s.targets.reshape(-1),
                                        F::CrossEntropyFuncOptions().reduction(torch::kNone)).reshape({3, 16});
    double sum = 0;
    int n = 0;
    for (int b = 0; b < 3; ++b)
        for (int t = 8; t < 16; ++t)
            if (!(b == 2 && t >= 10)) sum += nll[b][t].item<double>(), ++n;
    EXPECT_NEAR(ref, sum / n, 1e-5);
    const Tensor hidden = s.model->forwardHidden(s.inputs);
    EXPECT_NEAR(pm::train::lossNoGrad(s.model, hidden, s.targets, s.mask, 3).mean(), sum / n, 1e-5);
}

TEST(TrainLoss, L2WrapAddsFactorTimesMaxToTheArgmaxLogitGradient) {
    LossCase s = makeCase(false);
    const double coef = 1e-2;   // large, so the effect is far above float noise
    // Reference: CE backward, plus a hand-built logit gradient (the official L2Wrap backward).
    for (auto& p : s.model->parameters()) p.mutable_grad() = Tensor();
    const Tensor logits = s.model->forward(s.inputs);
    const Tensor flat = logits.reshape({-1, 40});
    const Tensor nll = F::cross_entropy(flat, s.targets.reshape(-1), F::CrossEntropyFuncOptions().reduction(torch::kNone));
    const Tensor m = s.mask.reshape(-1);
    const Tensor loss = (nll * m).sum() / m.sum();
    Tensor extra = torch::zeros_like(flat);
    {
        torch::NoGradGuard ng;
        auto mx = flat.max(-1, true);
        // Only positions in the loss pass through our head (logit slicing), so only they get it.
        extra.scatter_(-1, std::get<1>(mx), std::get<0>(mx) * coef / double(3 * 16) * m.unsqueeze(1));
    }
    torch::autograd::backward({loss, flat}, {torch::ones({}), extra});
    const auto refGrads = grads(s.model);
    chunkedLoss(s, 5, coef);
    expectSameGrads(refGrads, grads(s.model));
}

TEST(TrainLoss, RowShardsReturnTheWholeBatchGradientsWithoutTouchingGrad) {
    // lossGradients per row shard (as the trainer's threads run it), summed, against
    // lossBackward on the whole batch: loss and every gradient (L2Wrap on, several chunks), and
    // the parameters' .grad stays as it was.
    LossCase s = makeCase(false);
    const double coef = 1e-2;
    chunkedLoss(s, 5, coef);
    const auto refGrads = grads(s.model);
    std::vector<Tensor> params;
    std::vector<std::string> names;
    for (const auto& item : s.model->named_parameters()) {
        names.push_back(item.key());
        params.push_back(item.value());
        item.value().mutable_grad() = Tensor();
    }
    const double counted = s.mask.sum().item<double>();
    const double l2Factor = coef / double(3 * 16);   // the whole batch's B·T
    std::vector<Tensor> sums(params.size());
    double nll = 0;
    for (const auto& [r0, r1] : std::vector<std::pair<int64_t, int64_t>>{{0, 1}, {1, 3}}) {
        const Tensor hidden = s.model->forwardHidden(s.inputs.narrow(0, r0, r1 - r0));
        const Tensor mask = s.mask.narrow(0, r0, r1 - r0);
        std::vector<Tensor> shard;
        nll += pm::train::lossGradients(s.model, hidden, s.targets.narrow(0, r0, r1 - r0), mask,
                                        mask.sum().item<double>() / counted, l2Factor, 5, params, shard).nllSum;
        for (std::size_t i = 0; i < params.size(); ++i)
            if (shard[i].defined()) sums[i] = sums[i].defined() ? sums[i] + shard[i] : shard[i];
    }
    for (const Tensor& p : params) EXPECT_FALSE(p.grad().defined());
    std::map<std::string, Tensor> got;
    for (std::size_t i = 0; i < params.size(); ++i) got[names[i]] = sums[i];
    expectSameGrads(refGrads, got);
    LossCase again = makeCase(false);
    EXPECT_NEAR(nll / counted, referenceLoss(again), 1e-5);
}

}  // namespace
