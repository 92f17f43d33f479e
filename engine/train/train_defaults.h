// The one source of training policy: what a user's choices mean when they leave something at
// "the default". The CLI's `train`, the app's Train page and the demo all build their TrainConfig
// through makeTrainConfig, so they derive the same run from the same choices (a test compares
// the CLI's `train --dry-run --json` with trainConfigJson(makeTrainConfig(...))).
//
// No LibTorch here: the app includes it next to Qt.
#pragma once

#include "train/trainer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pm::train {

// What a user chose, in the words every front end has; 0 / empty = "the default".
struct TrainChoices {
    std::string datasetDir, runDir;
    std::string exportPath;           // final model; "" = runDir/model-final.safetensors
    std::string baseModel;            // "" = a new model of `preset` (front ends resolve the bundled base)
    std::string preset = "tiny";
    bool deepEmbed = false;
    Method method = Method::Full;
    int loraRank = 16;
    double loraAlpha = 0;             // 0 = defaultLoraAlpha(loraRank)
    double lr = 0, lrFinal = 0;       // 0 = defaultLearningRate(...), lr / 10
    std::int64_t steps = 0, epochs = 0;   // both 0 = planned from the data and this machine
    double targetPasses = 0, maxSeconds = 0;   // planned runs: 0 = PlanOptions' defaults
    int ctxLen = 256, batchSize = 8, gradAccum = 1;
    std::uint64_t seed = 1;
    bool continuation = false, augment = true;
    // Fraction of training windows rearranged into the infilling layout (BatcherOptions::infillRate).
    // 0 by default: a fine-tune keeps to continuation, what its few minutes are for (docs/training.md).
    double fimRate = 0;
    // 0 = the default (planned runs: the plan decides; otherwise every 100 steps); < 0 = only
    // at the end.
    std::int64_t validateEvery = 0;
    int patience = -1;                // -1 = the default (planned: defaultPatience(); otherwise off)
    int sampleBars = 4;               // per-checkpoint samples (0 = none); the caller's sampler uses it
    double checkpointSeconds = 60;
    int keepLast = 3;
    std::string device = "auto", precision = "auto";
    bool resume = false;
    std::string resumeFrom;
};

// Peak learning rate of the cosine schedule. A new model learns from scratch at the RWKV-LM
// rate; fine-tuning rates were chosen by measurement on the bundled base model (docs/training.md).
double defaultLearningRate(bool newModel, Method method);
// LoRA alpha: 2 x rank, the usual scale (alpha / rank = 2) that keeps an adapter's update size
// independent of its rank.
double defaultLoraAlpha(int rank);
// Validations in a row without improvement before a planned run stops early.
int defaultPatience();
// The validation interval of a run with a fixed step count that did not choose one.
constexpr std::int64_t kDefaultValidateEvery = 100;

// "" when the choices make a run, else one line saying what is wrong (for the CLI's usage errors
// and the app's Start button).
std::string checkTrainChoices(const TrainChoices& choices);

// Every front end (CLI train, app Train page, demo) turns choices into a config only here.
// (The sampler is not set here: callers that want samples set config.sampler, e.g. pm::gen::trainingSampler.)
TrainConfig makeTrainConfig(const TrainChoices& choices);

// The config as JSON (every field that decides the run; no callbacks) — the CLI's `train --dry-run --json`
// prints exactly this, so a test can compare what CLI and app derive.
std::string trainConfigJson(const TrainConfig& config);

// The `pianomuse-cli train` arguments (after the program name, starting with "train") that make
// the run these choices make: `pianomuse-cli` run with them derives the same config (tested
// against `train --dry-run --json`). The app uses it to start a run in worker processes; nothing
// else turns choices into a command line. Values left at "the default" (0, -1, "") are left out,
// so the CLI applies the same default. processes > 1 adds `--nproc N`: N local worker processes,
// each training `batchSize` windows a step (the batch is per process: N x batchSize windows per
// optimiser step), on "cuda" (each worker takes cuda:LOCAL_RANK, so "cuda:1" cannot be kept)
// unless the device is the CPU. With a base model the preset is not passed (the CLI refuses
// --preset with --base; a fine-tune takes its shape from the model). Empty, with `error` set,
// when checkTrainChoices refuses the choices or they cannot be said on a command line.
std::vector<std::string> trainCommandLine(const TrainChoices& choices, int processes = 1, std::string* error = nullptr);

}  // namespace pm::train
