// Planned runs (train/train_plan.h): the arithmetic with chosen numbers (worked out by hand in the
// comments), the probe on a real dataset, and a planned run that does what its plan said.
#include "train/train_plan.h"

#include "model/checkpoint_io.h"
#include "train_fixture.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace {

using pm::train::PlanInputs;
using pm::train::PlanOptions;
using pm::train::TrainEvent;

// The demo set's shape on the 2-core VM, rounded: 31,000 tokens in 16 steps a pass.
PlanInputs smallData() {
    PlanInputs in;
    in.tokensPerPass = 31234;
    in.stepsPerPass = 16;
    in.secondsPerStep = 1.5;
    in.tokensPerSecond = 1300;
    in.validationSeconds = 2;
    in.checkpointSeconds = 1;
    in.checkpointInterval = 60;
    in.validateEvery = -1;
    in.patience = 3;
    in.device = "CPU";
    return in;
}

TEST(TrainPlan, SmallDataGetsItsPassesAndTenValidations) {
    const pm::train::TrainPlan p = pm::train::planFromInputs(smallData(), PlanOptions{});
    ASSERT_TRUE(p.ok) << p.error;
    // 3 passes x 16 steps = 48 steps; validate every ceil(48 / 10) = 5 steps.
    EXPECT_EQ(p.steps, 48);
    EXPECT_DOUBLE_EQ(p.passes, 3.0);
    EXPECT_EQ(p.validateEvery, 5);
    EXPECT_EQ(p.patience, 3);
    EXPECT_FALSE(p.timeCapped);
    // 48 x 1.5 s = 72 s training; 1 + ceil(48 / 5) = 11 validations x 2 s = 22 s; checkpoints
    // floor(72 / 60) + 1 = 2 x 1 s = 2 s: 96 s.
    EXPECT_DOUBLE_EQ(p.estimatedSeconds, 96.0);
    EXPECT_DOUBLE_EQ(p.timeLimitSeconds, 480 * 1.125);
    EXPECT_EQ(p.tokensPerPass, 31234);
    EXPECT_EQ(pm::train::describePlan(p),
              "about 2 minutes on this CPU: 3 passes over 31,000 tokens, stops early when validation stops improving");
}

TEST(TrainPlan, BigDataIsCappedByTheTimeBudget) {
    PlanInputs in = smallData();
    in.tokensPerPass = 812345;
    in.stepsPerPass = 400;
    in.validationSeconds = 4;
    const pm::train::TrainPlan p = pm::train::planFromInputs(in, PlanOptions{});
    ASSERT_TRUE(p.ok) << p.error;
    // 1,200 steps would take 30 min. 285 steps: 427.5 s training, validate every ceil(28.5) = 29
    // steps -> 1 + ceil(285 / 29) = 11 validations x 4 s = 44 s, floor(427.5 / 60) + 1 = 8
    // checkpoints = 8 s: 479.5 s <= 480. 286 steps: 429 + 44 + 8 = 481 s > 480.
    EXPECT_EQ(p.steps, 285);
    EXPECT_TRUE(p.timeCapped);
    EXPECT_DOUBLE_EQ(p.passes, 285.0 / 400.0);
    EXPECT_EQ(p.validateEvery, 29);
    EXPECT_DOUBLE_EQ(p.estimatedSeconds, 479.5);
    EXPECT_EQ(pm::train::describePlan(p),
              "about 8 minutes on this CPU: 71% of a pass over 810,000 tokens (as much as fits the time budget), stops "
              "early when validation stops improving");
}

TEST(TrainPlan, ChosenValidationIntervalAndPassesAreKept) {
    PlanInputs in = smallData();
    in.validateEvery = 0;   // only at the end
    in.patience = 0;
    in.device = "CUDA:0 (NVIDIA H200)";
    PlanOptions o;
    o.targetPasses = 1.5;
    const pm::train::TrainPlan p = pm::train::planFromInputs(in, o);
    ASSERT_TRUE(p.ok);
    // 1.5 x 16 = 24 steps = 36 s; 2 validations (start, end) = 4 s; 1 checkpoint = 1 s.
    EXPECT_EQ(p.steps, 24);
    EXPECT_EQ(p.validateEvery, 0);
    EXPECT_DOUBLE_EQ(p.estimatedSeconds, 41.0);
    EXPECT_EQ(pm::train::describePlan(p), "under a minute on CUDA:0 (NVIDIA H200): 1.5 passes over 31,000 tokens");
}

TEST(TrainPlan, NothingToTrainOnIsAnError) {
    PlanInputs in = smallData();
    in.stepsPerPass = 0;
    EXPECT_FALSE(pm::train::planFromInputs(in, PlanOptions{}).ok);
    in = smallData();
    in.secondsPerStep = 0;
    EXPECT_FALSE(pm::train::planFromInputs(in, PlanOptions{}).ok);
}

