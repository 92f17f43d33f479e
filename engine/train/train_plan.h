// How long a planned run trains: passes over the data, not a fixed step count, within a time
// budget measured on this machine.
//
//   TrainPlan plan = planTraining(config, PlanOptions{}, &cancel);   // ~5-15 s: loads, probes
//   if (plan.ok) { applyPlan(plan, &config); show(describePlan(plan)); }
//
// runTraining does the same by itself when a config has neither steps nor epochs (and reports the
// plan as a Planned event). The arithmetic (planFromInputs) is separate from the measurement
// (measureTraining) so it can be tested with chosen numbers.
//
// No LibTorch here: the app includes it next to Qt.
#pragma once

#include "train/train_options.h"   // PlanOptions
#include "train/trainer.h"

#include <atomic>
#include <cstdint>
#include <string>

namespace pm::train {

struct TrainPlan {
    bool ok = false;  std::string error;
    double passes = 0;               // planned passes over the training tokens (may be < 1 on big data)
    std::int64_t steps = 0, stepsPerPass = 0;
    std::int64_t tokensPerPass = 0;  // training tokens per pass
    std::int64_t validateEvery = 0;  int patience = 0;
    double tokensPerSecond = 0;      // measured by the probe
    double estimatedSeconds = 0;     // training + validations + checkpoints
    bool timeCapped = false;         // fewer passes than targetPasses because of maxSeconds
    std::string device;              // "CPU" / "CUDA:0 (name)" as a user reads it
    // Added: the safety net applyPlan sets (TrainConfig::timeLimitSeconds): the budget plus an
    // eighth, so a machine that gets busier than during the probe still ends near the budget.
    double timeLimitSeconds = 0;
};

// What the probe measured and the data's size: everything the plan is computed from.
struct PlanInputs {
    std::int64_t tokensPerPass = 0;     // real (non-padding) input tokens of the training windows
    std::int64_t stepsPerPass = 0;      // optimiser steps per pass (batches / gradient accumulation)
    double secondsPerStep = 0;          // one optimiser step
    double tokensPerSecond = 0;
    double validationSeconds = 0;       // one validation, with the best-model export that may follow it
    double checkpointSeconds = 0;       // one checkpoint, with its sample when a sampler is set
    double checkpointInterval = 60;     // TrainConfig::checkpointSeconds
    std::int64_t validateEvery = -1;    // the config's: > 0 kept, 0 = only at the end, < 0 = the plan's
    int patience = 0;                   // the config's (makeTrainConfig chose it)
    std::string device;
};

// Measures training throughput with a few real optimiser steps on a throw-away copy of the model
// (nothing written to runDir), then plans. Cancellable (cancel may be null).
TrainPlan planTraining(const TrainConfig& config, const PlanOptions& options, const std::atomic<bool>* cancel);

// The measurement alone: loads the dataset and model as runTraining would, runs one warm-up
// step and then real steps for `probeSeconds`, times one validation batch, a checkpoint and a
// model export into a temporary folder, and one sample when the config has a sampler.
// Defined beside the trainer (train/trainer.cpp): it drives the trainer's own step.
// False with `error` on failure or cancel.
bool measureTraining(const TrainConfig& config, double probeSeconds, const std::atomic<bool>* cancel, PlanInputs* out,
                     std::string* error);

// The arithmetic: steps = ceil(targetPasses x stepsPerPass), or as many as the budget holds with
// ten validations (plus one at the start) and a checkpoint every checkpointInterval seconds.
TrainPlan planFromInputs(const PlanInputs& inputs, const PlanOptions& options);

// Sets steps, validateEvery, patience and the LR schedule length from the plan (and
// validateAtStart, so the run knows where it started, and timeLimitSeconds).
void applyPlan(const TrainPlan& plan, TrainConfig* config);

// "about 4 minutes on this CPU: 3 passes over 31,000 tokens, stops early when validation stops improving"
std::string describePlan(const TrainPlan& plan);

}  // namespace pm::train
