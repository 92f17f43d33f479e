// Whole-model gradients: autograd (through our WKV7 backward, run in float64) against central
// finite differences on a tiny model with DeepEmbed and a trainable initial state; plus the
// parameter inventory, initialisation, LoRA and state tuning behaviour.
#include "model/rwkv7_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

namespace {

using pm::model::Rwkv7Config;
using pm::model::Rwkv7Model;
using torch::Tensor;

Rwkv7Config tinyConfig(bool deepEmbed) {
    Rwkv7Config c;
    c.vocabSize = 11;
    c.nEmbd = 8;
    c.nLayer = 2;
    c.headSize = 4;
    c.ffnDim = 16;
    c.loraW = 3;
    c.loraA = 2;
    c.loraV = 4;
    c.loraG = 5;
    c.deepEmbed = deepEmbed;
    return c;
}

// Random values everywhere (the official init zeroes whole matrices, which would hide terms).
void randomise(Rwkv7Model& m, uint64_t seed) {
    torch::manual_seed(seed);
    torch::NoGradGuard ng;
    m->initWeights(seed);
    for (auto& p : m->parameters()) p.add_(torch::randn_like(p) * 0.3);
}

TEST(ModelGradient, MatchesFiniteDifferencesInFloat64) {
    Rwkv7Model m(tinyConfig(true));
    m->enableStateTuning();
    randomise(m, 3);
    m->to(torch::kDouble);
    const Tensor tokens = torch::tensor({{1, 4, 2, 9, 4, 2, 7, 0, 3}, {5, 5, 10, 1, 2, 3, 4, 8, 6}}, torch::kLong);
    const Tensor weights = torch::randn({2, 9, 11}, torch::kDouble);
    const auto loss = [&] { return (m->forward(tokens) * weights).sum(); };

    m->zero_grad();
    loss().backward();
    double worst = 0;
    int checked = 0;
    for (auto& item : m->named_parameters()) {
        Tensor p = item.value();
        const Tensor g = p.grad();
        ASSERT_TRUE(g.defined()) << item.key();
        const Tensor flat = p.view(-1);
        // Two elements of every parameter tensor: the first and one in the middle.
        for (int64_t idx : {int64_t(0), flat.numel() / 2}) {
            const double h = 1e-6, orig = flat[idx].item<double>();
            torch::NoGradGuard ng;
            flat[idx] = orig + h;
            const double up = loss().item<double>();
            flat[idx] = orig - h;
            const double down = loss().item<double>();
            flat[idx] = orig;
            const double numeric = (up - down) / (2 * h), analytic = g.view(-1)[idx].item<double>();
            const double err = std::abs(numeric - analytic) / std::max(1.0, std::abs(numeric));
            worst = std::max(worst, err);
            ++checked;
            EXPECT_LT(err, 1e-6) << item.key() << "[" << idx << "] numeric " << numeric << " analytic " << analytic;
        }
    }
    std::printf("[model gradcheck] %d elements over all %zu tensors, worst relative error %.2e\n", checked,
                m->parameters().size(), worst);
}

TEST(ModelInventory, ParameterNamesShapesAndCountFollowTheConfig) {
    for (const std::string preset : {"tiny", "small"}) {
        const Rwkv7Config c = Rwkv7Config::preset(preset, 2176, preset == "small");
        Rwkv7Model m(c);
        const auto expected = pm::model::expectedShapes(c);
        int64_t count = 0;
        size_t n = 0;
        for (const auto& item : m->named_parameters()) {
            ASSERT_TRUE(expected.count(item.key())) << item.key();
            EXPECT_EQ(item.value().sizes().vec(), expected.at(item.key())) << item.key();
            count += item.value().numel();
            ++n;
        }
        EXPECT_EQ(n, expected.size());
        EXPECT_EQ(count, c.parameterCount());
    }
    const Rwkv7Config b = Rwkv7Config::preset("0.1b", 65536);
    EXPECT_EQ(b.nLayer, 12);
    EXPECT_EQ(b.nEmbd, 768);
    EXPECT_EQ((std::vector<int64_t>{b.loraW, b.loraA, b.loraV, b.loraG}), (std::vector<int64_t>{64, 64, 32, 128}));
    EXPECT_THROW(Rwkv7Config::preset("huge", 10), std::invalid_argument);
}

TEST(ModelInit, FollowsTheOfficialRecipeAndTheSeed) {
    const Rwkv7Config c = Rwkv7Config::preset("tiny", 300, true);
    Rwkv7Model a(c), b(c), d(c);
    a->initWeights(7);
    b->initWeights(7);
    d->initWeights(8);
    auto pa = a->named_parameters(), pb = b->named_parameters(), pd = d->named_parameters();
    EXPECT_TRUE(torch::equal(pa["head.weight"], pb["head.weight"]));
    EXPECT_FALSE(torch::equal(pa["head.weight"], pd["head.weight"]));
    // Spot values from spec §1.3 (C = 128, N = 64, L = 4).
    const double r1 = 1.0 - 1.0 / 4;   // layer 1
    EXPECT_NEAR(pa["blocks.1.att.x_r"].view(-1)[64].item<double>(), 1 - std::pow(64.0 / 128, 0.2 * r1), 1e-6);
    EXPECT_NEAR(pa["blocks.0.att.k_a"].view(-1)[5].item<double>(), 1.02, 1e-6);
    EXPECT_NEAR(pa["blocks.2.att.r_k"].view(-1)[9].item<double>(), -0.04, 1e-7);
    EXPECT_NEAR(pa["blocks.3.att.ln_x.weight"][0].item<double>(), 1.0, 1e-7);
    EXPECT_EQ(pa["blocks.1.att.output.weight"].abs().sum().item<double>(), 0.0);
    EXPECT_EQ(pa["blocks.1.att.w1"].abs().sum().item<double>(), 0.0);
    EXPECT_EQ(pa["blocks.2.ffn.enn.weight"].min().item<double>(), 1.0);
    const Tensor w2 = pa["blocks.0.att.w2"];   // orthogonal rows, gain 0.1
    EXPECT_TRUE(torch::allclose(torch::matmul(w2, w2.t()), torch::eye(w2.size(0)) * 0.01, 1e-5, 1e-6));
    const Tensor head = pa["head.weight"];     // V > C: gain 0.5·√(V/C), orthogonal columns
    const double gain = 0.5 * std::sqrt(300.0 / 128.0);
    EXPECT_TRUE(torch::allclose(torch::matmul(head.t(), head), torch::eye(128) * gain * gain, 1e-4, 1e-4));
    const Tensor emb = pa["emb.weight"];
    EXPECT_LE(emb.abs().max().item<double>(), 1e-4);
}

TEST(ModelLora, StartsAsANoOpAndMergesExactly) {
    Rwkv7Model m(tinyConfig(false));
    randomise(m, 5);
    const Tensor tokens = torch::tensor({{3, 1, 4, 1, 5}}, torch::kLong);
    torch::NoGradGuard ng;
    const Tensor before = m->forward(tokens);
    m->enableLora(4, 8.0);
    EXPECT_TRUE(torch::allclose(m->forward(tokens), before));
    for (auto& item : m->named_parameters())
        if (item.key().find("lora_B") != std::string::npos) item.value().normal_(0, 0.1);
    const Tensor adapted = m->forward(tokens);
    EXPECT_FALSE(torch::allclose(adapted, before));
    m->mergeLora();
    EXPECT_TRUE(torch::allclose(m->forward(tokens), adapted, 1e-5, 1e-5));
}

TEST(ModelStateTuning, OnlyTheInitialStateNeedsToTrain) {
    Rwkv7Model m(tinyConfig(false));
    randomise(m, 9);
    m->enableStateTuning();
    for (auto& p : m->parameters()) p.set_requires_grad(false);
    for (auto& p : m->stateTuningParameters()) p.set_requires_grad(true);
    EXPECT_EQ(m->stateTuningParameters().size(), 2u);
    const Tensor tokens = torch::tensor({{3, 1, 4, 1, 5, 9, 2, 6}}, torch::kLong);
    m->forward(tokens).logsumexp(-1).sum().backward();
    for (auto& s : m->stateTuningParameters()) {
        ASSERT_TRUE(s.grad().defined());
        EXPECT_GT(s.grad().abs().sum().item<double>(), 0.0);
    }
    // A tuned state changes the output; initialState() carries it into RNN mode identically.
    torch::NoGradGuard ng;
    for (auto& s : m->stateTuningParameters()) s.normal_(0, 0.5);
    const Tensor gpt = m->forward(tokens);
    auto st = m->initialState(1);
    for (int64_t t = 0; t < tokens.size(1); ++t)
        EXPECT_TRUE(torch::allclose(m->step(tokens.select(1, t), st), gpt.select(1, t), 1e-5, 1e-5)) << t;
}

}  // namespace
