// The training loss over the model's head, computed chunk by chunk (issue 7).
//
// Only the positions that count (mask > 0: real tokens, or the completion span in continuation
// mode) go through the head at all — logit slicing — and those in chunks of `chunkRows`, each
// chunk's backward run at once, so at most [chunkRows, V] logits exist at a time whatever B·T is.
// The hidden states are cut from the graph at the head (a leaf collects the head's input
// gradient over all chunks) and the body's backward runs once at the end: gradients equal those
// of plain cross-entropy on the full [B, T, V] logits.
#pragma once

#include "model/rwkv7_model.h"

#include <torch/torch.h>

namespace pm::train {

struct LossOptions {
    std::int64_t chunkRows = 2048;   // positions per head chunk
    // L2Wrap (spec §1.3): backward adds factor·max_logit to the arg-max logit's gradient, with
    // factor = l2wrapCoef / (B·T). 0 turns it off. Not part of the reported loss.
    double l2wrapCoef = 0.0;
    // T in that B·T: the context length, so that a batch cut to its longest window (train/batcher.h)
    // gets the factor a full-width one would. 0 = the hidden states' own T.
    std::int64_t l2wrapRowLength = 0;
};

struct LossResult {
    double nllSum = 0;          // nats, over counted positions
    std::int64_t counted = 0;   // positions in the loss
    double mean() const { return counted > 0 ? nllSum / double(counted) : 0.0; }
};

// hidden: (B, T, C) from forwardHidden (with grad); targets (B, T) int64; mask (B, T) float.
// Backpropagates scale · mean CE (+ L2Wrap) into the model. Returns the unscaled loss; with no
// counted position it does nothing.
LossResult lossBackward(model::Rwkv7Model& model, const torch::Tensor& hidden, const torch::Tensor& targets,
                        const torch::Tensor& mask, double scale, const LossOptions& options);

// The same gradient, returned instead of accumulated into the parameters' .grad: for threads
// that train one model on different rows at once (train/shard_pool.h), each with its own sums,
// added up in a fixed order afterwards so a run does not depend on which thread finished first.
// `l2wrapFactor` is the L2Wrap factor itself (lossBackward derives it from scale and B·T; a shard
// of a batch uses the whole batch's). `grads[i]` (same length as `params`) is added to when
// defined and set otherwise; a parameter the loss does not reach leaves it as it was.
LossResult lossGradients(model::Rwkv7Model& model, const torch::Tensor& hidden, const torch::Tensor& targets,
                         const torch::Tensor& mask, double scale, double l2wrapFactor, std::int64_t chunkRows,
                         const std::vector<torch::Tensor>& params, std::vector<torch::Tensor>& grads);

// The same loss without gradients (validation).
LossResult lossNoGrad(model::Rwkv7Model& model, const torch::Tensor& hidden, const torch::Tensor& targets,
                      const torch::Tensor& mask, std::int64_t chunkRows);

}  // namespace pm::train
