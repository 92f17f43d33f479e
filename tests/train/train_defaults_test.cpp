// The one source of training policy (train/train_defaults.h): the defaults table, how a user's
// choices become a config, and the JSON the CLI's --dry-run prints.
#include "train/train_defaults.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using pm::train::Method;
using pm::train::TrainChoices;
using pm::train::makeTrainConfig;

TEST(TrainDefaults, LearningRatesAndAlphaTable) {
    // A new model learns at the from-scratch rate whatever the method; fine-tuning rates are the
    // measured ones (docs/training.md): full 3e-4, LoRA 1e-3, state 1e-1.
    for (Method m : {Method::Full, Method::Lora, Method::State}) EXPECT_DOUBLE_EQ(pm::train::defaultLearningRate(true, m), 1e-3);
    EXPECT_DOUBLE_EQ(pm::train::defaultLearningRate(false, Method::Full), 3e-4);
    EXPECT_DOUBLE_EQ(pm::train::defaultLearningRate(false, Method::Lora), 1e-3);
    EXPECT_DOUBLE_EQ(pm::train::defaultLearningRate(false, Method::State), 1e-1);
    EXPECT_DOUBLE_EQ(pm::train::defaultLoraAlpha(16), 32.0);
    EXPECT_DOUBLE_EQ(pm::train::defaultLoraAlpha(4), 8.0);
    EXPECT_EQ(pm::train::defaultPatience(), 3);
}

TEST(TrainDefaults, DefaultChoicesMakeAPlannedRunWithEarlyStopping) {
    TrainChoices ch;
    ch.datasetDir = "/d";
    ch.runDir = "/r";
    ch.baseModel = "/base.safetensors";
    const pm::train::TrainConfig c = makeTrainConfig(ch);
    EXPECT_EQ(c.steps, 0);
    EXPECT_EQ(c.epochs, 0);
    EXPECT_EQ(c.validateEvery, -1);    // the plan decides
    EXPECT_EQ(c.patience, 3);
    EXPECT_DOUBLE_EQ(c.optim.lr, 3e-4);   // full fine-tune
    EXPECT_DOUBLE_EQ(c.optim.lrFinal, 3e-5);
    EXPECT_DOUBLE_EQ(c.loraAlpha, 32.0);
    EXPECT_EQ(c.device, "auto");
    EXPECT_FALSE(c.resume);
    EXPECT_DOUBLE_EQ(c.plan.targetPasses, pm::train::PlanOptions{}.targetPasses);
    EXPECT_DOUBLE_EQ(c.plan.maxSeconds, 480.0);
}

TEST(TrainDefaults, EveryChoiceReachesTheConfig) {
    TrainChoices ch;
    ch.datasetDir = "/data/set";
    ch.runDir = "/runs/one";
    ch.exportPath = "/runs/one.safetensors";
    ch.preset = "small";
    ch.deepEmbed = true;
    ch.method = Method::Lora;
    ch.loraRank = 8;
    ch.lr = 2e-3;
    ch.lrFinal = 5e-5;
    ch.steps = 77;
    ch.targetPasses = 2.5;
    ch.maxSeconds = 90;
    ch.ctxLen = 128;
    ch.batchSize = 3;
    ch.gradAccum = 2;
    ch.seed = 42;
    ch.continuation = true;
    ch.augment = false;
    ch.validateEvery = 11;
    ch.patience = 5;
    ch.checkpointSeconds = 30;
    ch.keepLast = 7;
    ch.device = "cuda:1";
    ch.precision = "bf16";
    ch.resumeFrom = "/runs/one/checkpoints/ckpt-000000010.pmckpt";
    const pm::train::TrainConfig c = makeTrainConfig(ch);
    EXPECT_EQ(c.datasetDir, "/data/set");
    EXPECT_EQ(c.runDir, "/runs/one");
    EXPECT_EQ(c.exportPath, "/runs/one.safetensors");
    EXPECT_EQ(c.baseModel, "");
    EXPECT_EQ(c.preset, "small");
    EXPECT_TRUE(c.deepEmbed);
    EXPECT_EQ(c.method, Method::Lora);
    EXPECT_EQ(c.loraRank, 8);
    EXPECT_DOUBLE_EQ(c.loraAlpha, 16.0);   // 2 x rank
    EXPECT_DOUBLE_EQ(c.optim.lr, 2e-3);
    EXPECT_DOUBLE_EQ(c.optim.lrFinal, 5e-5);
    EXPECT_EQ(c.steps, 77);
    EXPECT_DOUBLE_EQ(c.plan.targetPasses, 2.5);
    EXPECT_DOUBLE_EQ(c.plan.maxSeconds, 90.0);
    EXPECT_EQ(c.batch.ctxLen, 128);
    EXPECT_EQ(c.batch.batchSize, 3);
    EXPECT_EQ(c.gradAccum, 2);
    EXPECT_EQ(c.batch.seed, 42u);
    EXPECT_EQ(c.batch.lossMode, pm::train::LossMode::Continuation);
    EXPECT_FALSE(c.batch.augment);
    EXPECT_EQ(c.validateEvery, 11);
    EXPECT_EQ(c.patience, 5);
    EXPECT_DOUBLE_EQ(c.checkpointSeconds, 30);
    EXPECT_EQ(c.keepLast, 7);
    EXPECT_EQ(c.device, "cuda:1");   // intact: the trainer resolves it (pm::resolveDevice)
    EXPECT_EQ(c.precision, "bf16");
    EXPECT_TRUE(c.resume);
    EXPECT_EQ(c.resumeFrom, ch.resumeFrom);
}

