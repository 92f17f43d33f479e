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

}  // namespace pm::train
