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

// Where a chunk's gradients go: into .grad (lossBackward) or into caller-held sums (lossGradients).
struct GradSink {
    const std::vector<Tensor>* params = nullptr;
    std::vector<Tensor>* grads = nullptr;
};

void addInto(std::vector<Tensor>& sums, const std::vector<Tensor>& g, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        if (!g[i].defined()) continue;
        if (sums[i].defined()) sums[i].add_(g[i]);
        // Autograd may hand back a view (of a split, or an expanded zero): a sum of our own, so
        // adding into it touches nothing else and the optimiser may detach it in place.
        else sums[i] = g[i].is_view() || !g[i].is_contiguous() ? g[i].clone(at::MemoryFormat::Contiguous) : g[i];
    }
}

LossResult chunkedBackward(model::Rwkv7Model& model, const Tensor& hidden, const Tensor& targets, const Tensor& mask,
                           double scale, double l2Factor, std::int64_t chunkRows, const GradSink* sink) {
    LossResult r;
    Selected s = select(hidden, targets, mask);
    r.counted = s.hidden.size(0);
    if (r.counted == 0) return r;
    // Head input as a leaf: each chunk's backward stops here and adds into its gradient.
    Tensor leaf = s.hidden.detach().requires_grad_(true);
    Tensor leafGrad;
    const double ceScale = scale / double(r.counted);
    const int64_t step = std::max<int64_t>(1, chunkRows);
    std::vector<Tensor> inputs;
    if (sink) {
        inputs = *sink->params;
        inputs.push_back(leaf);
    }
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
        if (!sink) {
            objective.backward();
            continue;
        }
        const std::vector<Tensor> g = torch::autograd::grad({objective}, inputs, {}, false, false, true);
        addInto(*sink->grads, g, sink->params->size());
        const Tensor& lg = g.back();
        leafGrad = leafGrad.defined() ? leafGrad.add_(lg) : lg.clone();
    }
    if (!s.hidden.requires_grad()) return r;
    if (!sink) {
        s.hidden.backward(leaf.grad());
    } else {
        const std::vector<Tensor> g = torch::autograd::grad({s.hidden}, *sink->params, {leafGrad}, false, false, true);
        addInto(*sink->grads, g, g.size());
    }
    return r;
}

}  // namespace

LossResult lossBackward(model::Rwkv7Model& model, const Tensor& hidden, const Tensor& targets, const Tensor& mask,
                        double scale, const LossOptions& options) {
    const std::int64_t rowLength = options.l2wrapRowLength > 0 ? options.l2wrapRowLength : hidden.size(1);
    const double l2Factor = options.l2wrapCoef > 0 ? scale * options.l2wrapCoef / double(hidden.size(0) * rowLength) : 0.0;
    return chunkedBackward(model, hidden, targets, mask, scale, l2Factor, options.chunkRows, nullptr);
}

LossResult lossGradients(model::Rwkv7Model& model, const Tensor& hidden, const Tensor& targets, const Tensor& mask,
                         double scale, double l2wrapFactor, std::int64_t chunkRows, const std::vector<Tensor>& params,
                         std::vector<Tensor>& grads) {
    if (grads.size() != params.size()) grads.resize(params.size());
    const GradSink sink{&params, &grads};
    return chunkedBackward(model, hidden, targets, mask, scale, l2wrapFactor, chunkRows, &sink);
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
