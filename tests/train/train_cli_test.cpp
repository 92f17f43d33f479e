// `pianomuse-cli train` as a user runs it: the bundled base model is the default starting point,
// a new model is one flag away, and mistakes get exit codes and one-line messages.
#include "model/base_model.h"
#include "model/checkpoint_io.h"
#include "train_fixture.h"

#include "../support/run_process.h"

#include <gtest/gtest.h>

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
