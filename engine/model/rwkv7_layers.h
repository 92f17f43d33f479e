// The pieces of an RWKV-7 block (spec §1.2), as LibTorch modules whose parameter names are the
// official RWKV-LM keys (blocks.l.att.x_r, blocks.l.ffn.key.weight, ...), so a state dict maps
// one to one onto named_parameters().
#pragma once

#include "model/rwkv7_config.h"

#include <torch/torch.h>

namespace pm::model {

// nn.Linear without bias (y = x Wᵀ) plus optional LoRA adapters for fine-tuning (issue 7):
// y = x Wᵀ + (α/r) · (x Aᵀ) Bᵀ with A [r, in] random, B [out, r] zero, so enabling LoRA leaves
// the output unchanged until B trains. mergeLora() folds the adapters into W for export.
class DenseImpl : public torch::nn::Module {
public:
    DenseImpl(int64_t in, int64_t out);
    torch::Tensor forward(const torch::Tensor& x);   // [..., in] → [..., out]
    void enableLora(int64_t rank, double alpha);
    void mergeLora();
    bool hasLora() const { return loraA.defined(); }

    torch::Tensor weight;   // (out, in)
    torch::Tensor loraA;    // (rank, in), only when LoRA is enabled
    torch::Tensor loraB;    // (out, rank)
    double loraScale = 0.0;
};
TORCH_MODULE(Dense);

// The recurrent state of one layer (RNN mode, spec §5), batch-first.
struct LayerState {
    torch::Tensor attXPrev;   // (B, C)        ln1 output of the previous token
    torch::Tensor wkv;        // (B, H, N, N)  fp32 WKV state, value-major
    torch::Tensor ffnXPrev;   // (B, C)        ln2 output of the previous token
};

class TimeMixImpl : public torch::nn::Module {
public:
    TimeMixImpl(const Rwkv7Config& cfg, int64_t layer);
    struct Out {
        torch::Tensor out;      // (B, T, C)
        torch::Tensor vFirst;   // (B, T, C) layer 0's value projection, for the value residual
        torch::Tensor state;    // (B, H, N, N) WKV state after the last token
    };
    // x: (B, T, C) ln1 output; xPrev: (B, C); vFirst: (B, T, C) (undefined in layer 0);
    // s0: (B, H, N, N) or undefined for zeros.
    Out forward(const torch::Tensor& x, const torch::Tensor& xPrev, const torch::Tensor& vFirst,
                const torch::Tensor& s0);
    // State tuning: a trainable initial WKV state (H, N, N), registered as "time_state".
    void enableStateTuning();

    int64_t layer, nHead, headSize;
    torch::Tensor x_r, x_w, x_k, x_v, x_a, x_g;   // (1, 1, C) token-shift mixes
    torch::Tensor w0, w1, w2;                     // (1, 1, C), (C, Dw), (Dw, C) decay logit LoRA
    torch::Tensor a0, a1, a2;                     // in-context learning rate
    torch::Tensor v0, v1, v2;                     // value residual gate (layers > 0 only)
    torch::Tensor g1, g2;                         // (C, Dg), (Dg, C) output gate
    torch::Tensor k_k, k_a;                       // (1, 1, C)
    torch::Tensor r_k;                            // (H, N) bonus
    torch::Tensor time_state;                     // (H, N, N) when state tuning is on
    Dense receptance{nullptr}, key{nullptr}, value{nullptr}, output{nullptr};
    torch::nn::GroupNorm ln_x{nullptr};           // H groups, eps 64e-5
};
TORCH_MODULE(TimeMix);

class ChannelMixImpl : public torch::nn::Module {
public:
    ChannelMixImpl(const Rwkv7Config& cfg);
    // x: (B, T, C) ln2 output; xPrev: (B, C); tokens: (B, T) for DeepEmbed.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& xPrev, const torch::Tensor& tokens);

    torch::Tensor x_k;                        // (1, 1, C)
    Dense key{nullptr}, value{nullptr};       // (F, C), (C, F)
    torch::nn::Embedding enn{nullptr};        // (V, C) DeepEmbed, when enabled
};
TORCH_MODULE(ChannelMix);

class BlockImpl : public torch::nn::Module {
public:
    BlockImpl(const Rwkv7Config& cfg, int64_t layer);
    // x: (B, T, C) residual stream; state in/out (xPrev/wkv may be undefined = zeros).
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& tokens, torch::Tensor& vFirst,
                          LayerState& state);

    int64_t layer;
    torch::nn::LayerNorm ln0{nullptr}, ln1{nullptr}, ln2{nullptr};   // ln0 in block 0 only
    TimeMix att{nullptr};
    ChannelMix ffn{nullptr};
};
TORCH_MODULE(Block);

}  // namespace pm::model
