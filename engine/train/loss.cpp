#include "train/loss.h"

namespace pm::train {

using torch::Tensor;

namespace {

struct Selected {
    Tensor hidden;    // (M, C)
    Tensor targets;   // (M)
};

Selected select(const Tensor& hidden, const Tensor& targets, const Tensor& mask) {
    const int64_t C = hidden.size(-1);
    const Tensor idx = (mask.reshape(-1) > 0).nonzero().reshape(-1);
    return {hidden.reshape({-1, C}).index_select(0, idx), targets.reshape(-1).index_select(0, idx)};
}

}  // namespace

LossResult lossBackward(model::Rwkv7Model& model, const Tensor& hidden, const Tensor& targets, const Tensor& mask,
                        double scale, const LossOptions& options) {
    LossResult r;
    Selected s = select(hidden, targets, mask);
    r.counted = s.hidden.size(0);
    if (r.counted == 0) return r;
    // Head input as a leaf: each chunk's backward stops here and adds into leaf.grad().
    Tensor leaf = s.hidden.detach().requires_grad_(true);
    const double ceScale = scale / double(r.counted);
    const double l2Factor = options.l2wrapCoef > 0 ? scale * options.l2wrapCoef / double(hidden.size(0) * hidden.size(1)) : 0.0;
    const int64_t step = std::max<int64_t>(1, options.chunkRows);
    for (int64_t start = 0; start < r.counted; start += step) {
        const int64_t n = std::min(step, r.counted - start);
        const Tensor logits = model->head(leaf.narrow(0, start, n)).to(torch::kFloat);
        const Tensor nll = torch::nn::functional::cross_entropy(
            logits, s.targets.narrow(0, start, n), torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
        r.nllSum += nll.item<double>();
        Tensor objective = nll * ceScale;
        if (l2Factor > 0) {
            // d/dm (m²/2) = m: the gradient L2Wrap adds to each position's largest logit.
            const Tensor m = std::get<0>(logits.max(-1));
            objective = objective + 0.5 * l2Factor * m.pow(2).sum();
        }
        objective.backward();
    }
    if (s.hidden.requires_grad()) s.hidden.backward(leaf.grad());
    return r;
}

LossResult lossNoGrad(model::Rwkv7Model& model, const Tensor& hidden, const Tensor& targets, const Tensor& mask,
                      std::int64_t chunkRows) {
    torch::NoGradGuard ng;
    LossResult r;
    Selected s = select(hidden, targets, mask);
    r.counted = s.hidden.size(0);
    const int64_t step = std::max<int64_t>(1, chunkRows);
    for (int64_t start = 0; start < r.counted; start += step) {
        const int64_t n = std::min(step, r.counted - start);
        const Tensor logits = model->head(s.hidden.narrow(0, start, n)).to(torch::kFloat);
        r.nllSum += torch::nn::functional::cross_entropy(
                        logits, s.targets.narrow(0, start, n),
                        torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                        .item<double>();
    }
    return r;
}

}  // namespace pm::train
