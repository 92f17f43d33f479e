// trainCommandLine (train/train_defaults.h): the one translation from a user's choices to the
// arguments of `pianomuse-cli train`, which the app uses to start runs in worker processes. The
// expected argument lists are written out by hand; the round trip runs the real CLI with
// --dry-run --json and compares what it derives with makeTrainConfig of the same choices.
#include "model/base_model.h"
#include "train/train_defaults.h"
#include "train_fixture.h"

#include "../support/run_process.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <clocale>
#include <string>
#include <vector>

namespace {

using pm::train::Method;
using pm::train::TrainChoices;
using pm::train::trainCommandLine;
using Args = std::vector<std::string>;

TrainChoices minimal() {
    TrainChoices c;
    c.datasetDir = "/d";
    c.runDir = "/r";
    return c;
}

TEST(TrainCommandLine, DefaultsAreLeftToTheCli) {
    // A new model (no base) with every choice at its default: only the plain values are spelled
    // out; lr, alpha, patience, validation and the plan's targets are the CLI's own defaults.
    const Args expected = {"train", "--data", "/d", "-o", "/r", "--scratch", "--preset", "tiny", "--method", "full",
                           "--lora-rank", "16", "--ctx-len", "256", "--batch", "8", "--seed", "1", "--sample-bars", "4",
                           "--checkpoint-seconds", "60", "--keep", "3", "--device", "auto", "--precision", "auto"};
    EXPECT_EQ(trainCommandLine(minimal()), expected);
}

TEST(TrainCommandLine, EveryChoiceAndTwoProcesses) {
    TrainChoices c = minimal();
    c.datasetDir = "/data/set";
    c.runDir = "/runs/one";
    c.baseModel = "/models/base.safetensors";
    c.preset = "small";   // not passed: the CLI refuses --preset with --base
    c.method = Method::Lora;
    c.loraRank = 8;
    c.loraAlpha = 12;
    c.lr = 2e-3;
    c.lrFinal = 5e-5;
    c.epochs = 4;
    c.targetPasses = 2;   // not passed: a run with a length has no plan
    c.ctxLen = 128;
    c.batchSize = 3;
    c.gradAccum = 2;
    c.seed = 42;
    c.continuation = true;
    c.augment = false;
    c.fimRate = 0.25;
    c.validateEvery = 11;
    c.patience = 5;
    c.sampleBars = 2;
    c.checkpointSeconds = 30;
    c.keepLast = 7;
    c.device = "cuda:1";   // two workers take cuda:0 and cuda:1 by their local rank
    c.precision = "bf16";
    const Args expected = {"train", "--nproc", "2", "--data", "/data/set", "-o", "/runs/one", "--base",
                           "/models/base.safetensors", "--method", "lora", "--lora-rank", "8", "--lora-alpha", "12",
                           "--epochs", "4", "--lr", "0.002", "--lr-final", "5e-05", "--ctx-len", "128", "--batch", "3",
                           "--grad-accum", "2", "--seed", "42", "--continuation", "--no-augment", "--fim-rate", "0.25", "--validate-every", "11",
                           "--patience", "5", "--sample-bars", "2", "--checkpoint-seconds", "30", "--keep", "7",
                           "--device", "cuda", "--precision", "bf16"};
    EXPECT_EQ(trainCommandLine(c, 2), expected);
}

TEST(TrainCommandLine, PlanTargetsValidationAndDevices) {
    TrainChoices c = minimal();
    c.targetPasses = 1.5;
    c.maxSeconds = 90;        // 1.5 minutes
    c.validateEvery = -1;     // only at the end: the CLI's 0
    c.patience = 0;           // never stop early: said explicitly, 0 is not the default
    c.device = "cpu";
    const Args a = trainCommandLine(c, 3);
    const auto after = [&a](const std::string& flag) {
        for (std::size_t i = 0; i + 1 < a.size(); ++i)
            if (a[i] == flag) return a[i + 1];
        return std::string("<absent>");
    };
    EXPECT_EQ(after("--nproc"), "3");
    EXPECT_EQ(after("--passes"), "1.5");
    EXPECT_EQ(after("--max-minutes"), "1.5");
    EXPECT_EQ(after("--validate-every"), "0");
    EXPECT_EQ(after("--patience"), "0");
    EXPECT_EQ(after("--device"), "cpu");   // CPU workers (Gloo) stay on the CPU
    c.device = "auto";
    EXPECT_EQ(trainCommandLine(c, 2)[std::size_t(trainCommandLine(c, 2).size() - 3)], "cuda");
    EXPECT_EQ(trainCommandLine(c, 1)[std::size_t(trainCommandLine(c, 1).size() - 3)], "auto");   // one process: as chosen
}

TEST(TrainCommandLine, ResumeAndExportPath) {
    TrainChoices c = minimal();
    c.resume = true;
    Args a = trainCommandLine(c);
    EXPECT_EQ(std::count(a.begin(), a.end(), "--scratch"), 0);   // the checkpoint knows the model
    EXPECT_EQ(a.back(), "--resume");
    c.resumeFrom = "/r/checkpoints/ckpt-000000010.pmckpt";
    a = trainCommandLine(c);
    ASSERT_GE(a.size(), 2u);
    EXPECT_EQ(a[a.size() - 2], "--resume-from");
    EXPECT_EQ(a.back(), "/r/checkpoints/ckpt-000000010.pmckpt");

    // -o MODEL.safetensors puts the run folder beside it as MODEL-run: that pair has a spelling...
    c = minimal();
    c.exportPath = "/runs/mine.safetensors";
    c.runDir = "/runs/mine-run";
    a = trainCommandLine(c);
    ASSERT_GE(a.size(), 5u);
    EXPECT_EQ(a[3], "-o");
    EXPECT_EQ(a[4], "/runs/mine.safetensors");
    // ...an export anywhere else has none.
    c.runDir = "/elsewhere";
    std::string error;
    EXPECT_TRUE(trainCommandLine(c, 1, &error).empty());
    EXPECT_NE(error.find("/runs/mine.safetensors"), std::string::npos) << error;
}

TEST(TrainCommandLine, RefusesWhatCheckTrainChoicesRefuses) {
    std::string error;
    TrainChoices c = minimal();
    c.datasetDir.clear();
    EXPECT_TRUE(trainCommandLine(c, 1, &error).empty());
    EXPECT_EQ(error, "no dataset chosen");
    c = minimal();
    c.steps = 10;
    c.epochs = 2;
    EXPECT_TRUE(trainCommandLine(c, 1, &error).empty());
    EXPECT_EQ(error, "give steps or epochs, not both");
    EXPECT_TRUE(trainCommandLine(minimal(), 0, &error).empty());
    EXPECT_EQ(error, "the number of processes must be at least 1");
}

TEST(TrainCommandLine, NumbersIgnoreTheUsersLocale) {
    // The app runs under the user's LC_NUMERIC (Qt sets it): German writes 0,0003, which the CLI
    // refuses. Where no German locale is installed this still checks the C locale's spelling.
    const std::string saved = std::setlocale(LC_NUMERIC, nullptr);
    const bool german = std::setlocale(LC_NUMERIC, "de_DE.UTF-8") != nullptr || std::setlocale(LC_NUMERIC, "de_DE") != nullptr;
    TrainChoices c = minimal();
    c.lr = 3e-4;
    c.checkpointSeconds = 2.5;
    const Args a = trainCommandLine(c);
    std::setlocale(LC_NUMERIC, saved.c_str());
    // The shortest spelling that reads back exactly: "3e-04" (5 characters) beats "0.0003" (6).
    EXPECT_NE(std::find(a.begin(), a.end(), "3e-04"), a.end()) << (german ? "de_DE" : "C");
    EXPECT_NE(std::find(a.begin(), a.end(), "2.5"), a.end()) << (german ? "de_DE" : "C");
}

// The CLI, given the arguments, derives exactly the config the app would run for the same choices.
TEST(TrainCommandLine, TheCliDerivesTheSameRun) {
    pm::test::TempDir tmp;
    const std::string data = pm::test::buildSyntheticDataset(tmp, 3, 4);
    const std::string base = pm::model::bundledBaseModelPath();
    std::vector<TrainChoices> cases;
    {
        TrainChoices c;   // a new model with a fixed length and most knobs turned
        c.steps = 40;
        c.validateEvery = -1;
        c.patience = 0;
        c.seed = 7;
        c.continuation = true;
        c.augment = false;
        c.fimRate = 0.3;
        c.gradAccum = 2;
        c.lr = 3e-4;
        c.lrFinal = 1e-5;
        c.ctxLen = 32;
        c.batchSize = 2;
        c.sampleBars = 0;
        c.device = "cpu";
        c.preset = "small";
        c.deepEmbed = true;
        cases.push_back(c);
    }
    if (!base.empty()) {
        TrainChoices c;   // the bundled base, LoRA, planned with its own targets
        c.baseModel = base;
        c.method = Method::Lora;
        c.loraRank = 4;
        c.loraAlpha = 6;
        c.targetPasses = 1.5;
        c.maxSeconds = 240;
        c.checkpointSeconds = 30;
        c.keepLast = 5;
        c.precision = "fp32";
        c.device = "cuda:1";
        cases.push_back(c);
        TrainChoices s;   // state tuning over passes
        s.baseModel = base;
        s.method = Method::State;
        s.epochs = 2;
        s.validateEvery = 7;
        s.patience = 2;
        cases.push_back(s);
    }
    {
        TrainChoices c;   // resumed: the checkpoint's model, no --scratch
        c.resume = true;
        cases.push_back(c);
    }
    {
        TrainChoices c;   // the model exported beside its run folder
        c.exportPath = tmp / "mine.safetensors";
        c.steps = 5;
        cases.push_back(c);
    }
    // Two processes: the CLI takes --nproc (with --dry-run it starts nothing and prints the run of
    // each worker, whose device is "cuda" until its local rank picks cuda:N).
    {
        TrainChoices c;
        c.datasetDir = data;
        c.runDir = tmp / "dry2";
        c.steps = 10;
        c.batchSize = 3;
        Args args = trainCommandLine(c, 2);
        ASSERT_FALSE(args.empty());
        args.insert(args.end(), {"--dry-run", "--json"});
        const auto r = pm::test::runProcess(PIANOMUSE_CLI_PATH, args);
        ASSERT_EQ(r.exitCode, 0) << r.err;
        c.device = "cuda";
        EXPECT_EQ(r.out, pm::train::trainConfigJson(pm::train::makeTrainConfig(c)) + "\n");
    }
    int n = 0;
    for (TrainChoices& c : cases) {
        ++n;
        c.datasetDir = data;
        if (c.runDir.empty()) c.runDir = c.exportPath.empty() ? tmp / "dry" : tmp / "mine-run";
        std::string error;
        Args args = trainCommandLine(c, 1, &error);
        ASSERT_FALSE(args.empty()) << error;
        args.insert(args.end(), {"--dry-run", "--json"});
        const auto r = pm::test::runProcess(PIANOMUSE_CLI_PATH, args);
        ASSERT_EQ(r.exitCode, 0) << "case " << n << ": " << r.err;
        EXPECT_EQ(r.out, pm::train::trainConfigJson(pm::train::makeTrainConfig(c)) + "\n") << "case " << n;
    }
}

}  // namespace
