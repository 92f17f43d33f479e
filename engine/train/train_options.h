// Optimiser settings as a plain struct, free of LibTorch headers, so the app (whose Qt `slots`
// macro clashes with LibTorch's headers) can hold a TrainConfig.
#pragma once

#include <cstdint>

namespace pm::train {

struct OptimOptions {
    double lr = 1e-3;            // peak
    double lrFinal = 1e-5;       // at totalSteps
    std::int64_t warmupSteps = 10;
    std::int64_t totalSteps = 1000;
    double weightDecay = 0.001;
    double beta1 = 0.9, beta2 = 0.99;
    double eps = 1e-18;          // the official run scripts' value
    double gradClip = 1.0;       // max global L2 norm, 0 = off
};

// What a planned run (TrainConfig with neither steps nor epochs) aims for; train/train_plan.h
// turns it and a measured throughput into steps. Here rather than there so TrainConfig can hold one.
struct PlanOptions {
    // Passes over the training tokens wanted. Three: on the demo set the base model's validation
    // loss kept falling through pass 3 and early stopping ends runs that stop improving sooner
    // (measurements in docs/training.md).
    double targetPasses = 3;
    // Training budget on this machine, validations and checkpoints included. Eight minutes keep
    // the one-click fine-tune, probe and export under ten on the 2-core VM.
    double maxSeconds = 480;
    double probeSeconds = 3;   // measuring time (after one warm-up step)
};

}  // namespace pm::train