TEST(TrainDefaults, FixedLengthRunsValidateEvery100StepsWithoutEarlyStopping) {
    TrainChoices ch;
    ch.epochs = 2;
    pm::train::TrainConfig c = makeTrainConfig(ch);
    EXPECT_EQ(c.validateEvery, 100);
    EXPECT_EQ(c.patience, 0);
    EXPECT_DOUBLE_EQ(c.optim.lr, 1e-3);   // no base model: a new model's rate
    ch.validateEvery = -1;                // only at the end
    c = makeTrainConfig(ch);
    EXPECT_EQ(c.validateEvery, 0);
    ch.loraAlpha = 3;
    ch.lr = 0.5;
    c = makeTrainConfig(ch);
    EXPECT_DOUBLE_EQ(c.loraAlpha, 3.0);
    EXPECT_DOUBLE_EQ(c.optim.lrFinal, 0.05);
}

TEST(TrainDefaults, CheckTrainChoicesSaysWhatIsWrong) {
    TrainChoices ch;
    ch.datasetDir = "/d";
    ch.runDir = "/r";
    EXPECT_EQ(pm::train::checkTrainChoices(ch), "");
    ch.method = Method::State;
    EXPECT_NE(pm::train::checkTrainChoices(ch).find("state"), std::string::npos);   // needs a base model
    ch.resume = true;
    EXPECT_EQ(pm::train::checkTrainChoices(ch), "");   // ... unless resuming
    ch.device = "gpu";
    EXPECT_NE(pm::train::checkTrainChoices(ch).find("'gpu'"), std::string::npos);
    ch.device = "CUDA:3";
    EXPECT_EQ(pm::train::checkTrainChoices(ch), "");
    ch.steps = 5;
    ch.epochs = 1;
    EXPECT_NE(pm::train::checkTrainChoices(ch), "");
}

TEST(TrainDefaults, ConfigJsonHoldsEveryDecidingField) {
    TrainChoices ch;
    ch.datasetDir = "/d";
    ch.runDir = "/r";
    ch.method = Method::Lora;
    ch.baseModel = "/b.safetensors";
    ch.loraRank = 4;
    ch.device = "cuda:1";
    const pm::train::TrainConfig c = makeTrainConfig(ch);
    const auto j = nlohmann::json::parse(pm::train::trainConfigJson(c));
    EXPECT_EQ(j.at("method"), "lora");
    EXPECT_EQ(j.at("lora_rank"), 4);
    EXPECT_DOUBLE_EQ(j.at("lora_alpha").get<double>(), 8.0);
    EXPECT_DOUBLE_EQ(j.at("optim").at("lr").get<double>(), 1e-3);
    EXPECT_EQ(j.at("device"), "cuda:1");
    EXPECT_EQ(j.at("patience"), 3);
    EXPECT_EQ(j.at("steps"), 0);
    EXPECT_EQ(j.at("batch").at("ctx_len"), 256);
    EXPECT_EQ(j.at("base_model"), "/b.safetensors");
    // Same choices, same text; one changed choice, different text.
    EXPECT_EQ(pm::train::trainConfigJson(makeTrainConfig(ch)), pm::train::trainConfigJson(c));
    ch.seed = 2;
    EXPECT_NE(pm::train::trainConfigJson(makeTrainConfig(ch)), pm::train::trainConfigJson(c));
}

}  // namespace
