// The sampler against hand-computed distributions: masking, temperature, top-k, top-p, the
// decaying repetition penalty, end bias and seeded reproducibility.
#include "generate/sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

using pm::gen::Sampler;
using pm::gen::SamplingOptions;
using pm::tok::TokenId;

namespace {
constexpr TokenId kNoEos = 0xFFFE;

std::map<TokenId, double> frequencies(Sampler& s, const std::vector<float>& logits, const std::vector<TokenId>& allowed,
                                      int draws, const std::vector<TokenId>& recent = {}, TokenId eos = kNoEos) {
    std::map<TokenId, double> f;
    for (int i = 0; i < draws; ++i) f[s.sample(logits.data(), logits.size(), allowed, recent, eos)] += 1.0 / draws;
    return f;
}
}  // namespace

TEST(Sampler, NeverPicksATokenOutsideTheAllowedSet) {
    std::vector<float> logits(50);
    for (std::size_t i = 0; i < logits.size(); ++i) logits[i] = float(i % 7) - (i == 3 ? -100.0f : 0.0f);   // 3 dominates
    SamplingOptions o;
    o.seed = 11;
    Sampler s(o);
    const std::vector<TokenId> allowed = {5, 6, 40};
    for (const auto& [id, p] : frequencies(s, logits, allowed, 2000)) EXPECT_TRUE(id == 5 || id == 6 || id == 40) << id;
    EXPECT_EQ(s.sample(logits.data(), logits.size(), {}, {}, kNoEos), pm::tok::kNotAToken);
}

TEST(Sampler, TemperatureOneFollowsTheSoftmax) {
    // p = softmax(0, ln 2, ln 5) = (1, 2, 5) / 8.
    const std::vector<float> logits = {0.0f, float(std::log(2.0)), float(std::log(5.0))};
    SamplingOptions o;
    o.seed = 3;
    Sampler s(o);
    auto f = frequencies(s, logits, {0, 1, 2}, 40000);
    EXPECT_NEAR(f[0], 1.0 / 8, 0.01);
    EXPECT_NEAR(f[1], 2.0 / 8, 0.01);
    EXPECT_NEAR(f[2], 5.0 / 8, 0.01);
    // Temperature 2 flattens to softmax(logits / 2) ∝ (1, √2, √5).
    o.temperature = 2.0;
    Sampler hot(o);
    f = frequencies(hot, logits, {0, 1, 2}, 40000);
    const double z = 1 + std::sqrt(2.0) + std::sqrt(5.0);
    EXPECT_NEAR(f[0], 1 / z, 0.01);
    EXPECT_NEAR(f[2], std::sqrt(5.0) / z, 0.01);
}

TEST(Sampler, GreedyTopKAndTopPCut) {
    const std::vector<float> logits = {0.0f, float(std::log(2.0)), float(std::log(5.0)), 9.0f};
    const std::vector<TokenId> allowed = {0, 1, 2};   // 3 is best but not allowed
    SamplingOptions o;
    o.temperature = 0;
    Sampler greedy(o);
    EXPECT_EQ(greedy.sample(logits.data(), logits.size(), allowed, {}, kNoEos), 2);

    o.temperature = 1;
    o.topK = 2;   // keeps 2 and 1: (2, 5) / 7
    Sampler k(o);
    auto f = frequencies(k, logits, allowed, 30000);
    EXPECT_EQ(f.count(0), 0u);
    EXPECT_NEAR(f[2], 5.0 / 7, 0.012);

    o.topK = 0;
    o.topP = 0.6;   // 5/8 = 0.625 >= 0.6: only token 2 survives
    Sampler p(o);
    f = frequencies(p, logits, allowed, 1000);
    EXPECT_DOUBLE_EQ(f[2], 1.0);
    o.topP = 0.8;   // 5/8 + 2/8 >= 0.8: tokens 2 and 1, renormalised (5, 2) / 7
    Sampler p2(o);
    f = frequencies(p2, logits, allowed, 30000);
    EXPECT_EQ(f.count(0), 0u);
    EXPECT_NEAR(f[1], 2.0 / 7, 0.012);
}

TEST(Sampler, RepetitionPenaltyDecaysWithDistance) {
    // Equal logits 1.0; 10 played just now (factor 2), 11 three pitches ago (factor 1 + 0.5^3).
    const std::vector<float> logits(16, 1.0f);
    SamplingOptions o;
    o.temperature = 0;
    o.repetitionPenalty = 2.0;
    o.repetitionDecay = 0.5;
    const std::vector<TokenId> recent = {11, 13, 13, 10};
    Sampler greedy(o);
    // 12 is not penalised: it wins; without it the more distant repeat (11) beats the recent one.
    EXPECT_EQ(greedy.sample(logits.data(), logits.size(), {10, 11, 12}, recent, kNoEos), 12);
    EXPECT_EQ(greedy.sample(logits.data(), logits.size(), {10, 11}, recent, kNoEos), 11);

    // Sampled: p(10) / p(12) = exp(1/2 - 1).
    o.temperature = 1;
    o.seed = 5;
    Sampler s(o);
    auto f = frequencies(s, logits, {10, 12}, 40000, recent);
    const double r = std::exp(0.5 - 1.0);
    EXPECT_NEAR(f[10], r / (1 + r), 0.01);
    // Negative logits are multiplied: -1 -> -2.
    const std::vector<float> neg(16, -1.0f);
    f = frequencies(s, neg, {10, 12}, 40000, recent);
    const double rn = std::exp(-2.0 + 1.0);
    EXPECT_NEAR(f[10], rn / (1 + rn), 0.01);
}

TEST(Sampler, EndBiasShiftsOnlyTheEndToken) {
    const std::vector<float> logits(4, 0.0f);
    SamplingOptions o;
    o.seed = 9;
    o.endBias = std::log(3.0);   // EOS (2) three times as likely as each other token
    Sampler s(o);
    auto f = frequencies(s, logits, {0, 1, 2}, 40000, {}, 2);
    EXPECT_NEAR(f[2], 3.0 / 5, 0.01);
    EXPECT_NEAR(f[0], 1.0 / 5, 0.01);
}

TEST(Sampler, SameSeedSameDrawsDifferentSeedDifferentDraws) {
    std::vector<float> logits(64, 0.0f);
    std::vector<TokenId> allowed;
    for (TokenId i = 0; i < 64; ++i) allowed.push_back(i);
    auto draws = [&](std::uint64_t seed) {
        SamplingOptions o;
        o.seed = seed;
        Sampler s(o);
        std::vector<TokenId> d;
        for (int i = 0; i < 100; ++i) d.push_back(s.sample(logits.data(), logits.size(), allowed, {}, kNoEos));
        return d;
    };
    EXPECT_EQ(draws(42), draws(42));
    EXPECT_NE(draws(42), draws(43));
}
