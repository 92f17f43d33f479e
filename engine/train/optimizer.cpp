#include "train/optimizer.h"

#include <cmath>

namespace pm::train {

constexpr double ParamGroups::kLrMultiplier[3];

namespace {
bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

ParamGroups groupParameters(model::Rwkv7Model& model) {
    ParamGroups g;
    for (const auto& item : model->named_parameters(true)) {
        const torch::Tensor& p = item.value();
        if (!p.requires_grad()) continue;
        const std::string& name = item.key();
        int group = 1;
        if (endsWith(name, ".att.w0")) group = 2;
        // "Only apply weight decay to large matrix parameters" (RWKV-LM README): emb, r/k/v/o,
        // ffn key/value, head — the 2-D ".weight" tensors. LoRA adapters and w1/w2-style small
        // projections are not ".weight" and stay undecayed.
        else if (p.dim() == 2 && endsWith(name, ".weight")) group = 0;
        g.names[group].push_back(name);
        g.params[group].push_back(p);
    }
    return g;
}

std::unique_ptr<torch::optim::AdamW> makeOptimizer(const ParamGroups& groups, const OptimOptions& o) {
    std::vector<torch::optim::OptimizerParamGroup> pg;
    for (int i = 0; i < 3; ++i) {
        auto opts = std::make_unique<torch::optim::AdamWOptions>(o.lr * ParamGroups::kLrMultiplier[i]);
        opts->betas(std::make_tuple(o.beta1, o.beta2)).eps(o.eps).weight_decay(i == 0 ? o.weightDecay : 0.0);
        pg.emplace_back(groups.params[i], std::move(opts));
    }
    torch::optim::AdamWOptions defaults(o.lr);
    defaults.betas(std::make_tuple(o.beta1, o.beta2)).eps(o.eps).weight_decay(0.0);
    return std::make_unique<torch::optim::AdamW>(std::move(pg), defaults);
}

double learningRateAt(std::int64_t step, const OptimOptions& o) {
    if (step < o.warmupSteps) {
        const double f = o.warmupSteps > 0 ? double(step) / double(o.warmupSteps) : 1.0;
        return o.lr * (0.01 + 0.99 * f);
    }
    const std::int64_t span = std::max<std::int64_t>(1, o.totalSteps - o.warmupSteps);
    const double progress = std::min(1.0, double(step - o.warmupSteps) / double(span));
    return o.lrFinal + 0.5 * (o.lr - o.lrFinal) * (1.0 + std::cos(M_PI * progress));
}

void setLearningRate(torch::optim::AdamW& optimizer, double lr) {
    auto& groups = optimizer.param_groups();
    for (std::size_t i = 0; i < groups.size() && i < 3; ++i)
        static_cast<torch::optim::AdamWOptions&>(groups[i].options()).lr(lr * ParamGroups::kLrMultiplier[i]);
}

}  // namespace pm::train
