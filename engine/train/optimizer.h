// Optimiser and learning-rate schedule per spec §1.3: AdamW, betas (0.9, 0.99), weight decay only
// on 2-D ".weight" matrices, att.w0 at 2x the learning rate, linear warm-up from 0.01x then
// cosine to the final rate. The schedule is ours (LibTorch 1.13's C++ API has only StepLR).
#pragma once

#include "model/rwkv7_model.h"
#include "train/train_options.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace pm::train {

// Trainable parameters (requires_grad) split by how they are optimised. Group order is fixed:
// 0 = decayed 2-D weights, 1 = everything else, 2 = att.w0 (2x lr). Empty groups are kept so
// group indices stay stable in checkpoints.
struct ParamGroups {
    std::vector<std::string> names[3];
    std::vector<torch::Tensor> params[3];
    static constexpr double kLrMultiplier[3] = {1.0, 1.0, 2.0};
};

ParamGroups groupParameters(model::Rwkv7Model& model);

std::unique_ptr<torch::optim::AdamW> makeOptimizer(const ParamGroups& groups, const OptimOptions& options);

// Learning rate at a (0-based) optimiser step: warm-up from 0.01·lr to lr over warmupSteps,
// then cosine from lr to lrFinal at totalSteps (held there after).
double learningRateAt(std::int64_t step, const OptimOptions& options);

// Sets every group's rate to lr times its multiplier.
void setLearningRate(torch::optim::AdamW& optimizer, double lr);

}  // namespace pm::train
