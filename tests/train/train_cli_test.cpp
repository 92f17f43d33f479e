// `pianomuse-cli train` as a user runs it: the bundled base model is the default starting point,
// a new model is one flag away, mistakes get exit codes and one-line messages, the config it
// derives is the engine's (train --dry-run --json against makeTrainConfig), and a run without
// --steps is planned and says so.
#include "model/base_model.h"
#include "model/checkpoint_io.h"
#include "train/train_defaults.h"
#include "train_fixture.h"

#include "../support/run_process.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace {

using pm::test::runProcess;

class TrainCli : public ::testing::Test {
protected:
    pm::test::TempDir tmp;
    std::string data;
    void SetUp() override { data = pm::test::buildSyntheticDataset(tmp, 3, 4); }
    pm::test::ProcessResult train(std::vector<std::string> extra) {
        std::vector<std::string> args = {"train", "--data", data, "--ctx-len", "16", "--batch", "1", "--steps", "1",
                                         "--validate-every", "0", "--sample-bars", "0", "--device", "cpu"};
        args.insert(args.end(), extra.begin(), extra.end());
        return runProcess(PIANOMUSE_CLI_PATH, args);
    }
};

TEST_F(TrainCli, FineTunesTheBundledBaseModelByDefault) {
    const std::string base = pm::model::bundledBaseModelPath();
    ASSERT_FALSE(base.empty());
    const auto r = train({"-o", tmp / "run"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("fine-tuning the bundled base model"), std::string::npos) << r.err;
    const auto out = pm::model::loadModel(tmp / "run" + "/model-final.safetensors");
    EXPECT_EQ(out.model->config().toJson(), pm::model::loadModel(base).model->config().toJson());
}

TEST_F(TrainCli, ScratchAndPresetTrainANewModel) {
    const auto r = train({"-o", tmp / "new", "--scratch", "--preset", "tiny"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.err.find("bundled base"), std::string::npos) << r.err;
    EXPECT_EQ(pm::model::loadModel(tmp / "new" + "/model-final.safetensors").model->config().nEmbd, 128);
}

// The CLI's --dry-run --json must be exactly what the engine derives from the same choices: the
// app builds its config through the same makeTrainConfig, so CLI and app agree by construction.
TEST_F(TrainCli, DryRunJsonIsTheEnginesConfigForTheSameChoices) {
    const std::string run = tmp / "dry";
    struct Case {
        std::vector<std::string> flags;
        pm::train::TrainChoices choices;
    };
    std::vector<Case> cases;
    {
        Case c;   // nothing chosen: the bundled base, planned, full fine-tune
        c.choices.baseModel = pm::model::bundledBaseModelPath();
        cases.push_back(c);
    }
    {
        Case c;
        c.flags = {"--method", "lora", "--lora-rank", "8", "--steps", "50", "--device", "cuda:1", "--seed", "3",
                   "--no-augment", "--validate-every", "0", "--patience", "2", "--batch", "4", "--ctx-len", "128"};
        c.choices.baseModel = pm::model::bundledBaseModelPath();
        c.choices.method = pm::train::Method::Lora;
        c.choices.loraRank = 8;
        c.choices.steps = 50;
        c.choices.device = "cuda:1";
        c.choices.seed = 3;
        c.choices.augment = false;
        c.choices.validateEvery = -1;   // the CLI's 0: only at the end
        c.choices.patience = 2;
        c.choices.batchSize = 4;
        c.choices.ctxLen = 128;
        cases.push_back(c);
    }
    {
        Case c;   // a planned run with its own targets
        c.flags = {"--passes", "1.5", "--max-minutes", "4", "--method", "state"};
        c.choices.baseModel = pm::model::bundledBaseModelPath();
        c.choices.targetPasses = 1.5;
        c.choices.maxSeconds = 240;
        c.choices.method = pm::train::Method::State;
        cases.push_back(c);
    }
    {
        Case c;
        c.flags = {"--scratch", "--preset", "small", "--epochs", "2", "--lr", "3e-4", "--grad-accum", "2", "--continuation",
                   "--keep", "5", "--checkpoint-seconds", "30", "--precision", "fp32", "--device", "CPU"};
        c.choices.preset = "small";
        c.choices.epochs = 2;
        c.choices.lr = 3e-4;
        c.choices.gradAccum = 2;
        c.choices.continuation = true;
        c.choices.keepLast = 5;
        c.choices.checkpointSeconds = 30;
        c.choices.precision = "fp32";
        c.choices.device = "CPU";
        cases.push_back(c);
    }
    for (Case& c : cases) {
        std::vector<std::string> args = {"train", "--data", data, "-o", run, "--dry-run", "--json"};
        args.insert(args.end(), c.flags.begin(), c.flags.end());
        const auto r = runProcess(PIANOMUSE_CLI_PATH, args);
        ASSERT_EQ(r.exitCode, 0) << r.err;
        c.choices.datasetDir = data;
        c.choices.runDir = run;
        EXPECT_EQ(r.out, pm::train::trainConfigJson(pm::train::makeTrainConfig(c.choices)) + "\n") << c.flags.size();
    }
    EXPECT_FALSE(std::filesystem::exists(run)) << "a dry run writes nothing";
}

TEST_F(TrainCli, DevicesAreAutoCpuCudaOrCudaN) {
    const std::string run = tmp / "dev";
    for (const char* ok : {"auto", "cpu", "cuda", "cuda:3"})
        EXPECT_EQ(runProcess(PIANOMUSE_CLI_PATH, {"train", "--data", data, "-o", run, "--dry-run", "--device", ok}).exitCode, 0) << ok;
    const auto bad = runProcess(PIANOMUSE_CLI_PATH, {"train", "--data", data, "-o", run, "--dry-run", "--device", "gpu0"});
    EXPECT_EQ(bad.exitCode, 1);
    EXPECT_NE(bad.err.find("cuda:N"), std::string::npos) << bad.err;
    // Syntax is fine, the machine has no such GPU: the trainer's one line names what it has.
    const auto missing = runProcess(PIANOMUSE_CLI_PATH, {"train", "--data", data, "-o", tmp / "gpu", "--steps", "1",
                                                         "--sample-bars", "0", "--device", "cuda:99"});
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_NE(missing.err.find("available: cpu"), std::string::npos) << missing.err;
    EXPECT_EQ(pm::test::countLines(missing.err.substr(missing.err.find("pianomuse-cli: error"))), 1) << missing.err;
}

TEST_F(TrainCli, WithoutStepsTheRunIsPlannedAndThePlanPrinted) {
    // A new tiny model on three short pieces: the probe, the plan line, then exactly that many steps.
    const auto r = runProcess(PIANOMUSE_CLI_PATH, {"train", "--data", data, "-o", tmp / "planned", "--scratch", "--preset", "tiny",
                                                   "--ctx-len", "16", "--batch", "1", "--sample-bars", "0", "--device", "cpu",
                                                   "--passes", "2", "--max-minutes", "2"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto planAt = r.err.find("plan: ");
    ASSERT_NE(planAt, std::string::npos) << r.err;
    const std::string plan = r.err.substr(planAt, r.err.find('\n', planAt) - planAt);
    EXPECT_NE(plan.find("2 passes over"), std::string::npos) << plan;
    EXPECT_NE(plan.find("stops early when validation stops improving"), std::string::npos) << plan;
    EXPECT_LT(planAt, r.err.find("training:")) << "the plan comes before training starts";
    // "finished: N of N steps" or "stopped early after N of M steps" on stdout.
    EXPECT_TRUE(r.out.rfind("finished: ", 0) == 0 || r.out.rfind("stopped early", 0) == 0) << r.out;
    EXPECT_NO_THROW(pm::model::loadModel(tmp / "planned" + "/model-best.safetensors"));
}

TEST_F(TrainCli, MistakesGetExitCodesAndOneLineMessages) {
    // Usage errors (1): contradicting choices, an unknown precision.
    EXPECT_EQ(train({"-o", tmp / "a", "--scratch", "--base", pm::model::bundledBaseModelPath()}).exitCode, 1);
    EXPECT_EQ(train({"-o", tmp / "b", "--precision", "fp8"}).exitCode, 1);
    // Failures (2): nothing to resume; CUDA asked for on a machine without it.
    const auto noCkpt = train({"-o", tmp / "c", "--resume"});
    EXPECT_EQ(noCkpt.exitCode, 2);
    EXPECT_NE(noCkpt.err.find("no checkpoint"), std::string::npos) << noCkpt.err;
}

}  // namespace