TEST(TrainPlan, ApplyPlanSetsTheRunsLength) {
    const pm::train::TrainPlan p = pm::train::planFromInputs(smallData(), PlanOptions{});
    pm::train::TrainConfig c;
    c.epochs = 4;
    pm::train::applyPlan(p, &c);
    EXPECT_EQ(c.steps, 48);
    EXPECT_EQ(c.epochs, 0);
    EXPECT_EQ(c.optim.totalSteps, 48);
    EXPECT_EQ(c.validateEvery, 5);
    EXPECT_EQ(c.patience, 3);
    EXPECT_TRUE(c.validateAtStart);
    EXPECT_DOUBLE_EQ(c.timeLimitSeconds, 540.0);
}

class PlannedRun : public ::testing::Test {
protected:
    pm::test::TempDir tmp;
    std::string dataset;
    void SetUp() override { dataset = pm::test::buildSyntheticDataset(tmp, 6, 8); }
    pm::train::TrainConfig config(const std::string& run) {
        pm::train::TrainConfig c;
        c.datasetDir = dataset;
        c.runDir = tmp / run;
        c.customModel = pm::test::microConfig(0);
        c.batch.ctxLen = 48;
        c.batch.batchSize = 4;
        c.optim.lr = 3e-3;
        c.checkpointSeconds = 1e9;
        c.device = "cpu";
        c.plan.probeSeconds = 0.2;
        c.plan.targetPasses = 2;
        c.plan.maxSeconds = 120;
        return c;
    }
};

TEST_F(PlannedRun, TheProbeMeasuresTheDataAndWritesNothing) {
    const pm::train::TrainConfig c = config("probe");
    const pm::train::TrainPlan p = pm::train::planTraining(c, c.plan, nullptr);
    ASSERT_TRUE(p.ok) << p.error;
    // The data's size, counted independently from the batcher's windows.
    pm::dataset::DatasetContents data;
    ASSERT_EQ(pm::dataset::loadDataset(dataset, &data), "");
    const pm::train::Batcher b(data, pm::dataset::Split::Train, c.batch);
    std::int64_t tokens = 0;
    for (const auto& w : b.windows()) tokens += std::int64_t(w.tokens.size()) - 1;
    EXPECT_EQ(p.tokensPerPass, tokens);
    EXPECT_EQ(p.stepsPerPass, std::int64_t((b.windowCount() + 3) / 4));
    EXPECT_EQ(p.steps, 2 * p.stepsPerPass);
    EXPECT_GT(p.tokensPerSecond, 0);
    EXPECT_GT(p.estimatedSeconds, 0);
    EXPECT_EQ(p.device, "CPU");
    EXPECT_FALSE(std::filesystem::exists(c.runDir)) << "the probe must not write into the run directory";
}

TEST_F(PlannedRun, ACancelledProbeSaysSo) {
    const pm::train::TrainConfig c = config("cancel");
    std::atomic<bool> cancel{true};
    const pm::train::TrainPlan p = pm::train::planTraining(c, c.plan, &cancel);
    EXPECT_FALSE(p.ok);
    EXPECT_NE(p.error.find("cancelled"), std::string::npos) << p.error;
}

TEST_F(PlannedRun, ARunWithoutStepsIsPlannedThenDoesThePlan) {
    const pm::train::TrainConfig c = config("planned");
    std::vector<TrainEvent> events;
    const auto r = pm::train::runTraining(c, nullptr, [&](const TrainEvent& e) { events.push_back(e); });
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_GE(events.size(), 2u);
    EXPECT_EQ(events[0].kind, TrainEvent::Kind::Planned);
    EXPECT_EQ(events[1].kind, TrainEvent::Kind::Started);
    const std::int64_t planned = events[0].totalSteps;
    EXPECT_GT(planned, 0);
    EXPECT_GT(events[0].eta, 0);
    EXPECT_NE(events[0].message.find("2 passes over"), std::string::npos) << events[0].message;
    EXPECT_EQ(events[1].totalSteps, planned);
    EXPECT_EQ(r.step, planned);   // patience 0 (a raw config): no early stop
    EXPECT_FALSE(r.earlyStopped);
    // Validated before the first step (the starting point) and at the end.
    EXPECT_GT(r.firstValLoss, 0);
    EXPECT_LT(r.bestValLoss, r.firstValLoss);
    EXPECT_EQ(events.back().kind, TrainEvent::Kind::Finished);
    EXPECT_EQ(events.back().message.rfind("finished: " + std::to_string(planned) + " of " + std::to_string(planned), 0), 0u)
        << events.back().message;
    EXPECT_NO_THROW(pm::model::loadModel(r.bestModel));
}

}  // namespace
