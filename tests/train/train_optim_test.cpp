// Optimiser groups and the learning-rate schedule against the spec's rules (§1.3), computed by
// hand here rather than with the code under test.
#include "train/optimizer.h"

#include "train_fixture.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

TEST(TrainOptim, GroupsFollowTheSpec) {
    pm::model::Rwkv7Model m(pm::test::microConfig(40));
    const pm::train::ParamGroups g = pm::train::groupParameters(m);
    std::set<std::string> decay(g.names[0].begin(), g.names[0].end()), w0(g.names[2].begin(), g.names[2].end());
    EXPECT_EQ(decay, (std::set<std::string>{"emb.weight", "head.weight", "blocks.0.att.receptance.weight",
                                            "blocks.0.att.key.weight", "blocks.0.att.value.weight",
                                            "blocks.0.att.output.weight", "blocks.0.ffn.key.weight",
                                            "blocks.0.ffn.value.weight", "blocks.1.att.receptance.weight",
                                            "blocks.1.att.key.weight", "blocks.1.att.value.weight",
                                            "blocks.1.att.output.weight", "blocks.1.ffn.key.weight",
                                            "blocks.1.ffn.value.weight"}));
    EXPECT_EQ(w0, (std::set<std::string>{"blocks.0.att.w0", "blocks.1.att.w0"}));
    std::size_t all = 0;
    for (const auto& item : m->named_parameters()) all += item.value().requires_grad();
    EXPECT_EQ(g.names[0].size() + g.names[1].size() + g.names[2].size(), all);
    for (const std::string& n : g.names[1]) EXPECT_EQ(n.find(".att.w0"), std::string::npos);

    pm::train::OptimOptions o;
    o.lr = 0.01;
    o.weightDecay = 0.1;
    auto opt = pm::train::makeOptimizer(g, o);
    pm::train::setLearningRate(*opt, 0.004);
    const auto& pg = opt->param_groups();
    ASSERT_EQ(pg.size(), 3u);
    const auto& o0 = static_cast<const torch::optim::AdamWOptions&>(pg[0].options());
    const auto& o1 = static_cast<const torch::optim::AdamWOptions&>(pg[1].options());
    const auto& o2 = static_cast<const torch::optim::AdamWOptions&>(pg[2].options());
    EXPECT_DOUBLE_EQ(o0.lr(), 0.004);
    EXPECT_DOUBLE_EQ(o1.lr(), 0.004);
    EXPECT_DOUBLE_EQ(o2.lr(), 0.008);
    EXPECT_DOUBLE_EQ(o0.weight_decay(), 0.1);
    EXPECT_DOUBLE_EQ(o1.weight_decay(), 0.0);
    EXPECT_DOUBLE_EQ(o2.weight_decay(), 0.0);
    EXPECT_EQ(std::get<0>(o0.betas()), 0.9);
    EXPECT_EQ(std::get<1>(o0.betas()), 0.99);
}

TEST(TrainOptim, LoraAndStateTuningTrainOnlyTheirParameters) {
    pm::model::Rwkv7Model m(pm::test::microConfig(40));
    m->enableLora(4, 8);
    for (auto& item : m->named_parameters()) item.value().set_requires_grad(item.key().find("lora_") != std::string::npos);
    const pm::train::ParamGroups g = pm::train::groupParameters(m);
    EXPECT_TRUE(g.names[0].empty());   // adapters are not ".weight": no decay
    EXPECT_EQ(g.names[1].size(), 2u * 6u * 2u);
    EXPECT_TRUE(g.names[2].empty());
}

TEST(TrainOptim, ScheduleWarmsUpThenFollowsTheCosine) {
    pm::train::OptimOptions o;
    o.lr = 1e-3;
    o.lrFinal = 1e-5;
    o.warmupSteps = 10;
    o.totalSteps = 110;
    EXPECT_DOUBLE_EQ(pm::train::learningRateAt(0, o), 1e-5);   // 0.01 x
    EXPECT_NEAR(pm::train::learningRateAt(5, o), 1e-3 * (0.01 + 0.99 * 0.5), 1e-15);
    EXPECT_DOUBLE_EQ(pm::train::learningRateAt(10, o), 1e-3);
    // Half way through the cosine: the mean of the two ends.
    EXPECT_NEAR(pm::train::learningRateAt(60, o), (1e-3 + 1e-5) / 2, 1e-15);
    EXPECT_NEAR(pm::train::learningRateAt(35, o), 1e-5 + 0.5 * (1e-3 - 1e-5) * (1 + std::cos(M_PI * 0.25)), 1e-15);
    EXPECT_NEAR(pm::train::learningRateAt(110, o), 1e-5, 1e-15);
    EXPECT_NEAR(pm::train::learningRateAt(500, o), 1e-5, 1e-15);
    for (int s = 11; s < 110; ++s) EXPECT_LE(pm::train::learningRateAt(s, o), pm::train::learningRateAt(s - 1, o));
}

}  // namespace
